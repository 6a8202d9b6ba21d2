"""Budget models: budget lines (预算/经费科目) of a region and year, and allocations (支出/拨付) from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, RecordMixin, VersionedMixin
from xiaodi.directory.models import Region


class BudgetKind(Labelled):
    TALENT_FUND = "talent_fund", "人才工作经费"
    GUIDANCE_FUND = "guidance_fund", "引导基金"
    SPECIAL_SUPPORT = "special_support", "专项扶持资金"
    OTHER = "other", "其他"


class BudgetLine(RecordMixin, VersionedMixin, Base):
    """A budget line (经费预算): money a region sets aside for one year, by the document that says so."""

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("region_id", "year", "name"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)  # 预算编号
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[BudgetKind] = mapped_column(String(24), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    amount: Mapped[Decimal]  # 预算金额 (元)
    source_document: Mapped[str | None] = mapped_column(String(300))  # 依据文件

    region: Mapped[Region] = relationship(lazy="joined")
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="budget_line", lazy="raise_on_sql", order_by="Allocation.id"
    )


class AllocationTarget(Labelled):
    """What an allocation paid for: a project, a base, or something else described in words (a talent subsidy
    before subsidies are in the ledger, a training, an award)."""

    PROJECT = "project", "项目"
    BASE = "base", "基地"
    OTHER = "other", "其他"


class Allocation(RecordMixin, Base):
    """An allocation (拨付/支出) from a budget line. Never edited: a wrong one is withdrawn (注销) with a reason."""

    __tablename__ = "budget_allocation"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint(
            "(target = 'project' AND project_id IS NOT NULL AND base_id IS NULL)"
            " OR (target = 'base' AND base_id IS NOT NULL AND project_id IS NULL)"
            " OR (target = 'other' AND project_id IS NULL AND base_id IS NULL AND description IS NOT NULL)",
            name="target",
        ),
    )

    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_line.id"), index=True)
    amount: Mapped[Decimal]
    paid_on: Mapped[dt.date] = mapped_column(index=True)
    target: Mapped[AllocationTarget] = mapped_column(String(12))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("programme_base.id"), index=True)
    description: Mapped[str | None] = mapped_column(String(500))
    override_reason: Mapped[str | None] = mapped_column(String(2000))  # why it may exceed the budget line

    budget_line: Mapped[BudgetLine] = relationship(back_populates="allocations")
