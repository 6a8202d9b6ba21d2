"""Duties on the dispatch lists (调度清单): the milestones of a duty's work plan (职责任务的时间表) and its final
deadline, when late or due soon, join the project milestones on a unit's or region's list (``xiaodi.dispatch``);
a 调度会 decides on a duty's milestone as on a project's — a new deadline, a slip counted, and from the second
slip on the item escalated one level up (``decide_on_duty_milestone``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.bases.models import Duty, DutyMilestone, DutyState, Pairing
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot
from xiaodi.core.records import check_version, flush_or_conflict
from xiaodi.directory.models import Organisation
from xiaodi.projects.dispatch import AT_RISK, ESCALATE_AFTER_SLIPS, LEVELS, OVERDUE, Decision, DispatchEntry
from xiaodi.projects.models import DispatchItem

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
        base.add_columns(DutyMilestone.title, DutyMilestone.due_on, DutyMilestone.id, DutyMilestone.version,
                         DutyMilestone.slip_count, DutyMilestone.original_due_on)
        .join(DutyMilestone, DutyMilestone.duty_id == Duty.id)
        .where(DutyMilestone.done_on.is_(None), DutyMilestone.due_on <= horizon)))
    escalations = _escalations(session, [r[5] for r in milestones])
    entries = [_entry(as_of, did, title, unit, DEADLINE, due) for did, title, unit, due in deadlines]
    entries += [_entry(as_of, did, title, unit, milestone, due, mid=mid, version=version, slips=slips,
                       original=original, escalated_to=escalations.get(mid))
                for did, title, unit, milestone, due, mid, version, slips, original in milestones]
    return entries


def _entry(as_of: dt.date, duty_id: int, title: str, unit: str, milestone: str, due: dt.date, *,
           mid: int | None = None, version: int | None = None, slips: int = 0, original: dt.date | None = None,
           escalated_to: str | None = None) -> DispatchEntry:
    return DispatchEntry(kind=OVERDUE if due < as_of else AT_RISK, project_id=None, project_code="职责任务",
                         project_name=f"{title}（{unit}）", leader_in_charge=None, milestone=milestone, due_on=due,
                         original_due_on=original or due, days_overdue=(as_of - due).days, slip_count=slips or 0,
                         escalated_to=escalated_to, source="duty", duty_id=duty_id, duty_milestone_id=mid,
                         milestone_version=version)


def _escalations(session: Session, milestone_ids: Sequence[int]) -> dict[int, str]:
    """The highest level each duty milestone has been escalated to (open escalations only)."""
    if not milestone_ids:
        return {}
    rows = session.execute(select(DispatchItem.duty_milestone_id, DispatchItem.escalated_to_level).where(
        DispatchItem.escalated.is_(True), DispatchItem.resolved_on.is_(None),
        DispatchItem.duty_milestone_id.in_(sorted(set(milestone_ids))))).all()
    out: dict[int, str] = {}
    for mid, level in rows:
        if mid is not None and level and (mid not in out or LEVELS.index(level) > LEVELS.index(out[mid])):
            out[mid] = level
    return out


def decide_on_duty_milestone(session: Session, d: Decision, *, held_on: dt.date, actor: Actor) -> bool:
    """A 调度会's decision on a duty's milestone: with a new deadline the milestone moves (a later date is a slip;
    the duty's own deadline follows when the milestone passes it), audited with the meeting's decision. True when
    this slip escalates the milestone (the second postponement, as for project milestones)."""
    ms = session.get(DutyMilestone, d.duty_milestone_id or 0)
    if ms is None:
        raise NotFound(f"职责任务节点（编号 {d.duty_milestone_id}）不存在")
    duty = ms.duty
    if duty.state == DutyState.DONE:
        raise ValidationFailed(f"职责任务“{duty.title}”已完成，不再调度")
    if d.new_due_on is None:
        return False
    check_version(ms, d.expected_version, f"节点“{ms.title}”")
    if ms.done_on is not None:
        raise ValidationFailed(f"节点“{ms.title}”已完成，不能再调整时限")
    d.check_new_due(ms.title, held_on)
    slipped = d.new_due_on > ms.due_on
    reason = f"{held_on:%Y-%m-%d} 调度会：{d.decision.strip()}"
    before = model_snapshot(ms)
    if ms.original_due_on is None and d.new_due_on != ms.due_on:
        ms.original_due_on = ms.due_on
    ms.due_on = d.new_due_on
    if slipped:
        ms.slip_count = (ms.slip_count or 0) + 1
    flush_or_conflict(session, f"节点“{ms.title}”")
    audit.record(session, actor=actor, action="reschedule", obj=ms, before=before, reason=reason)
    if d.new_due_on > duty.due_on:  # a plan's milestone never lies after its duty's deadline
        before = model_snapshot(duty)
        duty.due_on = d.new_due_on
        flush_or_conflict(session, f"职责任务“{duty.title}”")
        audit.record(session, actor=actor, action="reschedule", obj=duty, before=before,
                     reason=f"{reason}（节点“{ms.title}”顺延，完成时限随之顺延）")
    return slipped and ms.slip_count >= ESCALATE_AFTER_SLIPS
