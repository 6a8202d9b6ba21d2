"""Budget against spending (预算与支出) per region and year: what the budget lines of a region and year hold, what
their live allocations paid, and what remains — the table of the figures page and of ``xiaodi budget summary``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.budgets import access
from xiaodi.budgets.models import Allocation, BudgetLine
from xiaodi.directory.models import Region
from xiaodi.intents.figures import subtree_ids


@dataclass(frozen=True)
class MoneyRow:
    region_id: int
    region: str
    year: int
    budget: Decimal
    spent: Decimal
    lines: int

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent

    @property
    def share(self) -> str:
        """执行率: spent as a share of the budget."""
        if not self.budget:
            return "—"
        return f"{(self.spent * 100 / self.budget).quantize(Decimal('0.1'))}%"


def budget_vs_spending(session: Session, *, region_id: int | None = None, year: int | None = None,
                       where: ColumnElement[bool] | None = None) -> list[MoneyRow]:
    """One row per region and year that has budget lines (the region and its sub-regions when given)."""
    conds: list[ColumnElement[bool]] = [BudgetLine.retired_at.is_(None)]
    if region_id is not None:
        conds.append(BudgetLine.region_id.in_(subtree_ids(session, region_id)))
    if year is not None:
        conds.append(BudgetLine.year == year)
    if where is not None:
        conds.append(where)
    paid = (select(Allocation.budget_line_id, func.sum(Allocation.amount).label("paid"))
            .where(Allocation.retired_at.is_(None)).group_by(Allocation.budget_line_id).subquery())
    stmt = (select(BudgetLine.region_id, Region.full_name, BudgetLine.year, func.sum(BudgetLine.amount),
                   func.sum(func.coalesce(paid.c.paid, 0)), func.count(BudgetLine.id))
            .join(Region, Region.id == BudgetLine.region_id)
            .outerjoin(paid, paid.c.budget_line_id == BudgetLine.id)
            .where(and_(true(), *conds))
            .group_by(BudgetLine.region_id, Region.full_name, BudgetLine.year)
            .order_by(BudgetLine.year.desc(), Region.full_name))
    q = Decimal("0.01")
    return [MoneyRow(region_id=r[0], region=r[1], year=r[2], budget=Decimal(r[3] or 0).quantize(q),
                     spent=Decimal(r[4] or 0).quantize(q), lines=int(r[5])) for r in session.execute(stmt)]


def for_viewer(session: Session, viewer: Viewer, *, region_id: int | None = None,
               year: int | None = None) -> list[MoneyRow] | None:
    """The rows ``viewer`` may see (None for a role that never sees money: the page then shows nothing)."""
    if not access.sees_money(viewer):
        return None
    return budget_vs_spending(session, region_id=region_id, year=year, where=access.readable(viewer))


def for_report(session: Session, viewer: Viewer, report: Any) -> list[MoneyRow] | None:
    """The figures page's table: budget against spending of the page's region, in the years its period covers
    (every year when the period is open); None for a viewer who never sees money."""
    if not access.sees_money(viewer):
        return None
    region = getattr(report.scope, "region", None)
    start, end = report.period.date_from, report.period.date_to
    rows = budget_vs_spending(session, region_id=region.id if region is not None else None,
                              where=access.readable(viewer))
    return [r for r in rows if (start is None or r.year >= start.year) and (end is None or r.year <= end.year)]
