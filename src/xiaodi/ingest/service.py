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

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Ambiguous, Forbidden, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.core.numbers import beyond_reason
from xiaodi.core.records import create, get_live
from xiaodi.directory.models import Region
from xiaodi.directory.service import resolve_region
from xiaodi.figures.compute import compute_figures
from xiaodi.figures.metrics import FIGURE_KEYS, MONEY_KEYS, Metric, figure_label
from xiaodi.ingest import access
from xiaodi.ingest.clean import clean_report
from xiaodi.ingest.figures import extract_figures
from xiaodi.ingest.models import FigureState, IngestedReport, ReportState, StatedFigure
from xiaodi.ingest.periods import figure_period, period_label
from xiaodi.ingest.regions import main_region


class Decision(StrEnum):
    """What a reviewer decides about a proposed figure (核对结论)."""

    ACCEPT = "accept"  # 采信
    CORRECT = "correct"  # 更正后采信
    REJECT = "reject"  # 不采信


def store_report(
    session: Session, *, actor: Actor, raw: bytes, filename: str, region_name: str | None = None,
    uploader: Viewer | None = None,
) -> IngestedReport:
    """Clean a report and store it with its figures as proposals (待核对). The same file twice is one report.

    A report uploaded without a region takes the region its text is about, else the uploader's office region, so
    that the offices above it see it too; its figures keep only the regions the text gives them. An office files
    reports of its own region (or below): a region named outside it is refused, and a text about another region is
    filed under the uploader's own (``uploader``; None: the command line, trusted).
    """
    digest = hashlib.sha256(raw).hexdigest()
    existing = session.scalar(select(IngestedReport).where(IngestedReport.sha256 == digest))
    if existing is not None:
        return existing
    default_region = _region_or_none(session, region_name)
    if default_region is not None and uploader is not None and not uploader.manages_region(default_region.id):
        raise Forbidden(f"所属地区“{default_region.full_name}”不在您的管辖范围内，只能上传本地区（或下辖地区）的报道")
    cleaned = clean_report(raw, filename=filename)
    report_region = default_region or _region_or_none(session, main_region(cleaned.text, title=cleaned.title))
    if report_region is not None and uploader is not None and not uploader.manages_region(report_region.id):
        report_region = None
    report_region_id = report_region.id if report_region else access.home_region_id(uploader)
    report = create(session, IngestedReport(
        filename=filename, sha256=digest, title=cleaned.title, published_on=cleaned.date, source=cleaned.source,
        author=cleaned.author, region_id=report_region_id, raw_size=len(raw),
        clean_text=cleaned.text, warnings=list(cleaned.warnings), uploaded_by=actor.name,
        uploaded_by_user_id=actor.user_id,
    ), actor=actor)
    regions: dict[str, Region | None] = {}
    for fig in extract_figures(cleaned.text, default_region=default_region.name if default_region else None):
        key = fig.region or ""
        if key not in regions:
            regions[key] = _region_or_none(session, fig.region)
        region = regions[key]
        period_from, period_to = figure_period(fig.period, fig.quote, cleaned.date)
        session.add(StatedFigure(
            report_id=report.id, metric=fig.metric, value=fig.value, value_text=None, unit=fig.unit,
            approx=fig.approx is not None, quote=fig.quote, char_start=fig.start,
            region_id=region.id if region else None, region_name=fig.region, period_text=fig.period,
            period_from=period_from, period_to=period_to, is_plan=fig.is_plan,
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
        if corrected_value is not None:
            _check_reasonable(corrected_value, metric or fig.metric)
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


def _check_reasonable(value: Decimal, metric: str) -> None:
    """A corrected figure is a programme's: not negative, not beyond reason (nine nines of 亿元 for 签约项目)."""
    label = figure_label(metric) or "统计数字"
    if value < 0:
        raise ValidationFailed(f"{label}的更正值不能为负数")
    problem = beyond_reason(value, money=metric in MONEY_KEYS)
    if problem is not None:
        raise ValidationFailed(f"{label}的更正值{problem}")


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


# A reported count of people is compared with the people the ledger's demands ask for, not with the demands.
_PEOPLE_UNITS = frozenset({"人", "名", "位", "人次"})
_PEOPLE_LEDGER = {"talent_demand": "talent_headcount"}


def ledger_key(metric: str, unit: str | None) -> str:
    """The ledger figure a stated figure is compared with: "人才需求200人" with the people asked for (人才需求人数),
    "人才需求15项" with the talent demands published."""
    count_unit = (unit or "").lstrip("万亿")
    return _PEOPLE_LEDGER.get(metric, metric) if count_unit in _PEOPLE_UNITS else metric


@dataclass(frozen=True)
class ReconciliationRow:
    """One figure side by side (数据比对): what reports state and what the ledger computes for the same region,
    the same period and the same thing counted (``ledger_metric``)."""

    metric: str
    reported: Decimal | None
    ledger: Decimal | int | None
    report_ids: tuple[int, ...]
    ledger_metric: str = ""
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    period_known: bool = True

    @property
    def label(self) -> str:
        """The row's name in Chinese: the ledger figure it compares (人才需求人数, 已揭榜需求…)."""
        key = self.ledger_metric or self.metric
        return figure_label(key) or figure_label(self.metric) or key

    @property
    def period(self) -> str:
        """The period compared, in words: 2023年, 2024-01-01 至 2024-05-10, 截至 2024-05-10, 时期不明."""
        return period_label(self.period_from, self.period_to) if self.period_known else "时期不明（报道无发布日期）"

    @property
    def difference(self) -> Decimal | None:
        if self.reported is None or self.ledger is None:
            return None
        return self.reported - Decimal(self.ledger)

    @property
    def uncounted(self) -> bool:
        """The report states a figure the ledger does not count at all (参与企业 60家): nothing to compare it with,
        which is not a difference (it was flagged 有差异 beside a dash)."""
        return self.reported is not None and self.ledger is None

    @property
    def flagged(self) -> bool:
        """A difference of more than 5% (or any difference on small counts) deserves a look."""
        diff = self.difference
        if diff is None:
            return False
        base = max(abs(self.reported or Decimal(0)), Decimal(1))
        return abs(diff) / base > Decimal("0.05")


def _overlaps(fig: StatedFigure, date_from: dt.date | None, date_to: dt.date | None) -> bool:
    """A figure belongs to the chosen period when the dates it covers meet it (an unknown period meets any)."""
    if date_to is not None and fig.period_from is not None and fig.period_from > date_to:
        return False
    return not (date_from is not None and fig.period_to is not None and fig.period_to < date_from)


# The talent and event figures a report states (引进人才、实习实训大学生、活动场次、岗位、对接次数) and the one
# only the ledger counts (持卡人才), compared like the others; in the order the reconciliation lists them.
TALENT_EVENT_KEYS: tuple[str, ...] = ("talents", "card_holders", "students", "events", "positions", "trainings",
                                      "contacts")


def _talent_and_event_figures(session: Session, region_id: int, start: dt.date | None,
                              end: dt.date | None) -> dict[str, int | Decimal]:
    """The talent area's and the events area's figures of the region (with the regions below it) and period:
    talents brought in, card holders, interns placed (``students``), events held, posts offered and person-times
    trained (培训人次) recorded as events' outcomes, and contacts logged."""
    from xiaodi.directory.regions import region_subtree_ids
    from xiaodi.events.service import event_figures
    from xiaodi.talent.figures import talent_figures

    regions = region_subtree_ids(session, region_id)
    talent = talent_figures(session, regions=regions, date_from=start, date_to=end)
    events = event_figures(session, region_ids=regions, start=start, end=end)
    return {"talents": talent.talents, "card_holders": talent.card_holders, "students": talent.interns,
            "events": int(events["events"]), "positions": int(events["positions"]),
            "trainings": int(events["trainings"]), "contacts": int(events["contacts"])}


def reconcile(
    session: Session, *, region_id: int, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[ReconciliationRow]:
    """Accepted figures for a region beside the ledger's figures for the same region, period and thing counted.

    Reports state running totals, so the newest report's accepted figure (its largest, when it also states parts)
    stands for the region, among those whose period meets the chosen one; the ledger is computed for that figure's
    own period (its year, the range it states, or up to the report's date), not for all time. A figure whose period
    cannot be placed (no publication date) is compared with the chosen period and says so. Ledger figures no report
    states are listed for the chosen period.
    """
    from xiaodi.intents.figures import intent_figures

    cache: dict[tuple[dt.date | None, dt.date | None], dict[str, int | Decimal]] = {}

    def ledger_for(start: dt.date | None, end: dt.date | None) -> dict[str, int | Decimal]:
        if (start, end) not in cache:
            values = dict(compute_figures(session, region_id=region_id, date_from=start, date_to=end).values)
            # 达成合作意向N项 against the intents recorded in the same region and period (the intents area's count)
            values["intents"] = intent_figures(session, region_id=region_id, date_from=start, date_to=end).recorded
            values.update(_talent_and_event_figures(session, region_id, start, end))
            cache[start, end] = values
        return cache[start, end]

    rows = session.scalars(
        select(StatedFigure)
        .join(IngestedReport, IngestedReport.id == StatedFigure.report_id)
        .where(StatedFigure.region_id == region_id, StatedFigure.is_plan.is_(False),
               StatedFigure.state.in_([FigureState.ACCEPTED, FigureState.CORRECTED]))
        .order_by(IngestedReport.published_on.desc().nulls_last(), StatedFigure.id.desc())
    ).all()
    newest: dict[str, StatedFigure] = {}
    reports: dict[str, set[int]] = {}
    for fig in rows:
        if not _overlaps(fig, date_from, date_to):
            continue
        key = ledger_key(fig.metric, fig.unit)
        best = newest.setdefault(key, fig)
        if best.report_id == fig.report_id and fig.effective_value > best.effective_value:
            newest[key] = fig  # within one report the total, not a part of it stated after (其中…)
        reports.setdefault(key, set()).add(fig.report_id)
    out: list[ReconciliationRow] = []
    for key, fig in newest.items():
        known = fig.period_from is not None or fig.period_to is not None
        start, end = (fig.period_from, fig.period_to) if known else (date_from, date_to)
        out.append(ReconciliationRow(
            metric=fig.metric, reported=fig.effective_value, ledger=ledger_for(start, end).get(key),
            report_ids=tuple(sorted(reports[key])), ledger_metric=key, period_from=start, period_to=end,
            period_known=known,
        ))  # fmt: skip
    chosen = ledger_for(date_from, date_to)
    for key in (*FIGURE_KEYS, "intents", *TALENT_EVENT_KEYS):
        if key not in newest and chosen.get(key):
            out.append(ReconciliationRow(metric=key, reported=None, ledger=chosen[key], report_ids=(),
                                         ledger_metric=key, period_from=date_from, period_to=date_to))
    return sorted(out, key=lambda r: r.ledger_metric)
