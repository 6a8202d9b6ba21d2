"""events: agenda and registrant, 挂职 (secondment), 对接记录 (contact_log); notifications: inbox and e-mail outbox

Revision ID: 6a2d4e8c1f35
Revises: b4e2a9c71d3f
Create Date: 2026-12-06 05:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6a2d4e8c1f35'
down_revision: str | None = 'b4e2a9c71d3f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    op.create_index('ix_notification_user_key', 'notification', ['user_id', 'key'], unique=True)
    op.create_index('ix_notification_user_unread', 'notification', ['user_id', 'read_at', 'id'], unique=False)
    op.create_table('contact_log',
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('from_org_id', sa.Integer(), nullable=True),
    sa.Column('from_person', sa.String(length=120), nullable=True),
    sa.Column('to_org_id', sa.Integer(), nullable=True),
    sa.Column('to_person', sa.String(length=120), nullable=True),
    sa.Column('demand_id', sa.Integer(), nullable=True),
    sa.Column('university_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.String(length=2000), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_contact_log_demand_id_demand')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_contact_log_event_id_event')),
    sa.ForeignKeyConstraint(['from_org_id'], ['organisation.id'], name=op.f('fk_contact_log_from_org_id_organisation')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user_account.id'], name=op.f('fk_contact_log_recorded_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_contact_log_region_id_region')),
    sa.ForeignKeyConstraint(['to_org_id'], ['organisation.id'], name=op.f('fk_contact_log_to_org_id_organisation')),
    sa.ForeignKeyConstraint(['university_id'], ['organisation.id'], name=op.f('fk_contact_log_university_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_log'))
    )
    op.create_index(op.f('ix_contact_log_contacted_on'), 'contact_log', ['contacted_on'], unique=False)
    op.create_index(op.f('ix_contact_log_demand_id'), 'contact_log', ['demand_id'], unique=False)
    op.create_index(op.f('ix_contact_log_event_id'), 'contact_log', ['event_id'], unique=False)
    op.create_index(op.f('ix_contact_log_from_org_id'), 'contact_log', ['from_org_id'], unique=False)
    op.create_index(op.f('ix_contact_log_region_id'), 'contact_log', ['region_id'], unique=False)
    op.create_index('ix_contact_log_region_on', 'contact_log', ['region_id', 'contacted_on'], unique=False)
    op.create_index(op.f('ix_contact_log_to_org_id'), 'contact_log', ['to_org_id'], unique=False)
    op.create_index(op.f('ix_contact_log_university_id'), 'contact_log', ['university_id'], unique=False)
    op.create_table('notification_outbox',
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_notification_outbox_notification_id_notification')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_outbox'))
    )
    op.create_index(op.f('ix_notification_outbox_notification_id'), 'notification_outbox', ['notification_id'], unique=False)
    op.create_index('ix_notification_outbox_state', 'notification_outbox', ['state', 'id'], unique=False)
    op.create_table('secondment',
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=60), nullable=False),
    sa.Column('home_org_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('post', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_secondment_term')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_secondment_event_id_event')),
    sa.ForeignKeyConstraint(['home_org_id'], ['organisation.id'], name=op.f('fk_secondment_home_org_id_organisation')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_secondment_person_id_person')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_secondment_region_id_region')),
    sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_secondment_unit_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secondment'))
    )
    op.create_index(op.f('ix_secondment_event_id'), 'secondment', ['event_id'], unique=False)
    op.create_index(op.f('ix_secondment_home_org_id'), 'secondment', ['home_org_id'], unique=False)
    op.create_index(op.f('ix_secondment_person_id'), 'secondment', ['person_id'], unique=False)
    op.create_index(op.f('ix_secondment_region_id'), 'secondment', ['region_id'], unique=False)
    op.create_index(op.f('ix_secondment_unit_id'), 'secondment', ['unit_id'], unique=False)
    op.add_column('event', sa.Column('agenda', sa.Text(), nullable=True))
    op.add_column('event', sa.Column('created_by_user_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('event', 'created_by_user_id')
    op.drop_column('event', 'agenda')
    op.drop_index(op.f('ix_secondment_unit_id'), table_name='secondment')
    op.drop_index(op.f('ix_secondment_region_id'), table_name='secondment')
    op.drop_index(op.f('ix_secondment_person_id'), table_name='secondment')
    op.drop_index(op.f('ix_secondment_home_org_id'), table_name='secondment')
    op.drop_index(op.f('ix_secondment_event_id'), table_name='secondment')
    op.drop_table('secondment')
    op.drop_index('ix_notification_outbox_state', table_name='notification_outbox')
    op.drop_index(op.f('ix_notification_outbox_notification_id'), table_name='notification_outbox')
    op.drop_table('notification_outbox')
    op.drop_index(op.f('ix_contact_log_university_id'), table_name='contact_log')
    op.drop_index(op.f('ix_contact_log_to_org_id'), table_name='contact_log')
    op.drop_index('ix_contact_log_region_on', table_name='contact_log')
    op.drop_index(op.f('ix_contact_log_region_id'), table_name='contact_log')
    op.drop_index(op.f('ix_contact_log_from_org_id'), table_name='contact_log')
    op.drop_index(op.f('ix_contact_log_event_id'), table_name='contact_log')
    op.drop_index(op.f('ix_contact_log_demand_id'), table_name='contact_log')
    op.drop_index(op.f('ix_contact_log_contacted_on'), table_name='contact_log')
    op.drop_table('contact_log')
    op.drop_index('ix_notification_user_unread', table_name='notification')
    op.drop_index('ix_notification_user_key', table_name='notification')
    op.drop_table('notification')
