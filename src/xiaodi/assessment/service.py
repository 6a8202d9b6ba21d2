"""专项考核: indicator sets (考核指标体系), periods, evidence, scoring with its working, ranking, publishing (通报)
and appeals (申诉). Every function takes a ``Session`` and the acting ``Viewer``; the rules of who may do what are
``assessment.access``'s. Each function checks its whole input before it writes anything, so a refused call leaves
nothing half-written; every write is audited.

How a score is computed (计分规则), per indicator and unit:

* 按完成比例 (linear): ratio = value ÷ target, capped at the indicator's cap (1 unless stated, e.g. 1.2 for
  over-fulfilment); points = weight × ratio.
* 达标得满分 (threshold): points = weight when value ≥ target, else 0.
* 按排名 (ranked): the units assessed are ranked by their value on the indicator (equal values share the better
  rank, so ties share the higher score); points = weight × (n − rank) ÷ (n − 1) for n units — full marks to the
  first, linearly down to 0 for the last; a value of 0 scores 0; a lone unit with a value scores full marks. No
  target is needed (one given is shown for reference).
* 佐证认定 (manual): the value is the one the office accepted from the unit's evidence (none accepted: 0), then
  scored as linear.

Values of computed indicators come from the ledger through ``assessment.ledger``. The total is the sum of the
points; ranks are shared on equal totals (1, 2, 2, 4); grades: 优秀 ≥ 90, 良好 ≥ 75, 一般 ≥ 60, 较差 below.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Membership, Role
from xiaodi.accounts.scope import Viewer
from xiaodi.assessment import access
from xiaodi.assessment.ledger import LEDGER_METRICS, is_money, metric_values, region_subtree_ids, values_by_region
from xiaodi.assessment.models import (
    Appeal,
    AppealState,
    AssessmentPeriod,
    Evidence,
    EvidenceState,
    Indicator,
    IndicatorSet,
    PeriodState,
    Ranking,
    Score,
    ScoringRule,
    SetState,
    Subject,
)
from xiaodi.bases.models import Pairing, ProgrammeBase
from xiaodi.core import audit
from xiaodi.core.errors import Conflict, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.core.numbers import beyond_reason, format_yuan, parse_amount_yuan
from xiaodi.core.records import create, flush_or_conflict
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Demand
from xiaodi.directory.models import Organisation, Region, RegionLevel

FULL_MARKS = Decimal(100)
APPEAL_DAYS = 7  # the default appeal window after publishing
GRADES: tuple[tuple[Decimal, str], ...] = ((Decimal(90), "优秀"), (Decimal(75), "良好"), (Decimal(60), "一般"))
LOWEST_GRADE = "较差"
_POINTS = Decimal("0.001")
_RATIO = Decimal("0.0001")


# ── input ─────────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator as an office writes it (考核指标): name, weight (分值), target and how it is measured."""

    code: str
    name: str
    weight: Decimal | str | int
    target: Decimal | str | int | None
    metric: str | None = None  # a ledger metric (computed); None: entered with evidence (佐证认定)
    rule: ScoringRule | None = None  # default: linear for a metric, manual without one
    unit: str | None = None
    description: str | None = None
    cap: Decimal | str | None = None  # the ratio's ceiling (linear), 1 unless stated


def parse_indicator(line: str) -> IndicatorInput:
    """An indicator as one line of a form or a ``--indicator`` option: ``编号:名称:分值:目标值[:取数口径[:计分规则]]``
    (no metric: entered with evidence, 佐证认定)."""
    parts = [p.strip() for p in line.replace("：", ":").split(":")]
    if len(parts) < 4:
        raise ValidationFailed(f"指标“{line.strip()[:40]}”格式应为 编号:名称:分值:目标值[:取数口径[:计分规则]]")
    metric = parts[4] if len(parts) > 4 and parts[4] else None
    try:
        rule = ScoringRule.from_label(parts[5]) if len(parts) > 5 and parts[5] else None
    except ValueError as exc:
        raise ValidationFailed(f"指标“{parts[1]}”的计分规则：{exc}") from exc
    return IndicatorInput(parts[0], parts[1], parts[2], parts[3], metric=metric, rule=rule)


def _target(value: Any, metric: str | None, what: str) -> Decimal:
    """An indicator's target; for money (到位资金、签约金额) as people write it, 1000万元 or 1.2亿元. A typed money
    target without its unit is refused: "1000" was read as 1000元, and every county with any money in place
    scored full marks on a target meant as 1000万元 (a number from the API stays yuan)."""
    if not is_money(metric) or not isinstance(value, str):
        return _decimal(value, what)
    text = value.strip()
    if not any(unit in text for unit in ("元", "万", "亿")):
        raise ValidationFailed(f"{what}“{text[:20]}”是金额，请写明单位，如 {text[:20]}万元 或 {text[:20]}元")
    try:
        return parse_amount_yuan(text)
    except (ValueError, InvalidOperation) as exc:
        raise ValidationFailed(f"{what}“{text[:20]}”不是有效金额，可写作 1000万元 或 1.2亿元") from exc


def _decimal(value: Any, what: str, *, money: bool = True) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"{what}“{str(value)[:20]}”不是有效的数字") from exc
    if not number.is_finite():
        raise ValidationFailed(f"{what}“{str(value)[:20]}”不是有效的数字")
    problem = beyond_reason(number, money=money)  # money's bound is the widest: no column holds more
    if problem is not None:
        raise ValidationFailed(f"{what}“{str(value)[:20]}”{problem}")
    return number


def _stated(value: Any, what: str, indicator: Indicator) -> Decimal:
    """A value stated for an indicator (填报值, 更正后的取值): a number, not negative, within reason for what the
    indicator counts — 1e30 as evidence or 1e20 in an appeal would otherwise decide the ranking. Money is typed with
    its unit, as targets are (800万元; a bare 800 was taken as 800元 and an upheld appeal corrected nothing)."""
    if is_money(indicator.metric):
        number = _target(value, indicator.metric, what)
        problem = beyond_reason(number, money=True)
        if problem is not None:
            raise ValidationFailed(f"{what}“{str(value)[:20]}”{problem}")
    else:
        number = _decimal(value, what, money=(indicator.unit or "").endswith("元"))
    if number < 0:
        raise ValidationFailed(f"{what}不能为负数")
    return number


def _metric_key(metric: str | None, indicator: str) -> str | None:
    """The ledger metric an office names, by its Chinese label (签约协议) or its key (agreements)."""
    if metric is None or metric in LEDGER_METRICS:
        return metric
    by_label = {label: key for key, label in LEDGER_METRICS.items()}
    if metric in by_label:
        return by_label[metric]
    raise ValidationFailed(f"指标“{indicator}”的取数口径“{metric}”无效，可选：{'、'.join(LEDGER_METRICS.values())}")


def _checked_indicators(items: Sequence[IndicatorInput]) -> list[dict[str, Any]]:
    """Every rule of an indicator list, checked before anything is written."""
    if not items:
        raise ValidationFailed("考核指标体系至少要有一项指标")
    rows: list[dict[str, Any]] = []
    codes: set[str] = set()
    for item in items:
        name = (item.name or "").strip()
        code = (item.code or "").strip()
        if not name or not code:
            raise ValidationFailed("每项指标都要有编号和名称")
        if code in codes:
            raise ValidationFailed(f"指标编号“{code}”重复")
        codes.add(code)
        weight = _decimal(item.weight, f"指标“{name}”的分值")
        if weight <= 0:
            raise ValidationFailed(f"指标“{name}”的分值必须大于0")
        metric = _metric_key((item.metric or "").strip() or None, name)
        rule = item.rule or (ScoringRule.LINEAR if metric else ScoringRule.MANUAL)
        if rule == ScoringRule.MANUAL and metric is not None:
            raise ValidationFailed(f"指标“{name}”从台账取数，不能同时设为佐证认定")
        if rule != ScoringRule.MANUAL and metric is None:
            raise ValidationFailed(f"指标“{name}”没有取数口径，只能设为佐证认定")
        no_target = item.target is None or str(item.target).strip() == ""
        if no_target and rule != ScoringRule.RANKED:
            raise ValidationFailed(f"指标“{name}”缺少目标值")
        target = None if no_target else _target(item.target, metric, f"指标“{name}”的目标值")
        if target is not None and target <= 0:
            raise ValidationFailed(f"指标“{name}”的目标值必须大于0（目标为0无法计算完成比例）")
        params: dict[str, Any] = {}
        if item.cap is not None and str(item.cap).strip() and rule == ScoringRule.RANKED:
            raise ValidationFailed(f"指标“{name}”按排名计分，不设封顶系数")
        if item.cap is not None and str(item.cap).strip():
            cap = _decimal(item.cap, f"指标“{name}”的封顶系数")
            if not Decimal(1) <= cap <= Decimal(2):
                raise ValidationFailed(f"指标“{name}”的封顶系数应在1到2之间")
            params["cap"] = float(cap)
        rows.append({"code": code, "name": name, "weight": weight, "target": target, "metric": metric,
                     "scoring_rule": rule, "unit": (item.unit or "").strip() or None,
                     "description": (item.description or "").strip() or None, "rule_params": params})
    total = sum((r["weight"] for r in rows), Decimal(0))
    if total != FULL_MARKS:
        raise ValidationFailed(f"各项指标分值合计应为100分（100%），现为{_plain(total)}分")
    return rows


# ── indicator sets and periods ────────────────────────────────────────────────────────────────────────────────


def define_set(session: Session, viewer: Viewer, *, name: str, year: int, region_id: int | None,
               subject: Subject | str,
               indicators: Sequence[IndicatorInput], description: str | None = None) -> IndicatorSet:
    """An office defines an indicator set (制定考核指标体系) for its region; it is in force (执行中) at once."""
    access.require_define(viewer, region_id)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写考核名称")
    try:
        subject = Subject.from_label(str(subject))
    except ValueError as exc:
        raise ValidationFailed(f"考核对象：{exc}") from exc
    if not 2000 <= year <= 2100:
        raise ValidationFailed("考核年度应在2000–2100之间")
    rows = _checked_indicators(indicators)
    if session.scalar(select(IndicatorSet.id).where(IndicatorSet.name == name, IndicatorSet.year == year)):
        raise Conflict(f"{year}年已有名为“{name}”的考核")
    indicator_set = IndicatorSet(name=name, year=year, region_id=region_id, subject=subject,
                                 state=SetState.ACTIVE, description=(description or "").strip() or None)
    session.add(indicator_set)
    flush_or_conflict(session, f"考核“{name}”")
    audit.record(session, actor=viewer.actor, action="create", obj=indicator_set)
    for order, row in enumerate(rows, start=1):
        indicator = Indicator(set_id=indicator_set.id, sort_order=order, **row)
        session.add(indicator)
        flush_or_conflict(session, f"考核“{name}”")
        audit.record(session, actor=viewer.actor, action="create", obj=indicator)
    session.refresh(indicator_set)
    return indicator_set


def get_set(session: Session, viewer: Viewer, set_id: int) -> IndicatorSet:
    access.require_use(viewer)
    indicator_set = session.get(IndicatorSet, set_id)
    if indicator_set is None or indicator_set.retired_at is not None:
        raise NotFound(f"考核指标体系（编号 {set_id}）不存在")
    if not access.can_manage(viewer, indicator_set) and not session.scalar(
            select(AssessmentPeriod.id).join(IndicatorSet).where(
                AssessmentPeriod.set_id == set_id, access.readable(viewer, reach_of(session, viewer))).limit(1)):
        raise NotFound(f"考核指标体系（编号 {set_id}）不存在")
    return indicator_set


def _period_fits(indicator_set: IndicatorSet, starts_on: dt.date, ends_on: dt.date) -> None:
    """A period (考核周期) is a year, a half or a quarter, from the set's year on. Not held to the set's own year:
    a set's trend (趋势) follows its periods into the next years (a 2025 set scored for 2026上半年)."""
    if starts_on.year < indicator_set.year:
        raise ValidationFailed(f"考核“{indicator_set.name}”为 {indicator_set.year} 年度，考核周期不能早于 "
                               f"{indicator_set.year}-01-01 开始（现为 {starts_on}）")
    try:
        limit = starts_on.replace(year=starts_on.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        limit = dt.date(starts_on.year + 1, 2, 28)
    if ends_on > limit:
        raise ValidationFailed(f"考核周期最长一年（年度、半年或季度）：{starts_on} 至 {ends_on} 超过一年，"
                               f"截止日期最晚为 {limit}")


def add_period(session: Session, viewer: Viewer, *, set_id: int, name: str, starts_on: dt.date,
               ends_on: dt.date) -> AssessmentPeriod:
    """A period (考核周期) of a set: a year, a half or a quarter."""
    indicator_set = get_set(session, viewer, set_id)
    access.require_manage(viewer, indicator_set)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写考核周期名称，如“2025年度”")
    if ends_on < starts_on:
        raise ValidationFailed("考核周期的截止日期不能早于起始日期")
    _period_fits(indicator_set, starts_on, ends_on)
    if session.scalar(select(AssessmentPeriod.id).where(AssessmentPeriod.set_id == set_id,
                                                        AssessmentPeriod.name == name)):
        raise Conflict(f"考核“{indicator_set.name}”已有周期“{name}”")
    return create(session, AssessmentPeriod(set_id=set_id, name=name, starts_on=starts_on, ends_on=ends_on,
                                            state=PeriodState.OPEN), actor=viewer.actor, label=f"考核周期“{name}”")


def get_period(session: Session, viewer: Viewer, period_id: int) -> AssessmentPeriod:
    access.require_use(viewer)
    period = session.get(AssessmentPeriod, period_id)
    if period is None:
        raise NotFound(f"考核周期（编号 {period_id}）不存在或不在您的查看范围内")
    access.require_read(viewer, period, reach_of(session, viewer))
    return period


def reach_of(session: Session, viewer: Viewer) -> access.Reach:
    """What ``access.readable`` needs beyond the viewer's own regions: the regions above an office's own, and the
    sets assessing a lead unit the viewer acts for (a handful of sets; each one's units are a few queries)."""
    if viewer.is_admin or not access.may_use(viewer):
        return access.Reach()
    above = frozenset(a for r in viewer.office_region_ids for a in _ancestors(session, r))
    assessed_in: set[int] = set()
    if viewer.organisation_ids:
        for indicator_set in session.scalars(select(IndicatorSet).where(IndicatorSet.retired_at.is_(None),
                                                                        IndicatorSet.subject == Subject.LEAD_UNIT)):
            if any(viewer.acts_for(u.unit_id) for u in assessed_units(session, indicator_set)):
                assessed_in.add(indicator_set.id)
    return access.Reach(above=above, assessed_in=frozenset(assessed_in))


def list_periods(session: Session, viewer: Viewer) -> list[AssessmentPeriod]:
    """The periods the viewer may open, latest first."""
    access.require_use(viewer)
    return list(session.scalars(select(AssessmentPeriod).join(IndicatorSet).where(
        access.readable(viewer, reach_of(session, viewer)), IndicatorSet.retired_at.is_(None))
        .order_by(AssessmentPeriod.ends_on.desc(), AssessmentPeriod.id.desc())))


# ── who is assessed ───────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Assessed:
    """A unit assessed (被考核单位): a county-level region or a lead unit."""

    name: str
    region_id: int | None = None
    unit_id: int | None = None

    @property
    def key(self) -> tuple[int | None, int | None]:
        return (self.region_id, self.unit_id)


def assessed_units(session: Session, indicator_set: IndicatorSet) -> list[Assessed]:
    """Every county (县级) in the set's region, or every lead unit (牵头单位) working there, by code or name."""
    scope = region_subtree_ids(session, indicator_set.region_id) if indicator_set.region_id is not None else None
    if indicator_set.subject == Subject.REGION:
        stmt = select(Region).where(Region.level == RegionLevel.COUNTY).order_by(Region.code)
        if scope is not None:
            stmt = stmt.where(Region.id.in_(scope))
        return [Assessed(r.full_name, region_id=r.id) for r in session.scalars(stmt)]

    def within(column: Any) -> Any:
        return column.in_(scope) if scope is not None else column.is_not(None)

    sources: list[Select[Any]] = [
        select(Pairing.lead_unit_id).where(within(Pairing.region_id)),
        select(ProgrammeBase.lead_unit_id).where(ProgrammeBase.lead_unit_id.is_not(None),
                                                 ProgrammeBase.retired_at.is_(None), within(ProgrammeBase.region_id)),
        select(Demand.lead_unit_id).where(Demand.lead_unit_id.is_not(None), Demand.retired_at.is_(None),
                                          within(Demand.region_id)),
        select(Membership.organisation_id).join(Organisation, Organisation.id == Membership.organisation_id).where(
            Membership.role == Role.LEAD_UNIT, Membership.retired_at.is_(None), within(Organisation.region_id)),
    ]
    ids: set[int] = set()
    for source in sources:
        ids.update(i for i in session.scalars(source) if i is not None)
    units = session.scalars(select(Organisation).where(Organisation.id.in_(ids), Organisation.retired_at.is_(None),
                                                       Organisation.merged_into_id.is_(None))
                            .order_by(Organisation.name))
    return [Assessed(o.name, unit_id=o.id) for o in units]


def _assessed_named(session: Session, indicator_set: IndicatorSet, *, region_id: int | None,
                    unit_id: int | None) -> Assessed:
    for unit in assessed_units(session, indicator_set):
        if unit.key == (region_id, unit_id):
            return unit
    what = session.get(Region, region_id) if region_id is not None else session.get(Organisation, unit_id or 0)
    name = (what.full_name if isinstance(what, Region) else what.name) if what is not None else "该单位"
    raise ValidationFailed(f"“{name}”不在考核“{indicator_set.name}”的考核范围内")


# ── evidence (佐证) ───────────────────────────────────────────────────────────────────────────────────────────


def submit_evidence(session: Session, viewer: Viewer, *, period_id: int, indicator_id: int, value: Any,
                    evidence: str, region_id: int | None = None, unit_id: int | None = None) -> Evidence:
    """A value for a manual indicator with what proves it, by the unit itself or its office; checked later."""
    period = get_period(session, viewer, period_id)
    indicator = _indicator_of(period, indicator_id)
    target_name = _name_of(session, region_id=region_id, unit_id=unit_id)
    access.require_evidence(viewer, period, region_id=region_id, unit_id=unit_id, name=target_name)
    _assessed_named(session, period.indicator_set, region_id=region_id, unit_id=unit_id)
    if indicator.scoring_rule != ScoringRule.MANUAL:
        raise ValidationFailed(f"指标“{indicator.name}”从台账自动取数，无需提交佐证")
    if period.state == PeriodState.PUBLISHED:
        raise ValidationFailed("排名已发布，不能再提交佐证；如有异议请提出申诉")
    amount = _stated(value, "填报值", indicator)
    text = (evidence or "").strip()
    if not text:
        raise ValidationFailed("请说明佐证材料（文件名称、文号、日期或链接）")
    return create(session, Evidence(period_id=period.id, indicator_id=indicator.id, region_id=region_id,
                                    unit_id=unit_id, value=amount, evidence=text[:2000], submitted_by=viewer.name,
                                    state=EvidenceState.SUBMITTED), actor=viewer.actor, label="佐证材料")


def check_evidence(session: Session, viewer: Viewer, *, evidence_id: int, accept: bool,
                   note: str | None = None) -> Evidence:
    """The office accepts (认定) or returns (退回, with a reason) a piece of evidence."""
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise NotFound(f"佐证材料（编号 {evidence_id}）不存在")
    period = get_period(session, viewer, item.period_id)
    access.require_manage(viewer, period)
    if item.state != EvidenceState.SUBMITTED:
        raise ValidationFailed(f"该佐证材料已{EvidenceState(item.state).label}，不能重复审核")
    if not accept and not (note or "").strip():
        raise ValidationFailed("退回佐证材料时请说明理由")
    before = model_snapshot(item)
    item.state = EvidenceState.ACCEPTED if accept else EvidenceState.REJECTED
    item.checked_by, item.checked_at, item.check_note = viewer.name, utcnow(), (note or "").strip() or None
    flush_or_conflict(session, "佐证材料")
    audit.record(session, actor=viewer.actor, action="check", obj=item, before=before, reason=item.check_note)
    return item


def list_evidence(session: Session, viewer: Viewer, period_id: int) -> list[Evidence]:
    period = get_period(session, viewer, period_id)
    items = session.scalars(select(Evidence).where(Evidence.period_id == period.id).order_by(Evidence.id))
    return [e for e in items if access.can_manage(viewer, period.indicator_set)
            or access.is_own(viewer, region_id=e.region_id, unit_id=e.unit_id)]


# ── scoring and ranking ───────────────────────────────────────────────────────────────────────────────────────


def _points(indicator: Indicator, value: Decimal) -> tuple[Decimal, Decimal]:
    """(ratio, points) of a value on an indicator — the working shown beside every score."""
    target = Decimal(indicator.target or 0)
    if target <= 0:  # refused when the set was defined; an old row without a target scores nothing
        return Decimal(0), Decimal(0)
    weight = Decimal(indicator.weight)
    raw_ratio = value / target
    if indicator.scoring_rule == ScoringRule.THRESHOLD:
        ratio = Decimal(1) if value >= target else raw_ratio
        points = weight if value >= target else Decimal(0)
    else:
        cap = Decimal(str((indicator.rule_params or {}).get("cap", 1)))
        ratio = min(raw_ratio, cap)
        points = weight * ratio
    return ratio.quantize(_RATIO, ROUND_HALF_UP), points.quantize(_POINTS, ROUND_HALF_UP)


def _indicator_points(indicator: Indicator, values: dict[tuple[int | None, int | None], Decimal]
                      ) -> dict[tuple[int | None, int | None], tuple[Decimal, Decimal, str | None]]:
    """(ratio, points, working note) of every unit's value on one indicator: by the unit's own value, or — 按排名 —
    by its rank among all the units assessed."""
    if indicator.scoring_rule != ScoringRule.RANKED:
        return {key: (*_points(indicator, value), None) for key, value in values.items()}
    return _ranked_points(Decimal(indicator.weight), values)


def _ranked_points(weight: Decimal, values: dict[tuple[int | None, int | None], Decimal]
                   ) -> dict[tuple[int | None, int | None], tuple[Decimal, Decimal, str | None]]:
    """按排名: the rank of each value among ``values`` (equal values share the better rank), and weight × (n − rank)
    ÷ (n − 1) — full marks to the first, linearly down to 0 for the last; a value of 0 earns nothing. The factor
    (n − rank) ÷ (n − 1) is kept as the score's ratio and the sum written out as its working."""
    n = len(values)
    ordered = sorted(values.values(), reverse=True)
    rank_of: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        rank_of.setdefault(value, position)
    out: dict[tuple[int | None, int | None], tuple[Decimal, Decimal, str | None]] = {}
    for key, value in values.items():
        rank = rank_of[value]
        place = f"第{rank}名（共{n}个单位）"
        if value <= 0:
            factor, note = Decimal(0), f"{place}：完成值为0，不得分"
        elif n == 1:
            factor, note = Decimal(1), f"{place}：唯一被考核单位，得满分"
        else:
            factor = Decimal(n - rank) / Decimal(n - 1)
            points = (weight * factor).quantize(_POINTS, ROUND_HALF_UP)
            tie = f"，与{ordered.count(value) - 1}个单位并列" if ordered.count(value) > 1 else ""
            note = (f"{place}{tie}：得分 = 分值{_plain(weight)} × ({n}−{rank})÷({n}−1) = {_plain(points)}")
        out[key] = (factor.quantize(_RATIO, ROUND_HALF_UP), (weight * factor).quantize(_POINTS, ROUND_HALF_UP),
                    note)
    return out


def _accepted_values(session: Session, period: AssessmentPeriod) -> dict[tuple[int, int | None, int | None], Decimal]:
    """(indicator, region, unit) → the latest accepted evidence value."""
    out: dict[tuple[int, int | None, int | None], Decimal] = {}
    for e in session.scalars(select(Evidence).where(Evidence.period_id == period.id,
                                                    Evidence.state == EvidenceState.ACCEPTED).order_by(Evidence.id)):
        out[(e.indicator_id, e.region_id, e.unit_id)] = Decimal(e.value)
    return out


def score_period(session: Session, viewer: Viewer, *, period_id: int,
                 progress: Any = None) -> list[Ranking]:
    """Score every unit assessed on every indicator (评分) and rank them; may be run again until published."""
    period = get_period(session, viewer, period_id)
    access.require_manage(viewer, period)
    if period.state == PeriodState.PUBLISHED:
        raise ValidationFailed(f"考核周期“{period.name}”的排名已发布，不能重新评分；更正请通过申诉答复")
    indicator_set = period.indicator_set
    indicators = list(indicator_set.indicators)
    if not indicators:
        raise ValidationFailed("该考核没有指标，无法评分")
    units = assessed_units(session, indicator_set)
    if not units:
        raise ValidationFailed(f"考核“{indicator_set.name}”的范围内没有可考核的{Subject(indicator_set.subject).label}")
    metrics = {i.metric for i in indicators if i.metric}
    accepted = _accepted_values(session, period)
    existing = {(s.indicator_id, s.region_id, s.unit_id): s
                for s in session.scalars(select(Score).where(Score.period_id == period.id))}
    now = utcnow()
    totals: dict[tuple[int | None, int | None], Decimal] = {}
    by_region: dict[int, dict[str, Decimal]] = {}
    if metrics and indicator_set.subject == Subject.REGION:  # every county at once, in grouped statements
        regions = list(session.scalars(select(Region).where(Region.id.in_([u.region_id for u in units]))))
        by_region = values_by_region(session, metrics, regions, date_from=period.starts_on, date_to=period.ends_on)
    measured: dict[int, dict[tuple[int | None, int | None], tuple[Decimal, str | None]]] = {
        i.id: {} for i in indicators}
    for unit in units:
        if unit.region_id is not None and unit.region_id in by_region:
            values = by_region[unit.region_id]
        else:
            values = metric_values(session, metrics, region_id=unit.region_id, unit_id=unit.unit_id,
                                   date_from=period.starts_on, date_to=period.ends_on) if metrics else {}
        for indicator in indicators:
            if indicator.metric is None:
                value = accepted.get((indicator.id, unit.region_id, unit.unit_id), Decimal(0))
                note = None if (indicator.id, unit.region_id, unit.unit_id) in accepted else "无已认定的佐证材料"
            else:
                value, note = values.get(indicator.metric or "", Decimal(0)), None
            measured[indicator.id][unit.key] = (value, note)
        if progress is not None:
            progress()
    for indicator in indicators:
        values_of = {key: value for key, (value, _note) in measured[indicator.id].items()}
        for key, (ratio, points, working) in _indicator_points(indicator, values_of).items():
            score = existing.get((indicator.id, *key))
            if score is None:
                score = Score(period_id=period.id, indicator_id=indicator.id, region_id=key[0], unit_id=key[1])
                session.add(score)
            score.raw_value, score.target, score.ratio, score.score = values_of[key], indicator.target, ratio, points
            score.manual, score.computed_at = indicator.metric is None, now
            score.note = "；".join(n for n in (measured[indicator.id][key][1], working) if n) or None
            score.entered_by = viewer.name
            totals[key] = totals.get(key, Decimal(0)) + points
    rankings = _rank(session, period, totals)
    before = model_snapshot(period)
    period.state, period.scored_at = PeriodState.SCORED, now
    flush_or_conflict(session, f"考核周期“{period.name}”")
    audit.record(session, actor=viewer.actor, action="score", obj=period, before=before,
                 reason=f"评分{len(units)}个单位、{len(indicators)}项指标")
    return rankings


def _grade(total: Decimal) -> str:
    for floor, grade in GRADES:
        if total >= floor:
            return grade
    return LOWEST_GRADE


def _rank(session: Session, period: AssessmentPeriod,
          totals: dict[tuple[int | None, int | None], Decimal]) -> list[Ranking]:
    """Ranks from the totals, shared on equal totals; the period's ranking rows are updated in place."""
    existing = {(r.region_id, r.unit_id): r
                for r in session.scalars(select(Ranking).where(Ranking.period_id == period.id))}
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])
    out: list[Ranking] = []
    previous: Decimal | None = None
    rank = 0
    now = utcnow()
    for position, (key, total) in enumerate(ordered, start=1):
        total = total.quantize(_POINTS, ROUND_HALF_UP)
        if total != previous:
            rank, previous = position, total
        row = existing.get(key)
        if row is None:
            row = Ranking(period_id=period.id, region_id=key[0], unit_id=key[1])
            session.add(row)
        row.total, row.rank, row.grade, row.computed_at = total, rank, _grade(total), now
        out.append(row)
    flush_or_conflict(session, f"考核周期“{period.name}”")
    return out


def publish(session: Session, viewer: Viewer, *, period_id: int, appeal_deadline: dt.date | None = None,
            today: dt.date | None = None) -> AssessmentPeriod:
    """Publish the ranking (通报排名); the scored units may appeal until ``appeal_deadline`` (inclusive)."""
    period = get_period(session, viewer, period_id)
    access.require_manage(viewer, period)
    today = today or local_today()
    if period.state == PeriodState.OPEN:
        raise ValidationFailed(f"考核周期“{period.name}”尚未评分，不能发布排名")
    if period.state == PeriodState.PUBLISHED:
        raise ValidationFailed(f"考核周期“{period.name}”的排名已发布")
    deadline = appeal_deadline or today + dt.timedelta(days=APPEAL_DAYS)
    if deadline < today:
        raise ValidationFailed("申诉截止日期不能早于今天")
    before = model_snapshot(period)
    period.state, period.published_at, period.appeal_deadline = PeriodState.PUBLISHED, utcnow(), deadline
    flush_or_conflict(session, f"考核周期“{period.name}”")
    audit.record(session, actor=viewer.actor, action="publish", obj=period, before=before)
    return period


# ── appeals (申诉) ─────────────────────────────────────────────────────────────────────────────────────────────


def file_appeal(session: Session, viewer: Viewer, *, period_id: int, reason: str, indicator_id: int | None = None,
                region_id: int | None = None, unit_id: int | None = None, today: dt.date | None = None) -> Appeal:
    """A scored unit appeals its result (申诉), on one indicator or the whole, before the deadline."""
    period = get_period(session, viewer, period_id)
    if region_id is None and unit_id is None:
        region_id, unit_id = _own_subject(session, viewer, period)
    name = _name_of(session, region_id=region_id, unit_id=unit_id)
    access.require_appeal(viewer, period, region_id=region_id, unit_id=unit_id, name=name)
    _assessed_named(session, period.indicator_set, region_id=region_id, unit_id=unit_id)
    today = today or local_today()
    if period.state != PeriodState.PUBLISHED or period.appeal_deadline is None:
        raise ValidationFailed("排名尚未发布，发布后方可申诉")
    if today > period.appeal_deadline:
        raise ValidationFailed(f"申诉期已于{period.appeal_deadline.isoformat()}截止，不能再提出申诉")
    indicator = _indicator_of(period, indicator_id) if indicator_id is not None else None
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed("请写明申诉理由")
    if session.scalar(select(Appeal.id).where(
            Appeal.period_id == period.id, Appeal.state == AppealState.FILED,
            Appeal.region_id.is_(region_id) if region_id is None else Appeal.region_id == region_id,
            Appeal.unit_id.is_(unit_id) if unit_id is None else Appeal.unit_id == unit_id,
            Appeal.indicator_id.is_(None) if indicator is None else Appeal.indicator_id == indicator.id)):
        raise Conflict("该项已有待答复的申诉，请等待办公室答复")
    appeal = create(session, Appeal(period_id=period.id, indicator_id=indicator.id if indicator else None,
                                    region_id=region_id, unit_id=unit_id, reason=text[:2000], filed_by=viewer.name,
                                    state=AppealState.FILED), actor=viewer.actor, label="申诉")
    _tell_the_answering_office(session, viewer, period, appeal, name=name,
                               indicator=indicator.name if indicator else None)
    return appeal


def _tell_the_answering_office(session: Session, viewer: Viewer, period: AssessmentPeriod, appeal: Appeal, *,
                               name: str, indicator: str | None) -> None:
    """待答复诉求: the office that answers the appeal — the office of the indicator set's region (the managing one;
    for a set over the whole ledger, the administrators) — finds it in its inbox, in the same transaction."""
    from xiaodi.notifications.service import notify

    region_id = period.indicator_set.region_id
    admins: list[int] = [] if region_id is not None else list(session.scalars(
        select(Membership.user_id).where(Membership.role == Role.ADMIN, Membership.retired_at.is_(None))))
    about = f"（{indicator}）" if indicator else ""
    notify(session, kind="appeal", title=f"“{name}”对“{period.indicator_set.name}·{period.name}”的考核结果提出申诉"
           f"{about}，请在申诉处理中答复", link=f"/assessment/periods/{period.id}#appeals",
           region_ids=[region_id], user_ids=admins, key=f"assessment_appeal:{appeal.id}",
           exclude_user_id=viewer.user_id)


def answer_appeal(session: Session, viewer: Viewer, *, appeal_id: int, uphold: bool, answer: str,
                  corrected_value: Any = None) -> Appeal:
    """The office answers an appeal; upheld on an indicator with a corrected value, that score is corrected
    (audited with the value before and after) and the period re-ranked."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"申诉（编号 {appeal_id}）不存在")
    period = get_period(session, viewer, appeal.period_id)
    access.require_manage(viewer, period)
    if appeal.state != AppealState.FILED:
        raise ValidationFailed(f"该申诉已答复（{AppealState(appeal.state).label}）")
    text = (answer or "").strip()
    if not text:
        raise ValidationFailed("请填写答复意见")
    value: Decimal | None = None
    if corrected_value is not None and str(corrected_value).strip() != "":
        if not uphold:
            raise ValidationFailed("不予采纳的申诉不能更正分数")
        if appeal.indicator_id is None:
            raise ValidationFailed("该申诉未指明指标，无法更正某项取值；请答复后由单位就具体指标申诉")
        indicator = session.get(Indicator, appeal.indicator_id)
        assert indicator is not None  # the appeal's foreign key
        value = _stated(corrected_value, "更正后的取值", indicator)
    before = model_snapshot(appeal)
    appeal.state = AppealState.UPHELD if uphold else AppealState.DISMISSED
    appeal.answer, appeal.answered_by, appeal.answered_at = text[:2000], viewer.name, utcnow()
    appeal.corrected_value = value
    flush_or_conflict(session, "申诉")
    audit.record(session, actor=viewer.actor, action="answer", obj=appeal, before=before, reason=text[:2000])
    if value is not None:
        _correct_score(session, viewer, period, appeal, value)
    return appeal


def _correct_score(session: Session, viewer: Viewer, period: AssessmentPeriod, appeal: Appeal,
                   value: Decimal) -> None:
    score = session.scalar(select(Score).where(
        Score.period_id == period.id, Score.indicator_id == appeal.indicator_id,
        Score.region_id.is_(None) if appeal.region_id is None else Score.region_id == appeal.region_id,
        Score.unit_id.is_(None) if appeal.unit_id is None else Score.unit_id == appeal.unit_id))
    if score is None:
        raise ValidationFailed("该单位在此指标上尚无得分，无法更正")
    before = model_snapshot(score)
    score.raw_value = value
    correction = f"申诉更正（申诉编号 {appeal.id}）：{appeal.answer}"
    if score.indicator.scoring_rule == ScoringRule.RANKED:
        _rerank_indicator(session, viewer, period, score, appeal=appeal, correction=correction)
    else:
        score.ratio, score.score = _points(score.indicator, value)
        score.note = correction[:2000]
    score.manual, score.entered_by = True, viewer.name
    score.computed_at = utcnow()
    flush_or_conflict(session, "得分")
    audit.record(session, actor=viewer.actor, action="correct", obj=score, before=before,
                 reason=f"申诉编号 {appeal.id}")
    totals: dict[tuple[int | None, int | None], Decimal] = {}
    for s in session.scalars(select(Score).where(Score.period_id == period.id)):
        totals[(s.region_id, s.unit_id)] = totals.get((s.region_id, s.unit_id), Decimal(0)) + Decimal(s.score)
    _rank(session, period, totals)


def _rerank_indicator(session: Session, viewer: Viewer, period: AssessmentPeriod, corrected: Score, *,
                      appeal: Appeal, correction: str) -> None:
    """A corrected value on a 按排名 indicator moves the ranks of the others too: every unit's points on that
    indicator are worked out again from the values (the others' changes audited as 重新排名)."""
    scores = list(session.scalars(select(Score).where(Score.period_id == period.id,
                                                      Score.indicator_id == corrected.indicator_id)))
    values = {(s.region_id, s.unit_id): Decimal(s.raw_value or 0) for s in scores}
    worked = _ranked_points(Decimal(corrected.indicator.weight), values)
    for s in scores:
        ratio, points, note = worked[(s.region_id, s.unit_id)]
        if s is corrected:
            s.ratio, s.score, s.note = ratio, points, f"{correction}；{note}"[:2000]
            continue
        if Decimal(s.score) == points and s.note == note:
            continue
        before = model_snapshot(s)
        s.ratio, s.score, s.note, s.computed_at = ratio, points, note, utcnow()
        flush_or_conflict(session, "得分")
        audit.record(session, actor=viewer.actor, action="rerank", obj=s, before=before,
                     reason=f"申诉编号 {appeal.id} 更正后重新排名")


def list_appeals(session: Session, viewer: Viewer, period_id: int) -> list[Appeal]:
    period = get_period(session, viewer, period_id)
    items = session.scalars(select(Appeal).where(Appeal.period_id == period.id).order_by(Appeal.id))
    return [a for a in items if access.can_manage(viewer, period.indicator_set)
            or access.is_own(viewer, region_id=a.region_id, unit_id=a.unit_id)]


def _own_subject(session: Session, viewer: Viewer, period: AssessmentPeriod) -> tuple[int | None, int | None]:
    """The unit a viewer appeals for when none is named: the one unit of the set that is the viewer's own."""
    own = [u for u in assessed_units(session, period.indicator_set)
           if access.is_own(viewer, region_id=u.region_id, unit_id=u.unit_id)]
    if len(own) != 1:
        raise ValidationFailed("请指明申诉的被考核单位" if own else "您不是本次考核的被考核单位")
    return own[0].key


# ── results, trend, export ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Working:
    """How one score came about (计分过程): value, target, ratio, weight and points."""

    code: str
    indicator: str
    measured: str  # 台账：签约协议 / 佐证认定
    rule: str
    value: Decimal | None
    target: Decimal | None
    ratio: Decimal | None
    weight: Decimal
    points: Decimal
    note: str | None
    money: bool = False
    unit: str | None = None  # the indicator's own (项, 个, 篇); money is shown in 万元 whatever it says

    def text(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        return format_yuan(value) if self.money else _plain(value)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "indicator": self.indicator, "measured": self.measured, "rule": self.rule,
                "value": _num(self.value), "target": _num(self.target), "ratio": _num(self.ratio),
                "weight": _num(self.weight), "points": _num(self.points), "note": self.note}


@dataclass
class ResultRow:
    """One unit's place in a period (排名): total, rank, grade and the working of each indicator."""

    name: str
    region_id: int | None
    unit_id: int | None
    total: Decimal
    rank: int
    grade: str | None
    own: bool = False
    working: list[Working] = field(default_factory=list)
    tied: bool = False  # another unit has the same total (并列): ten counties with no figures all "第4名" misled

    @property
    def place(self) -> str:
        """The rank as said in Chinese: 第4名, 并列第4名."""
        return f"{'并列' if self.tied else ''}第{self.rank}名"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "region_id": self.region_id, "unit_id": self.unit_id, "total": _num(self.total),
                "rank": self.rank, "tied": self.tied, "grade": self.grade,
                "working": [w.as_json() for w in self.working]}


@dataclass
class PeriodResult:
    period: AssessmentPeriod
    rows: list[ResultRow]
    complete: bool  # the whole ranking (else only the viewer's own rows)
    manages: bool
    out_of: int  # how many units were ranked

    def as_json(self) -> dict[str, Any]:
        p = self.period
        return {"period_id": p.id, "period": p.name, "set": p.indicator_set.name, "year": p.indicator_set.year,
                "subject": p.indicator_set.subject, "state": p.state, "state_label": PeriodState(p.state).label,
                "from": p.starts_on.isoformat(), "to": p.ends_on.isoformat(),
                "appeal_deadline": p.appeal_deadline.isoformat() if p.appeal_deadline else None,
                "complete": self.complete, "out_of": self.out_of, "rows": [r.as_json() for r in self.rows]}


def period_result(session: Session, viewer: Viewer, period_id: int, *, period: AssessmentPeriod | None = None
                  ) -> PeriodResult:
    """The ranking with the working of each score, as far as the viewer may see it (a scored unit: its own row
    until the ranking is published)."""
    period = period or get_period(session, viewer, period_id)
    complete = access.sees_all_results(viewer, period)
    rankings = list(session.scalars(select(Ranking).where(Ranking.period_id == period.id)
                                    .order_by(Ranking.rank, Ranking.id)))
    sharing = Counter(r.rank for r in rankings)
    rankings = [r for r in rankings if complete or access.can_see_result(viewer, period, region_id=r.region_id,
                                                                        unit_id=r.unit_id)]
    names = _names(session, rankings)
    scores: dict[tuple[int | None, int | None], list[Score]] = {}
    for s in session.scalars(select(Score).where(Score.period_id == period.id)):
        scores.setdefault((s.region_id, s.unit_id), []).append(s)
    order = {i.id: i.sort_order for i in period.indicator_set.indicators}
    rows: list[ResultRow] = []
    for r in rankings:
        working = [_working(s) for s in sorted(scores.get((r.region_id, r.unit_id), []),
                                               key=lambda s: order.get(s.indicator_id, 0))]
        rows.append(ResultRow(names.get((r.region_id, r.unit_id), "?"), r.region_id, r.unit_id, Decimal(r.total),
                              r.rank, r.grade, access.is_own(viewer, region_id=r.region_id, unit_id=r.unit_id),
                              working, tied=sharing[r.rank] > 1))
    total_ranked = len(rankings) if complete else int(session.scalar(
        select(func.count()).select_from(Ranking).where(Ranking.period_id == period.id)) or 0)
    return PeriodResult(period, rows, complete, access.can_manage(viewer, period.indicator_set), total_ranked)


def _working(s: Score) -> Working:
    i = s.indicator
    measured = f"台账：{LEDGER_METRICS.get(i.metric, i.metric)}" if i.metric else "佐证认定"
    if s.manual and i.metric:
        measured += "（申诉更正）"
    return Working(i.code, i.name, measured, ScoringRule(i.scoring_rule).label,
                   None if s.raw_value is None else Decimal(s.raw_value),
                   None if s.target is None else Decimal(s.target), None if s.ratio is None else Decimal(s.ratio),
                   Decimal(i.weight), Decimal(s.score), s.note, is_money(i.metric), i.unit)


def _names(session: Session, rankings: Sequence[Ranking]) -> dict[tuple[int | None, int | None], str]:
    region_ids = [r.region_id for r in rankings if r.region_id is not None]
    unit_ids = [r.unit_id for r in rankings if r.unit_id is not None]
    out: dict[tuple[int | None, int | None], str] = {}
    if region_ids:
        for rid, name in session.execute(select(Region.id, Region.full_name).where(Region.id.in_(region_ids))):
            out[(rid, None)] = name
    if unit_ids:
        for uid, name in session.execute(select(Organisation.id, Organisation.name).where(
                Organisation.id.in_(unit_ids))):
            out[(None, uid)] = name
    return out


def latest_published(session: Session, viewer: Viewer, *, region_id: int | None = None) -> PeriodResult | None:
    """The ranking of the latest published period whose set covers ``region_id`` (or any the viewer may see)."""
    access.require_use(viewer)
    stmt = (select(AssessmentPeriod).join(IndicatorSet).where(
        AssessmentPeriod.state == PeriodState.PUBLISHED, IndicatorSet.retired_at.is_(None),
        access.readable(viewer, reach_of(session, viewer)))
        .order_by(AssessmentPeriod.ends_on.desc(), AssessmentPeriod.id.desc()))
    if region_id is not None:
        stmt = stmt.where(or_(IndicatorSet.region_id.in_(region_subtree_ids(session, region_id)),
                              IndicatorSet.region_id.in_(_ancestors(session, region_id))))
    period = session.scalars(stmt.limit(1)).first()
    return period_result(session, viewer, period.id, period=period) if period is not None else None


def _ancestors(session: Session, region_id: int) -> list[int]:
    out: list[int] = []
    region = session.get(Region, region_id)
    while region is not None and region.parent_id is not None:
        out.append(region.parent_id)
        region = session.get(Region, region.parent_id)
    return out


@dataclass(frozen=True)
class TrendRow:
    name: str
    region_id: int | None
    unit_id: int | None
    cells: list[tuple[Decimal, int] | None]  # (total, rank) per period, None: not ranked then


def trend(session: Session, viewer: Viewer, set_id: int) -> tuple[list[AssessmentPeriod], list[TrendRow]]:
    """Each unit's total and rank over the periods of a set (趋势), in date order, as far as the viewer may see."""
    indicator_set = get_set(session, viewer, set_id)
    reach = reach_of(session, viewer)
    periods = [p for p in session.scalars(select(AssessmentPeriod).where(AssessmentPeriod.set_id == set_id)
                                          .order_by(AssessmentPeriod.starts_on, AssessmentPeriod.id))
               if access.can_read(viewer, p, reach) and p.state != PeriodState.OPEN]
    rows: dict[tuple[int | None, int | None], list[tuple[Decimal, int] | None]] = {}
    all_rankings: list[Ranking] = []
    for index, p in enumerate(periods):
        for r in session.scalars(select(Ranking).where(Ranking.period_id == p.id)):
            if not access.can_see_result(viewer, p, region_id=r.region_id, unit_id=r.unit_id):
                continue
            cells = rows.setdefault((r.region_id, r.unit_id), [None] * len(periods))
            cells[index] = (Decimal(r.total), r.rank)
            all_rankings.append(r)
    names = _names(session, all_rankings)
    del indicator_set
    out = [TrendRow(names.get(k, "?"), k[0], k[1], v) for k, v in rows.items()]
    out.sort(key=lambda t: next((c[1] for c in reversed(t.cells) if c is not None), 10**6))
    return periods, out


def result_xlsx(result: PeriodResult) -> bytes:
    """The ranking and every score's working as a workbook (排名, 计分明细)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    p = result.period
    ws = wb.add_worksheet("排名")
    ws.write_row(0, 0, ["考核", p.indicator_set.name], head)
    ws.write_row(1, 0, ["考核周期", f"{p.name}（{p.starts_on.isoformat()} 至 {p.ends_on.isoformat()}）"], head)
    ws.write_row(2, 0, ["状态", PeriodState(p.state).label], head)
    points = wb.add_format({"num_format": "0.00"})  # as the pages show a score; the cell keeps its value
    ws.write_row(4, 0, ["排名", "被考核单位", "总分", "等次"], head)
    for i, row in enumerate(result.rows, start=5):
        ws.write_number(i, 0, row.rank)
        ws.write_string(i, 1, row.name)
        ws.write_number(i, 2, float(row.total), points)
        ws.write_string(i, 3, row.grade or "")
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 3, 12)
    detail = wb.add_worksheet("计分明细")
    # Money is written in 万元, as every other workbook of the platform writes it (完成值 8000300 read as 元 beside
    # 万元 columns elsewhere); the column 计量单位 says each row's unit.
    detail.write_row(0, 0, ["被考核单位", "指标编号", "指标", "取数方式", "计分规则", "完成值", "目标值", "计量单位",
                            "完成比例", "分值", "得分", "说明"], head)
    wan = Decimal(10_000)
    r_i = 1
    for row in result.rows:
        for w in row.working:
            detail.write_row(r_i, 0, [row.name, w.code, w.indicator, w.measured, w.rule])
            for c, v in ((5, w.value), (6, w.target)):
                if v is None:
                    detail.write_blank(r_i, c, None)
                else:
                    detail.write_number(r_i, c, float(v / wan if w.money else v))
            detail.write_string(r_i, 7, "万元" if w.money else w.unit or "")
            for c, v in enumerate((w.ratio, w.weight, w.points), start=8):
                if v is None:
                    detail.write_blank(r_i, c, None)
                else:
                    detail.write_number(r_i, c, float(v), points)
            detail.write_string(r_i, 11, w.note or "")
            r_i += 1
    detail.set_column(0, 0, 30)
    detail.set_column(1, 11, 12)
    detail.freeze_panes(1, 1)
    wb.close()
    return buf.getvalue()


# ── small helpers ─────────────────────────────────────────────────────────────────────────────────────────────


def _indicator_of(period: AssessmentPeriod, indicator_id: int | None) -> Indicator:
    for indicator in period.indicator_set.indicators:
        if indicator.id == indicator_id:
            return indicator
    raise NotFound(f"考核“{period.indicator_set.name}”没有编号为 {indicator_id} 的指标")


def _name_of(session: Session, *, region_id: int | None, unit_id: int | None) -> str:
    if (region_id is None) == (unit_id is None):
        raise ValidationFailed("请指明一个被考核单位（县或牵头单位）")
    if region_id is not None:
        region = session.get(Region, region_id)
        if region is None:
            raise NotFound(f"地区（编号 {region_id}）不存在")
        return region.full_name
    org = session.get(Organisation, unit_id)
    if org is None:
        raise NotFound(f"单位（编号 {unit_id}）不存在")
    return org.name


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
