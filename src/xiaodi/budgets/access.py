"""Who sees and does what with programme money (经费的数据权限) — the one place that decides it.

Budget lines and their allocations are the offices' books: an administrator, or an office whose region (with the
regions below it) holds the line's region, sees them and may add, change and allocate. Enterprises, universities,
experts and talents never see them (403 on the list, before any lookup); a line of another region answers 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer, in_office_regions, register_readable
from xiaodi.budgets.models import BudgetLine
from xiaodi.core.errors import Forbidden, NotFound


def sees_money(viewer: Viewer) -> bool:
    """Budget lines are visible to offices (and administrators) only."""
    return viewer.is_admin or viewer.is_office


def readable(viewer: Viewer) -> ColumnElement[bool]:
    """The budget lines ``viewer`` may see, as an SQL condition on ``BudgetLine``."""
    if viewer.is_admin:
        return true()
    return in_office_regions(BudgetLine.region_id, viewer)


def can_manage(viewer: Viewer, region_id: int | None) -> bool:
    return viewer.manages_region(region_id)


def require_office(viewer: Viewer, doing: str = "查看经费") -> None:
    if not sees_money(viewer):
        raise Forbidden(f"只有校地合作办公室或管理员可以{doing}")


def require_manage(viewer: Viewer, region_id: int | None, doing: str) -> None:
    require_office(viewer, doing)
    if not can_manage(viewer, region_id):
        raise Forbidden(f"只有所在地（或上级）的校地合作办公室可以{doing}")


def get_readable(session: Session, viewer: Viewer, line_id: int) -> BudgetLine:
    require_office(viewer)
    found = session.scalar(select(BudgetLine).where(BudgetLine.id == line_id, readable(viewer)))
    if found is None or found.retired_at is not None:
        raise NotFound(f"经费预算（编号 {line_id}）不存在或您无权查看")
    return found


def get_managed(session: Session, viewer: Viewer, line_id: int, doing: str) -> BudgetLine:
    line = get_readable(session, viewer, line_id)
    require_manage(viewer, line.region_id, doing)
    return line


# The area's reading rule is THE rule every list, page, API route and export asks (accounts.scope.readable).
register_readable(BudgetLine, readable)
