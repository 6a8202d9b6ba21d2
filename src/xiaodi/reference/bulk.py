"""Set-based upserts for reference data: one SELECT, one executemany INSERT, one executemany UPDATE per table.

Loading ~12,000 reference rows one ORM object at a time takes minutes; building dicts in memory and writing them
in bulk takes well under a second on SQLite. Rows are matched on natural keys, never on ids, so loading twice
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from xiaodi.core.models import Base, utcnow

Row = dict[str, Any]
Key = tuple[Any, ...]


@dataclass
class Written:
    """What an upsert did: rows inserted, rows updated, rows already as given; ``ids`` maps each input row's
    first natural key to the row id."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: dict[Key, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated

    def add(self, other: Written) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.ids.update(other.ids)


def upsert(
    session: Session,
    model: type[Base],
    rows: Sequence[Row],
    *,
    keys: Sequence[Sequence[str]],
    update_cols: Sequence[str] = (),
    merge_list_cols: Sequence[str] = (),
) -> Written:
    """Insert the ``rows`` that match no existing record, update the ones that differ.

    ``keys`` are alternative natural keys tried in order (a key whose values are all ``None`` in a row is
    skipped): e.g. first the MOE code, then (kind, name). ``update_cols`` are overwritten with the reference
    value; ``merge_list_cols`` (JSON lists such as tags) gain the missing items and keep the ones users added.
    Any other column in a row is written on insert only (e.g. a ``note`` saying where the record came from).
    """
    table = cast(Table, model.__table__)
    key_cols = sorted({c for key in keys for c in key})
    read_cols = sorted({*key_cols, *update_cols, *merge_list_cols})
    has_version = "version" in table.c
    if has_version:
        read_cols.append("version")
    existing = [r._asdict() for r in session.execute(select(table.c.id, *(table.c[c] for c in read_cols)))]
    indexes = [_index(existing, key) for key in keys]

    result = Written()
    inserts: list[Row] = []
    updates: list[Row] = []
    for row in rows:
        current = _match(row, keys, indexes)
        if current is None:
            inserts.append(row)
            continue
        changes = {c: row[c] for c in update_cols if c in row and row[c] != current[c]}
        for col in merge_list_cols:
            have = list(current[col] or [])
            merged = have + [item for item in row.get(col) or [] if item not in have]
            if merged != have:
                changes[col] = merged
        if not changes:
            result.unchanged += 1
            continue
        # Keep the in-memory view current so a later row matching the same record sees this change.
        current.update(changes)
        if has_version:
            current["version"] += 1
            changes["version"] = current["version"]
        changes["id"] = current["id"]
        updates.append(changes)

    if inserts:
        session.execute(insert(model), inserts)
    _bulk_update(session, model, updates)
    result.inserted = len(inserts)
    result.updated = len(updates)

    first = list(keys[0])
    stmt = select(table.c.id, *(table.c[c] for c in first))
    result.ids = {tuple(r[1:]): r[0] for r in session.execute(stmt)}
    return result


def _index(existing: Iterable[Row], key: Sequence[str]) -> dict[Key, Row]:
    return {tuple(r[c] for c in key): r for r in existing if any(r[c] is not None for c in key)}


def _match(row: Mapping[str, Any], keys: Sequence[Sequence[str]], indexes: Sequence[dict[Key, Row]]) -> Row | None:
    for key, index in zip(keys, indexes, strict=True):
        values = tuple(row.get(c) for c in key)
        if all(v is None for v in values):
            continue
        found = index.get(values)
        if found is not None:
            return found
    return None


def _bulk_update(session: Session, model: type[Base], updates: Sequence[Row]) -> None:
    """UPDATE by primary key with executemany, one statement per set of changed columns."""
    table = cast(Table, model.__table__)
    stamp = "updated_at" in table.c
    groups: dict[tuple[str, ...], list[Row]] = {}
    for change in updates:
        cols = tuple(sorted(c for c in change if c != "id"))
        groups.setdefault(cols, []).append(change)
    now = utcnow()
    for cols, group in groups.items():
        values = {table.c[c]: bindparam(f"b_{c}", type_=table.c[c].type) for c in cols}
        if stamp:
            values[table.c.updated_at] = bindparam("b_updated_at", type_=table.c.updated_at.type)
        stmt = update(table).where(table.c.id == bindparam("b_id")).values(values)
        params = [
            {"b_id": change["id"], **{f"b_{c}": change[c] for c in cols}, **({"b_updated_at": now} if stamp else {})}
            for change in group
        ]
        session.execute(stmt, params)
