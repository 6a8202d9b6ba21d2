"""Whose dispatch list a person sees (调度清单的数据权限): the figures' rule of whose work is whose
(``figures.access.resolve_scope``), asked by the page, its workbook and its API alike.

An office sees its region's list, sub-regions included, and may choose one of those regions (404 outside); an
administrator the whole ledger or any region; an enterprise, university or lead unit the milestones and duties
its own unit answers for (本单位; no region to choose, 403); an expert or a talent has no list (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import Forbidden
from xiaodi.figures.access import resolve_scope


@dataclass(frozen=True)
class DispatchScope:
    """Whose list: a region (with its sub-regions), one unit, or the whole ledger (全部, an administrator)."""

    region_id: int | None = None
    unit_id: int | None = None

    @property
    def whole_ledger(self) -> bool:
        return self.region_id is None and self.unit_id is None


def dispatch_scope(session: Session, viewer: Viewer, region: str | None = None) -> DispatchScope:
    """The viewer's list, narrowed to ``region`` (a code or a full name) inside an office's own."""
    scope = resolve_scope(session, viewer, region)
    if not scope.counts:
        raise Forbidden("调度清单只对各级合作办、牵头单位和承担项目节点的单位开放")
    if scope.unit_id is not None:
        return DispatchScope(unit_id=scope.unit_id)
    return DispatchScope(region_id=scope.region.id if scope.region else None)
