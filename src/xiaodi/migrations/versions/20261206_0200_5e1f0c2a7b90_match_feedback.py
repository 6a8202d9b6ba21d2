"""match feedback: an office marks a demand's candidate 已对接 or 不合适 (精准匹配反馈)

Revision ID: 5e1f0c2a7b90
Revises: 5e8a1c3f7b20
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5e1f0c2a7b90'
down_revision: str | None = '5e8a1c3f7b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'match_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('demand_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=16), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('actor', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_match_feedback_demand_id_demand')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_feedback')),
    )
    op.create_index(op.f('ix_match_feedback_demand_id'), 'match_feedback', ['demand_id'], unique=False)
    op.create_index('ix_match_feedback_candidate', 'match_feedback', ['demand_id', 'target', 'record_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_match_feedback_candidate', table_name='match_feedback')
    op.drop_index(op.f('ix_match_feedback_demand_id'), table_name='match_feedback')
    op.drop_table('match_feedback')
