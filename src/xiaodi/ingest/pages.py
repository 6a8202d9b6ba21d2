"""Report review pages (报道核对): upload a work report, review and correct the figures it states, accept them,
and compare them with the ledger (数据比对).

The rules are the ingest service's and the access helpers'; these routes parse forms, call the service and
redirect back to the report, like the API routes in ``ingest/api.py`` that share their helpers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import LEDGER_YEARS, parse_day
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.numbers import format_yuan
from xiaodi.figures.metrics import MONEY_METRICS, Metric
from xiaodi.figures.report import parse_period
from xiaodi.ingest.access import REFUSAL, require_reviewer, reviews_reports
from xiaodi.ingest.api import read_upload, reconciliation_region
from xiaodi.ingest.models import FigureState, IngestedReport, ReportState, StatedFigure
from xiaodi.ingest.pipeline import json_number
from xiaodi.ingest.service import Decision, accept_report, reconcile, review_figure, store_report
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec
from xiaodi.web.templating import flash, render

METRIC_NAMES = Metric.labels()
METRIC_BY_NAME = {label: key for key, label in METRIC_NAMES.items()}
MONEY_KEYS = frozenset(m.value for m in MONEY_METRICS)
DECISION_DONE = {Decision.ACCEPT: "已采信", Decision.CORRECT: "已更正", Decision.REJECT: "已标为不采信"}


def figure_text(value: Decimal | int | None, metric: str) -> str:
    """A figure as a reviewer reads it: money in 元/万元/亿元, counts without trailing zeros."""
    if value is None:
        return "—"
    if metric in MONEY_KEYS:
        return format_yuan(Decimal(value))
    number = json_number(Decimal(value))
    return f"{number:,}" if isinstance(number, int) else str(number)


def report_extras(session: Session, viewer: Viewer, report: IngestedReport) -> dict[str, Any]:
    figures = session.scalars(select(StatedFigure).where(StatedFigure.report_id == report.id)
                              .order_by(StatedFigure.char_start, StatedFigure.id)).all()
    groups: dict[str, list[StatedFigure]] = {}
    for f in figures:  # grouped by metric, the groups in the order the report first states them
        groups.setdefault(f.metric, []).append(f)
    return {
        "figures": figures,
        "figure_groups": list(groups.items()),
        "metric_choices": list(METRIC_NAMES.values()),
        "metric_names": METRIC_NAMES,
        "figure_text": figure_text,
        "figure_states": FigureState.labels(),
        "proposed": sum(1 for f in figures if f.state == "proposed" and not f.is_plan),
    }


def specs() -> list[ResourceSpec]:
    reports = ResourceSpec(
        name="reports", label="报道核对", noun="报道", model=IngestedReport, area="ingest",
        columns=[
            Column("title", "标题", sort=IngestedReport.title, link=True),
            Column("filename", "文件"),
            Column("region.full_name", "地区"),
            Column("published_on", "发布日期", sort=IngestedReport.published_on),
            Column("state", "状态", labels=ReportState.labels(), sort=IngestedReport.state),
            Column("uploaded_at", "上传时间", sort=IngestedReport.uploaded_at),
        ],
        detail=[
            Column("title", "标题"), Column("filename", "文件"), Column("region.full_name", "地区"),
            Column("published_on", "发布日期"), Column("source", "来源"), Column("author", "作者"),
            Column("state", "状态", labels=ReportState.labels()), Column("cleaning_notes", "清洗提示"),
            Column("uploaded_by", "上传人"), Column("uploaded_at", "上传时间"),
        ],
        search=[IngestedReport.title, IngestedReport.filename, IngestedReport.source],
        filters=[Filter("state", "状态", IngestedReport.state, list(ReportState.labels().items()))],
        default_sort="-uploaded_at",
        title=lambda r: r.title or r.filename,
        extras=report_extras,
        detail_partial="report_detail.html",
        admits=reviews_reports,
        refusal=REFUSAL,
        actions=(ListAction("/reports/upload", "上传报道"), ListAction("/reconciliation", "数据比对")),
        api_detail=False,  # ingest/api.py serves the report with its figures
    )
    return [reports]


def _amount(text: str, metric: str) -> Decimal | None:
    """A corrected value as a reviewer types it: "237.3亿元", "56", "2000余"."""
    text = text.strip()
    if not text:
        return None
    from xiaodi.core.numbers import parse_amount_yuan, parse_count

    try:
        if metric in MONEY_KEYS:
            return parse_amount_yuan(text)
        return Decimal(parse_count(text))
    except (ValueError, InvalidOperation) as exc:
        why = "（数量不能带金额单位）" if "金额单位" in str(exc) else ""
        raise ValidationFailed(f"更正值“{text}”不是有效数字{why}") from exc


def _metric_key(typed: str) -> str | None:
    """The metric a reviewer chose: its Chinese name from the list (签约协议) or its key; blank keeps the metric."""
    typed = typed.strip()
    if not typed:
        return None
    key = METRIC_BY_NAME.get(typed, typed)
    if key not in METRIC_NAMES:
        raise ValidationFailed(f"未知的统计指标“{typed}”，请从列表中选择，如 {'、'.join(list(METRIC_BY_NAME)[:4])}")
    return key


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(include_in_schema=False)


@router.get("/reports/upload")
def upload_form(request: Request, viewer: MemberUser) -> Response:
    require_reviewer(viewer)
    return render(request, "report_upload.html", {"page_title": "上传报道"})


@router.post("/reports/upload")
async def upload(
    request: Request, session: SessionDep, viewer: MemberUser, file: Annotated[UploadFile, File()],
    region: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    require_reviewer(viewer)
    raw = await read_upload(file)
    report = store_report(session, actor=viewer.actor, raw=raw, filename=file.filename or "report.txt",
                          region_name=region.strip() or None, uploader=viewer)
    flash(request, f"已读入“{report.title or report.filename}”，请逐项核对统计数字")
    return RedirectResponse(f"/reports/{report.id}", status_code=303)


@router.post("/reports/{record_id}/accept")
def accept(request: Request, session: SessionDep, viewer: MemberUser, record_id: RecordId) -> Response:
    require_reviewer(viewer)
    report = get_visible(session, IngestedReport, record_id, viewer, "报道")
    n = accept_report(session, actor=viewer.actor, report_id=report.id)
    flash(request, f"已采信 {n} 个数字")
    return RedirectResponse(f"/reports/{report.id}", status_code=303)


@router.post("/reports/figures/{record_id}/review")
def review(
    request: Request, session: SessionDep, viewer: MemberUser, record_id: RecordId,
    decision: Annotated[Decision, Form()], corrected_value: Annotated[str, Form(max_length=40)] = "",
    metric: Annotated[str, Form(max_length=40)] = "", region: Annotated[str, Form(max_length=60)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    require_reviewer(viewer)
    fig = session.get(StatedFigure, record_id)
    if fig is None:
        raise NotFound(f"报送数据（编号 {record_id}）不存在")
    get_visible(session, IngestedReport, fig.report_id, viewer, "报道")
    chosen = _metric_key(metric)
    new_metric = chosen if chosen and chosen != fig.metric else None
    place = reconciliation_region(session, viewer, region.strip()) if region.strip() else None
    review_figure(session, actor=viewer.actor, figure_id=fig.id, decision=decision,
                  corrected_value=_amount(corrected_value, new_metric or fig.metric), metric=new_metric,
                  region_id=place.id if place else None, note=note.strip() or None)
    flash(request, f"“{fig.quote[:30]}”{DECISION_DONE[decision]}")
    return RedirectResponse(f"/reports/{fig.report_id}#figure-{fig.id}", status_code=303)


@router.get("/reconciliation")
def reconciliation(
    request: Request, session: SessionDep, viewer: MemberUser, region: str = "",
    date_from_text: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to_text: Annotated[str, Query(alias="to", max_length=20)] = "",
) -> Response:
    require_reviewer(viewer)
    region = region.strip()[:60]
    date_from = parse_day(date_from_text, "起始日期", years=LEDGER_YEARS)
    date_to = parse_day(date_to_text, "截止日期", years=LEDGER_YEARS)
    place, rows = None, []
    if region:
        place = reconciliation_region(session, viewer, region)
        period = parse_period(None, date_from, date_to)  # the ledger's calendar: 2000–2100, from before to
        rows = reconcile(session, region_id=place.id, date_from=period.date_from, date_to=period.date_to)
    return render(request, "reconciliation.html", {
        "page_title": "数据比对", "region": region, "place": place, "rows": rows, "metric_names": METRIC_NAMES,
        "figure_text": figure_text, "date_from": date_from, "date_to": date_to,
    })
