"""one-stop applications carry their card's region, for the list's scope: an office's applications are counted
and read through one index instead of testing every application's card (issue 15, performance); a department's
steps are found by an index that holds the application; a card holder's applications by card and state

Revision ID: 9c4e7a2b5d16
Revises: c5d1e7a9b3f2
Create Date: 2026-12-06 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9c4e7a2b5d16'
down_revision: str | None = 'c5d1e7a9b3f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not a batch rebuild: other tables refer to service_application, and SQLite (foreign keys on) refuses to drop
    # a referenced table. SQLite adds a nullable column with its reference in place.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE service_application ADD COLUMN region_id INTEGER REFERENCES region (id)')
    else:
        op.add_column('service_application', sa.Column('region_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_service_application_region_id_region'), 'service_application', 'region',
                              ['region_id'], ['id'])
    # existing applications take the issuing region of their card (where the office reviewing them sits)
    op.execute("UPDATE service_application SET region_id = "
               "(SELECT talent_card.region_id FROM talent_card WHERE talent_card.id = service_application.card_id)")
    op.create_index('ix_service_application_scope', 'service_application', ['region_id', 'retired_at', 'state'],
                    unique=False)
    # a card holder's list filtered by state: otherwise SQLite reads every application of that state
    op.create_index('ix_service_application_card_state', 'service_application', ['card_id', 'state'], unique=False)
    op.create_index('ix_application_step_dept_application', 'application_step', ['department_id', 'application_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_application_step_dept_application', table_name='application_step')
    op.drop_index('ix_service_application_card_state', table_name='service_application')
    op.drop_index('ix_service_application_scope', table_name='service_application')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE service_application DROP COLUMN region_id')
    else:
        op.drop_constraint(op.f('fk_service_application_region_id_region'), 'service_application',
                           type_='foreignkey')
        op.drop_column('service_application', 'region_id')
