"""talent services and internships: the talent register, card applications, one-stop steps per department,
apartment units and allocations that never overlap, subsidy grants paid in instalments, internship posts and
placements (人才服务, 实习实训)

Revision ID: 8a3d5c1e9f42
Revises: 7a3c5e9d2b14
Create Date: 2026-12-06 05:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8a3d5c1e9f42'
down_revision: str | None = '7a3c5e9d2b14'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('apartment_unit',
    sa.Column('apartment_id', sa.Integer(), nullable=False),
    sa.Column('unit_no', sa.String(length=20), nullable=False),
    sa.Column('layout', sa.String(length=40), nullable=True),
    sa.Column('area_m2', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['apartment_id'], ['apartment.id'], name=op.f('fk_apartment_unit_apartment_id_apartment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apartment_unit')),
    sa.UniqueConstraint('apartment_id', 'unit_no', name=op.f('uq_apartment_unit_apartment_id_unit_no'))
    )
    with op.batch_alter_table('apartment_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apartment_unit_apartment_id'), ['apartment_id'], unique=False)

    op.create_table('internship_post',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('host_org_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('daily_subsidy', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('accommodation', sa.Boolean(), nullable=False),
    sa.Column('insurance', sa.Boolean(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['programme_base.id'], name=op.f('fk_internship_post_base_id_programme_base')),
    sa.ForeignKeyConstraint(['host_org_id'], ['organisation.id'], name=op.f('fk_internship_post_host_org_id_organisation')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_internship_post_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internship_post'))
    )
    with op.batch_alter_table('internship_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internship_post_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internship_post_host_org_id'), ['host_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internship_post_region_id'), ['region_id'], unique=False)

    op.create_table('talent',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('tier_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('university_id', sa.Integer(), nullable=True),
    sa.Column('introduced_on', sa.Date(), nullable=True),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['organisation.id'], name=op.f('fk_talent_employer_id_organisation')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_talent_person_id_person')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_talent_region_id_region')),
    sa.ForeignKeyConstraint(['tier_id'], ['talent_tier.id'], name=op.f('fk_talent_tier_id_talent_tier')),
    sa.ForeignKeyConstraint(['university_id'], ['organisation.id'], name=op.f('fk_talent_university_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talent')),
    sa.UniqueConstraint('code', name=op.f('uq_talent_code')),
    sa.UniqueConstraint('person_id', name=op.f('uq_talent_person_id'))
    )
    with op.batch_alter_table('talent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talent_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talent_introduced_on'), ['introduced_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_talent_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talent_tier_id'), ['tier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talent_university_id'), ['university_id'], unique=False)

    op.create_table('subsidy_grant',
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('instalment_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('instalments', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_subsidy_grant_region_id_region')),
    sa.ForeignKeyConstraint(['talent_id'], ['talent.id'], name=op.f('fk_subsidy_grant_talent_id_talent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_grant'))
    )
    with op.batch_alter_table('subsidy_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_grant_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_grant_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_grant_talent_id'), ['talent_id'], unique=False)

    op.create_table('application_step',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by', sa.String(length=200), nullable=True),
    sa.Column('answer', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['service_application.id'], name=op.f('fk_application_step_application_id_service_application')),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefit.id'], name=op.f('fk_application_step_benefit_id_benefit')),
    sa.ForeignKeyConstraint(['department_id'], ['organisation.id'], name=op.f('fk_application_step_department_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_step'))
    )
    with op.batch_alter_table('application_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_step_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_step_benefit_id'), ['benefit_id'], unique=False)
        batch_op.create_index('ix_application_step_dept_state', ['department_id', 'state', 'due_on'], unique=False)

    with op.batch_alter_table('apartment_allocation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('talent_id', sa.Integer(), nullable=True))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_apartment_allocation_talent_id'), ['talent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_apartment_allocation_talent_id_talent'), 'talent', ['talent_id'], ['id'])

    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_limit_days', sa.Integer(), server_default='15', nullable=False))

    with op.batch_alter_table('internship', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subsidy_amount', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('accommodation', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('insured', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_internship_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internship_region_id'), ['region_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_internship_region_id_region'), 'region', ['region_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_internship_post_id_internship_post'), 'internship_post', ['post_id'], ['id'])

    with op.batch_alter_table('subsidy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grant_id', sa.Integer(), nullable=True))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_subsidy_grant_id'), ['grant_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_subsidy_grant_id_period'), ['grant_id', 'period'])
        batch_op.create_foreign_key(batch_op.f('fk_subsidy_grant_id_subsidy_grant'), 'subsidy_grant', ['grant_id'], ['id'])

    with op.batch_alter_table('talent_card', schema=None) as batch_op:
        batch_op.add_column(sa.Column('talent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('card_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('evidence', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=2000), nullable=True))
        batch_op.alter_column('card_no',
               existing_type=sa.VARCHAR(length=40),
               nullable=True)
        batch_op.alter_column('issued_on',
               existing_type=sa.DATE(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_talent_card_talent_id'), ['talent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_talent_card_talent_id_talent'), 'talent', ['talent_id'], ['id'])

    if op.get_bind().dialect.name == "postgresql":
        _no_overlap()


def _no_overlap() -> None:
    """Two allocations of one unit never overlap (PostgreSQL): an exclusion constraint over the stay's daterange
    — from the move-in day to the move-out day (or the planned end; open when neither) — needs btree_gist for the
    equality parts. Creating the extension needs a privileged role; without it the service's check remains."""
    bind = op.get_bind()
    has = bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'").first()
    if has is None:
        available = bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'").first()
        if available is None:
            return
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE apartment_allocation ADD CONSTRAINT ex_apartment_allocation_no_overlap "
        "EXCLUDE USING gist (apartment_id WITH =, unit_no WITH =, "
        "daterange(from_on, COALESCE(vacated_on, to_on), '[)') WITH &&)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE apartment_allocation DROP CONSTRAINT IF EXISTS ex_apartment_allocation_no_overlap")
    with op.batch_alter_table('talent_card', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_talent_card_talent_id_talent'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_talent_card_talent_id'))
        batch_op.alter_column('issued_on',
               existing_type=sa.DATE(),
               nullable=False)
        batch_op.alter_column('card_no',
               existing_type=sa.VARCHAR(length=40),
               nullable=False)
        batch_op.drop_column('reason')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('applied_at')
        batch_op.drop_column('evidence')
        batch_op.drop_column('card_name')
        batch_op.drop_column('talent_id')

    with op.batch_alter_table('subsidy', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_subsidy_grant_id_subsidy_grant'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_subsidy_grant_id_period'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_subsidy_grant_id'))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('grant_id')

    with op.batch_alter_table('internship', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_internship_post_id_internship_post'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_internship_region_id_region'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_internship_region_id'))
        batch_op.drop_index(batch_op.f('ix_internship_post_id'))
        batch_op.drop_column('insured')
        batch_op.drop_column('accommodation')
        batch_op.drop_column('subsidy_amount')
        batch_op.drop_column('days')
        batch_op.drop_column('region_id')
        batch_op.drop_column('post_id')

    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.drop_column('time_limit_days')

    with op.batch_alter_table('apartment_allocation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_apartment_allocation_talent_id_talent'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_apartment_allocation_talent_id'))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('talent_id')

    with op.batch_alter_table('application_step', schema=None) as batch_op:
        batch_op.drop_index('ix_application_step_dept_state')
        batch_op.drop_index(batch_op.f('ix_application_step_benefit_id'))
        batch_op.drop_index(batch_op.f('ix_application_step_application_id'))

    op.drop_table('application_step')
    with op.batch_alter_table('subsidy_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_grant_talent_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_grant_region_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_grant_kind'))

    op.drop_table('subsidy_grant')
    with op.batch_alter_table('talent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talent_university_id'))
        batch_op.drop_index(batch_op.f('ix_talent_tier_id'))
        batch_op.drop_index(batch_op.f('ix_talent_region_id'))
        batch_op.drop_index(batch_op.f('ix_talent_introduced_on'))
        batch_op.drop_index(batch_op.f('ix_talent_employer_id'))

    op.drop_table('talent')
    with op.batch_alter_table('internship_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internship_post_region_id'))
        batch_op.drop_index(batch_op.f('ix_internship_post_host_org_id'))
        batch_op.drop_index(batch_op.f('ix_internship_post_base_id'))

    op.drop_table('internship_post')
    with op.batch_alter_table('apartment_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apartment_unit_apartment_id'))

    op.drop_table('apartment_unit')
