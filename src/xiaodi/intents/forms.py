"""What people type into an intent or budget form — names of organisations and places, dates, amounts such as
"120万元" — turned into ids and values, with the projects area's resolvers (one way of reading names everywhere)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import ValidationFailed
from xiaodi.web.params import plain_int


def record_id(text: str | None, label: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    number = plain_int(text, low=1, high=2_147_483_647)
    if number is None:
        raise ValidationFailed(f"{label}编号无效：{text[:20]}")
    return number


def organisation(session: Session, viewer: Viewer, name: str | None, label: str) -> int:
    """An organisation of the directory by its name (or alias); a Chinese error with suggestions otherwise."""
    from xiaodi.projects.actions import organisation_id

    found = organisation_id(session, viewer, org_id=None, name=name, label=label)
    if found is None:
        raise ValidationFailed(f"请填写{label}")
    return found


def region(session: Session, viewer: Viewer, name: str | None) -> int | None:
    from xiaodi.projects.actions import region_id_of

    return region_id_of(session, viewer, region_id=None, name=name, default=None)
