"""The figures page (工作数据): ``/figures`` and its workbook ``/figures/export.xlsx``.

Routes parse the query, ask ``figures.report`` for the viewer's report and render it; the JSON of the same report
is ``GET /api/figures`` (the dashboard's API, ``web.api``, which adds the viewer's desk).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.settings import local_today
from xiaodi.figures.access import region_choices
from xiaodi.figures.metrics import BREAKDOWN_KEYS, metric_label
from xiaodi.figures.report import FiguresReport, build_report, figure_text, parse_period, report_xlsx
from xiaodi.web.deps import MemberUser, SessionDep
from xiaodi.web.responses import xlsx_response
from xiaodi.web.templating import render

FIGURE_PARAMS = ("region", "year", "from", "to")

router = APIRouter(include_in_schema=False)


@router.get("/figures")
def figures(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    params = {k: v for k, v in request.query_params.items() if k in FIGURE_PARAMS and v}
    report = _figures_report(session, viewer, params)
    columns = [(k, metric_label(k)) for k in BREAKDOWN_KEYS]
    # A briefing compares a period with the one before, so "全部时间" has none: the page's all-time view briefs this
    # year, and its buttons say so (the Word file covered 2026-01-01 至今 under a page headed 全部时间).
    dated, year = any(k in params for k in ("year", "from", "to")), local_today().year
    brief_params = params if dated else {**params, "year": str(year)}
    return render(request, "figures.html", {
        "report": report, "params": params, "regions": region_choices(session, viewer),
        "brief_params": brief_params, "brief_period": "" if dated else f"{year}年",
        "years": list(range(year, 2017, -1)), "breakdown_columns": columns,
        "breakdown_labels": [label for _, label in columns], "shown": figure_text,
        **area_sections(session, viewer, report)})


@router.get("/figures/export.xlsx")
def figures_export(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    params = {k: v for k, v in request.query_params.items() if k in FIGURE_PARAMS and v}
    report = _figures_report(session, viewer, params)
    name = f"工作数据-{report.scope.label}-{report.period.label}.xlsx".replace(" ", "")
    return xlsx_response(report_xlsx(report), name)


def area_sections(session: Session, viewer: Viewer, report: FiguresReport) -> dict[str, Any]:
    """The figures page's sections of the programme areas (基地建设 …): each area computes its own numbers for the
    page's region; the page's template includes each area's template."""
    from xiaodi.bases.figures import COUNTED_NOTE as base_note
    from xiaodi.bases.figures import base_figures
    from xiaodi.budgets import figures as budget_figures
    from xiaodi.events.figures import event_tiles
    from xiaodi.intents import figures as intent_figures
    from xiaodi.talent import figures as talent_figures

    region_id = report.scope.region.id if report.scope.region else None
    return {
        # 共建基地 of the page's period: the section counts what the card counts (bases.figures.counted_bases)
        "base_figures": base_figures(session, viewer=viewer, region_id=region_id,
                                     date_from=report.period.date_from, date_to=report.period.date_to),
        "base_note": base_note,
        "event_tiles": event_tiles(session, region_id=region_id, whole_ledger=viewer.is_admin and region_id is None,
                                   date_from=report.period.date_from, date_to=report.period.date_to),
        "intent_figures": intent_figures.for_report(session, viewer, report),  # 合作意向
        "money_rows": budget_figures.for_report(session, viewer, report),  # 预算与支出
        "talent": talent_figures.section(session, region_id=region_id, unit_id=report.scope.unit_id,
                                         counts=report.scope.counts, date_from=report.period.date_from,
                                         date_to=report.period.date_to),  # 人才与实习实训
    }


def _figures_report(session: Session, viewer: Viewer, params: dict[str, str]) -> FiguresReport:
    period = parse_period(params.get("year"), params.get("from"), params.get("to"))
    return build_report(session, viewer, region=params.get("region"), period=period)
