"""Helpers every area's service uses to write records: audited create/update/retire and optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import Column, Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Conflict, NotFound, ValidationFailed
from xiaodi.core.models import Base, model_snapshot, utcnow

M = TypeVar("M", bound=Base)


def get_live(session: Session, model: type[M], record_id: int, label: str) -> M:
    """The record, unless it does not exist or was retired (退役记录不可再改)."""
    obj = session.get(model, record_id)
    if obj is None or getattr(obj, "retired_at", None) is not None:
        raise NotFound(f"{label}（编号 {record_id}）不存在或已注销")
    return obj


def check_version(obj: Any, expected_version: int | None, label: str) -> None:
    """Refuse a write made from a stale page: someone else saved the record in between."""
    if expected_version is not None and getattr(obj, "version", None) != expected_version:
        raise Conflict(
            f"{label}已被他人修改（当前版本 {obj.version}，您提交的是版本 {expected_version}），请刷新后重试"
        )


RECORD = "该记录"  # what a conflict message calls a record when the caller names none (never its table)


def create(session: Session, obj: M, *, actor: Actor, reason: str | None = None, label: str = RECORD) -> M:
    session.add(obj)
    flush_or_conflict(session, label)
    audit.record(session, actor=actor, action="create", obj=obj, reason=reason)
    return obj


def update_fields(
    session: Session,
    obj: M,
    changes: Mapping[str, Any],
    *,
    actor: Actor,
    allowed: Iterable[str],
    label: str,
    expected_version: int | None = None,
    reason: str | None = None,
) -> bool:
    """Apply ``changes`` to ``obj`` and audit before → after. Returns False when nothing changed."""
    check_version(obj, expected_version, label)
    allowed = set(allowed)
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(f"{label}没有可修改的字段：{'、'.join(unknown)}")
    before = model_snapshot(obj)
    changed = False
    for key, value in changes.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if not changed:
        return False
    flush_or_conflict(session, label)
    audit.record(session, actor=actor, action="update", obj=obj, before=before, reason=reason)
    return True


def retire(session: Session, obj: Any, *, actor: Actor, reason: str, action: str = "retire",
           label: str = RECORD) -> None:
    """Mark a record as retired (注销). Nothing is ever hard deleted."""
    if not reason:
        raise ValidationFailed("注销记录必须说明原因")
    before = model_snapshot(obj)
    obj.retired_at = utcnow()
    flush_or_conflict(session, label)
    audit.record(session, actor=actor, action=action, obj=obj, before=before, after=model_snapshot(obj),
                 reason=reason)


def flush_or_conflict(session: Session, label: str) -> None:
    """Flush, turning a concurrent write into a clear Chinese conflict instead of a traceback. ``label`` is how a
    person calls the record (需求“…”); a table's name is the schema's business, never the user's."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(f"{label}已被他人修改，请刷新后重试") from exc
    except IntegrityError as exc:
        # Two people creating at once can draw the same number (编号) or key; the second is told, not crashed.
        if is_unique_violation(exc):
            raise Conflict(f"{label}与已有记录重复（可能有人同时提交），请刷新后重试") from exc
        raise


def is_unique_violation(exc: IntegrityError) -> bool:
    """SQLite says "UNIQUE constraint failed"; PostgreSQL's SQLSTATE 23505 is unique_violation."""
    return getattr(exc.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def repoint_references(session: Session, table: Table, old_id: int, new_id: int) -> dict[str, int]:
    """Move every foreign key that points at ``table.id == old_id`` to ``new_id`` (used when merging).

    Walks the metadata rather than a hand-written list so that a new area's references are never forgotten.
    A link row that would duplicate one the survivor already has (a unique constraint) stays where it is,
    attached to the retired duplicate, so nothing is lost.
    """
    moved: dict[str, int] = {}
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table or fk.parent.name == "merged_into_id":
                continue
            count = _repoint_column(session, other, fk.parent, old_id, new_id)
            if count:
                moved[f"{other.name}.{fk.parent.name}"] = count
    session.expire_all()  # the UPDATEs bypassed the identity map; reload what the session holds
    return moved


def _repoint_column(session: Session, table: Table, column: Column[Any], old_id: int, new_id: int) -> int:
    try:
        with session.begin_nested():
            result = session.execute(update(table).where(column == old_id).values({column.name: new_id}))
            return int(result.rowcount)  # type: ignore[attr-defined]
    except IntegrityError:
        pass
    count = 0
    pk = next(iter(table.primary_key.columns))
    for (row_id,) in session.execute(select(pk).where(column == old_id)).all():
        try:
            with session.begin_nested():
                session.execute(update(table).where(pk == row_id).values({column.name: new_id}))
                count += 1
        except IntegrityError:
            continue
    return count


def check_fields(fields: Mapping[str, Any], allowed: frozenset[str], label: str) -> None:
    """Refuse unknown field names early, with the record kind in the message."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationFailed(f"{label}没有这些字段：{'、'.join(unknown)}")


# The one code scheme of the ledger's numbered records (编号), new and demo alike: 类别-年份-六位序号, as
# XQ-2025-000001 (需求), XY (协议), XM (项目), DD (点单), YX (合作意向).
CODE_DIGITS = 6


def next_code(session: Session, column: Any, prefix: str, year: int) -> str:
    """The next free code ``PREFIX-YEAR-NNNNNN`` of ``column`` (a model's ``code``); two records numbered at the
    same moment may collide, and the second gets a conflict from the unique key."""
    head = f"{prefix}-{year}-"
    last = session.scalar(select(func.max(column)).where(column.like(f"{head}%")))
    tail = last.rsplit("-", 1)[1] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{head}{seq:0{CODE_DIGITS}d}"
