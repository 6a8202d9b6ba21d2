"""index change feed: the records whose matching documents changed, written with the change (索引变更记录)

Every host replays the rows it has not seen before its next query, so a record added through one application
server is found through every other (issue #19); the on-disk snapshots become caches of the database.

Revision ID: 6a2d4c8e1f03
Revises: 5e1f0c2a7b90
Create Date: 2026-12-06 05:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6a2d4c8e1f03'
down_revision: str | None = '5e1f0c2a7b90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'index_change',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('target', sa.String(length=16), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_index_change')),
    )
    op.create_index('ix_index_change_target_id', 'index_change', ['target', 'id'], unique=False)
    op.create_index('ix_index_change_changed_at', 'index_change', ['changed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_index_change_changed_at', table_name='index_change')
    op.drop_index('ix_index_change_target_id', table_name='index_change')
    op.drop_table('index_change')
