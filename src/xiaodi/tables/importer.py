"""Importing an information table: validate every row, collect every error, then write in bulk — or nothing.

One pass over the file in chunks of 5,000 rows keeps memory flat. Each chunk is parsed, resolved (units,
regions, people, coded records) and compared with the records of the same natural key; while no error has
been seen, its creates and updates are written at once with Core ``insert``/``update`` executemany and its
audit entries (before → after) inserted in bulk. After the first error nothing more is written but validation
goes on, so that the user gets every error at once; ``ImportFailed`` then makes the caller roll the whole
transaction back (``core.db.transaction`` does), so the database is unchanged. ``dry_run`` writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.core.models import to_jsonable, utcnow
from xiaodi.directory.models import Person, PersonKind
from xiaodi.directory.service import clean_name
from xiaodi.tables import xlsx_stream
from xiaodi.tables.context import ImportContext, NewPerson
from xiaodi.tables.guard import GuardRow, Refusal, RowGuard
from xiaodi.tables.readers import FileProblem, Limits, open_table
from xiaodi.tables.result import CellError, ImportFailed, ImportResult
from xiaodi.tables.spec import ColType, ColumnSpec, TableSpec, column_letter, header_base, header_unit, normalise_header
from xiaodi.tables.values import (
    CellProblem,
    cell_text,
    db_normaliser,
    empty_value,
    is_blank,
    make_plain_parser,
)
from xiaodi.tables.writers import EXAMPLE_MARK

Progress = Callable[[int, int | None], None]
CHUNK_ROWS = 5_000
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Mapped:
    index: int  # 0-based column in the file
    col: ColumnSpec
    unit: str | None  # money unit written in the file's header, if any

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    existing: dict[str, Any] | None = None
    blank: frozenset[str] = frozenset()  # the columns whose cell was left empty


class _State:
    def __init__(self) -> None:
        self.keys: dict[bytes, int] = {}  # digest of a natural key → first row
        self.unique: dict[str, dict[Any, int]] = {}
        self.writing = True
        self.invalid: set[int] = set()  # rows with a cell that could not be read (value ``_INVALID``)


def map_header(spec: TableSpec, cells: list[Any]) -> tuple[list[Mapped], list[str], list[str], int]:
    """Match a header row to the spec: (mapped columns, unknown headers, duplicate headers, known count)."""
    by_full: dict[str, ColumnSpec] = {}
    by_base: dict[str, ColumnSpec] = {}
    for col in spec.columns:
        for h in (col.header, *col.aliases):
            by_full.setdefault(normalise_header(h), col)
            by_base.setdefault(header_base(h), col)
    mapped: list[Mapped] = []
    unknown: list[str] = []
    dups: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells):
        if is_blank(cell):
            continue
        h = normalise_header(cell_text(cell))
        found = by_full.get(h) or by_base.get(header_base(h))
        if found is None:
            unknown.append(cell_text(cell))
            continue
        if found.key in seen:
            dups.append(cell_text(cell))
            continue
        seen.add(found.key)
        mapped.append(Mapped(i, found, header_unit(h) if found.type is ColType.MONEY else None))
    return mapped, unknown, dups, len(mapped)


def import_table(
    session: Session,
    spec: TableSpec,
    path: str | Path,
    *,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    guard: RowGuard | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import ``path`` into ``spec``'s table (导入信息表). Raises ``ImportFailed`` listing every error.

    ``guard``: the rules of the person importing (web); without one the import is the operator's trusted console.
    ``limits`` (default: from the settings) bounds the file's unpacked size, cell length and width.
    """
    p = Path(path)
    result = ImportResult(table=spec.name, title=spec.title, file=p.name, dry_run=dry_run)

    def fail(reason: str, row: int | None = None, suggestion: str | None = None) -> ImportFailed:
        reason = reason.removeprefix(f"文件 {p.name} ")  # the error names the file already
        return ImportFailed([CellError(p.name, row, None, None, reason, suggestion)], result)

    try:
        tf = open_table(p, limits)
    except FileProblem as exc:
        raise fail(exc.message) from exc
    result.reader, result.encoding = tf.reader, tf.encoding
    with tf:
        rows = _guarded(tf.rows, fail)
        header_row, mapped = _find_header(spec, rows, result, fail, tf.encoding)
        ctx = ImportContext(session, spec, actor=actor, file=p.name, dry_run=dry_run, guard=guard)
        state = _State()
        parsers = _parsers(ctx, mapped)
        chunk: list[_Row] = []
        done = 0
        for number, cells in rows:
            if all(is_blank(c) for c in cells):
                continue
            first = cells[mapped[0].index] if mapped and mapped[0].index < len(cells) else cells[0]
            if (isinstance(first, str) and first.lstrip().startswith(EXAMPLE_MARK)) or (
                isinstance(cells[0], str) and cells[0].lstrip().startswith(EXAMPLE_MARK)
            ):
                result.skipped += 1
                continue
            blank: set[str] = set()
            values = _parse_row(ctx, parsers, number, cells, result, state.invalid, blank)
            chunk.append(_Row(number, values, blank=frozenset(blank)))
            if len(chunk) >= chunk_rows:
                _process(ctx, state, mapped, chunk, result)
                done += len(chunk)
                chunk = []
                if progress:
                    progress(done, tf.total_rows and max(tf.total_rows - header_row, done))
        if chunk:
            _process(ctx, state, mapped, chunk, result)
            done += len(chunk)
        if progress:
            progress(done, done)
    if not done and not result.skipped:  # nothing to write — said in words, not as an error: an empty list's
        # export (its header alone) must import back unchanged like any other export (#18 item 1)
        result.warnings.append(f"只有表头（第 {header_row} 行），没有数据行，未导入任何记录；"
                               "如需导入，请在表头下方逐行填写数据")
    elif not done:  # the template as downloaded: its example row is skipped, as it always was, with a word
        result.warnings.append(f"只有示例行（以{EXAMPLE_MARK}开头，已跳过），没有数据行，未导入任何记录")
    result.warnings.extend(ctx.warnings)
    if result.errors:
        raise ImportFailed(result.errors, result)
    return result


def _guarded(
    rows: Iterator[tuple[int, list[Any]]], fail: Callable[..., ImportFailed]
) -> Iterator[tuple[int, list[Any]]]:
    try:
        yield from rows
    except xlsx_stream.Damaged as exc:
        raise fail(f"文件已损坏或不完整（{exc}）", suggestion="请在 Excel/WPS 中打开确认后另存为 .xlsx 再导入") from exc
    except FileProblem as exc:
        raise fail(exc.message) from exc


def _find_header(
    spec: TableSpec,
    rows: Iterator[tuple[int, list[Any]]],
    result: ImportResult,
    fail: Callable[..., ImportFailed],
    encoding: str | None,
) -> tuple[int, list[Mapped]]:
    expected = "、".join(c.header for c in spec.columns if not c.read_only)
    needed = min(2, len(spec.columns))
    first_row: int | None = None
    for number, cells in rows:
        first_row = first_row or number
        mapped, unknown, dups, known = map_header(spec, cells)
        if known >= needed:
            errors = [CellError(result.file, number, d, None, f"表头「{d}」重复出现") for d in dups]
            present = {m.col.key for m in mapped}
            missing = [c.header for c in spec.columns if c.required and c.key not in present]
            if missing:
                errors.append(
                    CellError(
                        result.file,
                        number,
                        None,
                        None,
                        f"缺少必填列：{'、'.join(missing)}",
                        f"{spec.title}的表头应为：{expected}",
                    )
                )
            if errors:
                raise ImportFailed(errors, result)
            if unknown:
                result.warnings.append(f"第 {number} 行有本表不认识的列，已忽略：{'、'.join(unknown)}")
            for m in mapped:
                if m.col.read_only:
                    result.warnings.append(f"「{m.col.header}」为只读汇总列，导入时忽略")
            return number, [m for m in mapped if not m.col.read_only]
        if number - (first_row or number) >= _HEADER_SEARCH_ROWS:
            break
    hint = f"{spec.title}的表头应为：{expected}"
    if encoding == "gb18030":
        hint += "；若文件是其他编码（如 UTF-16、Big5），请另存为“CSV UTF-8”或 .xlsx"
    if first_row is None:
        raise fail("文件中没有任何数据（连表头也没有）", None, hint)
    raise fail("未找到表头：前几行中没有本表的列名（表头错误或不是本表的文件）", first_row, hint)


def _error(
    ctx: ImportContext,
    result: ImportResult,
    row: int | None,
    m: Mapped | ColumnSpec | None,
    reason: str,
    suggestion: str | None = None,
) -> None:
    if isinstance(m, Mapped):
        err = CellError(ctx.file, row, m.col.header, m.letter, reason, suggestion)
    elif isinstance(m, ColumnSpec):
        err = CellError(ctx.file, row, m.header, None, reason, suggestion)
    else:
        err = CellError(ctx.file, row, None, None, reason, suggestion)
    result.errors.append(err)


def _parsers(ctx: ImportContext, mapped: list[Mapped]) -> list[tuple[Mapped, Callable[[Any], Any]]]:
    """One parse function per mapped column, chosen once per file rather than once per cell."""
    return [(m, _parser(ctx, m)) for m in mapped]


def _parser(ctx: ImportContext, m: Mapped) -> Callable[[Any], Any]:
    col = m.col
    if col.type is ColType.ORG_REF:
        kinds = col.org_kinds
        return lambda raw: ctx.resolve_org(raw.strip() if raw.__class__ is str else cell_text(raw), kinds)
    if col.type is ColType.REGION_REF:
        return lambda raw: ctx.resolve_region(cell_text(raw))
    if col.type is ColType.CODE_REF:
        ref = col.ref
        assert ref is not None
        return lambda raw: ctx.resolve_code(ref, cell_text(raw))
    if col.type is ColType.PERSON_REF:
        names: dict[Any, str] = {}  # the same names recur on many rows: clean each once

        def person(raw: Any) -> str:
            found = names.get(raw) if raw.__class__ is str else None
            if found is None:
                found = clean_name(cell_text(raw))  # resolved per chunk, once the org is known
                if raw.__class__ is str and len(names) < 200_000:
                    names[raw] = found
            return found

        return person
    plain = make_plain_parser(col, m.unit)
    if col.name_like:
        return lambda raw: clean_name(plain(raw))
    return plain


def _parse_row(
    ctx: ImportContext,
    parsers: list[tuple[Mapped, Callable[[Any], Any]]],
    number: int,
    cells: list[Any],
    result: ImportResult,
    invalid: set[int],
    blank: set[str],
) -> dict[str, Any]:
    """The row's values; the row number is added to ``invalid`` when a cell cannot be read, and the keys of the
    cells left empty to ``blank``."""
    values: dict[str, Any] = {}
    width = len(cells)
    for m, fn in parsers:
        col = m.col
        raw = cells[m.index] if m.index < width else None
        if raw is None or (raw.__class__ is str and not raw.strip()):
            blank.add(col.key)
            if col.required:
                _error(ctx, result, number, m, "必填项为空", col.help or None)
            values[col.key] = col.default if col.default is not None else empty_value(col)
            continue
        try:
            values[col.key] = fn(raw)
        except CellProblem as problem:
            _error(ctx, result, number, m, problem.reason, problem.suggestion)
            values[col.key] = _INVALID
            invalid.add(number)
    return values


_PLAIN = frozenset({str, int, float, bool, type(None), list, dict})


def _jsonable(value: Any) -> Any:
    """``to_jsonable`` without the call for values that are plain already (most of them)."""
    return value if value.__class__ in _PLAIN else to_jsonable(value)


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()


def _table(spec: TableSpec) -> Table:
    table: Table = spec.model.__table__
    return table


def _process(ctx: ImportContext, state: _State, mapped: list[Mapped], chunk: list[_Row], result: ImportResult) -> None:
    spec = ctx.spec
    cols = [m.col for m in mapped]
    real = [c for c in cols if not c.virtual]
    virtual = [c for c in cols if c.virtual]
    # People named in the file (负责人) are looked up by name at the row's organisation.
    person_cols = [c for c in cols if c.type is ColType.PERSON_REF]
    if person_cols:
        keys = [
            (r.values[c.key], r.values.get(c.person_org or ""))
            for r in chunk
            for c in person_cols
            if isinstance(r.values.get(c.key), str)
        ]
        ctx.preload_people((n, o if isinstance(o, int) else None) for n, o in keys)
        for r in chunk:
            for c in person_cols:
                name = r.values.get(c.key)
                if isinstance(name, str):
                    org = r.values.get(c.person_org or "")
                    r.values[c.key] = ctx.resolve_person(name, org if isinstance(org, int) else None)
    # Natural keys: each at most once in the file.
    key_cols = spec.key_columns
    valid: list[_Row] = []
    for r in chunk:
        if r.number in state.invalid:
            continue
        key = tuple(r.values.get(c.key) for c in key_cols)
        if any(k is None for k in key):
            continue
        # A 16-byte digest per key instead of the key itself keeps memory flat on large files.
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
        first = state.keys.get(digest)
        if first is not None:
            names = "+".join(c.header for c in key_cols)
            _error(
                ctx,
                result,
                r.number,
                None,
                f"与第 {first} 行重复（{names}相同）",
                "同一记录只能出现一次，请合并或删除重复行",
            )
            continue
        state.keys[digest] = r.number
        valid.append(r)
    _keep_stored_spelling(ctx, valid)
    _check_unique(ctx, state, mapped, valid, result)
    existing = _load_existing(ctx, [tuple(r.values[c.key] for c in key_cols) for r in valid], real)
    if virtual and spec.load_virtual is not None:
        loaded = spec.load_virtual(ctx.session, [e["id"] for e in existing.values()])
        for e in existing.values():
            e.update(loaded.get(e["id"], {}))
    for r in valid:
        r.existing = existing.get(tuple(r.values[c.key] for c in key_cols))
    _keep_named_people(ctx, person_cols, valid)
    creates: list[_Row] = []
    updates: list[tuple[_Row, dict[str, Any], dict[str, Any]]] = []
    compare = [(c, db_normaliser(c)) for c in real]
    diffs: list[tuple[_Row, dict[str, Any], dict[str, Any]]] = []
    problems: dict[int, list[tuple[str, str, str | None]]] = {}
    moved_back = _progress_rule(spec) if ctx.guard is None else None  # the console's; the web's is its guard
    for r in valid:
        if r.existing is not None:
            _blanks_keep_stored(r, compare, virtual)
        retired = r.existing is not None and r.existing.get("retired_at") is not None
        if spec.check_virtual is not None and virtual and not retired:  # (it also normalises the row's values)
            problems[r.number] = spec.check_virtual(ctx, r.number, r.values, r.existing["id"] if r.existing else None)
        if spec.check_row is not None and not retired:
            problems.setdefault(r.number, []).extend(
                spec.check_row(ctx, r.number, r.values, r.existing["id"] if r.existing else None))
        if moved_back is not None and r.existing is not None:
            problems.setdefault(r.number, []).extend(moved_back(r.existing, r.values))
        before, after = _diff(r, compare, virtual) if r.existing is not None else ({}, {})
        diffs.append((r, before, after))
    refused = _refused(ctx, diffs)
    for r, before, after in diffs:
        refusal = refused.get(r.number)
        if refusal is not None:  # before anything that would tell what the record is (注销, 无变化 …)
            _error(ctx, result, r.number, _mapped_for(mapped, refusal.column or ""), refusal.reason,
                   refusal.suggestion)
            continue
        if r.existing is not None and r.existing.get("retired_at") is not None:
            _error(ctx, result, r.number, None, "该记录已注销（或已合并到其他记录），不能通过导入恢复", "请联系管理员")
            continue
        for col_key, reason, hint in problems.get(r.number, []):
            _error(ctx, result, r.number, _mapped_for(mapped, col_key), reason, hint)
        if r.existing is None:
            creates.append(r)
        elif before:
            updates.append((r, before, after))
        else:
            result.unchanged += 1
    # Only person columns hold NewPerson values: look there alone, in column order as before.
    person_keys = [c.key for c in person_cols]  # mapped order, the order of each row's values
    new_people = {
        id(v): v
        for r in creates + [u[0] for u in updates]
        for k in person_keys
        if isinstance(v := r.values.get(k), NewPerson) and v.id is None
    }
    result.people_created += len(new_people)
    result.created += len(creates)
    result.updated += len(updates)
    if result.errors:
        state.writing = False
    if ctx.dry_run or not state.writing:
        for person in new_people.values():
            person.id = -1 if ctx.dry_run else None  # counted once
        return
    try:
        _write(ctx, real, virtual, list(new_people.values()), creates, updates)
    except IntegrityError:
        state.writing = False
        _error(
            ctx,
            result,
            None,
            None,
            "写入时与数据库中已有记录冲突（可能有人同时写入了相同的编号、代码或名称）",  # never the table's name
            "请检查编号、代码、名称是否与已有记录重复",
        )


RowProblems = list[tuple[str, str, str | None]]  # (column key, reason, suggestion), as ``TableSpec.check_row``


def _progress_rule(spec: TableSpec) -> Callable[[dict[str, Any], dict[str, Any]], RowProblems] | None:
    """The console does not move a record back along its progress (办理进度不回退): a row that would is most often
    an older export imported again, and it would undo 发榜 or 开工 with no trail. The pages move a record back by
    their own steps (退回修改, 撤回), each recorded. The order and labels are read once, not for every row."""
    if spec.progress is None:
        return None
    key, order = spec.progress
    rank = {v: i for i, v in enumerate(order)}
    labels = {c.value: c.label for col in spec.columns if col.key == key for c in col.choices}

    def moved_back(stored: dict[str, Any], values: dict[str, Any]) -> RowProblems:
        old, new = stored.get(key), values.get(key)
        if old is None or new is None or str(old) == str(new):
            return []
        if str(old) in rank and rank.get(str(new), len(order)) >= rank[str(old)]:
            return []
        was, now = labels.get(str(old), str(old)), labels.get(str(new), str(new))
        return [(key, f"平台中该记录已是“{was}”，导入不能改回“{now}”（文件可能是较早导出的）",
                 "请先导出最新的信息表再修改；确需退回的，请在记录页面办理")]

    return moved_back


def _blanks_keep_stored(r: _Row, compare: list[tuple[ColumnSpec, Callable[[Any], Any] | None]],
                        virtual: list[ColumnSpec]) -> None:
    """An empty cell of an existing record keeps what is stored (空白不覆盖): people fill in the columns they know —
    the contacts of two universities — and an update that cleared the rest wiped 学校标识码, 主管部门 and the
    reference data's notes. An export imports back unchanged all the same (its empty cells are empty values). A
    value is cleared on the record's page."""
    for c, norm in compare:
        if c.key in r.blank:
            stored = r.existing[c.key] if r.existing is not None else None
            r.values[c.key] = norm(stored) if norm is not None else stored
    for c in virtual:
        if c.key in r.blank and r.existing is not None:
            r.values[c.key] = r.existing.get(c.key) or empty_value(c)


def _diff(
    r: _Row, compare: list[tuple[ColumnSpec, Callable[[Any], Any] | None]], virtual: list[ColumnSpec]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the columns the row changes in its existing record."""
    assert r.existing is not None
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for c, norm in compare:
        old = r.existing[c.key]
        if norm is not None:
            old = norm(old)
        new = r.values[c.key]
        if old.__class__ is str and new.__class__ is str and old != new and old.strip() == new:
            # A cell is read without its surrounding spaces (nobody sees them in Excel); a stored value
            # with them (the MOE list's "江西省       ") is the same value and stays as stored.
            r.values[c.key] = old
            continue
        if isinstance(new, NewPerson) or old != new:
            before[c.key], after[c.key] = old, new
    for c in virtual:
        old, new = r.existing.get(c.key) or [], r.values[c.key] or []
        if (not set(new) <= set(old)) if c.add_only else (old != new):
            before[c.key], after[c.key] = old, new
    return before, after


def _refused(ctx: ImportContext, diffs: list[tuple[_Row, dict[str, Any], dict[str, Any]]]) -> dict[int, Refusal]:
    """Ask the importer's guard (a person's import) which rows it may not write; the console has none."""
    if ctx.guard is None or not diffs:
        return {}
    rows = [GuardRow(r.number, r.values, r.existing, frozenset(before)) for r, before, _after in diffs]
    return ctx.guard.refuse(ctx, rows)


# Characters ``clean_name`` removes or rewrites; a stored name with none of them is already in its clean form.
_UNCLEAN = (" ", "\u3000", "\xa0", "\t", "\n", "\r", "（", "）")


def _keep_stored_spelling(ctx: ImportContext, rows: list[_Row]) -> None:
    """Name a record by the spelling it is stored under when the file writes the same name another way.

    Names are compared as the directory compares them (``clean_name``: no spaces, half-width brackets). The
    reference lists store names as published — 中国矿业大学（北京） with full-width brackets, and the MOE list's
    “渤海船舶职业学院 ” with a trailing space — and a cell is read stripped and cleaned. Such a record is the same
    record: the row updates it and its stored spelling is kept, since rewriting a published name is not what an
    import of unchanged data may do. A record stored in the clean spelling itself is preferred when both exist.
    """
    key_cols = ctx.spec.key_columns
    if not any(c.name_like for c in key_cols) or not rows:
        return
    spellings = ctx.cache.get("stored_spellings")
    if spellings is None:
        spellings = ctx.cache["stored_spellings"] = _irregular_spellings(ctx)
    if not spellings:
        return
    for r in rows:
        stored = spellings.get(tuple(r.values.get(c.key) for c in key_cols))
        if stored is not None:
            for c, value in zip(key_cols, stored, strict=True):
                r.values[c.key] = value


def _irregular_spellings(ctx: ImportContext) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Clean natural key → stored natural key, for the records whose stored name is not in its clean form."""
    table = _table(ctx.spec)
    key_cols = ctx.spec.key_columns
    conditions = []
    for c in key_cols:
        if c.name_like:
            cleaned: Any = table.c[c.key]
            for ch in _UNCLEAN:
                cleaned = func.replace(cleaned, ch, "(" if ch == "（" else ")" if ch == "）" else "")
            conditions.append(table.c[c.key] != cleaned)
    stmt = select(*[table.c[c.key] for c in key_cols]).where(or_(*conditions), *_fixed_filters(ctx.spec))
    found: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in ctx.session.execute(stmt):
        stored = tuple(row)
        clean = tuple(
            clean_name(v) if c.name_like and isinstance(v, str) else v for c, v in zip(key_cols, stored, strict=True)
        )
        if clean != stored:
            found.setdefault(clean, stored)
    if found:
        names = [c.key for c in key_cols]
        for _id, key in _ids_by_key(ctx.session, table, names, list(found), _fixed_filters(ctx.spec)):
            found.pop(key, None)  # the clean spelling is a record of its own
    return found


def _keep_named_people(ctx: ImportContext, person_cols: list[ColumnSpec], rows: list[_Row]) -> None:
    """A person cell that names the record's present person keeps that person.

    A cell holds a name, looked up at the row's organisation (负责人 of an achievement at its 所属单位). The
    present person may belong elsewhere (the demo's 刘立新 leads 哈尔滨工业大学's achievements from his
    company): the exported name must then mean him again, not a new expert of the same name.
    """
    if not person_cols:
        return
    differing = [
        (r.existing[c.key], r.values.get(c.key))
        for r in rows
        for c in person_cols
        if r.existing is not None and r.existing.get(c.key) is not None and r.values.get(c.key) != r.existing[c.key]
    ]
    if not differing:
        return
    names: dict[int, str] = {}
    ids = list({pid for pair in differing for pid in pair if isinstance(pid, int)})
    for i in range(0, len(ids), 1000):
        stmt = select(Person.id, Person.name).where(Person.id.in_(ids[i : i + 1000]))
        names.update((pid, name) for pid, name in ctx.session.execute(stmt))
    for r in rows:
        for c in person_cols:
            value = r.values.get(c.key)
            pid = r.existing.get(c.key) if r.existing is not None else None
            if pid is None or value == pid:
                continue
            if isinstance(value, NewPerson):
                written: str | None = value.name
            else:
                written = names.get(value) if isinstance(value, int) else None
            if written is not None and clean_name(names.get(pid, "")) == clean_name(written):
                r.values[c.key] = pid


def _mapped_for(mapped: list[Mapped], key: str) -> Mapped | None:
    return next((m for m in mapped if m.col.key == key), None)


def _check_unique(
    ctx: ImportContext, state: _State, mapped: list[Mapped], rows: list[_Row], result: ImportResult
) -> None:
    table = _table(ctx.spec)
    for m in mapped:
        col = m.col
        if not col.unique or col.virtual:
            continue
        seen = state.unique.setdefault(col.key, {})
        values = [r.values[col.key] for r in rows if r.values.get(col.key) not in (None, "")]
        owners: dict[Any, tuple[Any, ...]] = {}
        display = ctx.spec.key_columns[0].key
        for i in range(0, len(values), 1000):
            stmt = select(table.c[col.key], *[table.c[c.key] for c in ctx.spec.key_columns], table.c[display]).where(
                table.c[col.key].in_(values[i : i + 1000])
            )
            for row in ctx.session.execute(stmt):
                owners[row[0]] = tuple(row[1:])
        for r in list(rows):
            v = r.values.get(col.key)
            if v in (None, ""):
                continue
            if v in seen:
                _error(ctx, result, r.number, m, f"“{v}”与第 {seen[v]} 行重复", f"{col.header}不可重复")
                rows.remove(r)
                continue
            seen[v] = r.number
            owner = owners.get(v)
            key = tuple(r.values[c.key] for c in ctx.spec.key_columns)
            if owner is not None and owner[:-1] != key:
                # A person's import does not name the record (it may be another jurisdiction's).
                holder = "其他记录" if ctx.guard is not None else f"“{owner[-1]}”"
                _error(ctx, result, r.number, m, f"“{v}”已被{holder}使用", f"{col.header}不可重复")
                rows.remove(r)


def _load_existing(
    ctx: ImportContext, keys: list[tuple[Any, ...]], real: list[ColumnSpec]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    spec = ctx.spec
    table = _table(spec)
    extra = [c for c in ("version", "retired_at") if c in table.c]
    wanted = ["id", *extra, *dict.fromkeys(c.key for c in real)]
    key_names = [c.key for c in spec.key_columns]
    ids = [rid for rid, _key in _ids_by_key(ctx.session, table, key_names, keys, _fixed_filters(spec))]
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for i in range(0, len(ids), 1000):
        stmt = select(*[table.c[w] for w in wanted]).where(table.c.id.in_(ids[i : i + 1000]))
        for row in ctx.session.execute(stmt):
            record = dict(zip(wanted, row, strict=True))
            key = tuple(record[k] for k in key_names)
            if key not in out or out[key].get("retired_at") is not None:
                out[key] = record
    return out


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` with one executemany and return their ids, in order.

    ``INSERT … RETURNING`` with ordered results makes SQLAlchemy send one statement per row on SQLite (which does
    not promise the order of multi-row RETURNING) and adds a sentinel to every row on PostgreSQL; both several
    times slower than knowing the ids beforehand, which each database allows in its own way.
    """
    if session.get_bind().dialect.name == "postgresql":
        return _insert_postgresql(session, table, rows)
    return _insert_sqlite(session, table, rows)


def _insert_sqlite(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """On SQLite this transaction is the only writer, and an integer primary key takes max(id) + 1: the rows of
    one executemany get consecutive ids. Checked by counting, so a surprise fails loudly instead of mislinking."""
    before = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    session.execute(insert(table), rows)
    after = session.scalar(select(func.count()).select_from(table).where(table.c.id > before))
    if after != len(rows):
        raise RuntimeError(f"{table.name}: expected {len(rows)} new ids after {before}, found {after}")
    return list(range(before + 1, before + len(rows) + 1))


def _insert_postgresql(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """On PostgreSQL the ids are drawn from the table's own sequence first (concurrent writers draw others)."""
    ids: list[int] = list(session.scalars(
        select(func.nextval(func.pg_get_serial_sequence(table.name, "id"))).select_from(
            func.generate_series(1, len(rows)))
    ))
    session.execute(insert(table), [{**row, "id": rid} for row, rid in zip(rows, ids, strict=True)])
    return ids


def _ids_by_key(
    session: Session, table: Table, keys: list[str], part: list[tuple[Any, ...]], extra: list[Any]
) -> list[tuple[int, tuple[Any, ...]]]:
    """(id, natural key) of the records whose natural key is in ``part`` — one light query per 1,000 keys.

    It selects by the key's text column alone (title, name, code: indexed) and picks the exact keys here.
    A row-value IN, IN lists on every key column or an OR per owner make SQLite scan the table, or cost a
    statement per owner; only ids and keys travel, so titles shared by several owners cost little.
    """
    pos = next((j for j, k in enumerate(keys) if any(isinstance(p[j], str) for p in part[:1])), 0)
    wanted = set(part)
    out: list[tuple[int, tuple[Any, ...]]] = []
    for i in range(0, len(part), 1000):
        chunk = part[i : i + 1000]
        stmt = select(table.c.id, *[table.c[k] for k in keys]).where(
            table.c[keys[pos]].in_({k[pos] for k in chunk}), *extra
        )
        row: Any
        for row in session.execute(stmt):
            rid, *key = row
            if tuple(key) in wanted:
                out.append((rid, tuple(key)))
    return out


def _fixed_filters(spec: TableSpec) -> list[Any]:
    table = _table(spec)
    return [table.c[k] == v for k, v in spec.fixed.items()]


def _write(
    ctx: ImportContext,
    real: list[ColumnSpec],
    virtual: list[ColumnSpec],
    people: list[NewPerson],
    creates: list[_Row],
    updates: list[tuple[_Row, dict[str, Any], dict[str, Any]]],
) -> None:
    session, spec, actor = ctx.session, ctx.spec, ctx.actor
    table = _table(spec)
    now = utcnow()
    audit: list[dict[str, Any]] = []
    reason = f"导入{spec.title}（{ctx.file}）"

    def entry(action: str, entity: str, entity_id: int, before: Any, after: Any, row: int) -> None:
        audit.append(
            {
                "at": now,
                "actor": actor.name,
                "actor_user_id": actor.user_id,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "before": before,
                "after": after,
                "reason": f"{reason}第 {row} 行" if row else reason,
            }
        )

    if people:
        person_table: Table = Person.__table__  # type: ignore[assignment]
        people_rows: list[dict[str, Any]] = [
            {
                "kind": PersonKind(spec.person_kind).value,
                "name": p.name,
                "organisation_id": p.organisation_id,
                "honours": [],
                "disciplines": [],
                "extra": {},
            }
            for p in people
        ]
        ids = _insert(session, person_table, people_rows)
        for p, pid, data in zip(people, ids, people_rows, strict=True):
            p.id = pid
            entry("create", "person", pid, None, {**data, "version": 1}, 0)
    versioned = "version" in table.c
    written: dict[int, int] = {}  # row number → record id
    if creates:
        present = {c.key for c in real} | {c.key for c in virtual}
        defaults = {
            c.key: c.default for c in spec.columns if c.default is not None and not c.virtual and c.key not in present
        }
        base = {**spec.fixed, **defaults}
        fields = [(c.key, c.type is ColType.PERSON_REF) for c in real]
        person_id = ctx.person_id
        payload: list[dict[str, Any]] = []
        for r in creates:
            vals = r.values
            data = dict(base)
            for k, is_person in fields:
                data[k] = person_id(vals[k]) if is_person else vals[k]
            payload.append(data)
        ids = _insert(session, table, payload)
        written.update((r.number, rid) for r, rid in zip(creates, ids, strict=True))
        for r, rid, data in zip(creates, ids, payload, strict=True):
            after = {k: v if v.__class__ in _PLAIN else to_jsonable(v) for k, v in data.items()}
            for c in virtual:
                after[c.key] = r.values[c.key]
            if versioned:
                after["version"] = 1
            entry("create", table.name, rid, None, after, r.number)
            if spec.store_virtual is not None and virtual:
                spec.store_virtual(ctx, rid, r.values, None)
    if updates:
        keys = [c.key for c in real]
        values: dict[str, Any] = {k: bindparam(f"p_{k}", type_=table.c[k].type) for k in keys}
        if versioned:
            values["version"] = table.c.version + 1
        if "updated_at" in table.c:
            values["updated_at"] = now
        stmt = update(table).where(table.c.id == bindparam("p_id")).values(values)
        params = []
        for r, before, after in updates:
            assert r.existing is not None
            row = {
                f"p_{c.key}": ctx.person_id(r.values[c.key]) if c.type is ColType.PERSON_REF else r.values[c.key]
                for c in real
            }
            row["p_id"] = r.existing["id"]
            written[r.number] = r.existing["id"]
            params.append(row)
            b = {k: _jsonable(ctx.person_id(v)) for k, v in before.items()}
            a = {k: _jsonable(ctx.person_id(v)) for k, v in after.items()}
            if versioned:
                b["version"], a["version"] = r.existing["version"], r.existing["version"] + 1
            entry("update", table.name, r.existing["id"], b, a, r.number)
            if spec.store_virtual is not None and virtual:
                spec.store_virtual(ctx, r.existing["id"], r.values, {c.key: r.existing.get(c.key) for c in virtual})
        session.execute(stmt, params)
    if audit:
        session.execute(insert(AuditEntry.__table__), audit)  # type: ignore[arg-type]
    if spec.after_write is not None and written:
        spec.after_write(ctx, written)
    if ctx.guard is not None and written:
        ctx.guard.written(ctx, written)
