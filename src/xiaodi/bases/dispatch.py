"""Duties on the dispatch lists (调度清单): the milestones of a duty's work plan (职责任务的时间表) and its final
deadline, when late or due soon, join the project milestones on a unit's or region's list (``xiaodi.dispatch``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.bases.models import Duty, DutyMilestone, DutyState, Pairing
from xiaodi.directory.models import Organisation
from xiaodi.projects.dispatch import AT_RISK, OVERDUE, DispatchEntry

DEADLINE = "完成时限"


def duty_entries(session: Session, *, as_of: dt.date, unit_id: int | None, regions: Sequence[int] | None,
                 horizon: dt.date) -> list[DispatchEntry]:
    """Open duties' pending milestones and deadlines due by ``horizon``, for a unit (its duties) or regions."""
    scope = [Duty.state == DutyState.OPEN]
    if unit_id is not None:
        scope.append(Duty.unit_id == unit_id)
    if regions is not None:
        scope.append(Pairing.region_id.in_(regions))
    base = (select(Duty.id, Duty.title, Organisation.name).join(Pairing, Pairing.id == Duty.pairing_id)
            .join(Organisation, Organisation.id == Duty.unit_id).where(*scope))
    deadlines: list[Any] = list(session.execute(base.add_columns(Duty.due_on).where(Duty.due_on <= horizon)))
    milestones: list[Any] = list(session.execute(
        base.add_columns(DutyMilestone.title, DutyMilestone.due_on)
        .join(DutyMilestone, DutyMilestone.duty_id == Duty.id)
        .where(DutyMilestone.done_on.is_(None), DutyMilestone.due_on <= horizon)))
    rows = [(r[0], r[1], r[2], DEADLINE, r[3]) for r in deadlines] + [tuple(r) for r in milestones]
    return [DispatchEntry(kind=OVERDUE if due < as_of else AT_RISK, project_id=None, project_code="职责任务",
                          project_name=f"{title}（{unit}）", leader_in_charge=None, milestone=milestone, due_on=due,
                          original_due_on=due, days_overdue=(as_of - due).days, source="duty", duty_id=did)
            for did, title, unit, milestone, due in rows]
