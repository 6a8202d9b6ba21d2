"""review invitations: experts invited to review a demand's 揭榜 claims (邀请评审专家)

Revision ID: 3f7b2c9e5a61
Revises: 9c4e7a2b5d16
Create Date: 2026-12-06 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3f7b2c9e5a61'
down_revision: str | None = '9c4e7a2b5d16'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'review_invitation',
        sa.Column('demand_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_user_id', sa.Integer(), nullable=False),
        sa.Column('invited_by_user_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_review_invitation_demand_id_demand')),
        sa.ForeignKeyConstraint(['invited_by_user_id'], ['user_account.id'],
                                name=op.f('fk_review_invitation_invited_by_user_id_user_account')),
        sa.ForeignKeyConstraint(['reviewer_user_id'], ['user_account.id'],
                                name=op.f('fk_review_invitation_reviewer_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_invitation')),
        sa.UniqueConstraint('demand_id', 'reviewer_user_id',
                            name=op.f('uq_review_invitation_demand_id_reviewer_user_id')),
    )
    with op.batch_alter_table('review_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_invitation_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_invitation_reviewer_user_id'), ['reviewer_user_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_invitation_reviewer_user_id'))
        batch_op.drop_index(batch_op.f('ix_review_invitation_demand_id'))
    op.drop_table('review_invitation')
