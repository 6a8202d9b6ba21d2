"""Exporting an information table: stream the records in id order, name what ids point at, write rows.

References are joined in the same query (one aliased join per reference column), so an export is one
streamed query plus one query per 5,000 rows for virtual columns (aliases, parties, funds in place).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.orm import Session

from xiaodi.directory.models import Organisation, Person, Region
from xiaodi.tables.spec import ColType, ColumnSpec, TableSpec
from xiaodi.tables.values import format_cell
from xiaodi.tables.writers import open_writer

Progress = Callable[[int, int | None], None]
CHUNK_ROWS = 5_000


def _select(spec: TableSpec) -> tuple[Select[Any], list[ColumnSpec]]:
    table: Table = spec.model.__table__
    real = [c for c in spec.columns if not c.virtual]
    exprs: list[Any] = [table.c.id]
    stmt_from: Any = table
    for i, col in enumerate(real):
        if col.type in (ColType.ORG_REF, ColType.REGION_REF, ColType.PERSON_REF, ColType.CODE_REF):
            if col.type is ColType.ORG_REF:
                target, display = Organisation.__table__.alias(f"r{i}"), "name"
            elif col.type is ColType.REGION_REF:
                target, display = Region.__table__.alias(f"r{i}"), "full_name"
            elif col.type is ColType.PERSON_REF:
                target, display = Person.__table__.alias(f"r{i}"), "name"
            else:
                assert col.ref is not None
                target, display = table.metadata.tables[col.ref.table].alias(f"r{i}"), col.ref.display
            stmt_from = stmt_from.outerjoin(target, target.c.id == table.c[col.key])
            exprs.append(target.c[display])
        else:
            exprs.append(table.c[col.key])
    stmt = select(*exprs).select_from(stmt_from)
    for k, v in spec.fixed.items():
        stmt = stmt.where(table.c[k] == v)
    if "retired_at" in table.c:
        stmt = stmt.where(table.c.retired_at.is_(None))
    return stmt.order_by(table.c.id), real


def count_rows(session: Session, spec: TableSpec) -> int:
    table: Table = spec.model.__table__
    stmt = select(func.count()).select_from(table)
    for k, v in spec.fixed.items():
        stmt = stmt.where(table.c[k] == v)
    if "retired_at" in table.c:
        stmt = stmt.where(table.c.retired_at.is_(None))
    return int(session.scalar(stmt) or 0)


def iter_rows(session: Session, spec: TableSpec, chunk_rows: int = CHUNK_ROWS) -> Any:
    """The table's rows as cell values in column order, chunk by chunk (a list of rows per chunk)."""
    for part in _iter_records(session, spec, chunk_rows):
        yield [cells for _id, cells in part]


def _iter_records(
    session: Session, spec: TableSpec, chunk_rows: int, ids: list[int] | None = None
) -> Iterator[list[tuple[int, list[Any]]]]:
    """(record id, cells) chunk by chunk: every live record, or those of ``ids`` (in id order)."""
    stmt, real = _select(spec)
    if ids is None:
        parts: Iterable[Any] = session.execute(stmt.execution_options(yield_per=chunk_rows)).partitions(chunk_rows)
    else:
        table: Table = spec.model.__table__
        step = min(chunk_rows, 1000)
        ordered = sorted(set(ids))
        parts = (
            list(session.execute(stmt.where(table.c.id.in_(ordered[i : i + step]))))
            for i in range(0, len(ordered), step)
        )
    positions = {c.key: i for i, c in enumerate(spec.columns)}
    real_pos = [positions[c.key] for c in real]
    virtual = [c for c in spec.columns if c.virtual]
    for part in parts:
        extra = spec.load_virtual(session, [r[0] for r in part]) if virtual and spec.load_virtual else {}
        rows = []
        for r in part:
            cells: list[Any] = [None] * len(spec.columns)
            for col, pos, value in zip(real, real_pos, r[1:], strict=True):
                cells[pos] = format_cell(col, value)
            more = extra.get(r[0], {})
            for col in virtual:
                cells[positions[col.key]] = format_cell(col, more.get(col.key))
            rows.append((r[0], cells))
        yield rows


def export_records(
    session: Session,
    spec: TableSpec,
    ids: list[int],
    path: str | Path,
    *,
    redact: Callable[[int, list[Any]], list[Any]] | None = None,
) -> int:
    """Write the records ``ids`` of ``spec``'s table (a list page's selection, in its order) in the table's own
    columns, so that the file imports back. ``redact(id, cells)`` may hide what the reader may not see
    (personal data)."""
    found = {record_id: cells for part in _iter_records(session, spec, CHUNK_ROWS, ids) for record_id, cells in part}
    writer = open_writer(path, spec)
    try:
        for record_id in dict.fromkeys(ids):  # the list's order
            cells = found.get(record_id)
            if cells is not None:
                writer.write_row(redact(record_id, cells) if redact else cells)
    finally:
        writer.close()
    return len(found)


def export_table(
    session: Session,
    spec: TableSpec,
    path: str | Path,
    *,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Write every live record of ``spec``'s table to ``path`` (.xlsx or .csv). Returns the number of rows."""
    total = count_rows(session, spec) if progress else None
    writer = open_writer(path, spec)
    done = 0
    try:
        for rows in iter_rows(session, spec, chunk_rows):
            for cells in rows:
                writer.write_row(cells)
            done += len(rows)
            if progress:
                progress(done, total)
    finally:
        writer.close()
    if progress:
        progress(done, done)
    return done
