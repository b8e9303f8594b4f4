"""Programmes have aliases: the other names partners call them by, per language ("the
Mechanism", "산림청 지원 사업"), which the bot's understanding reads as the programme's names.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('aliases', sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('aliases')
