"""Programme content, events, FAQ and unanswered questions; programme names become
per-language texts (the old name is kept as the default language's).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:11:30.525126
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('place', sa.JSON(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['partner.id'], name=op.f('fk_event_created_by_partner'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_event_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('slug', name=op.f('uq_event_slug'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('faq_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('triggers', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['partner.id'], name=op.f('fk_faq_entry_created_by_partner'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_faq_entry_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entry')),
    sa.UniqueConstraint('slug', name=op.f('uq_faq_entry_slug'))
    )
    with op.batch_alter_table('faq_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_entry_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_entry_updated_at'), ['updated_at'], unique=False)

    op.create_table('programme_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.JSON(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.JSON(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_figure_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_figure'))
    )
    with op.batch_alter_table('programme_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_figure_programme_id'), ['programme_id'], unique=False)

    op.create_table('event_landscape',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('landscape_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_landscape_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['landscape_id'], ['landscape.id'], name=op.f('fk_event_landscape_landscape_id_landscape'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'landscape_id', name=op.f('pk_event_landscape'))
    )
    with op.batch_alter_table('event_landscape', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_landscape_landscape_id'), ['landscape_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['faq_entry.id'], name=op.f('fk_question_answered_by_faq_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_question_partner_id_partner'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answered_by'), ['answered_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_asked_at'), ['asked_at'], unique=False)

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('phase', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('funder', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('countries', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('status', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('status_as_of', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status_updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status_updated_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('name_i18n', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_programme_status_updated_by_partner'), 'partner', ['status_updated_by'], ['id'], ondelete='SET NULL')

    _convert_names(lambda name, language: {language: name}, 'name', 'name_i18n')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('name')
        batch_op.alter_column('name_i18n', new_column_name='name', existing_type=sa.JSON(), nullable=False)



def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programme_status_updated_by_partner'), type_='foreignkey')
        batch_op.add_column(sa.Column('plain_name', sa.VARCHAR(length=200), nullable=True))
        batch_op.drop_column('status_updated_by')
        batch_op.drop_column('status_updated_at')
        batch_op.drop_column('status_as_of')
        batch_op.drop_column('status')
        batch_op.drop_column('countries')
        batch_op.drop_column('ends_on')
        batch_op.drop_column('starts_on')
        batch_op.drop_column('funder')
        batch_op.drop_column('phase')
        batch_op.drop_column('summary')

    _convert_names(lambda names, language: names.get(language) or next(iter(names.values()), ''), 'name', 'plain_name')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('name')
        batch_op.alter_column('plain_name', new_column_name='name', existing_type=sa.VARCHAR(length=200), nullable=False)

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_asked_at'))
        batch_op.drop_index(batch_op.f('ix_question_answered_by'))

    op.drop_table('question')
    with op.batch_alter_table('event_landscape', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_landscape_landscape_id'))

    op.drop_table('event_landscape')
    with op.batch_alter_table('programme_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_figure_programme_id'))

    op.drop_table('programme_figure')
    with op.batch_alter_table('faq_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_entry_updated_at'))
        batch_op.drop_index(batch_op.f('ix_faq_entry_programme_id'))

    op.drop_table('faq_entry')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_programme_id'))

    op.drop_table('event')


def _convert_names(convert: Callable[[Any, str], Any], source: str, target: str) -> None:
    """Copy each programme's name into the new column, converted (a data step Alembic cannot
    generate)."""
    programme = sa.table(
        'programme',
        sa.column('id', sa.Integer()),
        sa.column('default_language', sa.String()),
        sa.column(source, sa.JSON() if source == 'name' and target == 'plain_name' else sa.String()),
        sa.column(target, sa.JSON() if target == 'name_i18n' else sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(programme.c.id, programme.c[source], programme.c.default_language)).all()
    for row_id, value, language in rows:
        bind.execute(
            programme.update().where(programme.c.id == row_id).values({target: convert(value, language)})
        )
