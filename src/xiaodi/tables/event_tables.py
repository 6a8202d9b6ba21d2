"""活动清单: events with their main outcomes (提供岗位, 达成意向人数, 合作意向) — exported and imported like the other
ledger tables; an event is identified by its name and start date (events have no code, and the same 招聘会 is
held every spring)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.core import audit
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.models import model_snapshot
from xiaodi.core.settings import local_today
from xiaodi.events.models import Event, EventKind, EventOutcome, EventState, OutcomeMetric
from xiaodi.events.service import check_dates
from xiaodi.tables.context import ImportContext
from xiaodi.tables.spec import ColType, ColumnSpec, TableSpec, choices_from_labels

# The outcome columns: metric → (column key, header). Blank cells leave an outcome as it is.
OUTCOME_COLUMNS: tuple[tuple[OutcomeMetric, str, str], ...] = (
    (OutcomeMetric.POSITIONS, "positions", "提供岗位（个）"),
    (OutcomeMetric.INTENT_PEOPLE, "intent_people", "达成意向（人）"),
    (OutcomeMetric.INTENTS, "intents", "合作意向（项）"),
)


def load_outcomes(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    keys = {m.value: key for m, key, _ in OUTCOME_COLUMNS}
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 1000):
        rows = session.execute(select(EventOutcome.event_id, EventOutcome.metric, EventOutcome.value).where(
            EventOutcome.event_id.in_(ids[i:i + 1000]), EventOutcome.metric.in_(list(keys))))
        for event_id, metric, value in rows:
            out.setdefault(event_id, {})[keys[metric]] = int(value) if value == int(value) else value
    return out


def store_outcomes(ctx: ImportContext, record_id: int, new: dict[str, Any], old: dict[str, Any] | None) -> None:
    """Write each outcome the row states (audited); an outcome the row leaves blank is kept."""
    actor = ctx.actor
    for metric, key, header in OUTCOME_COLUMNS:
        value = new.get(key)
        if value is None or (old is not None and old.get(key) == value):
            continue
        amount = Decimal(value)
        row = ctx.session.scalar(select(EventOutcome).where(EventOutcome.event_id == record_id,
                                                            EventOutcome.metric == metric.value))
        if row is None:
            row = EventOutcome(event_id=record_id, metric=metric.value, value=amount,
                               unit=header.rsplit("（", 1)[-1].rstrip("）"))
            ctx.session.add(row)
            ctx.session.flush()
            audit.record(ctx.session, actor=actor, action="create", obj=row, reason="导入活动清单")
        elif row.value != amount:
            before = model_snapshot(row)
            row.value = amount
            ctx.session.flush()
            audit.record(ctx.session, actor=actor, action="update", obj=row, before=before, reason="导入活动清单")


def check_event(ctx: ImportContext, number: int, values: dict[str, Any],
                existing_id: int | None) -> list[tuple[str, str, str | None]]:
    """The events service's rules for a row: its dates (``events.service.check_dates``: an end not before the
    start — an import wrote a fair that ended before it began), an event after today has not been held, and only a
    held event has outcomes (an import wrote a future 已举办 fair with its 提供岗位)."""
    problems = _date_problems(values.get("starts_on"), values.get("ends_on"))
    state = values.get("state")
    if state is None and existing_id is not None:
        state = ctx.session.scalar(select(Event.state).where(Event.id == existing_id))
    held = str(state or EventState.HELD.value) == EventState.HELD.value
    starts = values.get("starts_on")
    if held and starts is not None and starts > local_today():
        problems.append(("state", f"活动开始日期 {starts:%Y-%m-%d} 在今天之后，尚未举办，状态不能为已举办",
                         "请填写“筹备中”，举办后再改为已举办"))
    elif not held:
        for _m, key, header in OUTCOME_COLUMNS:
            if values.get(key) is not None:
                what = header.split("（")[0]  # 提供岗位（个） → 提供岗位
                problems.append((key, f"活动尚未举办（{EventState(str(state)).label}），不能填写{what}",
                                 "举办后再填写活动成效"))
    return problems


def _date_problems(starts: dt.date | None, ends: dt.date | None) -> list[tuple[str, str, str | None]]:
    """``check_dates`` of the service, each problem on its column: the start alone, then the end against it."""
    if starts is None:
        return []  # 开始日期 is required: the empty cell is reported already
    try:
        check_dates(starts, None, "活动")
    except ValidationFailed as exc:
        return [("starts_on", exc.message, None)]
    try:
        check_dates(starts, ends, "活动")
    except ValidationFailed as exc:
        return [("ends_on", exc.message,
                 f"结束 {ends:%Y-%m-%d}，开始 {starts:%Y-%m-%d}；一天的活动，两者相同或结束日期留空")]
    return []


EVENTS = TableSpec(
    name="events",
    title="活动清单",
    model=Event,
    description="对接会、招聘会、考察回访、研修班、推介会、挂职/科技博士服务团等活动及其主要成效；活动名称与开始日期识别一场活动。",
    columns=[
        ColumnSpec("name", "活动名称", required=True, natural_key=True, example="河津市春季校地人才招聘会", width=36),
        ColumnSpec("starts_on", "开始日期", ColType.DATE, required=True, natural_key=True, example="2025-03-15",
                   aliases=("举办日期", "日期")),
        ColumnSpec("kind", "活动类别", ColType.ENUM, required=True, example="招聘会", aliases=("类别", "类型"),
                   choices=choices_from_labels(EventKind.labels())),
        ColumnSpec("state", "状态", ColType.ENUM, example="已举办", default=EventState.HELD.value,
                   choices=choices_from_labels(EventState.labels())),
        ColumnSpec("ends_on", "结束日期", ColType.DATE, example="2025-03-15"),
        ColumnSpec("region_id", "所在地区", ColType.REGION_REF, example="山西省运城市河津市", aliases=("地区",)),
        ColumnSpec("organiser_id", "主办单位", ColType.ORG_REF, example="河津市人民政府"),
        ColumnSpec("venue", "地点", example="河津市人才市场"),
        ColumnSpec("description", "活动内容", example="企业现场招聘、高校毕业生双选", max_length=20_000, width=40),
        *[ColumnSpec(key, header, ColType.COUNT, virtual=True, example=example)
          for (_m, key, header), example in zip(OUTCOME_COLUMNS, (2135, 148, 5), strict=True)],
    ],
    load_virtual=load_outcomes,
    store_virtual=store_outcomes,
    check_row=check_event,
)
