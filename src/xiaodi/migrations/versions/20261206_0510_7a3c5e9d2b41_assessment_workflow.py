"""assessment workflow: a period's state, scoring and publishing times and appeal deadline; the working of each
score (target, ratio); evidence for manual indicators (佐证) and appeals (申诉)

Revision ID: 7a3c5e9d2b41
Revises: 6b3e5d9f2a14
Create Date: 2026-12-06 05:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7a3c5e9d2b41'
down_revision: str | None = '6b3e5d9f2a14'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assessment_period') as batch:
        batch.add_column(sa.Column('state', sa.String(length=12), nullable=False, server_default='open'))
        batch.add_column(sa.Column('scored_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('appeal_deadline', sa.Date(), nullable=True))
        batch.create_index(batch.f('ix_assessment_period_state'), ['state'], unique=False)
    with op.batch_alter_table('score') as batch:
        batch.add_column(sa.Column('target', sa.Numeric(precision=24, scale=2), nullable=True))
        batch.add_column(sa.Column('ratio', sa.Numeric(precision=12, scale=4), nullable=True))

    op.create_table(
        'assessment_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('value', sa.Numeric(precision=24, scale=2), nullable=False),
        sa.Column('evidence', sa.String(length=2000), nullable=False),
        sa.Column('submitted_by', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('checked_by', sa.String(length=200), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('check_note', sa.String(length=2000), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.CheckConstraint('unit_id IS NOT NULL OR region_id IS NOT NULL', name=op.f('ck_assessment_evidence_subject')),
        sa.ForeignKeyConstraint(['period_id'], ['assessment_period.id'],
                                name=op.f('fk_assessment_evidence_period_id_assessment_period')),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
                                name=op.f('fk_assessment_evidence_indicator_id_indicator')),
        sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'],
                                name=op.f('fk_assessment_evidence_unit_id_organisation')),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_assessment_evidence_region_id_region')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_evidence')),
    )
    op.create_table(
        'assessment_appeal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=2000), nullable=False),
        sa.Column('filed_by', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('answer', sa.String(length=2000), nullable=True),
        sa.Column('answered_by', sa.String(length=200), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('corrected_value', sa.Numeric(precision=24, scale=2), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.CheckConstraint('unit_id IS NOT NULL OR region_id IS NOT NULL', name=op.f('ck_assessment_appeal_subject')),
        sa.ForeignKeyConstraint(['period_id'], ['assessment_period.id'],
                                name=op.f('fk_assessment_appeal_period_id_assessment_period')),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
                                name=op.f('fk_assessment_appeal_indicator_id_indicator')),
        sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_assessment_appeal_unit_id_organisation')),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_assessment_appeal_region_id_region')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_appeal')),
    )
    for table in ('assessment_evidence', 'assessment_appeal'):
        for column in ('period_id', 'indicator_id', 'unit_id', 'region_id', 'state'):
            op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def downgrade() -> None:
    for table in ('assessment_evidence', 'assessment_appeal'):
        for column in ('period_id', 'indicator_id', 'unit_id', 'region_id', 'state'):
            op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
    op.drop_table('assessment_appeal')
    op.drop_table('assessment_evidence')
    with op.batch_alter_table('score') as batch:
        batch.drop_column('ratio')
        batch.drop_column('target')
    with op.batch_alter_table('assessment_period') as batch:
        batch.drop_index(batch.f('ix_assessment_period_state'))
        batch.drop_column('appeal_deadline')
        batch.drop_column('published_at')
        batch.drop_column('scored_at')
        batch.drop_column('state')
