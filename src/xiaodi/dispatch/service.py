"""The dispatch list of a unit or a region as of a day (调度清单), gathered from the areas with deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from xiaodi.bases.dispatch import duty_entries
from xiaodi.core.errors import ValidationFailed
from xiaodi.directory.models import Organisation, Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.projects.dispatch import AT_RISK_DAYS, DispatchEntry, EntryKind, milestone_entries
from xiaodi.talent.service import overdue_steps

_ORDER = {EntryKind.OVERDUE: 0, EntryKind.AT_RISK: 1, EntryKind.STALLED: 2}


@dataclass(frozen=True)
class DispatchList:
    as_of: dt.date
    unit: str | None
    region: str | None
    entries: list[DispatchEntry] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for e in self.entries if e.kind == kind)


def dispatch_list(
    session: Session,
    *,
    as_of: dt.date,
    unit_id: int | None = None,
    region_id: int | None = None,
    at_risk_days: int = AT_RISK_DAYS,
) -> DispatchList:
    """The dispatch list of a unit (its milestones and duties) or a region (its projects, duties and talents' steps,
    sub-regions included), as of a day.

    Overdue first (most days late first), then at-risk milestones, then stalled projects; a region's overdue
    talent steps last.
    """
    if unit_id is None and region_id is None:
        raise ValidationFailed("请指定责任单位或行政区")
    regions = region_subtree_ids(session, region_id) if region_id is not None else None
    entries = _deadlines(session, as_of=as_of, unit_id=unit_id, regions=regions, at_risk_days=at_risk_days)
    if unit_id is None:
        entries += _talent_steps(session, as_of=as_of, regions=regions)
    unit = session.get(Organisation, unit_id).name if unit_id is not None else None  # type: ignore[union-attr]
    region = session.get(Region, region_id).full_name if region_id is not None else None  # type: ignore[union-attr]
    return DispatchList(as_of=as_of, unit=unit, region=region, entries=entries)


def overdue_milestones(session: Session, *, as_of: dt.date, region_id: int | None = None, limit: int = 50
                       ) -> list[DispatchEntry]:
    """Overdue milestones across a region, or the whole ledger (the demo's "逾期节点" panel), most late first."""
    regions = region_subtree_ids(session, region_id) if region_id is not None else None
    entries = _deadlines(session, as_of=as_of, unit_id=None, regions=regions, at_risk_days=0)
    return [e for e in entries if e.kind == EntryKind.OVERDUE][:limit]


def _deadlines(session: Session, *, as_of: dt.date, unit_id: int | None, regions: Sequence[int] | None,
               at_risk_days: int) -> list[DispatchEntry]:
    """Project milestones, stalled projects and the duties of 1+1+N pairings, in the list's order."""
    horizon = as_of + dt.timedelta(days=at_risk_days)
    entries = milestone_entries(session, as_of=as_of, unit_id=unit_id, regions=regions, horizon=horizon)
    entries += duty_entries(session, as_of=as_of, unit_id=unit_id, regions=regions, horizon=horizon)
    entries.sort(key=lambda e: (_ORDER[e.kind], -e.days_overdue, e.project_id or 0, e.duty_id or 0))
    return entries


def _talent_steps(session: Session, *, as_of: dt.date, regions: Sequence[int] | None) -> list[DispatchEntry]:
    """Steps of one-stop talent applications (一件事) a department has let pass its time limit: the region's
    office chases them at its dispatch like an overdue milestone."""
    return [DispatchEntry(kind=EntryKind.OVERDUE_STEP, project_id=None, project_code=f"一件事{s.application_id}",
                          project_name=f"{s.talent}·{s.benefit}", leader_in_charge=s.department,
                          milestone=f"{s.department}办理“{s.benefit}”", due_on=s.due_on, days_overdue=s.days_overdue,
                          application_id=s.application_id)
            for s in overdue_steps(session, as_of=as_of, regions=regions)]
