"""What the assessment reads from the ledger (台账取数): the one place that imports the programme's figures.

The figures code lives in the ``figures`` package; every assessment and briefing module
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
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.bases.models import BaseActivity, BaseState, ProgrammeBase
from xiaodi.core.settings import local_day_bounds
from xiaodi.demands.models import Claim, ClaimState, Demand
from xiaodi.directory.models import Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.figures.compute import BreakdownRow, Figures, compute_figures, figures_by_subregion
from xiaodi.figures.metrics import BREAKDOWN_KEYS, FIGURE_KEYS, MONEY_KEYS, Metric, metric_label
from xiaodi.projects.models import Agreement, Project
from xiaodi.talent.models import TalentCard

# Talents keep the vocabulary's label; students are counted here as internship participants (人次), so they say so.
EXTRA_METRICS: dict[str, str] = {Metric.TALENTS.value: Metric.TALENTS.label, Metric.STUDENTS.value: "实习实训人次"}
# Metric key → Chinese label, for the indicator forms and the working of a score.
LEDGER_METRICS: dict[str, str] = {k: metric_label(k) for k in FIGURE_KEYS} | EXTRA_METRICS


def is_money(metric: str | None) -> bool:
    return metric in MONEY_KEYS


# Metrics counted for many regions at once (``values_by_region``): the breakdown figures per sub-region from
# ``figures_by_subregion`` (one statement per figure and parent region), and these, grouped here by region with
# compute_figures' definitions (``test_values_by_region_equal_the_figures`` holds them to it).
GROUPED_HERE = frozenset({"bases", "projects_signed", "demands_claimed", "talents", "students"})


def values_by_region(session: Session, metrics: set[str], regions: list[Region], *, date_from: dt.date,
                     date_to: dt.date) -> dict[int, dict[str, Decimal]]:
    """Each region's values (with its sub-regions) in a few grouped statements instead of a ``compute_figures``
    per region — scoring the 117 counties of a province. A metric neither way can count is computed per region."""
    wanted = {r.id for r in regions}
    parent_of: dict[int, int | None] = {i: p for i, p in session.execute(select(Region.id, Region.parent_id))}
    root_of: dict[int, int] = {}
    for rid in parent_of:
        node: int | None = rid
        while node is not None and node not in wanted:
            node = parent_of.get(node)
        if node is not None:
            root_of[rid] = node
    out: dict[int, dict[str, Decimal]] = {r.id: {} for r in regions}
    breakdown = metrics & set(BREAKDOWN_KEYS)
    if breakdown:
        code_of = {r.code: r.id for r in regions}
        parents = {r.parent_id for r in regions}
        for parent in parents:
            for row in figures_by_subregion(session, region_id=parent, date_from=date_from, date_to=date_to):
                if row.key in code_of:
                    out[code_of[row.key]].update({k: Decimal(row.values[k]) for k in breakdown})

    def put(metric: str, rows: Any) -> None:
        for region_id, value in rows:
            root = root_of.get(region_id)
            if root is not None:
                out[root][metric] = out[root].get(metric, Decimal(0)) + Decimal(value or 0)

    in_scope = sorted(root_of)
    if "bases" in metrics:
        put("bases", session.execute(
            select(ProgrammeBase.region_id, func.count()).where(
                ProgrammeBase.retired_at.is_(None), ProgrammeBase.state != BaseState.REVOKED,
                ProgrammeBase.region_id.in_(in_scope), ProgrammeBase.plaque_on.is_not(None),
                ProgrammeBase.plaque_on >= date_from, ProgrammeBase.plaque_on <= date_to)
            .group_by(ProgrammeBase.region_id)))
    if "projects_signed" in metrics:
        put("projects_signed", session.execute(
            select(Project.region_id, func.count()).join(Agreement, Agreement.id == Project.agreement_id).where(
                Project.retired_at.is_(None), Project.region_id.in_(in_scope), Agreement.signed_on.is_not(None),
                Agreement.signed_on >= date_from, Agreement.signed_on <= date_to).group_by(Project.region_id)))
    if "demands_claimed" in metrics:
        start, end = local_day_bounds(date_from, date_to)
        put("demands_claimed", session.execute(
            select(Demand.region_id, func.count(func.distinct(Claim.demand_id)))
            .join(Demand, Demand.id == Claim.demand_id).where(
                Demand.retired_at.is_(None), Demand.published_at.is_not(None), Demand.region_id.in_(in_scope),
                Demand.published_at >= start, Demand.published_at < end,
                Claim.retired_at.is_(None), Claim.state != ClaimState.WITHDRAWN).group_by(Demand.region_id)))
    if "talents" in metrics:
        put("talents", session.execute(
            select(TalentCard.region_id, func.count()).where(
                TalentCard.retired_at.is_(None), TalentCard.region_id.in_(in_scope),
                TalentCard.issued_on >= date_from, TalentCard.issued_on <= date_to).group_by(TalentCard.region_id)))
    if "students" in metrics:
        put("students", session.execute(
            select(ProgrammeBase.region_id, func.coalesce(func.sum(BaseActivity.participants), 0))
            .join(ProgrammeBase, ProgrammeBase.id == BaseActivity.base_id).where(
                BaseActivity.held_on >= date_from, BaseActivity.held_on <= date_to,
                or_(BaseActivity.kind.contains("实习"), BaseActivity.kind.contains("实训")),
                ProgrammeBase.retired_at.is_(None), ProgrammeBase.region_id.in_(in_scope))
            .group_by(ProgrammeBase.region_id)))
    rest = metrics - breakdown - GROUPED_HERE
    for r in regions:
        for k in (breakdown | GROUPED_HERE) & metrics:
            out[r.id].setdefault(k, Decimal(0))
        if rest:
            out[r.id].update(metric_values(session, rest, region_id=r.id, unit_id=None, date_from=date_from,
                                           date_to=date_to))
    return out


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
           "region_subtree_ids", "values_by_region"]
