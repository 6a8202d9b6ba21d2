"""What people type on the events forms and in the CLI, turned into ids and dates (shared by pages, API and CLI).

Names of places and organisations resolve through the projects area's helpers (the viewer's scope decides what a
name may resolve to); a date is YYYY-MM-DD.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import ValidationFailed
from xiaodi.projects import actions
from xiaodi.projects.access import readable_agreements as agreement_scope
from xiaodi.projects.models import Agreement


def org(session: Session, viewer: Viewer, name: str | None, label: str) -> int | None:
    return actions.organisation_id(session, viewer, org_id=None, name=(name or "")[:200], label=label)


def region(session: Session, viewer: Viewer, name: str | None) -> int | None:
    return actions.region_id_of(session, viewer, region_id=None, name=(name or "")[:60], default=None)


def agreement(session: Session, viewer: Viewer, text: str) -> int:
    """An agreement by its code (XY-2025-000001) or number, among those the viewer may see."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写协议编号")
    cond = Agreement.code == text[:40]
    if text.isascii() and text.isdigit() and len(text) < 10:
        cond = Agreement.id == int(text)
    found = session.scalar(select(Agreement.id).where(cond, Agreement.retired_at.is_(None), agreement_scope(viewer)))
    if found is None:
        raise ValidationFailed(f"未找到协议“{text[:40]}”，请核对协议编号")
    return found
