"""基地活动信息表 (base activities): what happened at a base — internship and training batches with their
participants (人次) and days, services given, events held — as the offices and the bases' own units report them.

A row is keyed by the base (its name in the 基地清单), the day and the kind: one batch of one kind a day at a base.
The rules of ``bases.service.record_activity`` hold for a row too: activities only at a plaqued (已挂牌) or
operating base and not after today, a batch of 实习实训 or 培训 states its 人次, days 1–366. Who may enter a row on
the web is the pages' rule (``bases.access.can_record_activity``, through ``web.import_rules``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from xiaodi.bases.models import ActivityKind, BaseActivity, BaseState, ProgrammeBase
from xiaodi.bases.service import MAX_DAYS, MAX_PEOPLE
from xiaodi.core.settings import after_today
from xiaodi.tables.context import ImportContext
from xiaodi.tables.spec import CodeRef, ColType, ColumnSpec, TableSpec, choices_from_labels

_OPEN = (BaseState.PLAQUED.value, BaseState.OPERATING.value)
_BATCHES = (ActivityKind.INTERNSHIP.value, ActivityKind.TRAINING.value)


_NOT_YET_PLAQUED = (BaseState.PROPOSED.value, BaseState.REVIEWED.value, BaseState.RECOGNISED.value)


def check_base(ctx: ImportContext, number: int, values: dict[str, Any],
               existing_id: int | None) -> list[tuple[str, str, str | None]]:
    """A 挂牌日期 belongs to a base that has been plaqued: a new row imported as 已申报 kept its date, and the
    figures counted it as a base built (共建基地) though nobody had plaqued it."""
    if values.get("plaque_on") is None:
        return []
    state = values.get("state")
    if state is None and existing_id is not None:
        state = str(ctx.session.scalar(select(ProgrammeBase.state).where(ProgrammeBase.id == existing_id)))
    state = str(state or BaseState.PROPOSED.value)
    if state not in _NOT_YET_PLAQUED:
        return []
    return [("plaque_on", f"基地尚未挂牌（{BaseState(state).label}），不能填写挂牌日期",
             "挂牌请在基地页面办理，挂牌日期随之记录；或清空此格")]


def check_activity(ctx: ImportContext, number: int, values: dict[str, Any],
                   existing_id: int | None) -> list[tuple[str, str, str | None]]:
    """A row's rules that no single cell states (as ``record_activity`` checks them on the pages)."""
    problems: list[tuple[str, str, str | None]] = []
    base_id = values.get("base_id")
    if isinstance(base_id, int):
        states: dict[int, tuple[str, str]] = ctx.cache.setdefault("base_states", {})
        if base_id not in states:
            row = ctx.session.execute(select(ProgrammeBase.name, ProgrammeBase.state)
                                      .where(ProgrammeBase.id == base_id)).one()
            states[base_id] = (row[0], str(row[1]))
        name, state = states[base_id]
        if state not in _OPEN:
            problems.append(("base_id", f"基地“{name}”目前{BaseState(state).label}，挂牌后才能记录活动",
                             "请先在基地页面办理审核、认定、挂牌"))
    late = after_today(values.get("held_on"), "活动日期", "尚未举行的活动")
    if late is not None:
        problems.append(("held_on", late, "活动举行后再导入"))
    kind, people, days = values.get("kind"), values.get("participants"), values.get("days")
    if kind in _BATCHES and "participants" in values and not people:
        problems.append(("participants", f"{ActivityKind(kind).label}须填写参加人次", None))
    if isinstance(people, int) and not 0 <= people <= MAX_PEOPLE:
        problems.append(("participants", f"参加人次应在 0 到 {MAX_PEOPLE} 之间", None))
    if isinstance(days, int) and not 1 <= days <= MAX_DAYS:
        problems.append(("days", f"天数应在 1 到 {MAX_DAYS} 之间", None))
    return problems


BASE_ACTIVITIES = TableSpec(
    name="base_activities",
    title="基地活动信息表",
    model=BaseActivity,
    description="基地的实习实训、培训批次（人次、天数）、服务和活动；基地名称、活动日期和活动类别识别一条活动。",
    columns=[
        ColumnSpec("base_id", "基地名称", ColType.CODE_REF, required=True, natural_key=True,
                   example="山西大学河津大学生实习实训基地", help="基地清单中已挂牌的基地",
                   ref=CodeRef("programme_base", ("name",), "name", "基地"), aliases=("基地",), width=32),
        ColumnSpec("held_on", "活动日期", ColType.DATE, required=True, natural_key=True, example="2025-07-01",
                   aliases=("日期", "开始日期")),
        ColumnSpec("kind", "活动类别", ColType.ENUM, required=True, natural_key=True, example="实习实训",
                   aliases=("类别", "活动类型"),
                   choices=choices_from_labels(ActivityKind.labels(), {
                       ActivityKind.INTERNSHIP: ("实习", "实训"), ActivityKind.TRAINING: ("技能培训",),
                       ActivityKind.SERVICE: ("技术服务",), ActivityKind.EVENT: ("会议", "活动举办")})),
        ColumnSpec("participants", "参加人次", ColType.COUNT, example=30, aliases=("人次", "实习人次", "参加人数")),
        ColumnSpec("days", "天数", ColType.INT, example=20, aliases=("活动天数", "实训天数")),
        ColumnSpec("summary", "活动内容", example="暑期大学生实习实训", aliases=("内容", "说明"), max_length=2000,
                   width=40),
    ],
    check_row=check_activity,
)
