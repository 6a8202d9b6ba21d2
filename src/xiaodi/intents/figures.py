"""Intent figures (合作意向统计): intents recorded in a period, how many became agreements, the conversion rate.

Counted from the ledger like every figure: live intents whose date (``agreed_on``) lies in the period, in the
region and the regions below it. Converted means signed (已签约) — whenever it was signed — so the rate says what
became of the period's intents. Kept in this area so the figures page and the report reconciliation call it
wherever the figures code lives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session, aliased

from xiaodi.accounts.scope import Viewer
from xiaodi.directory.models import Region
from xiaodi.intents import access
from xiaodi.intents.models import Intent, IntentState


@dataclass(frozen=True)
class IntentFigures:
    recorded: int
    converted: int

    @property
    def rate(self) -> Decimal | None:
        """converted / recorded as a percentage with one decimal; None when nothing was recorded."""
        if not self.recorded:
            return None
        return (Decimal(self.converted) * 100 / self.recorded).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate}%"

    def values(self) -> dict[str, int | Decimal]:
        """The ledger metrics report reconciliation compares (``ingest.models.Metric.INTENTS``)."""
        return {"intents": self.recorded, "intents_converted": self.converted}


def subtree_ids(session: Session, region_id: int) -> list[int]:
    """The region and every region below it (one recursive query)."""
    tree = select(Region.id).where(Region.id == region_id).cte("intent_subtree", recursive=True)
    child = aliased(Region)
    tree = tree.union_all(select(child.id).join(tree, child.parent_id == tree.c.id))
    return list(session.scalars(select(tree.c.id)))


def intent_figures(session: Session, *, region_id: int | None = None, date_from: dt.date | None = None,
                   date_to: dt.date | None = None, where: ColumnElement[bool] | None = None) -> IntentFigures:
    """The intents of a region (with its sub-regions; None: everywhere) dated in the period; ``where`` narrows them
    further (a viewer's ``access.readable``)."""
    conds: list[ColumnElement[bool]] = [Intent.retired_at.is_(None)]
    if where is not None:
        conds.append(where)
    if region_id is not None:
        conds.append(Intent.region_id.in_(subtree_ids(session, region_id)))
    if date_from is not None:
        conds.append(Intent.agreed_on >= date_from)
    if date_to is not None:
        conds.append(Intent.agreed_on <= date_to)
    signed = func.count(Intent.id).filter(Intent.state == IntentState.SIGNED.value)
    row = session.execute(select(func.count(Intent.id), signed).where(and_(true(), *conds))).one()
    return IntentFigures(recorded=int(row[0] or 0), converted=int(row[1] or 0))


def for_report(session: Session, viewer: Viewer, report: Any) -> IntentFigures:
    """The figures page's intents: the page's region and period, only the intents the viewer may see (a unit: those
    it is party to). ``report`` is the page's ``FiguresReport`` (its ``scope.region`` and ``period``)."""
    region = getattr(report.scope, "region", None)
    return intent_figures(session, region_id=region.id if region is not None else None,
                          date_from=report.period.date_from, date_to=report.period.date_to,
                          where=access.readable(viewer))
