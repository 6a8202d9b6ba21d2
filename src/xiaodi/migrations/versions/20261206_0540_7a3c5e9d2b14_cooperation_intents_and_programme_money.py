"""cooperation intents (合作意向) and programme money (经费预算与拨付): three new tables, nothing else changed

Revision ID: 7a3c5e9d2b14
Revises: 6a2d4e8c1f35
Create Date: 2026-12-06 05:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7a3c5e9d2b14'
down_revision: str | None = '6a2d4e8c1f35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('budget_line',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('source_document', sa.String(length=300), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_budget_line_amount')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_budget_line_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line')),
    sa.UniqueConstraint('code', name=op.f('uq_budget_line_code')),
    sa.UniqueConstraint('region_id', 'year', 'name', name=op.f('uq_budget_line_region_id_year_name'))
    )
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_line_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_line_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_line_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_line_year'), ['year'], unique=False)

    op.create_table('cooperation_intent',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('demand_id', sa.Integer(), nullable=True),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.String(length=2000), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("state <> 'closed' OR close_reason IS NOT NULL", name=op.f('ck_cooperation_intent_closed_reason')),
    sa.CheckConstraint("state <> 'signed' OR agreement_id IS NOT NULL", name=op.f('ck_cooperation_intent_signed_agreement')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_cooperation_intent_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_cooperation_intent_demand_id_demand')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisation.id'], name=op.f('fk_cooperation_intent_enterprise_id_organisation')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_cooperation_intent_event_id_event')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_cooperation_intent_region_id_region')),
    sa.ForeignKeyConstraint(['university_id'], ['organisation.id'], name=op.f('fk_cooperation_intent_university_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_intent')),
    sa.UniqueConstraint('code', name=op.f('uq_cooperation_intent_code'))
    )
    with op.batch_alter_table('cooperation_intent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_intent_agreed_on'), ['agreed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_cooperation_intent_region_agreed', ['region_id', 'agreed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_topic'), ['topic'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_intent_university_id'), ['university_id'], unique=False)

    op.create_table('budget_allocation',
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('target', sa.String(length=12), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('override_reason', sa.String(length=2000), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("(target = 'project' AND project_id IS NOT NULL AND base_id IS NULL) OR (target = 'base' AND base_id IS NOT NULL AND project_id IS NULL) OR (target = 'other' AND project_id IS NULL AND base_id IS NULL AND description IS NOT NULL)", name=op.f('ck_budget_allocation_target')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_budget_allocation_amount')),
    sa.ForeignKeyConstraint(['base_id'], ['programme_base.id'], name=op.f('fk_budget_allocation_base_id_programme_base')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_line.id'], name=op.f('fk_budget_allocation_budget_line_id_budget_line')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_budget_allocation_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_allocation'))
    )
    with op.batch_alter_table('budget_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_allocation_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_allocation_budget_line_id'), ['budget_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_allocation_paid_on'), ['paid_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_allocation_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('budget_allocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_allocation_project_id'))
        batch_op.drop_index(batch_op.f('ix_budget_allocation_paid_on'))
        batch_op.drop_index(batch_op.f('ix_budget_allocation_budget_line_id'))
        batch_op.drop_index(batch_op.f('ix_budget_allocation_base_id'))

    op.drop_table('budget_allocation')
    with op.batch_alter_table('cooperation_intent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_university_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_topic'))
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_state'))
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_region_id'))
        batch_op.drop_index('ix_cooperation_intent_region_agreed')
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_event_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_demand_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_agreement_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_intent_agreed_on'))

    op.drop_table('cooperation_intent')
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_line_year'))
        batch_op.drop_index(batch_op.f('ix_budget_line_region_id'))
        batch_op.drop_index(batch_op.f('ix_budget_line_name'))
        batch_op.drop_index(batch_op.f('ix_budget_line_kind'))

    op.drop_table('budget_line')
