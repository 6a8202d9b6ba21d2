"""Access helpers (数据权限): the getter that answers 404 outside a viewer's sight, and the generic role checks.

Every list page, detail page, export and API route asks ``scope_of`` / ``get_visible``; the rule of each record
type is its area's (``<area>/access.py`` registers it with ``accounts.scope.register_readable``: demands, claims,
orders, projects, agreements, bases, pairings, duties, events, 挂职, contacts, talents and their services,
intents, budget lines, organisations, experts, achievements, platforms, reports). This module only asks: it
imports no area.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer, readable
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.core.models import Base

M = TypeVar("M", bound=Base)


def scope_of(model: type[Any], viewer: Viewer) -> ColumnElement[bool]:
    """The readable-records condition of ``model`` — the rule its area registered (``<area>/access.py``)."""
    return readable(model, viewer)


def get_visible(session: Session, model: type[M], record_id: int, viewer: Viewer, label: str) -> M:
    """The record when ``viewer`` may see it; otherwise 404 — never 403, so that existence does not leak."""
    pk = model.id  # type: ignore[attr-defined]
    found = session.scalar(select(model).where(pk == record_id, scope_of(model, viewer)))
    if found is None or getattr(found, "retired_at", None) is not None:
        raise NotFound(f"{label}（编号 {record_id}）不存在或您无权查看")
    return found


def may_write_for(viewer: Viewer, organisation_id: int | None, region_id: int | None) -> bool:
    """Whether ``viewer`` may write in the name of (or about) an organisation: its own, or — for an office — one of
    its region (办公室代填). Demand drafting and imports ask this; ``region_id`` is the organisation's region."""
    return viewer.acts_for(organisation_id) or viewer.manages_region(region_id)


def require_role(viewer: Viewer, *roles: Role, doing: str) -> None:
    """Refuse an action the user's role does not allow (403)."""
    if not viewer.has_role(*roles):
        raise Forbidden(f"您的角色无权{doing}")


def require_member(viewer: Viewer) -> None:
    if not viewer.has_access:
        raise Forbidden("您的账号尚未分配角色，请联系管理员")
