"""The briefing buttons of the figures page: ``/figures/briefing.docx`` and ``/figures/briefing.xlsx`` take the
figures page's parameters (region, year or from/to) and its scope rules; the briefing itself is an office's
document (``assessment.access.require_brief_region``)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.assessment import access
from xiaodi.briefing import document, jobs
from xiaodi.core.jobs import submit_with
from xiaodi.figures.access import resolve_scope
from xiaodi.figures.report import parse_period
from xiaodi.web.deps import MemberUser, SessionDep
from xiaodi.web.listing import ResourceSpec

router = APIRouter(include_in_schema=False)  # pages, not API operations
PARAMS = ("region", "year", "from", "to")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def specs() -> list[ResourceSpec]:
    return []  # no list pages: two downloads


def _brief(request: Request, session: Session, viewer: Viewer) -> document.Briefing:
    access.require_brief(viewer)
    params = {k: v for k, v in request.query_params.items() if k in PARAMS and v}
    period = parse_period(params.get("year"), params.get("from"), params.get("to"))
    scope = resolve_scope(session, viewer, params.get("region"))
    region_id = scope.region.id if scope.region is not None else None
    return document.build(session, viewer, region_id=region_id, date_from=period.date_from, date_to=period.date_to)


def download(data: bytes, media_type: str, name: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/figures/briefing.docx")
def briefing_docx(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    """工作简报（Word）。"""
    brief = _brief(request, session, viewer)
    return download(document.to_docx(brief), DOCX, document.filename(brief, "docx"))


@router.get("/figures/briefing.xlsx")
def briefing_xlsx(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    """工作简报的表格（Excel）。"""
    brief = _brief(request, session, viewer)
    return download(document.to_xlsx(brief), XLSX, document.filename(brief, "xlsx"))


@router.post("/figures/briefing/jobs")
async def briefing_job(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    """后台生成工作简报: the same parameters and rules as the download; the page that follows shows its progress
    (on PostgreSQL the queue's worker builds it, on SQLite a thread of this process)."""
    access.require_brief(viewer)
    form = await request.form()
    params = {k: str(form[k]) for k in PARAMS if form.get(k)}
    parse_period(params.get("year"), params.get("from"), params.get("to"))  # refused here, not in the job
    scope = resolve_scope(session, viewer, params.get("region"))
    fmt = "xlsx" if form.get("format") == "xlsx" else "docx"
    run_id = submit_with(session, jobs.BRIEFING, user_id=viewer.user_id, args={"params": params, "format": fmt},
                         label=f"生成工作简报（{scope.label}）")
    return RedirectResponse(f"/jobs/{run_id}", status_code=303)
