"""Report review API (报道核对): offices upload a work report, review the figures it states, accept them, and see
them beside the ledger's own figures (数据比对). Only cooperation offices (and administrators) take part."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.directory.models import Region
from xiaodi.directory.service import resolve_region
from xiaodi.figures.report import parse_period
from xiaodi.ingest.access import require_reconciliation_region, require_reviewer
from xiaodi.ingest.decode import MAX_BYTES
from xiaodi.ingest.models import IngestedReport, StatedFigure
from xiaodi.ingest.pipeline import json_number
from xiaodi.ingest.service import (
    Decision,
    ReconciliationRow,
    accept_report,
    reconcile,
    review_figure,
    store_report,
)
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, RecordId, SessionDep


class ReviewBody(BaseModel):
    decision: Decision
    corrected_value: Decimal | None = Field(default=None, ge=0, le=Decimal("1e20"))
    metric: str | None = Field(default=None, max_length=40)
    region: str | None = Field(default=None, max_length=60, description="归属地区（报道中未识别时补填）")
    note: str | None = Field(default=None, max_length=2000)


def _report(session: SessionDep, viewer: Viewer, report_id: int) -> IngestedReport:
    return get_visible(session, IngestedReport, report_id, viewer, "报道")


async def read_upload(file: UploadFile) -> bytes:
    """The uploaded report's bytes, refused whole when larger than the cleaning limit (never cut silently)."""
    raw = await file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationFailed(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请只上传报道正文")
    return raw


def reconciliation_json(place: Region, rows: list[ReconciliationRow]) -> dict[str, Any]:
    return {"region": place.full_name, "rows": [
        {"metric": x.metric, "label": x.label, "ledger_metric": x.ledger_metric, "period": x.period,
         "from": x.period_from.isoformat() if x.period_from else None,
         "to": x.period_to.isoformat() if x.period_to else None,
         "reported": _number(x.reported), "ledger": _number(x.ledger), "difference": _number(x.difference),
         "flagged": x.flagged, "uncounted": x.uncounted, "report_ids": list(x.report_ids)} for x in rows]}


def reconciliation_region(session: Session, viewer: Viewer, region: str) -> Region:
    """The region an office may compare: its own or one below it (404 otherwise, so that scope does not leak)."""
    place = resolve_region(session, region)
    require_reconciliation_region(viewer, place, region)
    return place


def _figure_json(f: StatedFigure) -> dict[str, Any]:
    return {"id": f.id, "metric": f.metric, "value": json_number(f.value), "unit": f.unit, "approx": f.approx,
            "quote": f.quote, "region": f.region_name, "region_id": f.region_id, "period": f.period_text,
            "is_plan": f.is_plan, "state": f.state, "corrected_value": None if f.corrected_value is None
            else json_number(f.corrected_value)}


def _report_json(session: SessionDep, report: IngestedReport) -> dict[str, Any]:
    figures = session.scalars(select(StatedFigure).where(StatedFigure.report_id == report.id)
                              .order_by(StatedFigure.id)).all()
    return {"id": report.id, "version": report.version, "file": report.filename, "title": report.title,
            "state": report.state,
            "published_on": report.published_on.isoformat() if report.published_on else None,
            "warnings": report.warnings, "figures": [_figure_json(f) for f in figures]}


def _number(value: Decimal | int | None) -> int | float | None:
    return None if value is None else json_number(Decimal(value))


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(prefix="/api", tags=["报道核对"])


@router.post("/reports", summary="上传工作报告/新闻，提取统计数字待核对")
async def upload(
    session: SessionDep, viewer: MemberUser, file: Annotated[UploadFile, File()],
    region: Annotated[str | None, Query(max_length=60, description="报道所属地区")] = None,
) -> dict[str, Any]:
    require_reviewer(viewer)
    raw = await read_upload(file)
    report = store_report(session, actor=viewer.actor, raw=raw, filename=file.filename or "report.txt",
                          region_name=region, uploader=viewer)
    return _report_json(session, report)


@router.get("/reports/{record_id}", summary="一篇报道及其统计数字")
def show(session: SessionDep, viewer: MemberUser, record_id: RecordId) -> dict[str, Any]:
    require_reviewer(viewer)
    return _report_json(session, _report(session, viewer, record_id))


@router.post("/reports/{record_id}/accept", summary="采信报道中全部待核对数字（计划类除外）")
def accept(session: SessionDep, viewer: MemberUser, record_id: RecordId) -> dict[str, Any]:
    require_reviewer(viewer)
    report = _report(session, viewer, record_id)
    accept_report(session, actor=viewer.actor, report_id=report.id)
    return _report_json(session, report)


@router.post("/reports/figures/{record_id}/review", summary="核对一个数字：采信、更正或不采信")
def review(session: SessionDep, viewer: MemberUser, record_id: RecordId, body: ReviewBody) -> dict[str, Any]:
    require_reviewer(viewer)
    fig = session.get(StatedFigure, record_id)
    if fig is None:
        raise NotFound(f"报送数据（编号 {record_id}）不存在")
    _report(session, viewer, fig.report_id)
    place = reconciliation_region(session, viewer, body.region) if body.region else None
    fig = review_figure(session, actor=viewer.actor, figure_id=fig.id, decision=body.decision,
                        corrected_value=body.corrected_value, metric=body.metric,
                        region_id=place.id if place else None, note=body.note)
    return _figure_json(fig)


@router.get("/reconciliation", summary="数据比对：报道所述与台账计算并列，差异标出")
def reconciliation(
    session: SessionDep, viewer: MemberUser,
    region: Annotated[str, Query(min_length=1, max_length=60, description="地区，如 河津市")],
    date_from: Annotated[str, Query(alias="from", max_length=20, description="起始日期，如 2024-01-01；可空")] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20, description="截止日期，如 2024-12-31；可空")] = "",
) -> dict[str, Any]:
    require_reviewer(viewer)
    place = reconciliation_region(session, viewer, region)
    period = parse_period(None, date_from, date_to)  # the ledger's calendar (core.days.LEDGER_YEARS)
    rows = reconcile(session, region_id=place.id, date_from=period.date_from, date_to=period.date_to)
    return reconciliation_json(place, rows)
