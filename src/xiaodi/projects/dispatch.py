"""Deadlines and dispatch (调度): the overdue and at-risk milestones and stalled projects of a unit or a region (the
projects' part of the 调度清单, which ``xiaodi.dispatch`` gathers with the other areas' deadlines), what a 调度会
decides on a project milestone (``decide_on_milestone``; the meeting itself is ``xiaodi.dispatch.meetings``), and
escalation to the next level when a deadline slips again. The list's vocabulary (``EntryKind``, ``DispatchEntry``,
``Decision``, the levels) is here, where the areas with deadlines read it.

A milestone's due date moves only by a meeting decision; each later date counts as one slip (``slip_count``),
the first deadline stays in ``original_due_on``. From the second slip on, the item is escalated one level above
the meeting that moved it (county → city → province), so that the next level's list shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.labels import Labelled
from xiaodi.core.models import model_snapshot
from xiaodi.core.records import check_version, flush_or_conflict, get_live
from xiaodi.demands.service import IllegalTransition
from xiaodi.directory.models import RegionLevel
from xiaodi.projects.models import (
    DispatchItem,
    DispatchMeeting,
    Milestone,
    MilestoneState,
    Project,
    ProjectStage,
)

ESCALATE_AFTER_SLIPS = 2  # the second postponement goes one level up
AT_RISK_DAYS = 14  # a milestone due within this many days is at risk
LEVELS: tuple[str, ...] = (RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE)


class EntryKind(Labelled):
    """What a line of the dispatch list (调度清单) is."""

    OVERDUE = "overdue", "已逾期"
    AT_RISK = "at_risk", "临期"
    STALLED = "stalled", "停滞"
    OVERDUE_STEP = "overdue_step", "人才事项逾期"  # a department's step of a one-stop application past its limit


OVERDUE, AT_RISK, STALLED = EntryKind.OVERDUE, EntryKind.AT_RISK, EntryKind.STALLED
OVERDUE_STEP = EntryKind.OVERDUE_STEP
_CLOSED_STAGES = (ProjectStage.ACCEPTED, ProjectStage.CANCELLED)


def level_label(level: str | None, default: str = "") -> str:
    """县级 / 市级 / 省级 of a stored dispatch level (a 调度会's, or the one an item was escalated to)."""
    try:
        return RegionLevel(level).label if level else default
    except ValueError:
        return default


@dataclass(frozen=True)
class DispatchEntry:
    """One line of a dispatch list (调度清单): an overdue or at-risk milestone, or a stalled project."""

    kind: EntryKind
    project_id: int | None  # None: a duty (职责任务) of a 1+1+N pairing, or a talent service step (application_id)
    project_code: str
    project_name: str
    leader_in_charge: str | None
    milestone_id: int | None = None
    milestone: str | None = None
    milestone_version: int | None = None
    due_on: dt.date | None = None
    original_due_on: dt.date | None = None
    days_overdue: int = 0  # negative: days left
    slip_count: int = 0
    escalated_to: str | None = None
    source: str = "project"  # project 项目节点 | duty 职责任务 (``bases.dispatch``)
    duty_id: int | None = None
    duty_milestone_id: int | None = None  # a duty's milestone: a 调度会 may decide on it (``bases.dispatch``)
    application_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Decision:
    """One decision of a 调度会: about a milestone (with a new due date), a project, or a milestone of a 1+1+N
    duty's work plan (``duty_milestone_id``, decided by ``bases.dispatch``); ``escalate`` forces it up."""

    decision: str
    milestone_id: int | None = None
    project_id: int | None = None
    duty_milestone_id: int | None = None
    new_due_on: dt.date | None = None
    escalate: bool = False
    expected_version: int | None = None

    def check_new_due(self, title: str, held_on: dt.date) -> None:
        """A new deadline lies on or after the meeting's day: one already past made the milestone overdue the moment
        it was decided (a 顺延 to 2026-12-01 decided on 12-08). Moving it earlier (提前) is allowed."""
        if self.new_due_on is not None and self.new_due_on < held_on:
            raise ValidationFailed(f"节点“{title}”的新时限 {self.new_due_on:%Y-%m-%d} 早于调度会日期 "
                                   f"{held_on:%Y-%m-%d}：新的完成时限不能早于开会当天")


def milestone_entries(session: Session, *, as_of: dt.date, unit_id: int | None, regions: Sequence[int] | None,
                      horizon: dt.date) -> list[DispatchEntry]:
    """Pending milestones due by ``horizon`` and stalled projects, of a unit (its milestones) or of regions."""
    scope: list[ColumnElement[bool]] = [Project.retired_at.is_(None), Project.stage.not_in(_CLOSED_STAGES)]
    if regions is not None:
        scope.append(Project.region_id.in_(regions))
    milestones = (
        select(Milestone.id, Milestone.title, Milestone.version, Milestone.due_on, Milestone.original_due_on,
               Milestone.slip_count, Project.id, Project.code, Project.name, Project.leader_in_charge)
        .join(Project, Project.id == Milestone.project_id)
        .where(Milestone.state == MilestoneState.PENDING, Milestone.due_on <= horizon, *scope)
    )
    if unit_id is None:
        rows: list[Any] = list(session.execute(milestones).all())
    else:
        # A milestone is the unit's when named for it, or when it names no unit and the project is the unit's.
        # Two indexed queries rather than one OR across both tables, which would scan every milestone.
        rows = list(session.execute(milestones.where(Milestone.responsible_unit_id == unit_id)).all())
        rows += session.execute(milestones.where(Milestone.responsible_unit_id.is_(None),
                                                 Project.responsible_unit_id == unit_id)).all()
        scope.append(Project.responsible_unit_id == unit_id)
    rows.sort(key=lambda r: (r[3], r[0]))
    escalations = _escalations(session, [r[0] for r in rows])
    entries = [
        DispatchEntry(kind=OVERDUE if due < as_of else AT_RISK, project_id=pid, project_code=code, project_name=name,
                      leader_in_charge=leader, milestone_id=mid, milestone=title, milestone_version=version,
                      due_on=due, original_due_on=orig, days_overdue=(as_of - due).days, slip_count=slips,
                      escalated_to=escalations.get(mid))
        for mid, title, version, due, orig, slips, pid, code, name, leader in rows
    ]
    stalled = session.execute(
        select(Project.id, Project.code, Project.name, Project.leader_in_charge)
        .where(Project.stage == ProjectStage.STALLED, *scope).order_by(Project.id)
    ).all()
    entries += [DispatchEntry(kind=STALLED, project_id=pid, project_code=code, project_name=name,
                              leader_in_charge=leader) for pid, code, name, leader in stalled]
    return entries


def _escalations(session: Session, milestone_ids: Sequence[int]) -> dict[int, str]:
    """The highest level each milestone has been escalated to (open escalations only).

    Open escalations are few (they are the exception), so they are read whole rather than through a long IN list.
    """
    if not milestone_ids:
        return {}
    wanted = set(milestone_ids)
    rows = session.execute(
        select(DispatchItem.milestone_id, DispatchItem.escalated_to_level)
        .where(DispatchItem.escalated.is_(True), DispatchItem.resolved_on.is_(None),
               DispatchItem.milestone_id.is_not(None))
    ).all()
    out: dict[int, str] = {}
    for mid, level in rows:
        if mid in wanted and level and (mid not in out or LEVELS.index(level) > LEVELS.index(out[mid])):
            out[mid] = level
    return out


def next_level(level: str) -> str:
    """The level above (county → city → province); the province stays the province."""
    i = LEVELS.index(level)
    return LEVELS[min(i + 1, len(LEVELS) - 1)]


def decide_on_milestone(session: Session, d: Decision, *, held_on: dt.date, actor: Actor) -> tuple[int, bool]:
    """A 调度会's decision on a project milestone or a project (``xiaodi.dispatch.meetings`` holds the meeting):
    with a new due date the milestone moves (a later date is a slip). The project decided on, and whether the
    item goes one level up (asked for, or the second slip)."""
    escalated = d.escalate
    if d.milestone_id is not None:
        ms = session.get(Milestone, d.milestone_id)
        if ms is None:
            raise NotFound(f"节点（编号 {d.milestone_id}）不存在")
        if d.new_due_on is not None:
            escalated = _reschedule(session, ms, d, held_on=held_on, actor=actor) or escalated
        return ms.project_id, escalated
    if d.new_due_on is not None:
        raise ValidationFailed("新的完成时限只能定在节点上")
    return get_live(session, Project, d.project_id or 0, "项目").id, escalated


def _reschedule(session: Session, ms: Milestone, d: Decision, *, held_on: dt.date, actor: Actor) -> bool:
    """Move a milestone's due date; a later date is a slip. True when this slip escalates the milestone."""
    check_version(ms, d.expected_version, f"节点“{ms.title}”")
    if ms.state == MilestoneState.DONE:
        raise IllegalTransition(f"节点“{ms.title}”已完成，不能再调整时限")
    assert d.new_due_on is not None
    d.check_new_due(ms.title, held_on)
    slipped = d.new_due_on > ms.due_on
    before = model_snapshot(ms)
    ms.due_on = d.new_due_on
    if slipped:
        ms.slip_count += 1
    flush_or_conflict(session, f"节点“{ms.title}”")
    audit.record(session, actor=actor, action="reschedule", obj=ms, before=before,
                 reason=f"{held_on:%Y-%m-%d} 调度会：{d.decision}")
    return slipped and ms.slip_count >= ESCALATE_AFTER_SLIPS


@dataclass(frozen=True)
class DecisionRecord:
    """One decision of a 调度会 as a project's page lists it (调度记录): when, which meeting, about which milestone,
    what was decided, the new deadline and whether it went one level up."""

    held_on: dt.date
    meeting: str
    level: str
    chaired_by: str | None
    milestone: str | None
    decision: str
    new_due_on: dt.date | None
    escalated_to: str


def decisions_on_project(session: Session, project_id: int) -> list[DecisionRecord]:
    """The 调度会 decisions on a project and its milestones, newest first: the project's page said only "顺延 1",
    and what was decided, by whom and when could be read nowhere but in the Word briefing."""
    rows = session.execute(
        select(DispatchItem, DispatchMeeting, Milestone.title)
        .join(DispatchMeeting, DispatchMeeting.id == DispatchItem.meeting_id)
        .outerjoin(Milestone, Milestone.id == DispatchItem.milestone_id)
        .where((DispatchItem.project_id == project_id) | (Milestone.project_id == project_id))
        .order_by(DispatchMeeting.held_on.desc(), DispatchItem.id.desc())
    ).all()
    return [DecisionRecord(held_on=m.held_on, meeting=m.title or "调度会", level=level_label(m.level),
                           chaired_by=m.chaired_by, milestone=title, decision=item.decision,
                           new_due_on=item.new_due_on, escalated_to=level_label(item.escalated_to_level))
            for item, m, title in rows]


def resolve_items(session: Session, *, milestone_id: int, resolved_on: dt.date) -> int:
    """Close the open dispatch items of a milestone that was reached (节点完成, 调度事项销号)."""
    result = session.execute(
        update(DispatchItem).where(DispatchItem.milestone_id == milestone_id, DispatchItem.resolved_on.is_(None))
        .values(resolved_on=resolved_on)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
