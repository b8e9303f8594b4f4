"""An inbox of raw updates stored before they are acknowledged (it replaces the list of handled
update ids), and the replies each handled update owes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inbound_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bot_id', sa.BigInteger(), nullable=False),
    sa.Column('update_id', sa.BigInteger(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_update')),
    sa.UniqueConstraint('bot_id', 'update_id', name=op.f('uq_inbound_update_bot_id'))
    )
    with op.batch_alter_table('inbound_update', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_update_chat', ['bot_id', 'chat_id', 'update_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_update_handled_at'), ['handled_at'], unique=False)

    op.create_table('reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('file_data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply'))
    )
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_claimed_at'), ['claimed_at'], unique=False)

    with op.batch_alter_table('handled_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handled_update_at'))
    op.drop_table('handled_update')


def downgrade() -> None:
    op.create_table('handled_update',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_handled_update'))
    )
    with op.batch_alter_table('handled_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handled_update_at'), ['at'], unique=False)
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_claimed_at'))
    op.drop_table('reply')
    with op.batch_alter_table('inbound_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_update_handled_at'))
        batch_op.drop_index('ix_inbound_update_chat')
    op.drop_table('inbound_update')
