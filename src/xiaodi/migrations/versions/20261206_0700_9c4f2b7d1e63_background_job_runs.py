"""background job runs: what each job of the queue (or of the process) did, for whom, how far, how it ended

Revision ID: 9c4f2b7d1e63
Revises: 3f7b2c9e5a61
Create Date: 2026-12-06 07:00:00.000000

The queue's own tables (procrastinate_*) are not created here: ``xiaodi db init`` / ``db upgrade`` apply
procrastinate's schema after the migrations (``core.queue.ensure_schema``), PostgreSQL only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9c4f2b7d1e63'
down_revision: str | None = '3f7b2c9e5a61'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'job_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('summary', sa.Text(), nullable=True),
        sa.Column('input_name', sa.String(length=255), nullable=True),
        sa.Column('input_data', sa.LargeBinary(), nullable=True),
        sa.Column('output_name', sa.String(length=255), nullable=True),
        sa.Column('output_data', sa.LargeBinary(), nullable=True),
        sa.Column('queue_job_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_job_run_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    )
    op.create_index('ix_job_run_state', 'job_run', ['state', 'id'], unique=False)
    op.create_index('ix_job_run_user_id', 'job_run', ['user_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_job_run_user_id', table_name='job_run')
    op.drop_index('ix_job_run_state', table_name='job_run')
    op.drop_table('job_run')
