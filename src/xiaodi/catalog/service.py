"""Catalog rules (资源清单维护): achievements (科技成果) and platforms (科研平台) — create, update, merge, resolve.

Every write is audited (留痕); duplicates are merged, never deleted.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import Achievement, Platform
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Ambiguous, Conflict, NotFound, ValidationFailed
from xiaodi.core.records import check_fields, create, get_live, repoint_references, retire, update_fields
from xiaodi.directory.service import clean_name

ACHIEVEMENT_FIELDS = frozenset({
    "title", "owner_id", "leader_id", "team", "discipline_code", "industry_code", "field", "keywords", "summary",
    "maturity", "ip_kind", "ip_numbers", "transfer_mode", "price", "published_on", "note",
})  # fmt: skip
PLATFORM_FIELDS = frozenset({
    "name", "kind", "level", "host_id", "host_name", "discipline_code", "field", "directions", "approved_by",
    "established_year", "city", "source", "equipment", "note",
})  # fmt: skip


def create_achievement(session: Session, *, actor: Actor, title: str, owner_id: int, **fields: Any) -> Achievement:
    """Publish a technology achievement (发布科技成果) owned by a university or institute."""
    title = title.strip()
    if not title:
        raise ValidationFailed("成果名称不能为空")
    check_fields(fields, ACHIEVEMENT_FIELDS, "科技成果")
    dup = session.scalar(select(Achievement.id).where(Achievement.owner_id == owner_id, Achievement.title == title))
    if dup is not None:
        raise Conflict(f"该单位已发布同名成果“{title}”（编号 {dup}）")
    return create(session, Achievement(title=title, owner_id=owner_id, **fields), actor=actor)


def update_achievement(
    session: Session, *, actor: Actor, achievement_id: int, expected_version: int | None = None,
    reason: str | None = None, **changes: Any,
) -> Achievement:
    item = get_live(session, Achievement, achievement_id, "科技成果")
    update_fields(session, item, changes, actor=actor, allowed=ACHIEVEMENT_FIELDS, label=f"成果“{item.title}”",
                  expected_version=expected_version, reason=reason)
    return item


def create_platform(session: Session, *, actor: Actor, name: str, **fields: Any) -> Platform:
    """Register a research platform or key lab (科研平台/重点实验室)."""
    name = clean_name(name)
    if not name:
        raise ValidationFailed("平台名称不能为空")
    check_fields(fields, PLATFORM_FIELDS, "科研平台")
    if session.scalar(select(Platform.id).where(Platform.name == name)) is not None:
        raise Conflict(f"科研平台“{name}”已存在")
    return create(session, Platform(name=name, **fields), actor=actor)


def update_platform(
    session: Session, *, actor: Actor, platform_id: int, expected_version: int | None = None,
    reason: str | None = None, **changes: Any,
) -> Platform:
    item = get_live(session, Platform, platform_id, "科研平台")
    update_fields(session, item, changes, actor=actor, allowed=PLATFORM_FIELDS, label=f"平台“{item.name}”",
                  expected_version=expected_version, reason=reason)
    return item


def merge_achievements(session: Session, *, actor: Actor, keep_id: int, duplicate_id: int, reason: str) -> None:
    """Merge a duplicate achievement into the one that stays (合并重复成果)."""
    _merge(session, Achievement, "科技成果", actor=actor, keep_id=keep_id, duplicate_id=duplicate_id, reason=reason)


def merge_platforms(session: Session, *, actor: Actor, keep_id: int, duplicate_id: int, reason: str) -> None:
    """Merge a duplicate platform into the one that stays (合并重复平台)."""
    _merge(session, Platform, "科研平台", actor=actor, keep_id=keep_id, duplicate_id=duplicate_id, reason=reason)


def _merge(
    session: Session, model: type[Achievement] | type[Platform], label: str, *, actor: Actor, keep_id: int,
    duplicate_id: int, reason: str,
) -> None:
    if keep_id == duplicate_id:
        raise ValidationFailed(f"不能把{label}合并到其自身")
    keep = get_live(session, model, keep_id, label)
    dup = get_live(session, model, duplicate_id, label)
    moved = repoint_references(session, model.__table__, dup.id, keep.id)  # type: ignore[arg-type]
    retire(session, dup, actor=actor, reason=reason, action="merge")
    audit.record(session, actor=actor, action="merge", obj=keep, after={"merged_id": dup.id, "moved": moved},
                 reason=reason)


def resolve_platform(session: Session, name: str) -> Platform:
    """The platform called ``name``; close names are offered, never chosen."""
    key = clean_name(name)
    found = session.scalar(select(Platform).where(Platform.name == key, Platform.retired_at.is_(None)))
    if found is not None:
        return found
    names = list(session.scalars(select(Platform.name).where(Platform.retired_at.is_(None))))
    close = [c for c, _s, _i in process.extract(key, names, scorer=fuzz.WRatio, limit=3, score_cutoff=75)]
    if close:
        raise Ambiguous(f"未找到科研平台“{name}”，您是否要找：{'、'.join(close)}？", close)
    raise NotFound(f"未找到科研平台“{name}”")

