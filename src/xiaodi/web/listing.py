"""Lists (清单列表) described once, served as pages, JSON and Excel: search, filters, sorting, pagination.

An area describes each of its lists with a ``ResourceSpec`` (in its ``pages.py``); the web layer builds the
scoped query, the page, the JSON and the export from it. Rows are loaded with the model's eager loads, so a list
costs a constant number of SQL statements whatever its length (asserted by the tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    case,
    false,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BinaryExpression, UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.sql.visitors import replacement_traverse

from xiaodi.accounts.scope import Viewer, office_regions, region_choices_for, region_names, regions_under
from xiaodi.core import search
from xiaodi.core.audit import record_reads
from xiaodi.core.errors import Forbidden, ValidationFailed
from xiaodi.core.numbers import format_yuan
from xiaodi.core.settings import local_minute
from xiaodi.web.access import get_visible, scope_of
from xiaodi.web.params import FIRST_YEAR, LAST_YEAR, plain_int, year_of

MAX_PAGE_SIZE = 200
MAX_PAGE = 100_000  # past this an offset means nothing to a person (and past 64 bits it overflows the database)
DEFAULT_PAGE_SIZE = 20
EXPORT_LIMIT = 50_000
# A search (?q=) reads every row's text; past this many matches its total is shown as "more than" (超过 N 条).
SEARCH_COUNT_CAP = 1_000
# A list counts its rows up to this many (or to its page's end); past it the total is shown as "more than". An exact
# count reads every visible row: 82,000 public demands or a department's 20,000 applications cost 25–55 ms a page on
# PostgreSQL for the count alone (benchmark ledger, docs/benchmarks_web.md), counting to 1,001 costs 0.2–2 ms.
LIST_COUNT_CAP = 1_000
# The 地区 filter's regions of this many visible rows or fewer are read from the rows; of more, by a skip scan.
REGIONS_READ_UPTO = 20_000
WALK_ROWS = 2_000  # rows a page sorted by an index may read in the index's order before SQLite should collect and sort


# ---- personal data (个人信息脱敏) -----------------------------------------------------------------------------


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "****"


def mask_email(value: str | None) -> str | None:
    if not value or "@" not in value:
        return "****" if value else value
    local, domain = value.split("@", 1)
    return (local[:1] or "*") + "***@" + domain


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    return value[:4] + "*" * max(len(value) - 8, 4) + value[-4:] if len(value) > 8 else "****"


MASKERS: dict[str, Callable[[str | None], str | None]] = {
    "phone": mask_phone, "email": mask_email, "id_number": mask_id_number,
}


# ---- columns and specs --------------------------------------------------------------------------------------


def display(value: Any, kind: str = "text", labels: dict[Any, str] | None = None) -> str:
    """A value as a person reads it (for pages and exports)."""
    if value is None or value == "" or value == []:
        return ""
    if labels is not None:
        try:
            return labels.get(value, labels.get(str(value), str(value)))
        except TypeError:
            return str(value)
    if kind == "money" or (isinstance(value, Decimal) and kind != "number"):
        return format_yuan(Decimal(value))
    if isinstance(value, dt.datetime):
        return local_minute(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        items = [str(v) for v in value]
        if all(i.endswith(("。", "！", "？")) for i in items):
            return "".join(items)  # sentences (a report's cleaning notes) read on one after another
        return "；".join(items)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@dataclass(frozen=True)
class Column:
    """One column of a list or one field of a detail page."""

    key: str  # attribute path: "name", "owner.name"
    label: str
    kind: str = "text"  # text | money | date | number | personal:phone | personal:email | personal:id_number
    labels: dict[Any, str] | None = None  # enum value → Chinese label
    sort: Any = None  # a column expression to sort by (None: not sortable)
    link: bool = False  # link to the record's detail page
    # link to a related record's page, its ids named from the record: "/demands/{demand_id}" (项目 → 协议 → 需求)
    href: str | None = None

    def url(self, obj: Any) -> str | None:
        """The related record's page, or None when the record names none."""
        if self.href is None:
            return None
        names = re.findall(r"{([\w.]+)}", self.href)
        values = {n: Column(n, "").raw(obj) for n in names}
        if any(v is None for v in values.values()):
            return None
        out = self.href
        for n, v in values.items():
            out = out.replace("{" + n + "}", str(int(v)))
        return out

    def raw(self, obj: Any) -> Any:
        value = obj
        for part in self.key.split("."):
            value = getattr(value, part, None) if value is not None else None
        return value

    @property
    def personal(self) -> str | None:
        return self.kind.split(":", 1)[1] if self.kind.startswith("personal:") else None


@dataclass(frozen=True)
class Filter:
    """A filter of a list: ``?name=value`` narrows the rows to ``column == value`` (choices shown as a select)."""

    name: str
    label: str
    column: Any
    choices: Sequence[tuple[str, str]] = ()
    op: str = "eq"  # eq | int | bool ("1"/"0") | year (value is a year of a date column)


@dataclass(frozen=True)
class ListAction:
    """A button beside a list's title (e.g. 填报需求), shown only to those whose role may use it."""

    path: str
    label: str
    allowed: Callable[[Viewer], bool] | None = None  # None: everyone who may open the list

    def shown_to(self, viewer: Viewer) -> bool:
        return self.allowed is None or self.allowed(viewer)


@dataclass
class ResourceSpec:
    """A list of the programme (e.g. 需求清单) and how to show its records."""

    name: str  # URL segment: /demands, /api/demands
    label: str  # 需求清单
    noun: str  # 需求
    model: type[Any]
    columns: list[Column]
    detail: list[Column]
    search: list[Any]  # columns searched with ?q=
    filters: list[Filter] = field(default_factory=list)
    default_sort: str = "-id"
    where: Callable[[], ColumnElement[bool]] | None = None  # fixed condition (e.g. kind = expert)
    title: Callable[[Any], str] = lambda obj: str(getattr(obj, "name", None) or getattr(obj, "title", obj.id))
    personal_owner: Callable[[Any], tuple[Any, ...]] = lambda obj: ()  # organisation ids whose data it is
    personal_region: Callable[[Any], int | None] = lambda obj: getattr(obj, "region_id", None)
    # Who sees the personal data, when it is decided by relation rather than by owner and region (people).
    personal_rule: Callable[[Viewer, Any], bool] | None = None
    table: str | None = None  # the tables package's table name for export/import, when it has one
    area: str = ""
    # Detail pages: extra context (workflow actions, history, candidates) and the area's template that shows it.
    extras: Callable[[Session, Viewer, Any], dict[str, Any]] | None = None
    detail_partial: str | None = None
    # Who may open the list at all (e.g. report review is office work); others get 403 before any lookup.
    admits: Callable[[Viewer], bool] | None = None
    refusal: str = "您的角色无权查看此清单"
    actions: tuple[ListAction, ...] = ()  # buttons beside the list's title, e.g. 上传报道
    api_detail: bool = True  # False when the area serves its own, richer ``GET /api/<name>/<id>``
    # The column holding a record's region (地区): the 地区 column and filter of the list, and an office's own
    # region first. None: the model's ``region_id`` when it has one; False: the list has no region.
    region: Any = None
    # The fields a trail (操作留痕) entry of the record may name beyond its own columns: a project's trail tells of
    # the fund records written for it (到位金额 …), named and shown as these columns say.
    trail: list[Column] = field(default_factory=list)

    @property
    def region_column(self) -> Any:
        if self.region is False:
            return None
        return self.region if self.region is not None else getattr(self.model, "region_id", None)

    @property
    def entity(self) -> str:
        return str(self.model.__table__.name)

    def sort_columns(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.model.id}
        for col in self.columns:
            if col.sort is not None:
                out[col.key] = col.sort
        return out

    def admit(self, viewer: Viewer) -> None:
        if self.admits is not None and not self.admits(viewer):
            raise Forbidden(self.refusal)

    def actions_for(self, viewer: Viewer) -> list[ListAction]:
        return [a for a in self.actions if a.shown_to(viewer)]

    def get(self, session: Session, record_id: int, viewer: Viewer) -> Any:
        """The one access helper of this resource: 403 for a role the list is not for, 404 outside the scope."""
        self.admit(viewer)
        return get_visible(session, self.model, record_id, viewer, self.noun)

    def sees_personal(self, viewer: Viewer, obj: Any) -> bool:
        if self.personal_rule is not None:
            return self.personal_rule(viewer, obj)
        return viewer.sees_personal_data(*self.personal_owner(obj), region_id=self.personal_region(obj))

    def note_id_reads(self, session: Session, viewer: Viewer, objs: list[Any], where: str,
                      columns: list[Column] | None = None, *, shown: bool = False) -> None:
        """Write to the audit trail (留痕) every ID number about to be shown in full to ``viewer`` in ``columns``
        (default: the detail's); ``shown``: the caller knows each record shows one in full (its audit trail)."""
        cols = [c for c in (columns if columns is not None else self.detail) if c.personal == "id_number"]
        ids = [o.id for o in objs if shown or (any(c.raw(o) for c in cols) and self.sees_personal(viewer, o))]
        record_reads(session, actor=viewer.actor, entity=self.entity, ids=ids, what="id_number",
                     reason=f"查看身份证号（{where}）")

    def cell(self, col: Column, obj: Any, viewer: Viewer, *, sees: bool | None = None) -> str:
        value = col.raw(obj)
        if col.personal and value:
            if sees is None:
                sees = self.sees_personal(viewer, obj)
            if not sees:
                return MASKERS[col.personal](str(value)) or ""
        return display(value, col.kind, col.labels)

    def row_json(self, obj: Any, viewer: Viewer, columns: list[Column] | None = None) -> dict[str, Any]:
        sees = self.sees_personal(viewer, obj)
        out: dict[str, Any] = {"id": obj.id}
        for col in columns or self.detail:
            value = col.raw(obj)
            if col.personal and value and not sees:
                value = MASKERS[col.personal](str(value))
            out[col.key] = jsonable(value)
            if col.labels is not None and value is not None:
                out[col.key + "_label"] = display(value, col.kind, col.labels)
        return out


# Records of other areas that a detail page links to (关联记录), e.g. the agreements signed on a demand: the area
# that holds them registers a function for the list's name (``register_related("demands", …)``), so that the
# demand's area need not import the projects area. Each function gives (what, name, link or None).
Related = Callable[[Session, Viewer, Any], list[tuple[str, str, str | None]]]
RELATED: dict[str, list[Related]] = {}


def register_related(list_name: str, finder: Related) -> None:
    if finder not in RELATED.setdefault(list_name, []):
        RELATED[list_name].append(finder)


def related_of(session: Session, spec: ResourceSpec, viewer: Viewer, obj: Any) -> list[tuple[str, str, str | None]]:
    return [link for finder in RELATED.get(spec.name, []) for link in finder(session, viewer, obj)]


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    sort: str = ""
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    filters: dict[str, str] = field(default_factory=dict)


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    size: int
    total_exact: bool = True  # False: a search matched more than ``total`` rows (counted up to a cap)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (not self.total_exact and len(self.items) == self.size)


def parse_query(spec: ResourceSpec, params: dict[str, str]) -> ListQuery:
    page = plain_int(params.get("page") or "1", high=MAX_PAGE)
    size = plain_int(params.get("size") or str(DEFAULT_PAGE_SIZE))
    if page is None or size is None:
        raise ValidationFailed(f"页码须为 1–{MAX_PAGE} 之间的整数，每页条数须为 1–{MAX_PAGE_SIZE} 之间的整数")
    page, size = max(1, page), min(MAX_PAGE_SIZE, max(1, size))
    filters = {f.name: params[f.name] for f in spec.filters if params.get(f.name)}
    if spec.region_column is not None and params.get(REGION_FILTER) and REGION_FILTER not in filters:
        filters[REGION_FILTER] = params[REGION_FILTER].strip()
    q = (params.get("q") or "").replace("\x00", "").strip()[:100]  # a NUL is never meant (and PostgreSQL refuses it)
    sort = params.get("sort") or spec.default_sort
    sort_column(spec, sort)  # refused here, not at the first ORDER BY: an empty list never reaches one
    return ListQuery(q=q, sort=sort, page=page, size=size, filters=filters)


def build_select(spec: ResourceSpec, viewer: Viewer, lq: ListQuery, *, dialect: str = "",
                 narrowed: CompoundSelect | None = None, sorted_by_index: bool = False,
                 part: ColumnElement[bool] | None = None) -> Select[Any]:
    """The list's rows for ``viewer``: scope, live records, the spec's condition, search and filters, and
    ``part`` — one part of the list (``own_region_parts``: the office's own region, or the others).

    ``sorted_by_index`` (SQLite): the page will be read in the order of an index, so the live-records condition
    must not choose the index instead — see ``scoped_rows``.

    ``dialect`` is the session's. A search matches ``%term%`` without regard to case, with the cheapest test
    that means exactly that: SQLite's ``LIKE`` already ignores ASCII case — all that its ``lower()`` folds —
    so it skips ``lower()``; a term without cased letters (Chinese, digits) needs no case folding at all, so
    PostgreSQL gets ``LIKE`` for it (three times faster than ``ILIKE`` over Chinese text), ``ILIKE`` otherwise.
    """
    model = spec.model
    spec.admit(viewer)
    stmt = select(model).where(scope_of(model, viewer))
    if hasattr(model, "retired_at"):
        live = model.retired_at.is_(None)
        stmt = stmt.where(_drives_no_index(live) if sorted_by_index else live)
    if spec.where is not None:
        stmt = stmt.where(spec.where())
    if lq.q:
        term = search_term(lq)
        pattern = f"%{term}%"
        if dialect == "sqlite" or pattern.lower() == pattern.upper():
            stmt = stmt.where(or_(*[col.like(pattern) for col in spec.search]))
        else:
            stmt = stmt.where(or_(*[col.ilike(pattern) for col in spec.search]))
        if narrowed is not None:  # only these rows can match (core.search): the text test reads them alone
            stmt = stmt.where(model.id.in_(narrowed))
    stmt = _in_region(spec, stmt, lq)
    if part is not None:
        stmt = stmt.where(part)
    for flt in spec.filters:
        value = lq.filters.get(flt.name)
        if not value:
            continue
        if flt.choices and value not in {c for c, _ in flt.choices}:
            raise ValidationFailed(f"“{flt.label}”没有选项“{value}”")
        if flt.op == "year":
            year = year_of(value)
            if year is None:
                raise ValidationFailed(f"“{flt.label}”须为 {FIRST_YEAR}–{LAST_YEAR} 之间的四位年份")
            stmt = stmt.where(flt.column >= dt.date(year, 1, 1), flt.column <= dt.date(year, 12, 31))
        elif flt.op == "int":
            number = plain_int(value, low=1)
            if number is None:
                raise ValidationFailed(f"“{flt.label}”须为编号（正整数）")
            stmt = stmt.where(flt.column == number)
        elif flt.op == "bool":
            stmt = stmt.where(flt.column.is_(value == "1"))
        else:
            stmt = stmt.where(flt.column == value)
    return stmt


def _in_region(spec: ResourceSpec, stmt: Select[Any], lq: ListQuery) -> Select[Any]:
    """The 地区 filter (``?region=<行政区划代码>``): the region's records and those of the regions below it."""
    code = lq.filters.get(REGION_FILTER)
    if not code or spec.region_column is None or any(f.name == REGION_FILTER for f in spec.filters):
        return stmt
    if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 12):
        raise ValidationFailed("“地区”须为行政区划代码（如 140882）")
    return stmt.where(spec.region_column.in_(regions_under(code)))


def search_term(lq: ListQuery) -> str:
    """The search's term as the text test reads it (``%`` and ``_`` are not wildcards for our users)."""
    return lq.q.replace("%", "").replace("_", "")


def scoped_rows(session: Session, spec: ResourceSpec, viewer: Viewer, lq: ListQuery, *,
                wanted: int | None = None, total: int | None = None,
                part: ColumnElement[bool] | None = None) -> Select[Any]:
    """``build_select`` for this session's database: a search narrowed by the search index where it can be, and
    on SQLite read in the order that stops soonest.

    * A search the index does not narrow, or a sort on a column no index orders, reads every candidate row
      anyway: in table order (``in_table_order``).
    * Sorted by an index, a page can stop after its rows. When the selection (``total`` rows, from the list's
      count) is common enough that walking the sort index finds the first ``wanted`` rows within ``WALK_ROWS``
      rows, no condition may drive an index instead: SQLite, whose sampled statistics judge the scope's
      indexes selective, would collect the whole selection through them and sort it — a city office's
      demands by title 120 → 38 ms, achievements by title 87 → 9 ms (measured). A rare selection is still
      collected through its indexes and sorted: walking the sort index for it would read most of the table.
    """
    dialect = session.get_bind().dialect.name
    narrowed = search.candidates(session, spec.model.__table__.name, search_term(lq)) if lq.q else None
    reads_every_row = narrowed is None if lq.q else not _leads_an_index(spec, lq.sort)
    sorted_by_index = dialect == "sqlite" and not lq.q and not reads_every_row
    walk = sorted_by_index and _walk_is_short(session, spec, wanted, total)
    stmt = build_select(spec, viewer, lq, dialect=dialect, narrowed=narrowed,
                        sorted_by_index=sorted_by_index and not walk, part=part)
    if dialect == "sqlite" and reads_every_row:
        return in_table_order(spec, stmt)
    if walk and stmt.whereclause is not None:
        return select(spec.model).where(_drives_no_index(stmt.whereclause))
    return stmt


def _walk_is_short(session: Session, spec: ResourceSpec, wanted: int | None, total: int | None) -> bool:
    """Whether walking the table in the sort's order meets ``wanted`` rows of a ``total``-row selection within
    ``WALK_ROWS`` rows read (the selection spread evenly over the table)."""
    if not wanted or not total:
        return False
    return wanted * _table_rows(session, spec) <= WALK_ROWS * total


def _table_rows(session: Session, spec: ResourceSpec) -> int:
    """The list's table's highest id (its rows, near enough), read once per request: both parts of a page and
    the count's cap ask (``_own_region_page``, ``count_cap``)."""
    key = ("max_id", spec.model.__table__.name)
    if key not in session.info:
        session.info[key] = session.scalar(select(func.max(spec.model.id))) or 0
    return int(session.info[key])


def _leads_an_index(spec: ResourceSpec, sort: str) -> bool:
    """Whether an index (or the primary key) is ordered by the sort column, so a page can stop early."""
    column = spec.sort_columns().get(sort.lstrip("-"))
    name = getattr(getattr(column, "expression", column), "name", None)
    table = spec.model.__table__
    leading = {next(iter(ix.columns)).name for ix in table.indexes if ix.columns}
    leading |= {next(iter(c.columns)).name for c in table.constraints if c.columns}  # unique keys, primary key
    return name in leading


def in_table_order(spec: ResourceSpec, stmt: Select[Any]) -> Select[Any]:
    """SQLite: the same rows, read from the table in rowid order rather than through an index.

    For statements that read every candidate row anyway — a search (``%term%`` reads each row's text) or a
    sort on a column no index orders. With the sampled statistics that ``PRAGMA optimize`` keeps
    (``analysis_limit``, see ``core.db``) SQLite drives such statements through some index — a ``MULTI-INDEX
    OR`` over the scope's 140 regions, ``retired_at IS NULL``, a full scan of ``ix_achievement_leader_id`` —
    and reads the same rows in random order, 2–4 times slower. A unary ``+`` keeps the conditions from
    driving an index (SQLite's documented way) and ``id > 0`` makes the rowid range the plan.
    """
    model = spec.model
    if stmt.whereclause is None:
        return stmt.where(model.id > 0)
    return select(model).where(_drives_no_index(stmt.whereclause), model.id > 0)


def _drives_no_index(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQLite: the same condition, tested on each row but never used to choose an index (a unary ``+``)."""
    return UnaryExpression(condition.self_group(), operator=custom_op("+"), type_=Boolean())


def sort_column(spec: ResourceSpec, sort: str) -> Any:
    """The column ``sort`` names (``-`` for descending), or a Chinese refusal listing the list's sort columns."""
    key = sort[1:] if sort.startswith("-") else sort
    columns = spec.sort_columns()
    if key not in columns:
        raise ValidationFailed(f"不能按“{key}”排序，可选：{'、'.join(columns)}")
    return columns[key]


def order_by(spec: ResourceSpec, stmt: Select[Any], sort: str, *, first: Any = None) -> Select[Any]:
    """The list's order; ``first`` (``own_region_first``) puts an office's own region before the others."""
    desc = sort.startswith("-")
    key, col = (sort[1:] if desc else sort), sort_column(spec, sort)
    if first is not None:
        stmt = stmt.order_by(first)
    stmt = stmt.order_by(col.desc() if desc else col.asc())
    if key != "id":
        # Ties in the sort's direction: an index on the column keeps equal values in id order, so it serves
        # the whole ORDER BY and a page stops after its rows — a fixed "newest first" would make the database
        # collect and sort a whole group of equal values first (30k demands without a budget: 78 → 38 ms, measured).
        stmt = stmt.order_by(spec.model.id.desc() if desc else spec.model.id.asc())
    return stmt


def fetch_page(session: Session, spec: ResourceSpec, viewer: Viewer, lq: ListQuery, *,
               own_first: bool = True) -> Page:
    """One page of the list: two statements (count and rows) plus the model's eager loads.

    The page is chosen on the list's own table first — its ids sorted and cut by LIMIT/OFFSET in a subquery —
    and only those rows are loaded with their joined relations. Sorting the joined rows instead would join
    every row of the list (owner, region …) before the sort keeps twenty of them.

    The count stops at ``LIST_COUNT_CAP`` rows (or the page's end, when further — ``count_cap``): past it the
    total is a lower bound (``total_exact`` False: the page says "more than" and the pager goes on while pages
    are full). A search (``q``) reads every candidate row's text, so it reads them once: one statement takes the
    sorted ids of the matches up to ``SEARCH_COUNT_CAP`` (or the page's end, when further) — which gives the page
    and the total — instead of a count and a page that would each read the table.

    An office's own region comes first (``own_region_first``); ``own_first=False`` says the caller knows the
    list shows nothing else (``RegionView.others``), so that an index can still serve the sort. Without a
    search the two parts are read as two pages (``_own_region_page``), each served by the sort's index.
    """
    model = spec.model
    offset = (lq.page - 1) * lq.size
    first = own_region_first(spec, viewer) if own_first else None
    exact = True
    own_page: list[int] | None = None
    if lq.q:
        total = None
    elif first is not None:
        total, exact, own_page = _own_region_page(session, spec, viewer, lq)
    else:
        cap = count_cap(session, spec, lq)
        counted = int(session.scalar(count_upto(build_select(spec, viewer, lq), spec, cap)) or 0)
        exact = counted <= cap
        total = counted if exact else cap
    if total is None:
        stmt = scoped_rows(session, spec, viewer, lq, wanted=offset + lq.size, total=total)
        ids = order_by(spec, stmt.with_only_columns(model.id), lq.sort, first=first)
        limit = max(SEARCH_COUNT_CAP, offset + lq.size) + 1
        matches = list(session.scalars(ids.limit(limit)))
        exact = len(matches) < limit
        total = len(matches) if exact else limit - 1
        page_ids: Any = matches[offset:offset + lq.size]
    elif own_page is not None:
        page_ids = own_page
    elif exact and offset >= total:
        # nothing to read (no row, or a page past the end): on PostgreSQL asking anyway walked the sort's index
        # over the whole table in search of a row (a department's 0 accepted applications: 93 ms of 100,000 rows)
        page_ids = []
    else:
        # past the cap the selection holds at least cap + 1 rows: what the walk's choice is told (scoped_rows)
        stmt = scoped_rows(session, spec, viewer, lq, wanted=offset + lq.size, total=total + (not exact))
        page_ids = order_by(spec, stmt.with_only_columns(model.id), lq.sort).limit(lq.size).offset(offset)
        if session.get_bind().dialect.name == "postgresql":
            # The page's ids are read first, then their rows: given the ids as a subquery, PostgreSQL joined every
            # row of the list with its eager loads before keeping twenty (a hash semi join: 200,000 one-stop
            # applications read for each page, 790 of an 880 ms page on the benchmark ledger; 82 ms after).
            # SQLite reads the subquery first by itself, and is spared the round trip.
            page_ids = list(session.scalars(page_ids))
    items: list[Any] = []
    if total and not (isinstance(page_ids, list) and not page_ids):  # ids read already, and none: nothing to load
        rows = session.scalars(order_by(spec, select(model).where(model.id.in_(page_ids)), lq.sort, first=first))
        items = list(rows.unique())
    return Page(items=items, total=total, page=lq.page, size=lq.size, total_exact=exact)


def count_cap(session: Session, spec: ResourceSpec, lq: ListQuery) -> int:
    """How far a list's count goes (``LIST_COUNT_CAP``): at least to the page's end, so that a page past the cap
    still knows whether it holds rows; and on SQLite, for a page read in its sort index's order, far enough for
    ``_walk_is_short`` to be answered as the exact count would answer it (the walk is short when the selection
    holds at least ``wanted × table rows ÷ WALK_ROWS`` rows: 2,000 of the 200,000 one-stop applications)."""
    wanted = lq.page * lq.size
    cap = max(LIST_COUNT_CAP, wanted)
    if session.get_bind().dialect.name == "sqlite" and WALK_ROWS > 0 and not lq.q and _leads_an_index(spec, lq.sort):
        cap = max(cap, -(-wanted * _table_rows(session, spec) // WALK_ROWS))
    return cap


def count_upto(stmt: Select[Any], spec: ResourceSpec, cap: int) -> Select[Any]:
    """``count(*)`` of the list's rows, stopping after ``cap + 1`` (which says "more than ``cap``"): the ids only,
    so that a covering index can answer it."""
    rows = stmt.with_only_columns(spec.model.id, maintain_column_froms=True).order_by(None).limit(cap + 1)
    return select(func.count()).select_from(rows.subquery())


def _own_region_page(session: Session, spec: ResourceSpec, viewer: Viewer,
                     lq: ListQuery) -> tuple[int, bool, list[int]]:
    """The list's count (whether exact) and the page's ids when an office's own region comes first (本辖区在前):
    the list read as two lists, the own region's rows and then the others', each in the sort's order and cut by
    its own LIMIT/OFFSET — one statement for the counts, one for the page (a UNION ALL of the two parts' pages).

    One statement ordered by ``CASE WHEN region IN (own) …`` could use no index for its order: SQLite collected
    and sorted every visible row for each page (a county office's demands 2,208 ms of a 2,856 ms page on the
    100k ledger, measured); each part alone is served by the sort's index or by the region's. The list and its
    own part are counted up to the cap (``count_cap``), the own part through the region index; the others'
    part is not counted: proving it empty read every row outside the office's regions (a county's one-stop
    applications: 16 ms). An own part past the cap fills the page by itself (the cap is past the page's end);
    otherwise it is exact, and so is where the others' rows begin."""
    model = spec.model
    own, others = own_region_parts(spec, viewer)
    offset = (lq.page - 1) * lq.size
    cap = count_cap(session, spec, lq)
    counted = count_upto(build_select(spec, viewer, lq), spec, cap)
    row = session.execute(select(counted.scalar_subquery(),
                                 _part_count(session, spec, viewer, lq, own, cap).scalar_subquery())).one()
    total, own_total = int(row[0] or 0), int(row[1] or 0)
    exact = total <= cap
    total = total if exact else cap + 1  # at least: what the others' part is told below, then the page says cap
    arms = []
    if offset < own_total:
        stmt = scoped_rows(session, spec, viewer, lq, wanted=offset + lq.size, total=own_total, part=own)
        arms.append(order_by(spec, stmt.with_only_columns(model.id), lq.sort).limit(lq.size).offset(offset))
    rest = lq.size - max(0, min(lq.size, own_total - offset))
    if rest > 0 and total > own_total:
        skip = max(0, offset - own_total)
        stmt = scoped_rows(session, spec, viewer, lq, wanted=skip + rest, total=total - own_total, part=others)
        arms.append(order_by(spec, stmt.with_only_columns(model.id), lq.sort).limit(rest).offset(skip))
    shown = total if exact else cap
    if not arms:
        return shown, exact, []
    page = arms[0] if len(arms) == 1 else union_all(*[select(arm.subquery().c.id) for arm in arms])
    return shown, exact, list(session.scalars(page))


def _part_count(session: Session, spec: ResourceSpec, viewer: Viewer, lq: ListQuery, part: Any,
                cap: int) -> Select[Any]:
    """The count of one part of the list up to ``cap + 1`` (a statement), found through the region index: on
    SQLite no other condition may choose an index (the scope's covering index was scanned whole instead, 59 of
    60 ms)."""
    stmt = build_select(spec, viewer, lq)
    if session.get_bind().dialect.name == "sqlite" and stmt.whereclause is not None:
        stmt = select(spec.model).where(_drives_no_index(stmt.whereclause))
    return count_upto(stmt.where(part), spec, cap)


def _nothing_outside(spec: ResourceSpec, viewer: Viewer) -> ColumnElement[bool] | None:
    """An SQL test that no record of the table lies outside the office's regions, answered from the region
    index alone — its lowest and highest region and whether any record has none; None when the office's
    regions are not one run of ids. A province office's records are all its own, and testing each visible
    record for it cost a scan of the list (70 of a 196 ms page, measured). Used as ``CASE WHEN`` this test
    THEN … ELSE the costly test, so that the costly one runs only when needed, in the same statement."""
    column = spec.region_column
    ids = sorted(viewer.region_ids)
    if column is None or not ids or column.table is not spec.model.__table__ or ids[-1] - ids[0] + 1 != len(ids):
        return None
    # separate scalar subqueries: SQLite reads a lone min() or max() from the index's end, both together from
    # every row
    return and_(func.coalesce(select(func.min(column)).scalar_subquery(), ids[0]) >= ids[0],
                func.coalesce(select(func.max(column)).scalar_subquery(), ids[-1]) <= ids[-1],
                ~select(column).where(column.is_(None)).exists())


FEW_GAPS = 30  # up to this many gaps between an office's regions, its others are found as ranges of the region index


def own_region_parts(spec: ResourceSpec, viewer: Viewer) -> tuple[Any, Any]:
    """The conditions of an office's own region's records and of the others' (``own_region_first``)."""
    column = spec.region_column
    assert column is not None
    ids = sorted(viewer.region_ids)
    return column.in_(ids), _outside(column, ids)


def _outside(column: Any, ids: list[int]) -> ColumnElement[bool]:
    """``column`` is NULL or none of ``ids``, as ranges between them (``< a``, ``> z`` and the gaps), which an
    index on the column serves: a province's regions are mostly consecutive ids, so its records outside them
    are found in three short index ranges instead of a test of every row (``NOT IN``)."""
    if not ids:
        return true()
    parts: list[ColumnElement[bool]] = [column.is_(None), column < ids[0], column > ids[-1]]
    gaps = [(a, b) for a, b in pairwise(ids) if b > a + 1]
    if len(gaps) > FEW_GAPS:
        return or_(column.is_(None), column.not_in(ids))
    parts += [and_(column > a, column < b) for a, b in gaps]
    return or_(*parts)


def fetch_all(session: Session, spec: ResourceSpec, viewer: Viewer, lq: ListQuery) -> list[Any]:
    """Every row of the (filtered) list, for an export."""
    stmt = order_by(spec, scoped_rows(session, spec, viewer, lq), lq.sort,
                    first=own_region_first(spec, viewer)).limit(EXPORT_LIMIT)
    return list(session.scalars(stmt).unique())


# ---- regions (地区): the column, the filter's choices, the office's own region first, the scope stated ------------

REGION_FILTER = "region"
REGION_LABEL = "地区"


def own_region_first(spec: ResourceSpec, viewer: Viewer) -> Any:
    """For an office, its own region's records (with those below it) before the public records of other regions
    that the list also shows (本辖区在前); None for everyone else and for lists without a region."""
    column = spec.region_column
    if column is None or not viewer.is_office or viewer.is_admin or not viewer.region_ids:
        return None
    return case((column.in_(sorted(viewer.region_ids)), 0), else_=1)


def list_columns(spec: ResourceSpec) -> list[Column]:
    """The list page's columns: the spec's, with a 地区 column after the record's name when the records have a
    region and the spec shows none of its own (a ``region.…`` column, such as 所在地, is one)."""
    if spec.region_column is None or any(c.label == REGION_LABEL or c.key.startswith("region.")
                                         for c in spec.columns):
        return list(spec.columns)
    at = next((i + 1 for i, c in enumerate(spec.columns) if c.link), len(spec.columns))
    return [*spec.columns[:at], Column("__region__", REGION_LABEL, kind="region"), *spec.columns[at:]]


@dataclass
class RegionView:
    """What a list page shows of regions for one viewer: the 地区 filter's choices (None: no filter), the names
    it already knows (id → full name) and, for an office, its own regions' names."""

    choices: list[tuple[str, str]] | None
    names: dict[int, str]
    own: str = ""
    others: bool = False  # an office's list shows records of other regions too (全省公开)


def region_view(session: Session, spec: ResourceSpec, viewer: Viewer, lq: ListQuery) -> RegionView:
    """The regions of the list page, in one statement for an office (its regions are the filter, name its own
    records, and whether the list shows others' too); for others the regions of what they see (at most 300,
    ``regions_seen``), then their names."""
    column = spec.region_column
    if column is None:
        return RegionView(None, {})
    own_filter = any(f.name == REGION_FILTER for f in spec.filters)
    if viewer.is_office and not viewer.is_admin:
        outside: Any = _visible_outside(spec, viewer, lq).exists()
        nothing_outside = _nothing_outside(spec, viewer)
        if nothing_outside is not None:
            outside = case((nothing_outside, false()), else_=outside)
        rows, others = office_regions(session, viewer, also=outside)
        names = {rid: name for rid, _code, name in rows}
        own = "、".join(names[r] for r in sorted(viewer.office_region_ids) if r in names)
        return RegionView(None if own_filter else [(code, name) for _rid, code, name in rows], names, own,
                          bool(others))
    if own_filter:
        return RegionView(None, {})
    return RegionView(region_choices_for(session, viewer, regions_seen(session, spec, viewer)), {})


def regions_seen(session: Session, spec: ResourceSpec, viewer: Viewer) -> list[int]:
    """The regions of the records ``viewer`` sees in the list (at most 300), in one statement.

    ``SELECT DISTINCT region`` reads every visible row: on PostgreSQL a department's 20,000 applications or the
    82,000 public demands took 29–43 ms on the benchmark ledger. There the regions are found one after another
    along the region index instead (a recursive skip scan): from each region found, the lowest region above it
    that holds a visible row — each step stops at its first visible row, or is collected through a selective
    condition's index when PostgreSQL judges the visible rows few (a card holder's applications). A step walks the
    region index past every row of the regions where the viewer has none, though: for a department whose 10,000
    applications sit in a few regions the scan took 150 ms where reading them took 18. So the visible rows are
    read first, up to ``REGIONS_READ_UPTO`` — and when there are no more, their regions are those — and only a
    larger set (82,000 public demands) is skip-scanned. SQLite keeps ``DISTINCT``: it reads the same rows from a
    covering index (a department's 7.9 ms), and a skip scan on it walked the region index past every row of the
    other regions for a card holder's applications (163 ms)."""
    column = spec.region_column
    base = build_select(spec, viewer, ListQuery())
    if session.get_bind().dialect.name != "postgresql" or column.table is not spec.model.__table__:
        rows: list[int | None] = list(session.scalars(base.with_only_columns(column).distinct().limit(300)))
        return [r for r in rows if r is not None]
    read = base.with_only_columns(column).order_by(None).limit(REGIONS_READ_UPTO + 1).subquery()
    count, regions = session.execute(select(func.count(), func.array_agg(read.c[0].distinct()))).one()
    if count <= REGIONS_READ_UPTO:
        return sorted(r for r in regions or [] if r is not None)[:300]
    visible = base.whereclause if base.whereclause is not None else true()

    def lowest_above(previous: Any) -> Any:
        step = select(column).where(column.is_not(None), visible)
        if previous is not None:
            step = step.where(column > previous)
        return step.order_by(column).limit(1).scalar_subquery()

    found = select(lowest_above(None).label("region_id")).cte("regions_seen", recursive=True)
    found = found.union_all(select(lowest_above(found.c.region_id)).where(found.c.region_id.is_not(None)))
    stmt = select(found.c.region_id).where(found.c.region_id.is_not(None)).limit(300)
    return list(session.scalars(stmt))


def _visible_outside(spec: ResourceSpec, viewer: Viewer, lq: ListQuery) -> Select[Any]:
    """The ids of the list's rows outside an office's regions that ``viewer`` sees (全省公开 and the like).

    Outside its regions the office's own test of the scope (``region IN (its regions)``, ``in_office_regions``)
    is false by definition, and it is written as false here: the database cannot see that ``region IN (3)``
    and ``region < 3 OR region > 3`` exclude each other, and PostgreSQL read the whole table to find no row
    (a county office's one-stop applications, whose scope is that test alone: 200,000 rows, 13–28 ms a page on
    the benchmark ledger); with the test written false the condition folds to false before any row is read."""
    column = spec.region_column
    ids = sorted(viewer.region_ids)
    own = column.in_(ids)

    def office_test_false(element: Any, **_kw: Any) -> Any:
        if isinstance(element, BinaryExpression) and element.compare(own):
            return false()
        return None

    stmt = build_select(spec, viewer, lq, part=_outside(column, ids))
    assert stmt.whereclause is not None  # the part, at least
    where = replacement_traverse(stmt.whereclause, {}, office_test_false)
    return select(spec.model.id).where(where)


def page_rows(session: Session, spec: ResourceSpec, items: list[Any], viewer: Viewer, columns: list[Column],
              regions: RegionView | None = None) -> list[tuple[Any, list[str]]]:
    """Each record with its cells; the 地区 cells from the names the page knows, the others in one statement."""
    key = spec.region_column.key if spec.region_column is not None else ""
    names: dict[int, str] = dict(regions.names) if regions is not None else {}
    if key and any(c.kind == "region" for c in columns):
        missing = {getattr(o, key, None) for o in items} - set(names) - {None}
        if missing:
            names.update(region_names(session, missing))
    out = []
    for obj in items:
        region_id = getattr(obj, key, None)
        cells = [(names.get(region_id, "") if region_id is not None else "") if c.kind == "region"
                 else spec.cell(c, obj, viewer) for c in columns]
        out.append((obj, cells))
    return out


def scope_note(spec: ResourceSpec, viewer: Viewer, regions: RegionView) -> str | None:
    """What the list covers, said on the page: an office's 本辖区 (and 全省公开 when public records of other regions
    are shown too, after its own); an administrator's 全部地区."""
    if spec.region_column is None:
        return None
    if viewer.is_admin:
        return "范围：全部地区"
    if not viewer.is_office:
        return None
    own = regions.own or "本辖区"
    if regions.others:
        return f"范围：本辖区（{own}）在前，其后为其他地区全省公开的记录"
    return f"范围：本辖区（{own}）"
