"""Project models: agreements (协议) and parties, projects (项目) and stages, milestones, funds (到位资金), 调度会."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow
from xiaodi.directory.models import Organisation, Region


class AgreementKind(Labelled):
    STRATEGIC_FRAMEWORK = "strategic_framework", "战略合作框架协议"
    PROJECT_COOPERATION = "project_cooperation", "项目合作协议"
    TECH_DEVELOPMENT = "tech_development", "技术开发"  # 技术开发合同
    TECH_TRANSFER = "tech_transfer", "技术转让"  # 技术转让合同
    TECH_LICENCE = "tech_licence", "技术许可"  # 技术许可合同
    TALENT_SUPPLY = "talent_supply", "人才供给"  # 人才供给/订单培养
    DIRECT_SUPPLY = "direct_supply", "直供"  # 直供 (毕业生直供)
    JOINT_PLATFORM = "joint_platform", "共建平台"  # 共建平台/基地
    OTHER = "other", "其他"


class AgreementState(Labelled):
    SIGNED = "signed", "已签约"
    IN_FORCE = "in_force", "履行中"
    FULFILLED = "fulfilled", "履行完毕"
    TERMINATED = "terminated", "已终止"


class Agreement(RecordMixin, VersionedMixin, Base):
    """A signed agreement (协议/合同): a framework agreement, a project agreement or a technology contract."""

    __tablename__ = "agreement"

    code: Mapped[str] = mapped_column(String(40), unique=True)  # 协议编号
    title: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[AgreementKind] = mapped_column(String(24), index=True)
    signed_on: Mapped[dt.date | None] = mapped_column(index=True)
    amount: Mapped[Decimal | None]  # 签约金额 (元)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)  # the demand it answers
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)  # the selected 揭榜 claim
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)  # signed at an event
    state: Mapped[AgreementState] = mapped_column(String(16), default=AgreementState.SIGNED, index=True)
    source: Mapped[str | None] = mapped_column(String(200))  # where the record came from (report, import …)

    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", lazy="selectin", order_by="AgreementParty.id"
    )
    region: Mapped[Region | None] = relationship(lazy="raise_on_sql")
    projects: Mapped[list[Project]] = relationship(back_populates="agreement", lazy="raise_on_sql")


class PartyRole(Labelled):
    PARTY_A = "party_a", "甲方"
    PARTY_B = "party_b", "乙方"
    PARTY_C = "party_c", "丙方"
    WITNESS = "witness", "见证方"


class AgreementParty(IdMixin, Base):
    """A party to an agreement (签约方). ``name`` keeps the name as written when it resolves to no organisation."""

    __tablename__ = "agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "organisation_id", "role"),)

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[PartyRole] = mapped_column(String(12))

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class ProjectStage(Labelled):
    """The closed loop (闭环) of a project: signed → started → landed → in production → accepted."""

    SIGNED = "signed", "已签约"
    STARTED = "started", "已开工"
    LANDED = "landed", "已落地"
    IN_PRODUCTION = "in_production", "已投产"
    ACCEPTED = "accepted", "已验收"
    STALLED = "stalled", "停滞"  # 停滞 (needs 调度)
    CANCELLED = "cancelled", "已终止"


class Project(RecordMixin, VersionedMixin, Base):
    """A cooperation project (合作项目) on the project list (项目清单), followed from signing to acceptance."""

    __tablename__ = "project"
    __table_args__ = (Index("ix_project_region_stage", "region_id", "stage"),)

    code: Mapped[str] = mapped_column(String(40), unique=True)  # 项目编号
    name: Mapped[str] = mapped_column(String(300), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 责任单位
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 合作高校
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    leader_in_charge: Mapped[str | None] = mapped_column(String(60))  # 包联领导, as named in the ledger
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    stage: Mapped[ProjectStage] = mapped_column(String(16), default=ProjectStage.SIGNED, index=True)
    pledged_amount: Mapped[Decimal | None]  # 计划投资/签约金额 (元)
    industry_code: Mapped[str | None] = mapped_column(String(8), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    started_on: Mapped[dt.date | None]
    landed_on: Mapped[dt.date | None]
    in_production_on: Mapped[dt.date | None]
    accepted_on: Mapped[dt.date | None]
    is_key_project: Mapped[bool] = mapped_column(default=False, server_default="0", index=True)  # 省重点工程
    source: Mapped[str | None] = mapped_column(String(200))

    # The project list shows all three parties: one joined query instead of three lazy loads per row.
    responsible_unit: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[responsible_unit_id])
    partner: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[partner_id])
    enterprise: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[enterprise_id])
    agreement: Mapped[Agreement | None] = relationship(back_populates="projects", lazy="raise_on_sql")
    region: Mapped[Region | None] = relationship(lazy="raise_on_sql")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", lazy="raise_on_sql", order_by="Milestone.due_on"
    )
    funds: Mapped[list[FundRecord]] = relationship(
        back_populates="project", lazy="raise_on_sql", order_by="FundRecord.id"
    )
    stage_changes: Mapped[list[ProjectStageChange]] = relationship(
        back_populates="project", lazy="raise_on_sql", order_by="ProjectStageChange.id"
    )


class ProjectStageChange(IdMixin, Base):
    """One stage change of a project (节点变更), appended by the service."""

    __tablename__ = "project_stage_change"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    from_stage: Mapped[ProjectStage | None] = mapped_column(String(16))
    to_stage: Mapped[ProjectStage] = mapped_column(String(16))
    reached_on: Mapped[dt.date | None]  # the calendar date the stage was reached (``at`` is when recorded)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(2000))

    project: Mapped[Project] = relationship(back_populates="stage_changes")


class MilestoneState(StrEnum):
    """Only pending/done are stored: "overdue" depends on today and is derived (``Milestone.is_overdue``)."""

    PENDING = "pending"
    DONE = "done"


class Milestone(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A milestone (节点) with a deadline; each postponement is counted so that slipping stays visible."""

    __tablename__ = "milestone"
    __table_args__ = (
        Index("ix_milestone_state_due", "state", "due_on"),
        Index("ix_milestone_state_due_project", "state", "due_on", "project_id"),  # the dashboard's overdue count
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[dt.date]
    original_due_on: Mapped[dt.date]  # the first deadline, kept when due_on moves
    done_on: Mapped[dt.date | None]
    state: Mapped[MilestoneState] = mapped_column(String(12), default=MilestoneState.PENDING)
    slip_count: Mapped[int] = mapped_column(default=0, server_default="0")
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    target_stage: Mapped[ProjectStage | None] = mapped_column(String(16))  # reaching it advances the project
    note: Mapped[str | None] = mapped_column(String(2000))

    project: Mapped[Project] = relationship(back_populates="milestones")
    responsible_unit: Mapped[Organisation | None] = relationship(lazy="raise_on_sql")

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == MilestoneState.PENDING and self.due_on < today


class FundSource(Labelled):
    SELF_RAISED = "self_raised", "企业自筹"
    FISCAL = "fiscal", "财政资金"
    BANK_LOAN = "bank_loan", "银行贷款"
    FUND = "fund", "基金"
    OTHER = "other", "其他"


class FundRecord(IdMixin, TimestampMixin, Base):
    """Funds in place (到位资金) for a project.

    Records are never edited or deleted: a correction is a new record whose ``corrects_id`` points at the
    record it replaces. The funds in place of a project are the sum over records that no other record corrects.
    """

    __tablename__ = "fund_record"
    # One correction per record keeps the chain linear (NULLs do not collide).
    __table_args__ = (
        UniqueConstraint("corrects_id"),
        # covers the figures query (sum of amounts per project and period) without touching the table
        Index("ix_fund_record_project_arrived_amount", "project_id", "arrived_on", "amount"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    amount: Mapped[Decimal]
    arrived_on: Mapped[dt.date] = mapped_column(index=True)
    source: Mapped[FundSource] = mapped_column(String(16), default=FundSource.SELF_RAISED)
    note: Mapped[str | None] = mapped_column(String(2000))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("fund_record.id"), index=True)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    project: Mapped[Project] = relationship(back_populates="funds")
    corrects: Mapped[FundRecord | None] = relationship(remote_side="FundRecord.id", lazy="raise_on_sql")


class DispatchMeeting(IdMixin, TimestampMixin, Base):
    """A progress meeting (调度会) of an office or lead unit that decides on lagging projects and milestones."""

    __tablename__ = "dispatch_meeting"

    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(12))  # province / city / county (RegionLevel)
    title: Mapped[str | None] = mapped_column(String(300))
    held_on: Mapped[dt.date] = mapped_column(index=True)
    chaired_by: Mapped[str | None] = mapped_column(String(60))
    decisions: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[DispatchItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="selectin", order_by="DispatchItem.id"
    )


class DispatchItem(IdMixin, Base):
    """One decision of a 调度会 about a project or milestone — or a milestone of a 1+1+N duty's work plan
    (职责任务节点, ``duty_milestone_id``): a new deadline, or escalation one level up."""

    __tablename__ = "dispatch_item"
    __table_args__ = (
        CheckConstraint("project_id IS NOT NULL OR milestone_id IS NOT NULL OR duty_milestone_id IS NOT NULL",
                        name="target"),
        CheckConstraint(
            "escalated_to_level IS NULL OR escalated_to_level IN ('city', 'province')", name="escalation_level"
        ),
    )

    meeting_id: Mapped[int] = mapped_column(ForeignKey("dispatch_meeting.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestone.id"), index=True)
    duty_milestone_id: Mapped[int | None] = mapped_column(ForeignKey("duty_milestone.id"), index=True,
                                                          default=None)  # a duty's milestone (bases)
    decision: Mapped[str] = mapped_column(Text)
    new_due_on: Mapped[dt.date | None]
    escalated: Mapped[bool] = mapped_column(default=False, server_default="0", index=True)
    escalated_to_level: Mapped[str | None] = mapped_column(String(12))  # county → city → province
    resolved_on: Mapped[dt.date | None]

    meeting: Mapped[DispatchMeeting] = relationship(back_populates="items")
