"""shared counters: generations every host reads (the dashboard figures' freshness across hosts)

Revision ID: 6b3e5d9f2a14
Revises: 6a2d4c8e1f03
Create Date: 2026-12-06 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6b3e5d9f2a14'
down_revision: str | None = '6a2d4c8e1f03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counter = op.create_table(
        'shared_counter',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_shared_counter')),
    )
    op.bulk_insert(counter, [{'name': 'figures', 'value': 0}])


def downgrade() -> None:
    op.drop_table('shared_counter')
