"""Progress check-ins (templates, answers), the durable delivery path (batches, deliveries),
RSVPs and broadcasts; events get an audience by role and reminder offsets, partners an
"away until" date.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 06:56:09.712752
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('expanded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch')),
    sa.UniqueConstraint('kind', 'source', name=op.f('uq_batch_kind'))
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_due_at'), ['due_at'], unique=False)

    op.create_table('broadcast',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('default_language', sa.String(length=8), nullable=False),
    sa.Column('ask_ack', sa.Boolean(), nullable=False),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('progress_message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['partner.id'], name=op.f('fk_broadcast_created_by_partner'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast'))
    )
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_delivery_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('kind', 'source', 'partner_id', name=op.f('uq_delivery_kind'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_pending', ['status', 'priority', 'due_at'], unique=False)

    op.create_table('broadcast_ack',
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcast.id'], name=op.f('fk_broadcast_ack_broadcast_id_broadcast'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_broadcast_ack_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('broadcast_id', 'partner_id', name=op.f('pk_broadcast_ack'))
    )
    op.create_table('checkin_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('cadence', sa.String(length=8), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_checkin_template_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_template')),
    sa.UniqueConstraint('programme_id', name=op.f('uq_checkin_template_programme_id'))
    )
    op.create_table('checkin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('landscape_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['landscape_id'], ['landscape.id'], name=op.f('fk_checkin_landscape_id_landscape'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_checkin_partner_id_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_checkin_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['partner.id'], name=op.f('fk_checkin_reviewed_by_partner'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin')),
    sa.UniqueConstraint('partner_id', 'programme_id', 'period_start', name=op.f('uq_checkin_partner_id'))
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_landscape_period', ['landscape_id', 'period_start'], unique=False)
        batch_op.create_index('ix_checkin_period_partner', ['period_start', 'partner_id', 'programme_id'], unique=False)
        batch_op.create_index('ix_checkin_programme_period', ['programme_id', 'period_start'], unique=False)

    op.create_table('checkin_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('unit', sa.JSON(), nullable=False),
    sa.Column('minimum', sa.Float(), nullable=True),
    sa.Column('maximum', sa.Float(), nullable=True),
    sa.Column('integer', sa.Boolean(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('max_length', sa.Integer(), nullable=True),
    sa.Column('barrier', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['checkin_template.id'], name=op.f('fk_checkin_question_template_id_checkin_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_question')),
    sa.UniqueConstraint('template_id', 'key', name=op.f('uq_checkin_question_template_id'))
    )
    with op.batch_alter_table('checkin_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_question_template_id'), ['template_id'], unique=False)

    op.create_table('rsvp',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=8), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_rsvp_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_rsvp_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'partner_id', name=op.f('pk_rsvp'))
    )
    with op.batch_alter_table('rsvp', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rsvp_partner_id'), ['partner_id'], unique=False)

    op.create_table('checkin_answer',
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=40), nullable=False),
    sa.Column('part', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Float(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkin.id'], name=op.f('fk_checkin_answer_checkin_id_checkin'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('checkin_id', 'question_key', 'part', name=op.f('pk_checkin_answer')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_roles', sa.JSON(), nullable=False))
        batch_op.add_column(sa.Column('reminder_minutes', sa.JSON(), nullable=True))

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away_until', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_column('away_until')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('reminder_minutes')
        batch_op.drop_column('audience_roles')

    op.drop_table('checkin_answer')
    with op.batch_alter_table('rsvp', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rsvp_partner_id'))

    op.drop_table('rsvp')
    with op.batch_alter_table('checkin_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_question_template_id'))

    op.drop_table('checkin_question')
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_programme_period')
        batch_op.drop_index('ix_checkin_period_partner')
        batch_op.drop_index('ix_checkin_landscape_period')

    op.drop_table('checkin')
    op.drop_table('checkin_template')
    op.drop_table('broadcast_ack')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_pending')

    op.drop_table('delivery')
    op.drop_table('broadcast')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_due_at'))

    op.drop_table('batch')
