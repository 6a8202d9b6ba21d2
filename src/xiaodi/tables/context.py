"""Lookups an import needs, loaded once per file and cached: organisations, regions, people and coded records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from xiaodi.core.audit import Actor
from xiaodi.directory.models import OrgKind, Person, Region
from xiaodi.directory.service import OrganisationIndex, Resolution, bare_region_name, clean_name
from xiaodi.tables.guard import RowGuard
from xiaodi.tables.spec import CodeRef, TableSpec
from xiaodi.tables.values import CellProblem


class NewPerson:
    """A person named in the file who is not in the directory yet; created when the import writes."""

    __slots__ = ("id", "name", "organisation_id")

    def __init__(self, name: str, organisation_id: int | None) -> None:
        self.name = name
        self.organisation_id = organisation_id
        self.id: int | None = None

    def __repr__(self) -> str:
        return f"NewPerson({self.name!r}, {self.organisation_id})"


class ImportContext:
    def __init__(
        self, session: Session, spec: TableSpec, *, actor: Actor, file: str, dry_run: bool,
        guard: RowGuard | None = None,
    ) -> None:
        self.session = session
        self.guard = guard  # a person's import: names resolve only to what the person may see
        self.spec = spec
        self.actor = actor
        self.file = file
        self.dry_run = dry_run
        self.warnings: list[str] = []
        self.cache: dict[str, Any] = {}  # for a table's hooks
        self._org_indexes: dict[tuple[str, ...], OrganisationIndex] = {}
        self._org_memo: dict[tuple[tuple[str, ...], str], Resolution] = {}
        self._regions: dict[str, list[tuple[int, str]]] | None = None
        self._bare_regions: dict[str, list[tuple[int, str]]] = {}  # 河津 → 河津市 (directory.bare_region_name)
        self._codes: dict[tuple[str, tuple[str, ...]], dict[str, int]] = {}
        self._people: dict[tuple[str, int | None], int | NewPerson] = {}

    def keeps_stored(self, column: InstrumentedAttribute[Any], existing_id: int | None, value: Any) -> bool:
        """Whether the row leaves an existing record's stored value as it is: a rule for new values (a date not
        after today) must not refuse a row that only brings back what is there, as an export's round trip does."""
        if existing_id is None:
            return False
        key = column.class_.id
        return bool(self.session.scalar(select(column).where(key == existing_id)) == value)

    # ---- organisations ----------------------------------------------------------------------------------

    def org_index(self, kinds: tuple[str, ...]) -> OrganisationIndex:
        index = self._org_indexes.get(kinds)
        if index is None:
            scope = self.guard.organisation_scope() if self.guard is not None else None
            index = OrganisationIndex(self.session, [OrgKind(k) for k in kinds] if kinds else None, where=scope)
            self._org_indexes[kinds] = index
        return index

    def resolve_org(self, name: str, kinds: tuple[str, ...]) -> int:
        memo_key = (kinds, name)
        found = self._org_memo.get(memo_key)
        if found is None:
            found = self.org_index(kinds).resolve(name)
            self._org_memo[memo_key] = found
        if found.record_id is not None:
            return found.record_id
        label = "、".join(OrgKind(k).label for k in kinds) if kinds else "单位"
        if found.suggestions and found.matched_by is None and any("编号" in s for s in found.suggestions):
            raise CellProblem(f"“{name}”对应多个{label}", "请写全称：" + "、".join(found.suggestions))
        hint = (
            f"您是否要找：{'、'.join(found.suggestions)}？"
            if found.suggestions
            else f"请先导入或登记该{label}，或检查名称是否有误"
        )
        raise CellProblem(f"未找到{label}“{name}”", hint)

    def org_index_add(self, oid: int, name: str, kinds: tuple[str, ...], code: str | None = None) -> None:
        """Make organisations created by this import resolvable by the rest of the file."""
        for key, index in self._org_indexes.items():
            if not key or set(kinds) & set(key):
                index.add(oid, name, code)
        self._org_memo.clear()

    # ---- regions ----------------------------------------------------------------------------------------

    def resolve_region(self, name: str) -> int:
        if self._regions is None:
            self._regions = {}
            for rid, code, short, full in self.session.execute(
                select(Region.id, Region.code, Region.name, Region.full_name)
            ):
                for key in {code, short, full}:
                    self._regions.setdefault(key, []).append((rid, full))
                self._bare_regions.setdefault(bare_region_name(short), []).append((rid, full))
        key = clean_name(name)
        # As directory.service.regions_named: the exact name first, else the name without 市/县/区/旗 (河津).
        found = self._regions.get(key) or self._bare_regions.get(bare_region_name(key), [])
        if len(found) == 1:
            return found[0][0]
        if len(found) > 1:
            raise CellProblem(f"“{name}”对应多个行政区", "请写全称：" + "、".join(full for _i, full in found[:5]))
        raise CellProblem(f"未找到行政区“{name}”", "请写行政区全称，如“山西省运城市河津市”，或 6 位行政区划代码")

    # ---- records named by code (agreements, base types) ------------------------------------------------------

    def resolve_code(self, ref: CodeRef, value: str) -> int:
        table = self.spec.model.metadata.tables[ref.table]
        cache_key = (ref.table, ref.match)
        mapping = self._codes.get(cache_key)
        if mapping is None:
            mapping = {}
            cols = [table.c[m] for m in reversed(ref.match)]  # preferred columns win: written last
            stmt = select(table.c.id, *cols)
            if "retired_at" in table.c:
                stmt = stmt.where(table.c.retired_at.is_(None))
            scope = self.guard.code_scope(ref.table) if self.guard is not None else None
            if scope is not None:
                stmt = stmt.where(scope)
            for row in self.session.execute(stmt):
                for v in row[1:]:
                    if v is not None:
                        mapping[clean_name(str(v))] = row[0]
            self._codes[cache_key] = mapping
        key = clean_name(value)
        if key in mapping:
            return mapping[key]
        from rapidfuzz import fuzz, process

        close = [c for c, _s, _i in process.extract(key, list(mapping), scorer=fuzz.WRatio, limit=3, score_cutoff=75)]
        hint = f"您是否要找：{'、'.join(close)}？" if close else (ref.how_to_add or f"请先导入该{ref.label}")
        raise CellProblem(f"未找到{ref.label}“{value}”", hint)

    # ---- people -----------------------------------------------------------------------------------------

    def preload_people(self, keys: Iterable[tuple[str, int | None]]) -> None:
        """Look up, in one query, the people named in a chunk of rows (name at organisation)."""
        wanted = {k for k in keys if k not in self._people}
        with_org = [(n, o) for n, o in wanted if o is not None]
        for i in range(0, len(with_org), 500):
            part = with_org[i : i + 500]
            stmt = (
                select(Person.id, Person.name, Person.organisation_id)
                .where(
                    Person.name.in_({n for n, _o in part}),
                    Person.organisation_id.in_({o for _n, o in part}),
                    Person.retired_at.is_(None),
                )
                .order_by(Person.id)
            )
            pairs = set(part)
            for pid, name, org in self.session.execute(stmt):
                if (name, org) in pairs:
                    self._people.setdefault((name, org), pid)
        for name, _o in (k for k in wanted if k[1] is None):
            found = self.session.scalar(
                select(Person.id)
                .where(Person.name == name, Person.organisation_id.is_(None), Person.retired_at.is_(None))
                .order_by(Person.id)
                .limit(1)
            )
            if found is not None:
                self._people[(name, None)] = found

    def resolve_person(self, name: str, organisation_id: int | None) -> int | NewPerson:
        key = (clean_name(name), organisation_id)
        found = self._people.get(key)
        if found is None:
            found = NewPerson(key[0], organisation_id)
            self._people[key] = found
        return found

    def person_id(self, value: Any) -> Any:
        """A new person's id once written; any other value unchanged."""
        if isinstance(value, NewPerson):
            return value.id
        return value
