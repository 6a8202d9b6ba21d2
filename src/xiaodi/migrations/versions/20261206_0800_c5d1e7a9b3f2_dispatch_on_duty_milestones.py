"""dispatch on duty milestones: a 调度会 decision may name a milestone of a 1+1+N duty's work plan
(dispatch_item.duty_milestone_id, the target check widened), whose deadline then moves with a slip count
(duty_milestone.original_due_on, slip_count)

Revision ID: c5d1e7a9b3f2
Revises: 8a3d5c1e9f42
Create Date: 2026-12-06 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c5d1e7a9b3f2'
down_revision: str | None = '8a3d5c1e9f42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TARGET = 'project_id IS NOT NULL OR milestone_id IS NOT NULL'
NEW_TARGET = 'project_id IS NOT NULL OR milestone_id IS NOT NULL OR duty_milestone_id IS NOT NULL'


def upgrade() -> None:
    with op.batch_alter_table('duty_milestone') as batch:
        batch.add_column(sa.Column('original_due_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('slip_count', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('dispatch_item') as batch:
        batch.add_column(sa.Column('duty_milestone_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_dispatch_item_duty_milestone_id'), ['duty_milestone_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_dispatch_item_duty_milestone_id_duty_milestone'), 'duty_milestone',
                                 ['duty_milestone_id'], ['id'])
        batch.drop_constraint(batch.f('ck_dispatch_item_target'), type_='check')
        batch.create_check_constraint(batch.f('ck_dispatch_item_target'), NEW_TARGET)


def downgrade() -> None:
    op.execute('DELETE FROM dispatch_item WHERE project_id IS NULL AND milestone_id IS NULL')
    with op.batch_alter_table('dispatch_item') as batch:
        batch.drop_constraint(batch.f('ck_dispatch_item_target'), type_='check')
        batch.create_check_constraint(batch.f('ck_dispatch_item_target'), OLD_TARGET)
        batch.drop_constraint(batch.f('fk_dispatch_item_duty_milestone_id_duty_milestone'), type_='foreignkey')
        batch.drop_index(batch.f('ix_dispatch_item_duty_milestone_id'))
        batch.drop_column('duty_milestone_id')
    with op.batch_alter_table('duty_milestone') as batch:
        batch.drop_column('slip_count')
        batch.drop_column('original_due_on')
