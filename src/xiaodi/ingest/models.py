"""Ingestion models: reports and news read into the platform (工作报告/新闻) and the figures they state (报送数据).

A stated figure's ``metric`` is a key of the ledger vocabulary, ``figures.metrics.Metric`` (ingest reads figures,
never the reverse), so that it can be reconciled with the ledger and scored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow

if TYPE_CHECKING:
    from xiaodi.directory.models import Region


# Wide enough for any stated figure in yuan (23,730,000,000 元 and far beyond) and for counts alike.
FigureValue = Numeric(24, 2, asdecimal=True)


class ReportState(Labelled):
    UPLOADED = "uploaded", "待核对"  # uploaded, cleaned, figures proposed
    REVIEWED = "reviewed", "核对中"
    ACCEPTED = "accepted", "已采信"


class IngestedReport(RecordMixin, VersionedMixin, Base):
    """A work report or news article (工作报告/新闻稿) read into the platform; identified by its content hash."""

    __tablename__ = "ingested_report"

    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the raw bytes: the same file twice is one
    content_type: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(300), index=True)
    published_on: Mapped[dt.date | None] = mapped_column(index=True)
    source: Mapped[str | None] = mapped_column(String(200))  # 发布单位/网站
    url: Mapped[str | None] = mapped_column(String(1000))
    author: Mapped[str | None] = mapped_column(String(120))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    raw_size: Mapped[int]
    clean_text: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)  # what cleaning could not fix
    state: Mapped[ReportState] = mapped_column(String(12), default=ReportState.UPLOADED, index=True)
    uploaded_by: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    figures: Mapped[list[StatedFigure]] = relationship(
        back_populates="report", lazy="raise_on_sql", order_by="StatedFigure.id"
    )
    region: Mapped[Region | None] = relationship(lazy="joined")

    @property
    def cleaning_notes(self) -> str:
        """What cleaning changed or could not trust, as one text: each note is a sentence of its own (。)."""
        return "".join(n if n.endswith(("。", "！", "？")) else f"{n}。" for n in self.warnings or [])


class FigureState(Labelled):
    PROPOSED = "proposed", "待核对"  # extracted by the machine
    ACCEPTED = "accepted", "已采信"
    REJECTED = "rejected", "不采信"
    CORRECTED = "corrected", "已更正"  # ``corrected_value`` holds the reviewer's value


class StatedFigure(IdMixin, TimestampMixin, Base):
    """A figure a report states (报送数据), e.g. "签约项目56个、金额237.3亿元", with the quote it came from.

    ``value`` is in the metric's base unit (元 for money, a count otherwise); ``unit`` and ``value_text`` keep
    what the report wrote (亿元, "237.3亿元").
    """

    __tablename__ = "stated_figure"
    __table_args__ = (Index("ix_stated_figure_metric_region", "metric", "region_id"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("ingested_report.id"), index=True)
    metric: Mapped[str] = mapped_column(String(40))  # a figures.metrics.Metric key
    value: Mapped[Decimal] = mapped_column(FigureValue)
    value_text: Mapped[str | None] = mapped_column(String(60))
    unit: Mapped[str | None] = mapped_column(String(20))
    approx: Mapped[bool] = mapped_column(default=False, server_default="0")  # 余/近/约/超
    quote: Mapped[str] = mapped_column(Text)  # the sentence, so a reviewer can judge in context
    char_start: Mapped[int | None]  # offset of the quote in clean_text
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    region_name: Mapped[str | None] = mapped_column(String(120))  # as written, resolved or not
    period_from: Mapped[dt.date | None]
    period_to: Mapped[dt.date | None]
    period_text: Mapped[str | None] = mapped_column(String(60))  # "2021年以来", "今年上半年"
    is_plan: Mapped[bool] = mapped_column(default=False, server_default="0")  # a target (计划/力争), not a result
    state: Mapped[FigureState] = mapped_column(String(12), default=FigureState.PROPOSED, index=True)
    corrected_value: Mapped[Decimal | None] = mapped_column(FigureValue)
    review_note: Mapped[str | None] = mapped_column(String(2000))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    report: Mapped[IngestedReport] = relationship(back_populates="figures")

    @property
    def effective_value(self) -> Decimal:
        """The value to reconcile: the reviewer's correction when there is one."""
        if self.state == FigureState.CORRECTED and self.corrected_value is not None:
            return self.corrected_value
        return self.value
