"""A batch remembers how far its expansion has got, so a large audience is expanded page by page
(each page its own short transaction) and a restart resumes after the last page written.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expanded_through', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_column('expanded_through')
