"""The dashboard (工作台) of one scope: programme figures, demands by state, projects by stage, overdue milestones.

The figures are the projects area's (``projects.figures.compute_figures``); the counts use the same access
helpers as the lists, so a dashboard never counts what its viewer could not open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.numbers import format_yuan
from xiaodi.demands.models import DEMAND_STATE_LABELS, DemandState
from xiaodi.directory.models import Region
from xiaodi.projects.models import PROJECT_STAGE_LABELS, Milestone, MilestoneState, Project, ProjectStage
from xiaodi.web.access import demand_viewer, project_scope
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


def _figures(session: Session, viewer: Viewer, year: int | None) -> tuple[str, list[tuple[str, str]]]:
    from xiaodi.projects.figures import FIGURE_KEYS, MONEY_KEYS, compute_figures, metric_label

    date_from = dt.date(year, 1, 1) if year else None
    date_to = dt.date(year, 12, 31) if year else None
    region_id: int | None = None
    unit_id: int | None = None
    if viewer.is_admin:
        scope = "全部"
    elif viewer.is_office and viewer.office_region_ids:
        region_id = min(viewer.office_region_ids)
        region = session.get(Region, region_id)
        scope = region.full_name if region else "本辖区"
    elif viewer.organisation_ids:
        unit_id = min(viewer.organisation_ids)
        scope = "本单位"
    else:
        return "本人", []
    figures = compute_figures(session, region_id=region_id, unit_id=unit_id, date_from=date_from, date_to=date_to)
    out = []
    for key in FIGURE_KEYS:
        value = figures.values.get(key)
        if value is None:
            continue
        shown = format_yuan(Decimal(value)) if key in MONEY_KEYS else f"{value}"
        out.append((metric_label(key), shown))
    return scope, out


def build(session: Session, viewer: Viewer, *, year: int | None = None, today: dt.date | None = None) -> Dashboard:
    from xiaodi.demands.service import demand_board

    today = today or dt.date.today()
    scope, figures = _figures(session, viewer, year)
    board = demand_board(session, viewer=demand_viewer(viewer))
    demand_rows = [(DEMAND_STATE_LABELS[DemandState(k)], float(v)) for k, v in board.items() if v]
    stage_counts: dict[str, int] = {
        str(stage): int(n) for stage, n in session.execute(
            select(Project.stage, func.count()).where(project_scope(viewer), Project.retired_at.is_(None))
            .group_by(Project.stage)
        ).all()
    }
    project_rows = [(label, float(stage_counts.get(stage.value, 0))) for stage, label in PROJECT_STAGE_LABELS.items()
                    if stage_counts.get(stage.value)]
    # The viewer's projects first, then their pending milestones: an enterprise's three overdue milestones are
    # found through its projects, not by checking the project of each of the ~30,000 pending milestones.
    projects_in_scope = select(Project.id).where(project_scope(viewer), Project.retired_at.is_(None))
    overdue_where = (Milestone.state == MilestoneState.PENDING, Milestone.due_on < today,
                     Milestone.project_id.in_(projects_in_scope))
    overdue_count = int(session.scalar(select(func.count()).select_from(Milestone).where(*overdue_where)) or 0)
    overdue: list[Any] = [
        (m, name, pid) for m, name, pid in session.execute(
            select(Milestone, Project.name, Project.id).join(Project, Project.id == Milestone.project_id)
            .where(*overdue_where).order_by(Milestone.due_on).limit(10)
        ).all()
    ]
    return Dashboard(
        scope=scope,
        figures=figures,
        demand_chart=bar_chart(demand_rows, title="需求按状态", unit="项"),
        project_chart=bar_chart(project_rows, title="项目按阶段", unit="个"),
        demand_counts=board,
        project_counts=stage_counts,
        overdue_count=overdue_count,
        overdue=overdue,
    )


__all__ = ["Dashboard", "ProjectStage", "build"]
