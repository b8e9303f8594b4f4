"""A linked chat is a group or a channel: channels are linked from the private chat of whoever
added the bot, get no RSVP buttons, and are marked as channels in /groups.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('linked_chat', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=8), server_default='group', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('linked_chat', schema=None) as batch_op:
        batch_op.drop_column('kind')
