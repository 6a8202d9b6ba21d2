"""Demand models: demands (需求) and their life cycle, 揭榜 claims and reviews (orders are ``xiaodi.orders``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.contact import checked_phones
from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow
from xiaodi.directory.models import Organisation, Person


class DemandKind(Labelled):
    TALENT = "talent", "人才需求"
    TECHNOLOGY = "technology", "技术需求"
    PROJECT = "project", "项目需求"


class DemandState(Labelled):
    """The life of a demand, from draft to 发榜 (published), 揭榜 (claimed), selection and contract."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"  # awaiting the office's review
    REVIEWED = "reviewed", "已审核"
    PUBLISHED = "published", "已发榜"
    CLAIMED = "claimed", "已揭榜"  # at least one claim
    SHORTLISTED = "shortlisted", "入围评审"
    SELECTED = "selected", "已选定"
    CONTRACTED = "contracted", "已签约"  # an agreement records it
    CLOSED = "closed", "已关闭"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "未通过"  # 审核不通过


class Visibility(Labelled):
    PUBLIC = "public", "公开发榜"
    DIRECTED = "directed", "定向发榜"  # only the named universities (DemandAudience) see it
    CONFIDENTIAL = "confidential", "保密"  # only invited parties, and details are masked in lists


class Demand(RecordMixin, VersionedMixin, Base):
    """A demand (需求) published by an enterprise or unit: a talent, technology or project need (需求清单)."""

    __tablename__ = "demand"
    __table_args__ = (
        Index("ix_demand_state_kind", "state", "kind"),
        Index("ix_demand_region_published", "region_id", "published_at", "kind"),  # the figures query
        # covering index of the scope conditions: list counts and the dashboard's board read it, not the rows
        Index("ix_demand_scope", "state", "visibility", "kind", "region_id", "owner_id", "lead_unit_id",
              "retired_at", postgresql_include=["id"]),
        Index("ix_demand_budget", "budget"),  # the list sorted by budget walks it instead of reading every row
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)  # 需求编号: natural key for imports
    title: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[DemandKind] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 牵头单位
    industry_code: Mapped[str | None] = mapped_column(String(8), index=True)
    discipline_code: Mapped[str | None] = mapped_column(String(16), index=True)
    # The limits the API and the pages use too (info: read by the tables area for imports).
    description: Mapped[str | None] = mapped_column(Text, info={"max_length": 20000})
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    headcount: Mapped[int | None]  # talent demands: people wanted
    qualifications: Mapped[str | None] = mapped_column(Text, info={"max_length": 4000})  # 学历/专业/职称要求
    budget: Mapped[Decimal | None]  # 预算 (元)
    deadline: Mapped[dt.date | None] = mapped_column(index=True)  # 揭榜截止日期
    state: Mapped[DemandState] = mapped_column(String(16), default=DemandState.DRAFT, index=True)
    visibility: Mapped[Visibility] = mapped_column(String(16), default=Visibility.PUBLIC)
    state_reason: Mapped[str | None] = mapped_column(String(2000))  # why rejected / withdrawn / closed
    published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(120))  # 对接会, 人才周, 走访, 平台填报 …

    owner: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[owner_id])
    lead_unit: Mapped[Organisation | None] = relationship(lazy="raise_on_sql", foreign_keys=[lead_unit_id])
    audience: Mapped[list[DemandAudience]] = relationship(
        back_populates="demand", cascade="all, delete-orphan", lazy="selectin"
    )
    transitions: Mapped[list[DemandTransition]] = relationship(
        back_populates="demand", lazy="raise_on_sql", order_by="DemandTransition.id"
    )
    claims: Mapped[list[Claim]] = relationship(back_populates="demand", lazy="raise_on_sql")
    # Loaded only when a review rule asks (a detail page), never by the lists.
    invitations: Mapped[list[ReviewInvitation]] = relationship(back_populates="demand", lazy="select")


class DemandAudience(IdMixin, TimestampMixin, Base):
    """An organisation allowed to see a directed (定向) or confidential (保密) demand."""

    __tablename__ = "demand_audience"
    __table_args__ = (UniqueConstraint("demand_id", "organisation_id"),)

    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    demand: Mapped[Demand] = relationship(back_populates="audience")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class DemandTransition(IdMixin, Base):
    """One step of a demand's life (状态流转), appended by the service; the demand's history reads from here."""

    __tablename__ = "demand_transition"

    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    from_state: Mapped[DemandState | None] = mapped_column(String(16))  # None when created
    to_state: Mapped[DemandState] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(2000))

    demand: Mapped[Demand] = relationship(back_populates="transitions")


class ClaimState(Labelled):
    SUBMITTED = "submitted", "已揭榜"
    SCREENED_OUT = "screened_out", "形式审查未通过"
    UNDER_REVIEW = "under_review", "评审中"
    FINALIST = "finalist", "入围"
    SELECTED = "selected", "中选"
    NOT_SELECTED = "not_selected", "未中选"  # feedback required
    WITHDRAWN = "withdrawn", "已撤回"


class Claim(RecordMixin, VersionedMixin, Base):
    """A 揭榜 proposal: a university, institute or team answers a published demand.

    Every claimant that is not selected gets ``feedback``; the service refuses to close a demand without it.
    ``attachments`` holds file metadata only ({name, size, sha256, content_type}); files live in the data dir.
    """

    __tablename__ = "claim"
    __table_args__ = (
        Index("ix_claim_demand_state", "demand_id", "state"),
        Index("ix_claim_submitted_at", "submitted_at"),  # the claims list's order
    )

    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    claimant_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    claimant_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)  # 团队负责人
    team: Mapped[str | None] = mapped_column(Text)
    approach: Mapped[str | None] = mapped_column(Text)  # 技术路线/实施方案
    budget: Mapped[Decimal | None]
    schedule: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    state: Mapped[ClaimState] = mapped_column(String(16), default=ClaimState.SUBMITTED, index=True)
    feedback: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    demand: Mapped[Demand] = relationship(back_populates="claims", lazy="joined")
    claimant: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[claimant_org_id])
    claimant_person: Mapped[Person | None] = relationship(lazy="raise_on_sql")
    reviews: Mapped[list[ClaimReview]] = relationship(back_populates="claim", lazy="raise_on_sql")


class ReviewCriterion(IdMixin, Base):
    """A weighted review criterion (评审指标) for one demand, or part of the default set when ``demand_id`` is None."""

    __tablename__ = "review_criterion"
    __table_args__ = (UniqueConstraint("demand_id", "name"),)

    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))  # 技术先进性, 团队实力, 实施方案, 经费合理性 …
    description: Mapped[str | None] = mapped_column(String(1000))
    # Weights are shares, not money: their own precision instead of the Money type.
    weight: Mapped[Decimal] = mapped_column(Numeric(7, 3))
    max_score: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal(100))
    sort_order: Mapped[int] = mapped_column(default=0)


class ReviewStage(Labelled):
    SCREEN = "screen", "形式审查"
    ASSESS = "assess", "专家评审"
    FINAL = "final", "终审/答辩"


class ClaimReview(IdMixin, Base):
    """One reviewer's scores for one claim at one stage (评审打分)."""

    __tablename__ = "claim_review"
    __table_args__ = (UniqueConstraint("claim_id", "reviewer_user_id", "stage"),)

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    reviewer_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    stage: Mapped[ReviewStage] = mapped_column(String(12))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {criterion name: score}
    total: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    passed: Mapped[bool | None]  # screening verdict
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="reviews")


class ConflictDeclaration(IdMixin, Base):
    """A reviewer's conflict-of-interest declaration (利益冲突声明) for a demand or one claim, made before scoring."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (
        CheckConstraint("claim_id IS NOT NULL OR demand_id IS NOT NULL", name="target"),
        Index("ix_conflict_declaration_reviewer_demand", "reviewer_user_id", "demand_id"),
    )

    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    reviewer_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    has_conflict: Mapped[bool]
    statement: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReviewInvitation(IdMixin, Base):
    """An expert invited to review a demand's claims (邀请评审专家): the demand's deciders invite; the invited
    account then sees the demand and its claims and may score them."""

    __tablename__ = "review_invitation"
    __table_args__ = (UniqueConstraint("demand_id", "reviewer_user_id"),)

    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    reviewer_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    invited_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    demand: Mapped[Demand] = relationship(back_populates="invitations")


checked_phones(Demand.contact_phone)  # 联系电话: one rule for every interface (core.contact)
