"""The index change feed (索引变更记录): how every application host learns what changed on the others.

A transaction that creates, changes or retires a record whose matching document it touches also writes one row
per (target, record) into ``index_change`` (``matching.sync``) — in the same transaction, so the row exists
exactly when the change does. Each process remembers the last row it applied per index and, before its next query
on that index, re-reads from the ledger the records of the rows after it (``MatchService.follow``). The database is
the one source of truth; an index on a host's disk is a cache that carries the feed position it includes.

Rows older than ``RETENTION_DAYS`` are pruned (``xiaodi index prune``, and at each rebuild). A process whose
index has not followed the feed for that long, or loads a snapshot that old, rebuilds from the ledger instead of
replaying — the rows it would need may be gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.orm import Session

from xiaodi.core.models import utcnow
from xiaodi.matching.models import IndexChange

RETENTION_DAYS = 30
# More rows than this behind: rebuild from the ledger rather than re-read the records one slice at a time.
REPLAY_MAX = 20_000


def record(connection: Connection, touched: Iterable[tuple[str, int]]) -> None:
    """Write the feed rows of a transaction's touched records (on the transaction's own connection)."""
    now = utcnow()
    rows = [{"target": target, "record_id": int(record_id), "changed_at": now}
            for target, record_id in sorted(set(touched))]
    if rows:
        connection.execute(insert(IndexChange), rows)


def head(session: Session) -> int:
    """The newest row's id (0 for an empty feed): an index built after reading this includes every row up to it."""
    return int(session.scalar(select(func.max(IndexChange.id))) or 0)


def since(session: Session, target: str, after: int, limit: int = REPLAY_MAX + 1) -> list[tuple[int, int]]:
    """(row id, record id) of the target's rows after ``after``, oldest first, at most ``limit``."""
    stmt = (select(IndexChange.id, IndexChange.record_id)
            .where(IndexChange.target == target, IndexChange.id > after)
            .order_by(IndexChange.id).limit(limit))
    return [(int(i), int(r)) for i, r in session.execute(stmt)]


def prune(session: Session, days: int = RETENTION_DAYS) -> int:
    """Delete rows older than ``days`` (every index that needed them has rebuilt by then); the count deleted."""
    cutoff = utcnow() - dt.timedelta(days=days)
    result = session.execute(delete(IndexChange).where(IndexChange.changed_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def stale(followed_at: dt.datetime, days: int = RETENTION_DAYS) -> bool:
    """Whether an index last brought up to date at ``followed_at`` may have missed pruned rows."""
    return utcnow() - followed_at > dt.timedelta(days=days - 1)  # a day's margin for clocks that differ
