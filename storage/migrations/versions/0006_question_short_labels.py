"""Check-in questions get a short label per language, for the places a whole question does not
fit on a phone: summary lines, chart buttons and titles.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 07:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('checkin_question', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('short', sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table('checkin_question', schema=None) as batch_op:
        batch_op.drop_column('short')
