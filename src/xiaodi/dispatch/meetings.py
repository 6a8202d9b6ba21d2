"""The 调度会 (dispatch meeting): an office's decisions on the late items of its dispatch list — project milestones
and projects, the milestones of 1+1+N duties — with new deadlines, slips counted and escalation one level up from
the second slip on (county → city → province).

The meeting sits here, above the areas it decides for: each area moves its own deadlines
(``projects.dispatch.decide_on_milestone``, ``bases.dispatch.decide_on_duty_milestone``) and none imports another.
``hold_meeting`` records a meeting as the trusted console does (``xiaodi dispatch record``, the demo);
``hold_project_meeting`` and ``hold_duty_meeting`` are a user's meeting on one project or one duty, with the
area's rule of who may hold it, used alike by the pages and the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases import access as bases_access
from xiaodi.bases.dispatch import decide_on_duty_milestone
from xiaodi.bases.models import DutyState
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.records import create, flush_or_conflict, get_live
from xiaodi.core.settings import not_after_today
from xiaodi.directory.models import Organisation, Region, RegionLevel
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.projects.access import managed_project
from xiaodi.projects.dispatch import LEVELS, Decision, decide_on_milestone, next_level
from xiaodi.projects.models import DispatchItem, DispatchMeeting, Milestone

MAX_PROJECT_DECISIONS = 50  # decisions one meeting on a project may take
MAX_DUTY_DECISIONS = 20  # decisions one meeting on a duty may take


def hold_meeting(
    session: Session,
    *,
    actor: Actor,
    held_on: dt.date,
    decisions: Sequence[Decision],
    unit_id: int | None = None,
    region_id: int | None = None,
    level: str | None = None,
    title: str | None = None,
    chaired_by: str | None = None,
    summary: str | None = None,
    minutes: str | None = None,
) -> DispatchMeeting:
    """Record a 调度会: its decisions, the new due dates they set, and the escalations repeated slips cause."""
    if not decisions:
        raise ValidationFailed("调度会至少应有一项决定")
    not_after_today(held_on, "调度会日期", "尚未召开的调度会（其决定会改动节点时限）")
    level = level or _level_of(session, region_id, unit_id)
    if level not in LEVELS:
        raise ValidationFailed("调度层级应为县级、市级或省级")
    meeting = DispatchMeeting(region_id=region_id, unit_id=unit_id, level=level, title=title, held_on=held_on,
                              chaired_by=chaired_by, decisions=summary, minutes=minutes)
    create(session, meeting, actor=actor)
    for d in decisions:
        meeting.items.append(_decide(session, meeting, d, actor=actor))
    flush_or_conflict(session, "调度会")
    for item in meeting.items:
        audit.record(session, actor=actor, action="create", obj=item)
    return meeting


def _level_of(session: Session, region_id: int | None, unit_id: int | None) -> str:
    if region_id is None and unit_id is not None:
        region_id = get_live(session, Organisation, unit_id, "责任单位").region_id
    if region_id is None:
        raise ValidationFailed("请写明调度层级（县级/市级/省级）或调度的行政区")
    return str(get_live(session, Region, region_id, "行政区").level)


def _decide(session: Session, meeting: DispatchMeeting, d: Decision, *, actor: Actor) -> DispatchItem:
    """One decision, handed to the area whose deadline it moves."""
    if not d.decision.strip():
        raise ValidationFailed("调度决定不能为空")
    if d.duty_milestone_id is not None:  # a duty's milestone: the bases area moves its deadline
        escalated = decide_on_duty_milestone(session, d, held_on=meeting.held_on, actor=actor) or d.escalate
        return DispatchItem(duty_milestone_id=d.duty_milestone_id, decision=d.decision.strip(),
                            new_due_on=d.new_due_on, escalated=escalated,
                            escalated_to_level=next_level(str(meeting.level)) if escalated else None)
    if d.milestone_id is None and d.project_id is None:
        raise ValidationFailed("调度决定须针对某个项目、节点或职责任务节点")
    project_id, escalated = decide_on_milestone(session, d, held_on=meeting.held_on, actor=actor)
    return DispatchItem(milestone_id=d.milestone_id, project_id=project_id, decision=d.decision.strip(),
                        new_due_on=d.new_due_on, escalated=escalated,
                        escalated_to_level=next_level(str(meeting.level)) if escalated else None)


def meeting_region(session: Session, viewer: Viewer, region_id: int | None) -> int | None:
    """The region whose 调度会 this is: the office's own region that holds ``region_id`` (the nearest one when the
    user serves several levels), so that a county meeting escalates to the city; an administrator's is the
    record's region."""
    if not viewer.is_office or region_id is None:
        return region_id
    holding = [r for r in session.scalars(select(Region).where(Region.id.in_(sorted(viewer.office_region_ids))))
               if region_id in region_subtree_ids(session, r.id)]
    if not holding:
        return region_id
    order = {RegionLevel.COUNTY: 0, RegionLevel.CITY: 1, RegionLevel.PROVINCE: 2}
    return min(holding, key=lambda r: (order.get(RegionLevel(r.level), 3), r.id)).id


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def hold_project_meeting(
    session: Session, viewer: Viewer, project_id: int, *, held_on: dt.date, decisions: Sequence[Decision],
    title: str | None = None, chaired_by: str | None = None, summary: str | None = None,
    minutes: str | None = None,
) -> DispatchMeeting:
    """A 调度会 on one project: decisions on its (overdue) milestones with new dates, or on the project itself."""
    project = managed_project(session, viewer, project_id, "记录调度会")
    if len(decisions) > MAX_PROJECT_DECISIONS:
        raise ValidationFailed(f"一次调度最多 {MAX_PROJECT_DECISIONS} 项决定")
    own = set(session.scalars(select(Milestone.id).where(Milestone.project_id == project.id)))
    checked: list[Decision] = []
    for d in decisions:
        if d.milestone_id is not None and d.milestone_id not in own:
            raise NotFound(f"节点（编号 {d.milestone_id}）不属于项目“{project.name}”")
        checked.append(Decision(decision=d.decision, milestone_id=d.milestone_id,
                                project_id=None if d.milestone_id is not None else project.id,
                                new_due_on=d.new_due_on, escalate=d.escalate, expected_version=d.expected_version))
    return hold_meeting(session, actor=viewer.actor, held_on=held_on, decisions=checked,
                        region_id=meeting_region(session, viewer, project.region_id), title=_text(title),
                        chaired_by=_text(chaired_by), summary=_text(summary), minutes=_text(minutes))


@dataclass(frozen=True)
class DutyDecision:
    """A decision of a 调度会 on one milestone of a duty's work plan (职责任务节点)."""

    milestone_id: int
    decision: str
    new_due_on: dt.date | None = None
    expected_version: int | None = None


def hold_duty_meeting(
    session: Session, viewer: Viewer, duty_id: int, *, held_on: dt.date, decisions: Sequence[DutyDecision],
    title: str | None = None, chaired_by: str | None = None, summary: str | None = None,
) -> DispatchMeeting:
    """调度会 on a duty (职责任务): decisions on its (overdue) milestones with new deadlines, by the office of the
    pairing's region; a second postponement of a milestone goes one level up, as a project milestone's does."""
    duty, pairing = bases_access.visible_duty(session, viewer, duty_id)
    bases_access.require(bases_access.can_manage_pairing(viewer, pairing), "召开职责任务的调度会")
    if not decisions:
        raise ValidationFailed("调度会至少应有一项决定")
    if len(decisions) > MAX_DUTY_DECISIONS:
        raise ValidationFailed(f"一次调度最多 {MAX_DUTY_DECISIONS} 项决定")
    if duty.state == DutyState.DONE:
        raise ValidationFailed(f"职责任务“{duty.title}”已完成，不再调度")
    own = {m.id: m for m in duty.milestones}
    for d in decisions:  # every decision checked before the meeting is written
        if d.milestone_id not in own:
            raise NotFound(f"节点（编号 {d.milestone_id}）不属于职责任务“{duty.title}”")
        if not d.decision.strip() or len(d.decision.strip()) > 2000:
            raise ValidationFailed("请写明调度决定（最多 2000 个字）")
        if d.new_due_on is not None and own[d.milestone_id].done_on is not None:
            raise ValidationFailed(f"节点“{own[d.milestone_id].title}”已完成，不能再调整时限")
    return hold_meeting(
        session, actor=viewer.actor, held_on=held_on, region_id=meeting_region(session, viewer, pairing.region_id),
        decisions=[Decision(decision=d.decision, duty_milestone_id=d.milestone_id, new_due_on=d.new_due_on,
                            expected_version=d.expected_version) for d in decisions],
        title=_text(title), chaired_by=_text(chaired_by), summary=_text(summary))
