"""indexes for the money sorts of the large lists

Demands sorted by budget (预算) and achievements by price (参考价格) read every row of their 100k-row tables
(wide rows: descriptions and abstracts) to sort them: 80–145 ms for a page. With an index ordered by the sort
column a page of a common selection walks the index and stops after its rows (``web.listing.scoped_rows``).
Plain CREATE INDEX, not a batch operation: a batch rebuild of these tables on SQLite would drop the keyword
search index's triggers.

Revision ID: 7c2d9e4b1a55
Revises: 3b9e6f1a2c47
Create Date: 2026-11-24 05:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7c2d9e4b1a55'
down_revision: str | None = '3b9e6f1a2c47'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_demand_budget', 'demand', ['budget'], unique=False)
    op.create_index('ix_achievement_price', 'achievement', ['price'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_achievement_price', table_name='achievement')
    op.drop_index('ix_demand_budget', table_name='demand')
