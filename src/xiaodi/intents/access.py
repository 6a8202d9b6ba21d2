"""Who sees and does what with cooperation intents (合作意向的数据权限) — the one place that decides it.

* See: administrators; the offices of the intent's region (and of the regions above it); the enterprise or unit
  and the university or institute the intent names (its two parties).
* Record, edit, convert to an agreement, close: the office of the intent's region or above, or an administrator.
  A party sees its intent but does not write the office's ledger. Another role is refused (403) before any
  lookup; an intent outside the viewer's sight answers 404, so its existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer, in_office_regions, of_own_organisations, register_readable
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.intents.models import Intent


def readable(viewer: Viewer) -> ColumnElement[bool]:
    """The intents ``viewer`` may see, as an SQL condition on ``Intent``."""
    if viewer.is_admin:
        return true()
    return or_(in_office_regions(Intent.region_id, viewer),
               of_own_organisations(Intent.enterprise_id, Intent.university_id, viewer=viewer))


def can_manage(viewer: Viewer, region_id: int | None) -> bool:
    """Record or change an intent of ``region_id``: its office (or one above it), or an administrator."""
    return viewer.manages_region(region_id)


def can_record(viewer: Viewer) -> bool:
    """Whether the viewer's role records intents at all (the 登记意向 button)."""
    return viewer.is_admin or viewer.is_office


def require_office(viewer: Viewer, doing: str) -> None:
    if not can_record(viewer):
        raise Forbidden(f"只有校地合作办公室或管理员可以{doing}")


def figures_region(viewer: Viewer, region_id: int | None) -> int | None:
    """The region whose intent figures (合作意向统计) an office reads: the one asked for, or its own; 403 for a role
    that records no intents, 404 for a region outside the office's (so that scope does not leak)."""
    require_office(viewer, "查看合作意向统计")
    if region_id is None and not viewer.is_admin:
        region_id = min(viewer.office_region_ids) if viewer.office_region_ids else None
    if not viewer.is_admin and not viewer.in_region(region_id):
        raise NotFound("地区不存在或不在您的辖区内")
    return region_id


def require_manage(viewer: Viewer, region_id: int | None, doing: str) -> None:
    """403 unless ``viewer`` may write intents of ``region_id``."""
    require_office(viewer, doing)
    if not can_manage(viewer, region_id):
        if region_id is None:
            raise Forbidden(f"未注明地区的合作意向只有管理员可以{doing}")
        raise Forbidden(f"只有所在地（或上级）的校地合作办公室可以{doing}")


def get_readable(session: Session, viewer: Viewer, intent_id: int) -> Intent:
    """The intent when ``viewer`` may see it; 404 otherwise (never 403: existence does not leak)."""
    found = session.scalar(select(Intent).where(Intent.id == intent_id, readable(viewer)))
    if found is None or found.retired_at is not None:
        raise NotFound(f"合作意向（编号 {intent_id}）不存在或您无权查看")
    return found


def get_managed(session: Session, viewer: Viewer, intent_id: int, doing: str) -> Intent:
    """The intent when ``viewer`` may change it: 403 wrong role, 404 out of sight, 403 another region."""
    require_office(viewer, doing)
    intent = get_readable(session, viewer, intent_id)
    require_manage(viewer, intent.region_id, doing)
    return intent


# The area's reading rule is THE rule every list, page, API route and export asks (accounts.scope.readable).
register_readable(Intent, readable)
