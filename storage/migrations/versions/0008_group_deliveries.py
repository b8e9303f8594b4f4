"""A delivery's recipient may be a linked group instead of a partner (a reminder posted in the
group), keyed like a partner's: one row per (group, kind, source).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('linked_chat_id', sa.Integer(), nullable=True))
        batch_op.alter_column('partner_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f('fk_delivery_linked_chat_id_linked_chat'), 'linked_chat',
            ['linked_chat_id'], ['id'], ondelete='CASCADE',
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_delivery_linked_chat_id'), ['linked_chat_id', 'kind', 'source']
        )


def downgrade() -> None:
    op.execute("DELETE FROM delivery WHERE partner_id IS NULL")
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_delivery_linked_chat_id'), type_='unique')
        batch_op.drop_constraint(
            batch_op.f('fk_delivery_linked_chat_id_linked_chat'), type_='foreignkey'
        )
        batch_op.alter_column('partner_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('linked_chat_id')
