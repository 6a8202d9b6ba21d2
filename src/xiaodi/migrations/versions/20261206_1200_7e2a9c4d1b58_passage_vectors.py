"""passage vectors: what the queue's worker encoded for the matching indexes, shared by every application host

Revision ID: 7e2a9c4d1b58
Revises: 9c4f2b7d1e63
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7e2a9c4d1b58'
down_revision: str | None = '9c4f2b7d1e63'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'passage_vector',
        sa.Column('key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('dim', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_passage_vector')),
    )


def downgrade() -> None:
    op.drop_table('passage_vector')
