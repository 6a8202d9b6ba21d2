"""What the assessment reads from the ledger (台账取数): the one place that imports the programme's figures.

The figures code is moving out of ``projects.figures`` into its own package; every assessment and briefing module
reads the ledger through this adapter, so that move changes one import here.

Computed indicators use the figure keys of ``compute_figures`` (the same definitions the figures page, the
dashboard and report reconciliation use), plus two the figures do not count yet:

* ``talents`` — 引进人才: talent cards (人才卡) issued in the period by the region (or to the unit's staff);
* ``students`` — 实习实训人次: participants of internship and training batches (实习/实训) held at the region's
  (or the unit's) bases in the period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.bases.models import BaseActivity, ProgrammeBase
from xiaodi.projects.figures import (  # the adapter's single import of the figures code
    BREAKDOWN_KEYS,
    FIGURE_KEYS,
    MONEY_KEYS,
    BreakdownRow,
    Figures,
    compute_figures,
    figures_by_subregion,
    metric_label,
    region_subtree_ids,
)
from xiaodi.talent.models import TalentCard

EXTRA_METRICS: dict[str, str] = {"talents": "引进人才", "students": "实习实训人次"}
# Metric key → Chinese label, for the indicator forms and the working of a score.
LEDGER_METRICS: dict[str, str] = {k: metric_label(k) for k in FIGURE_KEYS} | EXTRA_METRICS


def is_money(metric: str | None) -> bool:
    return metric in MONEY_KEYS


def metric_values(session: Session, metrics: set[str], *, region_id: int | None, unit_id: int | None,
                  date_from: dt.date, date_to: dt.date) -> dict[str, Decimal]:
    """The value of each wanted metric for one region (with its sub-regions) or one unit, over a period."""
    out: dict[str, Decimal] = {}
    if metrics & set(FIGURE_KEYS):
        figures = compute_figures(session, region_id=region_id, unit_id=unit_id, date_from=date_from, date_to=date_to)
        out.update({k: Decimal(figures.values[k]) for k in metrics if k in figures.values})
    regions = region_subtree_ids(session, region_id) if region_id is not None else None
    if "talents" in metrics:
        cards = and_(TalentCard.retired_at.is_(None), TalentCard.issued_on >= date_from,
                     TalentCard.issued_on <= date_to,
                     TalentCard.region_id.in_(regions) if regions is not None else true(),
                     TalentCard.employer_id == unit_id if unit_id is not None else true())
        out["talents"] = Decimal(session.scalar(select(func.count()).select_from(TalentCard).where(cards)) or 0)
    if "students" in metrics:
        unit_base = (or_(ProgrammeBase.host_org_id == unit_id, ProgrammeBase.partner_org_id == unit_id,
                         ProgrammeBase.lead_unit_id == unit_id) if unit_id is not None else true())
        batches = and_(BaseActivity.held_on >= date_from, BaseActivity.held_on <= date_to,
                       or_(BaseActivity.kind.contains("实习"), BaseActivity.kind.contains("实训")),
                       ProgrammeBase.retired_at.is_(None), unit_base,
                       ProgrammeBase.region_id.in_(regions) if regions is not None else true())
        total = session.scalar(select(func.coalesce(func.sum(BaseActivity.participants), 0))
                               .join(ProgrammeBase, ProgrammeBase.id == BaseActivity.base_id).where(batches))
        out["students"] = Decimal(total or 0)
    return out


__all__ = ["BREAKDOWN_KEYS", "FIGURE_KEYS", "LEDGER_METRICS", "MONEY_KEYS", "BreakdownRow", "Figures",
           "compute_figures", "figures_by_subregion", "is_money", "metric_label", "metric_values",
           "region_subtree_ids"]
