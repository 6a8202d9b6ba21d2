"""Base models: the 12 base types (12大基地), bases (基地) with their life (申报 → 撤销) and activity, 1+1+N pairings
(结对) with member units (成员单位), duties (职责任务) and their work plans, and leaders assigned to universities
(领导包联)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.contact import checked_phones
from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin
from xiaodi.directory.models import Organisation, Region


class BaseType(IdMixin, Base):
    """A type of base (基地类型) of the 12大基地 programme. Rows, not an enum: a province office adjusts the list
    (adds, renames, deactivates); a type bases refer to is deactivated, never deleted."""

    __tablename__ = "base_type"

    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str | None] = mapped_column(String(1000))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True, server_default="1")


# The 12 types exactly as 《关于深化省校合作的实施方案》(山西, 2021) names them, as (code, name, description), for
# seeding a new ledger. The 2026-12-06 migration moved the bases of the earlier defaults onto these.
DEFAULT_BASE_TYPES: tuple[tuple[str, str, str], ...] = (
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


class BaseState(Labelled):
    """A base's life (基地生命周期): 申报 → 审核 → 认定 → 挂牌 → 运行 (年度评估 while it runs) → 撤销."""

    PROPOSED = "proposed", "已申报"
    REVIEWED = "reviewed", "已审核"
    RECOGNISED = "recognised", "已认定"
    PLAQUED = "plaqued", "已挂牌"
    OPERATING = "operating", "运行中"
    REVOKED = "revoked", "已撤销"


class ActivityKind(Labelled):
    """What happened at a base (基地活动): the figures count internship and training batches in 人次 and 人天."""

    INTERNSHIP = "internship", "实习实训"
    TRAINING = "training", "培训"
    SERVICE = "service", "服务"
    EVENT = "event", "活动"


class ReviewResult(Labelled):
    """The yearly review (年度评估) of an operating base."""

    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class DutyState(Labelled):
    """A duty (职责任务) of a lead or member unit."""

    OPEN = "open", "推进中"
    DONE = "done", "已完成"


class ProgrammeBase(RecordMixin, VersionedMixin, Base):
    """A base (基地) built by a university with a host unit in a region, e.g. a 实习实训基地 plaqued (挂牌) at a firm.

    Named ProgrammeBase because ``Base`` is the declarative base.
    """

    __tablename__ = "programme_base"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    base_type_id: Mapped[int] = mapped_column(ForeignKey("base_type.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    host_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # where it sits
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 高校
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 牵头单位
    plaque_on: Mapped[dt.date | None]  # 挂牌日期
    ceremony: Mapped[str | None] = mapped_column(String(2000), default=None)  # 挂牌仪式
    recognised_on: Mapped[dt.date | None] = mapped_column(default=None)  # 认定日期
    state: Mapped[BaseState] = mapped_column(String(12), default=BaseState.PROPOSED, index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int | None]  # people per year it can take (实习/培训人次)
    contact_name: Mapped[str | None] = mapped_column(String(60), default=None)  # 联系人
    contact_phone: Mapped[str | None] = mapped_column(String(40), default=None)  # 联系电话

    base_type: Mapped[BaseType] = relationship(lazy="joined")
    host: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[host_org_id])
    partner: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[partner_org_id])
    lead_unit: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[lead_unit_id])
    region: Mapped[Region | None] = relationship(lazy="raise_on_sql")
    activities: Mapped[list[BaseActivity]] = relationship(
        back_populates="base", lazy="raise_on_sql", order_by="BaseActivity.held_on"
    )


class BaseReview(IdMixin, TimestampMixin, Base):
    """The yearly review (年度评估) of a base: one per base and year."""

    __tablename__ = "base_review"
    __table_args__ = (UniqueConstraint("base_id", "year"),)

    base_id: Mapped[int] = mapped_column(ForeignKey("programme_base.id"), index=True)
    year: Mapped[int]
    result: Mapped[ReviewResult] = mapped_column(String(12))
    reviewed_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(String(2000))


class Pairing(IdMixin, TimestampMixin, Base):
    """A 1+1+N pairing (结对): one university, one lead unit (牵头单位), one region, and the N bases they build."""

    __tablename__ = "pairing"
    __table_args__ = (UniqueConstraint("university_id", "lead_unit_id", "region_id"),)

    university_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    started_on: Mapped[dt.date | None]
    ended_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(2000))

    university: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[university_id])
    lead_unit: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[lead_unit_id])
    region: Mapped[Region] = relationship(lazy="joined")
    bases: Mapped[list[ProgrammeBase]] = relationship(secondary="pairing_base", lazy="raise_on_sql")


class PairingBase(IdMixin, Base):
    """A base counted under a pairing (the N of 1+1+N)."""

    __tablename__ = "pairing_base"
    __table_args__ = (UniqueConstraint("pairing_id", "base_id"),)

    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("programme_base.id"), index=True)


class PairingMember(IdMixin, Base):
    """A member unit (成员单位) working under a pairing's lead unit."""

    __tablename__ = "pairing_member"
    __table_args__ = (UniqueConstraint("pairing_id", "organisation_id"),)

    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Duty(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A duty (职责任务) given to a pairing's lead unit or a member unit, with a deadline and a work plan
    (时间表、路线图: ``DutyMilestone`` rows)."""

    __tablename__ = "duty"

    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # 责任单位
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(String(2000))
    starts_on: Mapped[dt.date | None]
    due_on: Mapped[dt.date] = mapped_column(index=True)
    state: Mapped[DutyState] = mapped_column(String(8), default=DutyState.OPEN, index=True)
    done_on: Mapped[dt.date | None]
    evidence: Mapped[str | None] = mapped_column(String(2000))  # 佐证材料 (what proves it done)

    unit: Mapped[Organisation] = relationship(lazy="joined")
    milestones: Mapped[list[DutyMilestone]] = relationship(
        back_populates="duty", lazy="selectin", order_by="DutyMilestone.due_on"
    )


class DutyMilestone(IdMixin, VersionedMixin, Base):
    """A milestone of a duty's work plan (节点): the dispatch lists show it when it is late or due soon. As a
    project milestone, its date moves only by a 调度会 decision; each later date is a slip (``slip_count``) and the
    first deadline stays in ``original_due_on``."""

    __tablename__ = "duty_milestone"

    duty_id: Mapped[int] = mapped_column(ForeignKey("duty.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[dt.date] = mapped_column(index=True)
    done_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(2000))
    original_due_on: Mapped[dt.date | None] = mapped_column(default=None)  # the first deadline, once moved
    slip_count: Mapped[int] = mapped_column(default=0, server_default="0")  # 延期次数

    duty: Mapped[Duty] = relationship(back_populates="milestones")


class DutyReport(IdMixin, TimestampMixin, Base):
    """A progress report on a duty (进展报告) by its unit or an office: a note, evidence, and whether it is done."""

    __tablename__ = "duty_report"

    duty_id: Mapped[int] = mapped_column(ForeignKey("duty.id"), index=True)
    reported_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(String(2000))
    evidence: Mapped[str | None] = mapped_column(String(2000))
    done: Mapped[bool] = mapped_column(default=False, server_default="0")
    reporter: Mapped[str] = mapped_column(String(200))


class LeaderAssignment(IdMixin, TimestampMixin, Base):
    """A leader assigned to a university (领导包联): who follows the cooperation with it, in a region."""

    __tablename__ = "leader_assignment"

    university_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    leader: Mapped[str] = mapped_column(String(60))
    post: Mapped[str | None] = mapped_column(String(100))  # 职务
    started_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(2000))

    university: Mapped[Organisation] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")


class BaseActivity(IdMixin, TimestampMixin, Base):
    """Something that happened at a base (基地活动): an internship batch (实习实训), a training, a service, an event."""

    __tablename__ = "base_activity"

    base_id: Mapped[int] = mapped_column(ForeignKey("programme_base.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    kind: Mapped[ActivityKind] = mapped_column(String(40))
    participants: Mapped[int | None]  # 人次
    days: Mapped[int | None] = mapped_column(default=None)  # 天数 (a batch's length)
    summary: Mapped[str | None] = mapped_column(Text)

    base: Mapped[ProgrammeBase] = relationship(back_populates="activities")


checked_phones(ProgrammeBase.contact_phone)  # 联系电话: one rule for every interface (core.contact)
