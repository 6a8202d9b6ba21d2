"""Assessment models: indicator sets (考核指标体系), indicators and weights, periods, scores (得分) and rankings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow
from xiaodi.directory.models import Organisation, Region

# Weights and scores are points, not money: their own precision instead of the Money type.
Points = Numeric(9, 3, asdecimal=True)
# Raw values and targets are ledger figures (元 or counts), as wide as stated figures.
FigureValue = Numeric(24, 2, asdecimal=True)


class SetState(StrEnum):
    DRAFT = "draft"  # 编制中: weights may change
    ACTIVE = "active"  # 执行中: frozen, scores are computed
    CLOSED = "closed"  # 已结束


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


class ScoringRule(StrEnum):
    LINEAR = "linear"  # weight × min(raw / target, cap)
    THRESHOLD = "threshold"  # full weight when raw ≥ target, else 0 (or partial per params)
    RANKED = "ranked"  # by rank among the units assessed
    MANUAL = "manual"  # entered by the office (加分/扣分, qualitative items)


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
