"""Assessment models: indicator sets (考核指标体系), indicators and weights, periods, scores (得分) and rankings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow
from xiaodi.directory.models import Organisation, Region

# Weights and scores are points, not money: their own precision instead of the Money type.
Points = Numeric(9, 3, asdecimal=True)
# Raw values and targets are ledger figures (元 or counts), as wide as stated figures.
FigureValue = Numeric(24, 2, asdecimal=True)


class SetState(Labelled):
    DRAFT = "draft", "编制中"  # weights may change
    ACTIVE = "active", "执行中"  # frozen, scores are computed
    CLOSED = "closed", "已结束"


class Subject(Labelled):
    """Who an indicator set assesses (考核对象)."""

    REGION = "region", "县（市、区）"  # every county-level region in the set's scope
    LEAD_UNIT = "lead_unit", "牵头单位"  # the lead units of the scope's pairings and bases


class IndicatorSet(RecordMixin, VersionedMixin, Base):
    """An indicator set (专项考核指标体系) for a year and a scope (the whole province, or one city)."""

    __tablename__ = "indicator_set"
    __table_args__ = (UniqueConstraint("name", "year"),)

    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)  # scope
    subject: Mapped[str] = mapped_column(String(16), default="lead_unit")  # who is assessed: lead_unit / region
    state: Mapped[SetState] = mapped_column(String(12), default=SetState.DRAFT, index=True)
    description: Mapped[str | None] = mapped_column(Text)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="indicator_set",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Indicator.sort_order",
    )
    periods: Mapped[list[AssessmentPeriod]] = relationship(back_populates="indicator_set", lazy="raise_on_sql")


class ScoringRule(Labelled):
    LINEAR = "linear", "按完成比例"  # weight × min(raw / target, cap)
    THRESHOLD = "threshold", "达标得满分"  # full weight when raw ≥ target, else 0
    RANKED = "ranked", "按排名"  # by rank among the units assessed: weight × (n − rank) ÷ (n − 1)
    MANUAL = "manual", "佐证认定"  # the value is entered with evidence and checked by the office, then as LINEAR


class PeriodState(Labelled):
    """Where a period's assessment stands (考核进度)."""

    OPEN = "open", "待评分"
    SCORED = "scored", "已评分"  # scores computed; the scored units see their own results
    PUBLISHED = "published", "已发布"  # the ranking is published (通报); appeals until the deadline


class Indicator(IdMixin, Base):
    """An indicator (考核指标) with its weight; ``metric`` names the ledger figure it is computed from."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("set_id", "code"), CheckConstraint("weight >= 0", name="weight"))

    set_id: Mapped[int] = mapped_column(ForeignKey("indicator_set.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"), index=True)  # 一级/二级指标
    code: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str | None] = mapped_column(String(40))  # a Metric key; None for manual indicators
    weight: Mapped[Decimal] = mapped_column(Points)  # 分值
    target: Mapped[Decimal | None] = mapped_column(FigureValue)  # 目标值, in the metric's base unit
    unit: Mapped[str | None] = mapped_column(String(20))
    scoring_rule: Mapped[ScoringRule] = mapped_column(String(12), default=ScoringRule.LINEAR)
    rule_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"cap": 1.2, "steps": [...]}
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)

    indicator_set: Mapped[IndicatorSet] = relationship(back_populates="indicators")


class AssessmentPeriod(IdMixin, Base):
    """An assessment period (考核周期): a year, a half or a quarter of an indicator set."""

    __tablename__ = "assessment_period"
    __table_args__ = (
        UniqueConstraint("set_id", "name"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    set_id: Mapped[int] = mapped_column(ForeignKey("indicator_set.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))  # 2024年度, 2024年上半年
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # scores frozen
    state: Mapped[PeriodState] = mapped_column(String(12), default=PeriodState.OPEN, server_default="open",
                                               index=True)
    scored_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    appeal_deadline: Mapped[dt.date | None] = mapped_column(default=None)  # 申诉截止日期 (inclusive)

    indicator_set: Mapped[IndicatorSet] = relationship(back_populates="periods", lazy="joined")


class Score(IdMixin, TimestampMixin, Base):
    """One unit's (or region's) score on one indicator in one period (得分), computed or entered by hand.

    The unique constraint treats NULLs as distinct, so the service also checks the (unit or region) pair.
    """

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("period_id", "indicator_id", "unit_id", "region_id"),
        CheckConstraint("unit_id IS NOT NULL OR region_id IS NOT NULL", name="subject"),
    )

    period_id: Mapped[int] = mapped_column(ForeignKey("assessment_period.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # the lead unit
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    raw_value: Mapped[Decimal | None] = mapped_column(FigureValue)
    score: Mapped[Decimal] = mapped_column(Points)
    manual: Mapped[bool] = mapped_column(default=False, server_default="0")
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    entered_by: Mapped[str | None] = mapped_column(String(200))  # who entered a manual score
    note: Mapped[str | None] = mapped_column(String(2000))  # evidence / why a manual score
    target: Mapped[Decimal | None] = mapped_column(FigureValue)  # the working (计分过程): the target then
    ratio: Mapped[Decimal | None] = mapped_column(Numeric(12, 4, asdecimal=True))  # value / target, capped

    indicator: Mapped[Indicator] = relationship(lazy="joined")
    unit: Mapped[Organisation | None] = relationship(lazy="raise_on_sql")
    region: Mapped[Region | None] = relationship(lazy="raise_on_sql")


class Ranking(IdMixin, Base):
    """The total and rank (排名) of a unit or region in a period, recomputed from the scores."""

    __tablename__ = "ranking"
    __table_args__ = (
        UniqueConstraint("period_id", "unit_id", "region_id"),
        CheckConstraint("unit_id IS NOT NULL OR region_id IS NOT NULL", name="subject"),
    )

    period_id: Mapped[int] = mapped_column(ForeignKey("assessment_period.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    total: Mapped[Decimal] = mapped_column(Points)
    rank: Mapped[int]
    grade: Mapped[str | None] = mapped_column(String(16))  # 优秀/良好/一般/较差
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Organisation | None] = relationship(lazy="joined")


class EvidenceState(Labelled):
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已认定"
    REJECTED = "rejected", "已退回"


class Evidence(IdMixin, TimestampMixin, Base):
    """A value entered with its evidence (佐证材料) for a manual indicator, checked (审核认定) by the office."""

    __tablename__ = "assessment_evidence"
    __table_args__ = (CheckConstraint("unit_id IS NOT NULL OR region_id IS NOT NULL", name="subject"),)

    period_id: Mapped[int] = mapped_column(ForeignKey("assessment_period.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    value: Mapped[Decimal] = mapped_column(FigureValue)
    evidence: Mapped[str] = mapped_column(String(2000))  # what proves it: documents, links, dates
    submitted_by: Mapped[str] = mapped_column(String(200))
    state: Mapped[EvidenceState] = mapped_column(String(12), default=EvidenceState.SUBMITTED, index=True)
    checked_by: Mapped[str | None] = mapped_column(String(200))
    checked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    check_note: Mapped[str | None] = mapped_column(String(2000))

    indicator: Mapped[Indicator] = relationship(lazy="joined")


class AppealState(Labelled):
    FILED = "filed", "待答复"
    UPHELD = "upheld", "已采纳"  # the score was corrected
    DISMISSED = "dismissed", "未采纳"


class Appeal(IdMixin, TimestampMixin, Base):
    """A scored unit's appeal (申诉) against its result, answered by the office; an upheld appeal corrects a score."""

    __tablename__ = "assessment_appeal"
    __table_args__ = (CheckConstraint("unit_id IS NOT NULL OR region_id IS NOT NULL", name="subject"),)

    period_id: Mapped[int] = mapped_column(ForeignKey("assessment_period.id"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    reason: Mapped[str] = mapped_column(String(2000))
    filed_by: Mapped[str] = mapped_column(String(200))
    state: Mapped[AppealState] = mapped_column(String(12), default=AppealState.FILED, index=True)
    answer: Mapped[str | None] = mapped_column(String(2000))
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    corrected_value: Mapped[Decimal | None] = mapped_column(FigureValue)

    indicator: Mapped[Indicator | None] = relationship(lazy="joined")
