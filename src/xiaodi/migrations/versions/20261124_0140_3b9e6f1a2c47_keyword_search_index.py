"""keyword search index of demands and achievements

The list searches of the two 100k-row tables read every row's text (~130 ms); this adds the search index of
``xiaodi.core.search``: the ``search_pending`` notes, and per searched table an FTS5 trigram index with its term
list, view and triggers (SQLite) or a bigram table with a GIN index and triggers (PostgreSQL). Existing records
are noted as pending; the web server or ``xiaodi index rebuild`` folds them in, and searches stay exact until
then.

SQLite drops a table's triggers with the table: a later migration that rebuilds ``demand`` or ``achievement``
(batch mode) must create the triggers again (``tests/core/test_search.py`` checks that writes reach the index).

Revision ID: 3b9e6f1a2c47
Revises: ff03ca19ef6d
Create Date: 2026-11-24 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from xiaodi.core.search import SearchedTable, create_statements, drop_statements

revision: str = '3b9e6f1a2c47'
down_revision: str | None = 'ff03ca19ef6d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = (
    SearchedTable('demand', ('title', 'code', 'description')),
    SearchedTable('achievement', ('title', 'field', 'summary')),
)


def upgrade() -> None:
    op.create_table('search_pending',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_search_pending'))
    )
    op.create_index('ix_search_pending_kind_record', 'search_pending', ['kind', 'record_id'], unique=False)
    for statement in create_statements(op.get_bind().dialect.name, SEARCHED):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name, SEARCHED):
        op.execute(statement)
    op.drop_index('ix_search_pending_kind_record', table_name='search_pending')
    op.drop_table('search_pending')
