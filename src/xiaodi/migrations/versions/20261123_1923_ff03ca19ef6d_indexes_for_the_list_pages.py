"""indexes for the list pages and the dashboard

Covering indexes, so that the counts of the list pages and the dashboard read a narrow index instead of every
wide row (demands and achievements carry long descriptions): the demand scope (who sees which demand, by
state/visibility/region/owner/lead unit; on PostgreSQL with the id, which the scope's EXISTS clauses need for
an index-only scan), live achievements with their filters, overdue milestones with their project, and claims
in the order the claims list shows them. See docs/benchmarks_web.md.

Revision ID: ff03ca19ef6d
Revises: e12db8bec8fd
Create Date: 2026-11-23 19:23:04.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'ff03ca19ef6d'
down_revision: str | None = 'e12db8bec8fd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.create_index('ix_demand_scope', ['state', 'visibility', 'kind', 'region_id', 'owner_id', 'lead_unit_id', 'retired_at'], unique=False, postgresql_include=['id'])

    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.create_index('ix_achievement_live', ['retired_at', 'maturity', 'transfer_mode'], unique=False)

    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_state_due_project', ['state', 'due_on', 'project_id'], unique=False)

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_submitted_at', ['submitted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_submitted_at')

    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_state_due_project')

    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.drop_index('ix_achievement_live')

    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_index('ix_demand_scope')
