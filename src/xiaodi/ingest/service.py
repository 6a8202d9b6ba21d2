"""Reports into the ledger (报道入库、核对与比对): store a cleaned report with its proposed figures, let an office
review them (accept, correct, reject), and reconcile accepted figures with the figures the ledger computes.

The pure text work lives in ``clean``/``figures``/``pipeline``; this module is the only one here that writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Ambiguous, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.core.records import create, get_live
from xiaodi.directory.models import Region
from xiaodi.directory.service import resolve_region
from xiaodi.ingest.clean import clean_report
from xiaodi.ingest.figures import extract_figures
from xiaodi.ingest.models import FigureState, IngestedReport, Metric, ReportState, StatedFigure


class Decision(StrEnum):
    """What a reviewer decides about a proposed figure (核对结论)."""

    ACCEPT = "accept"  # 采信
    CORRECT = "correct"  # 更正后采信
    REJECT = "reject"  # 不采信


def store_report(
    session: Session, *, actor: Actor, raw: bytes, filename: str, region_name: str | None = None
) -> IngestedReport:
    """Clean a report and store it with its figures as proposals (待核对). The same file twice is one report."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = session.scalar(select(IngestedReport).where(IngestedReport.sha256 == digest))
    if existing is not None:
        return existing
    cleaned = clean_report(raw, filename=filename)
    default_region = _region_or_none(session, region_name)
    report = create(session, IngestedReport(
        filename=filename, sha256=digest, title=cleaned.title, published_on=cleaned.date, source=cleaned.source,
        author=cleaned.author, region_id=default_region.id if default_region else None, raw_size=len(raw),
        clean_text=cleaned.text, warnings=list(cleaned.warnings), uploaded_by=actor.name,
        uploaded_by_user_id=actor.user_id,
    ), actor=actor)
    regions: dict[str, Region | None] = {}
    for fig in extract_figures(cleaned.text, default_region=default_region.name if default_region else None):
        key = fig.region or ""
        if key not in regions:
            regions[key] = _region_or_none(session, fig.region)
        region = regions[key]
        session.add(StatedFigure(
            report_id=report.id, metric=fig.metric, value=fig.value, value_text=None, unit=fig.unit,
            approx=fig.approx is not None, quote=fig.quote, char_start=fig.start,
            region_id=region.id if region else None, region_name=fig.region, period_text=fig.period,
            is_plan=fig.is_plan,
        ))
    session.flush()
    return report


def _region_or_none(session: Session, name: str | None) -> Region | None:
    """A report names regions loosely; an unknown or ambiguous name stays as text for the reviewer."""
    if not name:
        return None
    try:
        return resolve_region(session, name)
    except (NotFound, Ambiguous):
        return None


def review_figure(
    session: Session, *, actor: Actor, figure_id: int, decision: Decision, corrected_value: Decimal | None = None,
    metric: str | None = None, region_id: int | None = None, note: str | None = None,
) -> StatedFigure:
    """Record a reviewer's decision on one figure; every decision is audited and can be revisited."""
    fig = session.get(StatedFigure, figure_id)
    if fig is None:
        raise NotFound(f"报送数据（编号 {figure_id}）不存在")
    before = model_snapshot(fig)
    if decision is Decision.CORRECT:
        if corrected_value is None and metric is None and region_id is None:
            raise ValidationFailed("更正时请给出正确的数值、指标或地区")
        fig.state = FigureState.CORRECTED
        fig.corrected_value = corrected_value if corrected_value is not None else fig.value
    else:
        fig.state = FigureState.ACCEPTED if decision is Decision.ACCEPT else FigureState.REJECTED
    if metric is not None:
        if metric not in Metric.__members__.values():
            raise ValidationFailed(f"未知的统计指标：{metric}")
        fig.metric = metric
    if region_id is not None:
        fig.region_id = region_id
    fig.review_note, fig.reviewed_by, fig.reviewed_at = note, actor.name, utcnow()
    session.flush()
    audit.record(session, actor=actor, action=f"figure_{decision.value}", obj=fig, before=before, reason=note)
    _update_report_state(session, fig.report_id)
    return fig


def accept_report(session: Session, *, actor: Actor, report_id: int) -> int:
    """Accept every figure still proposed in a report except plans (一键采信); returns how many were accepted."""
    report = get_live(session, IngestedReport, report_id, "报道")
    proposed = session.scalars(
        select(StatedFigure).where(StatedFigure.report_id == report.id, StatedFigure.state == FigureState.PROPOSED,
                                   StatedFigure.is_plan.is_(False))
    ).all()
    for fig in proposed:
        review_figure(session, actor=actor, figure_id=fig.id, decision=Decision.ACCEPT)
    return len(proposed)


def _update_report_state(session: Session, report_id: int) -> None:
    report = session.get_one(IngestedReport, report_id)
    states = set(session.scalars(select(StatedFigure.state).where(StatedFigure.report_id == report_id)))
    report.state = ReportState.REVIEWED if FigureState.PROPOSED in states else ReportState.ACCEPTED
    session.flush()


@dataclass(frozen=True)
class ReconciliationRow:
    """One metric side by side (数据比对): what reports state and what the ledger computes for the same scope."""

    metric: str
    reported: Decimal | None
    ledger: Decimal | int | None
    report_ids: tuple[int, ...]

    @property
    def difference(self) -> Decimal | None:
        if self.reported is None or self.ledger is None:
            return None
        return self.reported - Decimal(self.ledger)

    @property
    def flagged(self) -> bool:
        """A difference of more than 5% (or any difference on small counts) deserves a look."""
        diff = self.difference
        if diff is None:
            return self.reported is not None
        base = max(abs(self.reported or Decimal(0)), Decimal(1))
        return abs(diff) / base > Decimal("0.05")


def reconcile(
    session: Session, *, region_id: int, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[ReconciliationRow]:
    """Accepted figures for a region beside the ledger's own figures for that region and period.

    Reports state running totals, so the newest accepted figure per metric stands for the region.
    """
    from xiaodi.projects.figures import compute_figures

    ledger = compute_figures(session, region_id=region_id, date_from=date_from, date_to=date_to).values
    rows = session.execute(
        select(StatedFigure, IngestedReport.published_on)
        .join(IngestedReport, IngestedReport.id == StatedFigure.report_id)
        .where(StatedFigure.region_id == region_id, StatedFigure.is_plan.is_(False),
               StatedFigure.state.in_([FigureState.ACCEPTED, FigureState.CORRECTED]))
        .order_by(IngestedReport.published_on.desc().nulls_last(), StatedFigure.id.desc())
    ).all()
    reported: dict[str, tuple[Decimal, list[int]]] = {}
    for fig, _published in rows:
        if fig.metric not in reported:
            reported[fig.metric] = (fig.effective_value, [fig.report_id])
        else:
            reported[fig.metric][1].append(fig.report_id)
    metrics = sorted(set(reported) | {k for k in ledger if k in reported or ledger[k]})
    return [
        ReconciliationRow(
            metric=m,
            reported=reported[m][0] if m in reported else None,
            ledger=ledger.get(m),
            report_ids=tuple(sorted(set(reported[m][1]))) if m in reported else (),
        )
        for m in metrics
    ]
