"""session generation of a user account

A session cookie is signed, not stored: clearing it in one browser left a copy valid elsewhere until it expired.
Each account now carries a generation that every cookie must match; logout and password changes move it on.
A plain ADD COLUMN (no batch rebuild), which SQLite and PostgreSQL both do in place.

Revision ID: 5e8a1c3f7b20
Revises: 7c2d9e4b1a55
Create Date: 2026-12-06 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5e8a1c3f7b20'
down_revision: str | None = '7c2d9e4b1a55'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('user_account', sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('session_generation')
