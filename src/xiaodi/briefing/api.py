"""工作简报 API: ``GET /api/briefing.docx`` and ``GET /api/briefing.xlsx`` — the Word briefing of a region and a
period and the workbook of the same tables, for a program that files the office's briefing upward. The rule is the
figures page button's (``assessment.access.require_brief_region``): offices and administrators, the office's own
region or one below it; a region outside is refused with 403 (a region's code is public reference data)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.assessment import access
from xiaodi.briefing import document
from xiaodi.briefing.pages import DOCX, XLSX, download
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.directory.service import regions_named
from xiaodi.figures.access import resolve_scope
from xiaodi.figures.report import parse_period
from xiaodi.web.deps import MemberUser, SessionDep
from xiaodi.web.params import RegionQuery

router = APIRouter(tags=["工作简报"])

YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="统计年度，与 from/to 二选一")]
FromQuery = Annotated[dt.date | None, Query(alias="from", description="起始日期（含），默认当年1月1日")]
ToQuery = Annotated[dt.date | None, Query(alias="to", description="截止日期（含），默认今天")]


def _binary(media_type: str, what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": what, "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}


def _region_id(session: Session, viewer: Viewer, region: str | None) -> int | None:
    """The briefing's region: the one named (by code or full name), else the viewer's own (the figures page's)."""
    access.require_brief(viewer)
    wanted = (region or "").strip()
    if not wanted:
        scope = resolve_scope(session, viewer, None)
        return scope.region.id if scope.region is not None else None
    named = regions_named(session, wanted)
    if not named:
        raise NotFound(f"地区“{wanted[:60]}”不存在，请使用地区代码或全称")
    exact = [r for r in named if wanted in (r.code, r.full_name)]
    if len(exact or named) > 1:
        raise ValidationFailed(f"“{wanted[:60]}”对应多个地区（{'、'.join(r.full_name for r in named[:5])}），"
                               "请使用地区代码或全称")
    found = (exact or named)[0]
    access.require_brief_region(viewer, found.id, region_name=found.full_name)
    return found.id


def _brief(session: Session, viewer: Viewer, region: str | None, year: int | None, date_from: dt.date | None,
           date_to: dt.date | None) -> document.Briefing:
    region_id = _region_id(session, viewer, region)
    period = parse_period(year, date_from, date_to)
    return document.build(session, viewer, region_id=region_id, date_from=period.date_from, date_to=period.date_to)


@router.get("/api/briefing.docx", response_class=Response, responses=_binary(DOCX, "工作简报 Word 文件"),
            summary="工作简报（Word）：地区与统计期间（办公室限本辖区）")
def briefing_docx(session: SessionDep, viewer: MemberUser, region: RegionQuery = None, year: YearQuery = None,
                  date_from: FromQuery = None, date_to: ToQuery = None) -> Response:
    brief = _brief(session, viewer, region, year, date_from, date_to)
    return download(document.to_docx(brief), DOCX, document.filename(brief, "docx"))


@router.get("/api/briefing.xlsx", response_class=Response, responses=_binary(XLSX, "工作简报表格 Excel 文件"),
            summary="工作简报的表格（Excel）：与 Word 简报相同的各表")
def briefing_xlsx(session: SessionDep, viewer: MemberUser, region: RegionQuery = None, year: YearQuery = None,
                  date_from: FromQuery = None, date_to: ToQuery = None) -> Response:
    brief = _brief(session, viewer, region, year, date_from, date_to)
    return download(document.to_xlsx(brief), XLSX, document.filename(brief, "xlsx"))
