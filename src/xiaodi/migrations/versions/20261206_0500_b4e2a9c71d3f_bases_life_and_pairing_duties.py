"""bases: the 12 base types of the 2021 实施方案, a base's life (申报 → 撤销), activities in 人次/天, yearly reviews;
1+1+N pairings' member units, duties (职责任务) with work plans and progress reports, 领导包联

Existing data is kept: the bases of the earlier default types move to the closest type of the programme, those
types are deactivated (not deleted); the earlier base states map to the new ones; activity kinds written as
Chinese text map to the four kinds.

Revision ID: b4e2a9c71d3f
Revises: 7a3c5e9d2b41
Create Date: 2026-12-06 05:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = 'b4e2a9c71d3f'
down_revision: str | None = '7a3c5e9d2b41'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (not imported): the programme's 12 types as this revision writes them.
NEW_TYPES: tuple[tuple[str, str, str], ...] = (
    ("internship", "大学生实习实训基地", "大学生实习实训、暑期社会实践"),
    ("employment", "大学生就业创业基地", "毕业生就业见习、创新创业孵化"),
    ("research_extension", "高校科研平台延伸基地", "高校科研平台向地方延伸，共建研发中心、中试平台"),
    ("tech_transfer", "高校科技成果转化基地", "高校科技成果在地方转移转化、产业化"),
    ("think_tank", "智库合作基地", "决策咨询、规划编制与智库合作"),
    ("student_source", "高校优质生源基地", "高校在地方建设优质生源基地"),
    ("red_education", "红色教育和国情教育基地", "大学生红色教育、国情教育与研学实践"),
    ("joint_training", "大学生联合培养基地", "校地联合培养大学生、研究生"),
    ("cadre_training", "高校干部人才培养基地", "高校干部挂职锻炼、人才培养"),
    ("alumni", "校友招商引才基地", "校友资源对接、招商引资与引才"),
    ("agri_supply", "高校农产品供应基地", "地方优质农产品进高校"),
    ("skills", "技能服务人才培养基地", "技能型、服务型人才培养"),
)
# Earlier default types the programme does not have → the closest type it has (their bases move there).
OLD_TO_NEW: dict[str, str] = {
    "talent": "alumni",  # 人才引育基地 → 校友招商引才基地 (引才)
    "study_tour": "red_education",  # 继续教育与研学基地 → 红色教育和国情教育基地 (研学)
    "culture_tourism": "red_education",  # 文化旅游与康养基地 → 红色教育和国情教育基地 (红色文旅)
    "agriculture": "agri_supply",  # 现代农业基地 → 高校农产品供应基地
    "health": "skills",  # 医疗卫生合作基地 → 技能服务人才培养基地 (医护技能人才)
}
OLD_STATES: dict[str, str] = {"planned": "proposed", "built": "recognised", "plaqued": "plaqued",
                              "active": "operating", "retired": "revoked"}
NEW_STATES_BACK: dict[str, str] = {"proposed": "planned", "reviewed": "planned", "recognised": "built",
                                   "plaqued": "plaqued", "operating": "active", "revoked": "retired"}
# Activity kinds were free text; the words decide the kind (first match wins), anything else is an event.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("internship", ("实习", "实训", "见习", "实践")),
    ("training", ("培训", "研学", "培养")),
    ("service", ("服务", "咨询", "诊断", "指导")),
)

base_type = sa.table('base_type', sa.column('id', sa.Integer()), sa.column('code', sa.String()),
                     sa.column('name', sa.String()), sa.column('description', sa.String()),
                     sa.column('sort_order', sa.Integer()), sa.column('is_active', sa.Boolean()))
programme_base = sa.table('programme_base', sa.column('base_type_id', sa.Integer()), sa.column('state', sa.String()))
base_activity = sa.table('base_activity', sa.column('id', sa.Integer()), sa.column('kind', sa.String()))


def _timestamps() -> list[sa.Column[Any]]:
    return [sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                      nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                      nullable=False)]


def _replace_types(bind: sa.Connection) -> None:
    """A ledger that has base types gets the programme's 12: same-code types renamed in place, the others added;
    bases of a type the programme does not have move to its closest type, which is then deactivated. An empty
    list stays empty (the demo or a province office seeds it)."""
    found: Any = bind.execute(sa.select(base_type.c.id, base_type.c.code, base_type.c.name))
    rows: dict[str, tuple[int, str]] = {str(code): (int(id_), str(name)) for id_, code, name in found}
    if not rows:
        return
    new_codes = {code for code, _n, _d in NEW_TYPES}
    names = {name: code for code, (_i, name) in rows.items()}
    ids: dict[str, int] = {}
    for order, (code, name, description) in enumerate(NEW_TYPES, start=1):
        holder = names.get(name)
        if holder is not None and holder != code and holder not in new_codes:
            # an office already named a type like the programme does: that row becomes the programme's type
            bind.execute(sa.update(base_type).where(base_type.c.code == holder).values(code=code))
            rows[code] = rows.pop(holder)
        if code in rows:
            bind.execute(sa.update(base_type).where(base_type.c.code == code).values(
                name=name, description=description, sort_order=order, is_active=True))
            ids[code] = rows[code][0]
        else:
            bind.execute(sa.insert(base_type).values(code=code, name=name, description=description,
                                                     sort_order=order, is_active=True))
            ids[code] = bind.execute(sa.select(base_type.c.id).where(base_type.c.code == code)).scalar_one()
    for old, new in OLD_TO_NEW.items():
        if old in rows and old not in new_codes:
            bind.execute(sa.update(programme_base).where(programme_base.c.base_type_id == rows[old][0])
                         .values(base_type_id=ids[new]))
            bind.execute(sa.update(base_type).where(base_type.c.code == old).values(is_active=False))


def _map_states(bind: sa.Connection, mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        if old != new:
            bind.execute(sa.update(programme_base).where(programme_base.c.state == old).values(state=new))


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('programme_base', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ceremony', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('recognised_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
    with op.batch_alter_table('base_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('days', sa.Integer(), nullable=True))
    _replace_types(bind)
    _map_states(bind, OLD_STATES)
    for activity_id, kind in list(bind.execute(sa.select(base_activity.c.id, base_activity.c.kind))):
        if kind in ("internship", "training", "service", "event"):
            continue
        text = str(kind or "")
        new = next((k for k, words in KIND_WORDS if any(w in text for w in words)), "event")
        bind.execute(sa.update(base_activity).where(base_activity.c.id == activity_id).values(kind=new))

    op.create_table(
        'base_review',
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('result', sa.String(length=12), nullable=False),
        sa.Column('reviewed_on', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=2000), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['programme_base.id'], name=op.f('fk_base_review_base_id_programme_base')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_base_review')),
        sa.UniqueConstraint('base_id', 'year', name=op.f('uq_base_review_base_id_year')),
    )
    op.create_index(op.f('ix_base_review_base_id'), 'base_review', ['base_id'], unique=False)
    op.create_table(
        'pairing_member',
        sa.Column('pairing_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_pairing_member_organisation_id_organisation')),
        sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_pairing_member_pairing_id_pairing')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_member')),
        sa.UniqueConstraint('pairing_id', 'organisation_id', name=op.f('uq_pairing_member_pairing_id_organisation_id')),
    )
    op.create_index(op.f('ix_pairing_member_pairing_id'), 'pairing_member', ['pairing_id'], unique=False)
    op.create_index(op.f('ix_pairing_member_organisation_id'), 'pairing_member', ['organisation_id'], unique=False)
    op.create_table(
        'duty',
        sa.Column('pairing_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('description', sa.String(length=2000), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('evidence', sa.String(length=2000), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_duty_pairing_id_pairing')),
        sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_duty_unit_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duty')),
    )
    for col in ('pairing_id', 'unit_id', 'due_on', 'state'):
        op.create_index(op.f(f'ix_duty_{col}'), 'duty', [col], unique=False)
    op.create_table(
        'duty_milestone',
        sa.Column('duty_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=2000), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['duty_id'], ['duty.id'], name=op.f('fk_duty_milestone_duty_id_duty')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_milestone')),
    )
    op.create_index(op.f('ix_duty_milestone_duty_id'), 'duty_milestone', ['duty_id'], unique=False)
    op.create_index(op.f('ix_duty_milestone_due_on'), 'duty_milestone', ['due_on'], unique=False)
    op.create_table(
        'duty_report',
        sa.Column('duty_id', sa.Integer(), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=2000), nullable=False),
        sa.Column('evidence', sa.String(length=2000), nullable=True),
        sa.Column('done', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('reporter', sa.String(length=200), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['duty_id'], ['duty.id'], name=op.f('fk_duty_report_duty_id_duty')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_report')),
    )
    op.create_index(op.f('ix_duty_report_duty_id'), 'duty_report', ['duty_id'], unique=False)
    op.create_table(
        'leader_assignment',
        sa.Column('university_id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('leader', sa.String(length=60), nullable=False),
        sa.Column('post', sa.String(length=100), nullable=True),
        sa.Column('started_on', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=2000), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_leader_assignment_region_id_region')),
        sa.ForeignKeyConstraint(['university_id'], ['organisation.id'],
                                name=op.f('fk_leader_assignment_university_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_assignment')),
    )
    op.create_index(op.f('ix_leader_assignment_university_id'), 'leader_assignment', ['university_id'], unique=False)
    op.create_index(op.f('ix_leader_assignment_region_id'), 'leader_assignment', ['region_id'], unique=False)


def downgrade() -> None:
    for table in ('leader_assignment', 'duty_report', 'duty_milestone', 'duty', 'pairing_member', 'base_review'):
        op.drop_table(table)
    _map_states(op.get_bind(), NEW_STATES_BACK)
    with op.batch_alter_table('base_activity', schema=None) as batch_op:
        batch_op.drop_column('days')
    with op.batch_alter_table('programme_base', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')
        batch_op.drop_column('recognised_on')
        batch_op.drop_column('ceremony')
