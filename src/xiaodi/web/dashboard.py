"""The dashboard (工作台) of one scope: programme figures, demands by state, projects by stage, overdue milestones.

The figure tiles are the figures area's (``figures.tiles``); the counts use the same access helpers as the lists,
so a dashboard never counts what its viewer could not open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.settings import local_today
from xiaodi.demands.models import DemandState
from xiaodi.directory.models import Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.figures.access import FigureScope
from xiaodi.figures.cache import FiguresCache
from xiaodi.figures.tiles import dashboard_tiles
from xiaodi.projects.access import readable as project_scope
from xiaodi.projects.models import Milestone, MilestoneState, Project, ProjectStage
from xiaodi.web.charts import bar_chart


@dataclass
class Dashboard:
    scope: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    demand_chart: Markup = field(default_factory=Markup)
    project_chart: Markup = field(default_factory=Markup)
    demand_counts: dict[str, int] = field(default_factory=dict)
    project_counts: dict[str, int] = field(default_factory=dict)
    overdue_count: int = 0
    overdue: list[tuple[Milestone, str, int]] = field(default_factory=list)
    region_code: str = ""  # the region shown, when an office chose one
    computed_at: dt.datetime | None = None  # when the figures were computed (UTC), if they came through a cache
    steps_waiting: int = 0  # one-stop steps waiting for the viewer's department (一件事待办理)
    steps_overdue: int = 0  # of which past their time limit
    duties_overdue: int = 0  # overdue nodes of 1+1+N duties (职责任务), listed on the dispatch list


@dataclass
class WorkCounts:
    """What is on the viewer's desk: demands by state, projects by stage, overdue milestones (逾期节点)."""

    demand_counts: dict[str, int]
    project_counts: dict[str, int]
    overdue_count: int
    overdue: list[tuple[Milestone, str, int]]


def work_counts(session: Session, viewer: Viewer, today: dt.date, region: Region | None = None,
                *, own_unit: bool = False) -> WorkCounts:
    """The desk of ``viewer``; with ``region`` (the dashboard's scope), only that region's demands and projects:
    an office's charts counted every province-wide public demand beside figures of its own region; with
    ``own_unit`` (a unit's dashboard, 本单位), only the demands the unit takes part in, for the same reason."""
    from xiaodi.demands.service import demand_board

    region_ids = region_subtree_ids(session, region.id) if region is not None else None
    board = demand_board(session, viewer=viewer, region_ids=region_ids, own_unit=own_unit)
    in_scope = [project_scope(viewer), Project.retired_at.is_(None)]
    if region_ids is not None:
        in_scope.append(Project.region_id.in_(region_ids))
    stage_counts: dict[str, int] = {
        str(stage): int(n) for stage, n in session.execute(
            select(Project.stage, func.count()).where(*in_scope).group_by(Project.stage)
        ).all()
    }
    # The viewer's projects first, then their pending milestones: an enterprise's three overdue milestones are
    # found through its projects, not by checking the project of each of the ~30,000 pending milestones.
    projects_in_scope = select(Project.id).where(*in_scope)
    overdue_where = (Milestone.state == MilestoneState.PENDING, Milestone.due_on < today,
                     Milestone.project_id.in_(projects_in_scope))
    overdue_count = int(session.scalar(select(func.count()).select_from(Milestone).where(*overdue_where)) or 0)
    overdue: list[Any] = [
        (m, name, pid) for m, name, pid in session.execute(
            select(Milestone, Project.name, Project.id).join(Project, Project.id == Milestone.project_id)
            .where(*overdue_where).order_by(Milestone.due_on).limit(10)
        ).all()
    ]
    return WorkCounts(board, stage_counts, overdue_count, overdue)


# What each state means on the dashboard's charts (colours by meaning, ``web.charts.TONES``).
DEMAND_TONES = {
    DemandState.SUBMITTED.label: "waiting", DemandState.CONTRACTED.label: "good", DemandState.SELECTED.label: "good",
    DemandState.REJECTED.label: "alarm", DemandState.WITHDRAWN.label: "closed", DemandState.CLOSED.label: "closed",
    DemandState.DRAFT.label: "closed",
}
PROJECT_TONES = {
    ProjectStage.IN_PRODUCTION.label: "good", ProjectStage.ACCEPTED.label: "good", ProjectStage.LANDED.label: "good",
    ProjectStage.STALLED.label: "alarm", ProjectStage.CANCELLED.label: "closed",
}


def build(session: Session, viewer: Viewer, *, region: str | None = None, year: int | None = None,
          today: dt.date | None = None, cache: FiguresCache | None = None) -> Dashboard:
    """The dashboard of the viewer's scope, or of a region inside an office's own, for a year or all time.
    With a ``cache``, figures computed in the last seconds for the same scope and period are shown again."""
    today = today or local_today()
    shown = dashboard_tiles(session, viewer, region=region, year=year, cache=cache)
    scope = shown.scope
    counts = work_counts(session, viewer, today, scope.region, own_unit=scope.unit_id is not None)
    from xiaodi.talent.service import waiting_steps

    steps_waiting, steps_overdue = waiting_steps(session, viewer, today=today)
    demand_rows = [(DemandState(k).label, float(v)) for k, v in counts.demand_counts.items() if v]
    project_rows = [(stage.label, float(counts.project_counts.get(stage.value, 0)))
                    for stage in ProjectStage if counts.project_counts.get(stage.value)]
    return Dashboard(
        scope=scope.label,
        figures=shown.tiles,
        demand_chart=bar_chart(demand_rows, title="需求按状态", unit="项", tones=DEMAND_TONES),
        project_chart=bar_chart(project_rows, title="项目按阶段", unit="个", tones=PROJECT_TONES),
        demand_counts=counts.demand_counts,
        project_counts=counts.project_counts,
        overdue_count=counts.overdue_count,
        overdue=counts.overdue,
        duties_overdue=duties_overdue(session, scope, today),
        region_code=scope.region.code if scope.region else "",
        computed_at=shown.computed_at,
        steps_waiting=steps_waiting,
        steps_overdue=steps_overdue,
    )


def duties_overdue(session: Session, scope: FigureScope, today: dt.date) -> int:
    """Overdue nodes and deadlines of 1+1+N duties (职责任务) in the dashboard's scope, as the dispatch list counts
    them (``bases.dispatch.duty_entries``): a lead unit's desk said 没有逾期节点 while its list had three."""
    from xiaodi.bases.dispatch import duty_entries

    if not scope.counts:
        return 0
    regions = region_subtree_ids(session, scope.region.id) if scope.region is not None else None
    entries = duty_entries(session, as_of=today, unit_id=scope.unit_id, regions=regions,
                           horizon=today - dt.timedelta(days=1))
    return len(entries)


__all__ = ["Dashboard", "ProjectStage", "WorkCounts", "build", "work_counts"]
