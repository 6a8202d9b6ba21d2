"""Who may import what (导入的数据权限): a row of an upload on ``/import`` may create or change only what its importer
may create or change through the pages.

The rules are the pages' own: visibility from ``web.access`` (a record the importer cannot see is refused before
anything is said about it), the organisation rule of demand drafting (``may_write_for``: an office writes for the
units of its region), the closed-loop rule (``projects.access.may_manage``), the demand state machine
(``demands.service.roles_of``, ``check_editable``, ``steps_to``) and the project stage rule
(``projects.service.check_move``). Agreements and bases have no state workflow on the pages, so an import may not
change their state. The refusal of a row outside the importer's jurisdiction reads the same whether the row names
a hidden record, a visible one or a new one, so the report reveals nothing about other regions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Table, insert, select, update
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases.models import BaseState
from xiaodi.core.errors import XiaodiError
from xiaodi.core.models import utcnow
from xiaodi.core.settings import local_today
from xiaodi.demands import service as demands
from xiaodi.demands.models import Demand, DemandAudience, DemandState, DemandTransition
from xiaodi.directory.access import organisation_scope
from xiaodi.directory.models import Organisation
from xiaodi.intents.models import IntentState
from xiaodi.projects import service as projects
from xiaodi.projects.access import may_manage, readable_agreements
from xiaodi.projects.models import AgreementState, Project, ProjectStage, ProjectStageChange
from xiaodi.tables.context import ImportContext
from xiaodi.tables.guard import GuardRow, Refusal
from xiaodi.talent import access as talent_access
from xiaodi.web.access import may_write_for, scope_of

NO_RIGHT = Refusal(
    "无权修改：只能导入或修改本辖区的记录",
    "请核对“所在地区”和单位；其他地区的记录由当地的校地合作办公室导入，未注明地区的记录由管理员导入",
)
CONSOLE = "如确需修改，请管理员在服务器控制台用 xiaodi import 导入"

Record = dict[str, Any]
# What a row's steps record once the row is written: plan(session, record id, viewer, reason)
Plan = Callable[[Session, int, Viewer, str], None]
# rule(guard, ctx, row, the record as stored (None: new), the record as the row would leave it) → refusal or None
Rule = Callable[["ImportGuard", ImportContext, GuardRow, Record | None, Record], Refusal | None]


class ImportGuard:
    """The ``RowGuard`` of a person's import (``tables.guard``), built from the logged-in user's viewer."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    def organisation_scope(self) -> ColumnElement[bool]:
        return organisation_scope(self.viewer)

    def code_scope(self, table: str) -> ColumnElement[bool] | None:
        return readable_agreements(self.viewer) if table == "agreement" else None

    def refuse(self, ctx: ImportContext, rows: list[GuardRow]) -> dict[int, Refusal]:
        rule, columns = RULES[ctx.spec.name]
        ids = [r.existing["id"] for r in rows if r.existing is not None]
        stored = self._stored(ctx, ids, columns)
        out: dict[int, Refusal] = {}
        for r in rows:
            before = stored.get(r.existing["id"]) if r.existing is not None else None
            if r.existing is not None and before is None:  # hidden: refused like a new record elsewhere
                out[r.number] = NO_RIGHT
                continue
            if before is not None and not r.changed:  # a visible record left as it is: 无变化, nothing is written
                continue
            after = {k: r.values[k] if k in r.values else _default(ctx, k, before) for k in columns}
            refusal = rule(self, ctx, r, before, after)
            if refusal is not None:
                out[r.number] = refusal
        return out

    def written(self, ctx: ImportContext, ids: dict[int, int]) -> None:
        """Record the steps the rows took, as the pages' steps do: a demand's transitions (and 发榜时间), a
        project's stage changes (and the dates of the stages it reached)."""
        plans: dict[int, Plan] = ctx.cache.get("guard_plans", {})
        reason = f"导入{ctx.spec.title}（{ctx.file}）"
        for number, rid in ids.items():
            plan = plans.get(number)
            if plan is not None:
                plan(ctx.session, rid, self.viewer, f"{reason}第 {number} 行")

    def _stored(self, ctx: ImportContext, ids: list[int], columns: tuple[str, ...]) -> dict[int, Record]:
        """The rule's columns of the named records the importer may see, as stored (one query per 1,000)."""
        model = ctx.spec.model
        table: Table = model.__table__
        out: dict[int, Record] = {}
        for i in range(0, len(ids), 1000):
            stmt = select(table.c.id, *[table.c[c] for c in columns]).where(
                table.c.id.in_(ids[i : i + 1000]), scope_of(model, self.viewer))
            for row in ctx.session.execute(stmt):
                out[int(row[0])] = dict(zip(columns, row[1:], strict=True))
        return out

    def org_region(self, ctx: ImportContext, organisation_id: int | None) -> int | None:
        if organisation_id is None:
            return None
        regions: dict[int, int | None] = ctx.cache.setdefault("guard_org_regions", {})
        if organisation_id not in regions:
            regions[organisation_id] = ctx.session.scalar(
                select(Organisation.region_id).where(Organisation.id == organisation_id))
        return regions[organisation_id]

    def writes_for(self, ctx: ImportContext, organisation_id: int | None) -> bool:
        """The organisation rule of the pages (an office writes for the units of its region; none: admin only)."""
        return may_write_for(self.viewer, organisation_id, self.org_region(ctx, organisation_id))


def _default(ctx: ImportContext, key: str, before: Record | None) -> Any:
    """A column the file does not have: kept on an existing record; on a new one, the table's default."""
    if before is not None:
        return before[key]
    try:
        return ctx.spec.column(key).default
    except KeyError:
        return None


# ── the rules, per table ────────────────────────────────────────────────────────────────────────────────────


def _organisation(
    g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record
) -> Refusal | None:
    """Universities, enterprises and government units: the record is itself an organisation, in its region before
    and after."""
    oid = r.existing["id"] if r.existing is not None else None
    places = [after["region_id"]] + ([before["region_id"]] if before is not None else [])
    if all(may_write_for(g.viewer, oid, region) for region in places):
        return None
    return NO_RIGHT


def _belongs_to(key: str) -> Rule:
    """Experts, achievements, platforms: written for the organisation they belong to, before and after."""

    def rule(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record) -> Refusal | None:
        owners = {after[key]} | ({before[key]} if before is not None else set())
        return None if all(g.writes_for(ctx, oid) for oid in owners) else NO_RIGHT

    return rule


def _demand_like(record: Record) -> Demand:
    """An unsaved demand with the record's values, for the demands service's rules (``roles_of`` …)."""
    return Demand(**{k: record[k] for k in DEMAND_COLUMNS})


def _demand(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record) -> Refusal | None:
    """Demands: drafted for a unit of the importer's region, edited before publication by its owner or office, and
    moved only by the steps of the state machine that importer may take (需求填报, 需求流转)."""
    viewer = g.viewer
    deciders = {demands.OWNER, demands.OFFICE}
    if before is None and not g.writes_for(ctx, after["owner_id"]):
        return NO_RIGHT
    if before is not None and not demands.roles_of(_demand_like(before), viewer) & deciders:
        return NO_RIGHT
    if not demands.roles_of(_demand_like(after), viewer) & deciders:
        return NO_RIGHT
    content = r.changed - {"state"}
    if "owner_id" in content:
        return Refusal("需求的发布单位不能修改", "发布单位不同的需求是另一条需求，请使用新的需求编号", "owner_id")
    try:
        if before is not None and content:
            demands.check_editable(_demand_like(before), viewer)
        start = DemandState(before["state"]) if before is not None else DemandState.DRAFT
        steps: list[demands.Step] = []
        if after["state"] != start:
            moving = _demand_like(after | {"state": start})
            audience = r.existing is not None and _has_audience(ctx, r.existing["id"])
            steps = demands.steps_to(moving, after["state"], viewer, has_audience=audience)
    except demands.DeadlinePassed as exc:  # 提交审核/发榜 with a 截止日期 already past: the date is at fault
        return Refusal(exc.message, None, "deadline")
    except XiaodiError as exc:
        return Refusal(exc.message, "已发榜的需求请在需求页面撤回或关闭", "state" if "state" in r.changed else None)
    if steps or before is None:
        _plan(ctx, r, _demand_steps(None if before is None else start, steps))
    return None


def _plan(ctx: ImportContext, r: GuardRow, plan: Plan) -> None:
    ctx.cache.setdefault("guard_plans", {})[r.number] = plan


def _demand_steps(start: DemandState | None, steps: list[demands.Step]) -> Plan:
    """A new demand's creation (→ 草稿) and each step taken, as ``create_demand`` and ``transition`` record them."""

    def record(session: Session, demand_id: int, viewer: Viewer, reason: str) -> None:
        moves: list[tuple[DemandState | None, DemandState]] = [(None, DemandState.DRAFT)] if start is None else []
        here = start or DemandState.DRAFT
        for step in steps:
            moves.append((here, step.target))
            here = step.target
        session.execute(insert(DemandTransition), [
            {"demand_id": demand_id, "from_state": a, "to_state": b, "at": utcnow(), "actor": viewer.actor.name,
             "actor_user_id": viewer.user_id, "reason": reason} for a, b in moves])
        if any(step.target == DemandState.PUBLISHED for step in steps):
            session.execute(update(Demand).where(Demand.id == demand_id, Demand.published_at.is_(None))
                            .values(published_at=utcnow()))

    return record


def _has_audience(ctx: ImportContext, demand_id: int) -> bool:
    return ctx.session.scalar(select(DemandAudience.id).where(DemandAudience.demand_id == demand_id).limit(1)) \
        is not None


def _managed(before: Record | None, after: Record, g: ImportGuard) -> bool:
    """The closed-loop rule (签约, 立项, 基地): the office of the record's region, before and after the row."""
    places = [after["region_id"]] + ([before["region_id"]] if before is not None else [])
    return all(may_manage(g.viewer, region) for region in places)


def _no_state_workflow(initial: str, label: str, why: str = "") -> Rule:
    """Agreements and bases: an import may not set their state (agreements have no workflow on the pages; a base's
    life is taken step by step on its page, by the office, with reasons)."""

    def rule(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record) -> Refusal | None:
        if not _managed(before, after, g):
            return NO_RIGHT
        start = before["state"] if before is not None else initial
        if after["state"] != start:
            return Refusal(f"{label}不能通过导入修改（{why or f'网页上没有{label}的办理流程'}）", CONSOLE, "state")
        return None

    return rule


def _event(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record) -> Refusal | None:
    """活动: the rule of the events area (``events.access.can_create``) for the row as stored and as imported."""
    from xiaodi.events.access import can_create

    states = [after] + ([before] if before is not None else [])
    if all(can_create(g.viewer, region_id=s["region_id"], organiser_id=s["organiser_id"]) for s in states):
        return None
    return NO_RIGHT


def _managed_only(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None,
                  after: Record) -> Refusal | None:
    """Budget lines: the office of the line's region, before and after the row; nothing else to check."""
    return None if _managed(before, after, g) else NO_RIGHT


def _project(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record) -> Refusal | None:
    """Projects: the office of the region, and stages only along the closed loop (节点推进)."""
    if not _managed(before, after, g):
        return NO_RIGHT
    here = ProjectStage(before["stage"]) if before is not None else ProjectStage.SIGNED
    to = ProjectStage(after["stage"])
    if to == here:
        if before is None:
            _plan(ctx, r, _stage_change(True, here, here, to))
        return None
    base = here
    if here == ProjectStage.STALLED and r.existing is not None:
        base = projects.stage_before_stall(ctx.session, r.existing["id"])
    try:
        projects.check_move(str(after["name"]), here, to, base=base, reason=None)
    except XiaodiError as exc:
        return Refusal(exc.message, "停滞、终止须说明原因，请在项目页面办理", "stage")
    _plan(ctx, r, _stage_change(before is None, here, base, to))
    return None


def _stage_change(created: bool, here: ProjectStage, base: ProjectStage, to: ProjectStage) -> Plan:
    """A new project's start (→ 已签约) and a forward move, as ``create_project`` and ``move_project`` record them:
    the changes, and today as the date of each stage reached whose date the ledger does not have yet."""

    def record(session: Session, project_id: int, viewer: Viewer, reason: str) -> None:
        today = local_today()
        moves: list[tuple[ProjectStage | None, ProjectStage]] = [(None, ProjectStage.SIGNED)] if created else []
        if to != here:
            moves.append((here, to))
        session.execute(insert(ProjectStageChange), [
            {"project_id": project_id, "from_stage": a, "to_stage": b, "reached_on": today if a else None,
             "at": utcnow(), "actor": viewer.actor.name, "actor_user_id": viewer.user_id, "reason": reason}
            for a, b in moves])
        if to == here:
            return
        path = projects.PATH
        for stage in path[path.index(base) + 1 : path.index(to) + 1]:
            column = getattr(Project, projects.STAGE_DATE[stage])
            session.execute(update(Project).where(Project.id == project_id, column.is_(None)).values({column: today}))

    return record


def _talent(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record
            ) -> Refusal | None:
    """Talents: registered by the offices of their region, before and after (talent.access.can_register)."""
    places = [after["region_id"]] + ([before["region_id"]] if before is not None else [])
    return None if all(talent_access.can_register(g.viewer, p) for p in places) else NO_RIGHT


def _internship(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record
                ) -> Refusal | None:
    """Internships: by the host unit, the sending university or the region's office (talent.access.can_place)."""
    rows = [after] + ([before] if before is not None else [])
    ok = all(talent_access.can_place(g.viewer, x["host_org_id"], x["university_id"], x["region_id"]) for x in rows)
    return None if ok else NO_RIGHT


def _base_activity(g: ImportGuard, ctx: ImportContext, r: GuardRow, before: Record | None, after: Record
                   ) -> Refusal | None:
    """基地活动: recorded by the office of the base's region (or above) or by the base's own units, at the base the
    row names and — when it moves a row to another base — at the base it was recorded at
    (``bases.access.can_record_activity``, the rule of the base page's form)."""
    from xiaodi.bases.access import can_record_activity
    from xiaodi.bases.models import ProgrammeBase

    base_ids = {after["base_id"]} | ({before["base_id"]} if before is not None else set())
    for base_id in base_ids:
        base = ctx.session.get(ProgrammeBase, base_id)
        if base is None or not can_record_activity(g.viewer, base):
            return NO_RIGHT
    return None


DEMAND_COLUMNS = ("title", "owner_id", "region_id", "lead_unit_id", "state", "visibility", "deadline")
RULES: dict[str, tuple[Rule, tuple[str, ...]]] = {
    "universities": (_organisation, ("region_id",)),
    "enterprises": (_organisation, ("region_id",)),
    "departments": (_organisation, ("region_id",)),
    "experts": (_belongs_to("organisation_id"), ("organisation_id",)),
    "achievements": (_belongs_to("owner_id"), ("owner_id",)),
    "platforms": (_belongs_to("host_id"), ("host_id",)),
    "demands": (_demand, DEMAND_COLUMNS),
    "agreements": (_no_state_workflow(AgreementState.SIGNED.value, "协议状态"), ("region_id", "state")),
    "projects": (_project, ("region_id", "stage", "name")),
    "bases": (_no_state_workflow(BaseState.PROPOSED.value, "基地状态", "请在基地页面逐步办理审核、认定、挂牌"),
              ("region_id", "state")),
    "events": (_event, ("region_id", "organiser_id")),
    # 签约 and 终止 of an intent are done on its page (the agreement's parties are checked there)
    "intents": (_no_state_workflow(IntentState.OPEN.value, "意向状态", "签约、终止请在意向页面办理"),
                ("region_id", "state")),
    "budget_lines": (_managed_only, ("region_id",)),  # the office of the line's region (budgets.access)
    "talents": (_talent, ("region_id",)),
    "internships": (_internship, ("region_id", "host_org_id", "university_id")),
    "base_activities": (_base_activity, ("base_id",)),
}
