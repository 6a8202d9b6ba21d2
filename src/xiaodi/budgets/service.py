"""Money rules (经费预算与拨付): a budget line holds a region's money of one year; allocations spend it on a project,
a base or other work described in words. Spending beyond the line is refused unless an explicit reason to exceed
it (超预算说明) is given, and that reason is kept with the allocation and in the audit trail.

Every function takes the acting ``Viewer`` and asks ``budgets.access`` first. Every write is audited; nothing is
deleted (a wrong allocation is withdrawn with a reason). Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases.models import ProgrammeBase
from xiaodi.budgets import access
from xiaodi.budgets.models import Allocation, AllocationTarget, BudgetKind, BudgetLine
from xiaodi.core.errors import Conflict, NotFound, ValidationFailed
from xiaodi.core.numbers import beyond_reason, format_yuan
from xiaodi.core.records import create, get_live, next_code, retire, update_fields
from xiaodi.core.settings import not_after_today
from xiaodi.directory.models import Region
from xiaodi.intents.figures import subtree_ids
from xiaodi.projects.models import Project

EDITABLE = frozenset({"name", "kind", "amount", "source_document", "note"})


def _amount(value: Decimal | int | str | None, label: str, *, positive: bool) -> Decimal:
    if value is None or value == "":
        raise ValidationFailed(f"请填写{label}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationFailed(f"{label}超出范围")
    problem = beyond_reason(amount, money=True)
    if problem is not None:
        raise ValidationFailed(f"{label}{problem}")
    if amount < 0 or (positive and amount == 0):
        raise ValidationFailed(f"{label}须为{'正数' if positive else '非负数'}")
    return amount.quantize(Decimal("0.01"))


def _kind(value: BudgetKind | str) -> BudgetKind:
    try:
        return value if isinstance(value, BudgetKind) else BudgetKind.from_label(str(value))
    except ValueError as exc:
        raise ValidationFailed(f"经费类别{exc}") from exc


def _next_code(session: Session, year: int) -> str:
    return next_code(session, BudgetLine.code, "YS", year)


def create_line(
    session: Session,
    viewer: Viewer,
    *,
    name: str,
    kind: BudgetKind | str,
    region_id: int,
    year: int,
    amount: Decimal | int | str | None,
    source_document: str | None = None,
    note: str | None = None,
    code: str | None = None,
) -> BudgetLine:
    """列支经费: a region's budget line for a year ("人才工作经费每年列支2000万元")."""
    access.require_office(viewer, "登记经费预算")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("经费名称不能为空")
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("年度须为 2000–2100 之间的四位年份")
    if region_id is None:
        raise ValidationFailed("请填写经费所属地区")
    region = get_live(session, Region, region_id, "行政区")
    access.require_manage(viewer, region.id, "登记经费预算")
    same = session.scalar(select(BudgetLine.code).where(BudgetLine.region_id == region.id,
                                                        BudgetLine.year == int(year), BudgetLine.name == name))
    if same is not None:  # said before the unique constraint answers "可能有人同时提交"
        raise Conflict(f"{region.name}{year}年度已有经费“{name}”（{same}），请修改该预算或换一个名称")
    line = BudgetLine(code=(code or "").strip() or _next_code(session, int(year)), name=name, kind=_kind(kind),
                      region_id=region.id, year=int(year), amount=_amount(amount, "预算金额", positive=True),
                      source_document=(source_document or "").strip() or None, note=(note or "").strip() or None)
    return create(session, line, actor=viewer.actor, label=f"{region.name}{year}年度经费“{name}”")


def spent(session: Session, line_id: int) -> Decimal:
    """What the line's live allocations paid."""
    total = session.scalar(select(func.sum(Allocation.amount)).where(
        Allocation.budget_line_id == line_id, Allocation.retired_at.is_(None)))
    return Decimal(total or 0).quantize(Decimal("0.01"))


def update_line(session: Session, viewer: Viewer, line_id: int, changes: dict[str, Any], *,
                expected_version: int | None = None) -> BudgetLine:
    """修改经费预算 (name, kind, amount, document, note). The amount may not fall below what was already paid."""
    line = access.get_managed(session, viewer, line_id, "修改经费预算")
    if "kind" in changes:
        changes["kind"] = _kind(changes["kind"])
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationFailed("经费名称不能为空")
    if "amount" in changes:
        changes["amount"] = _amount(changes["amount"], "预算金额", positive=True)
        paid = spent(session, line.id)
        if changes["amount"] < paid:
            raise ValidationFailed(f"预算金额不能低于已拨付的 {format_yuan(paid)}")
    update_fields(session, line, changes, actor=viewer.actor, allowed=EDITABLE, label=f"经费“{line.name}”",
                  expected_version=expected_version)
    return line


def allocate(
    session: Session,
    viewer: Viewer,
    line_id: int,
    *,
    amount: Decimal | int | str | None,
    paid_on: dt.date | None,
    target: AllocationTarget | str,
    project_id: int | None = None,
    base_id: int | None = None,
    description: str | None = None,
    override_reason: str | None = None,
) -> Allocation:
    """拨付: money from a budget line to a project, a base, or other work (a talent subsidy, a training …).

    The line is locked while the sum is checked, so two allocations at once cannot both fit the same remainder."""
    line = access.get_managed(session, viewer, line_id, "拨付经费")
    amount = _amount(amount, "拨付金额", positive=True)
    if paid_on is None:
        raise ValidationFailed("请填写拨付日期")
    not_after_today(paid_on, "拨付日期", "尚未拨付的经费")
    if paid_on.year < line.year:
        raise ValidationFailed(f"拨付日期 {paid_on} 早于预算年度 {line.year} 年，不能从该年度的预算中拨付")
    try:
        target = AllocationTarget(target) if not isinstance(target, AllocationTarget) else target
    except ValueError:
        try:
            target = AllocationTarget.from_label(str(target))
        except ValueError as exc:
            raise ValidationFailed(f"拨付对象{exc}") from exc
    description = (description or "").strip() or None
    region_ids = set(subtree_ids(session, line.region_id))
    if target == AllocationTarget.PROJECT:
        if project_id is None or base_id is not None:
            raise ValidationFailed("拨付给项目时须选择一个项目（且只选项目）")
        project = _visible(session, viewer, Project, project_id, "项目")
        if project.region_id not in region_ids:
            raise ValidationFailed(f"项目“{project.name}”不在经费所属地区，不能由此经费拨付")
    elif target == AllocationTarget.BASE:
        if base_id is None or project_id is not None:
            raise ValidationFailed("拨付给基地时须选择一个基地（且只选基地）")
        base = _visible(session, viewer, ProgrammeBase, base_id, "基地")
        if base.region_id not in region_ids:
            raise ValidationFailed(f"基地“{base.name}”不在经费所属地区，不能由此经费拨付")
    else:
        if project_id is not None or base_id is not None:
            raise ValidationFailed("“其他”用途不关联项目或基地，请改选拨付对象")
        if not description:
            raise ValidationFailed("拨付给其他用途时须写明用途（如 人才补贴、培训）")
    # Lock the line (PostgreSQL: FOR UPDATE; SQLite writes one at a time anyway) before summing what it paid.
    session.execute(select(BudgetLine.id).where(BudgetLine.id == line.id).with_for_update())
    paid = spent(session, line.id)
    reason = (override_reason or "").strip() or None
    if paid + amount > line.amount and reason is None:
        raise ValidationFailed(
            f"超出预算：经费“{line.name}”预算 {format_yuan(line.amount)}，已拨付 {format_yuan(paid)}，"
            f"剩余 {format_yuan(max(line.amount - paid, Decimal(0)))}，本次 {format_yuan(amount)}；"
            "确需超支请填写超预算说明")
    row = Allocation(budget_line_id=line.id, amount=amount, paid_on=paid_on, target=target,
                     project_id=project_id, base_id=base_id, description=description,
                     override_reason=reason if paid + amount > line.amount else None)
    return create(session, row, actor=viewer.actor, reason=row.override_reason, label=f"经费“{line.name}”的拨付")


def withdraw_allocation(session: Session, viewer: Viewer, allocation_id: int, reason: str) -> Allocation:
    """注销一笔拨付 (entered in error): it stops counting as spent; the record and its trail stay."""
    row = session.get(Allocation, allocation_id)
    if row is None or row.retired_at is not None:
        raise NotFound(f"拨付记录（编号 {allocation_id}）不存在或已注销")
    access.get_managed(session, viewer, row.budget_line_id, "注销拨付记录")
    if not (reason or "").strip():
        raise ValidationFailed("注销拨付记录必须说明原因")
    retire(session, row, actor=viewer.actor, reason=reason.strip(), label="拨付记录")
    return row


def allocations(session: Session, line_id: int) -> list[Allocation]:
    return list(session.scalars(select(Allocation).where(Allocation.budget_line_id == line_id)
                                .order_by(Allocation.paid_on, Allocation.id)))


def _visible(session: Session, viewer: Viewer, model: Any, record_id: int, label: str) -> Any:
    from xiaodi.web.access import get_visible  # the areas' scope rules (web imports this area's access)

    return get_visible(session, model, record_id, viewer, label)
