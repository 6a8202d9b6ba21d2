"""Declarative specs of the information tables (信息表): one ``TableSpec`` per table, one ``ColumnSpec`` per column.

A spec says what a column is called in Chinese (and which other headers offices use for it), what it holds,
whether it is required or part of the natural key, and which model attribute it fills. The import, export and
template code is generic over these specs; a table's special rules live in small hooks on its spec.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xiaodi.core.labels import Labelled

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xiaodi.tables.context import ImportContext


class ColType(Labelled):
    """What a column holds; the label is what the template's hint row and ``xiaodi tables`` print (类型)."""

    TEXT = "text", "文本"
    INT = "int", "整数"
    COUNT = "count", "数量"  # a count as people write it: "近40个", "十二个", "2000余人"
    MONEY = "money", "金额"  # Decimal yuan in the database, shown in the header's unit (元/万元/亿元)
    DATE = "date", "日期"
    ENUM = "enum", "选项"
    LIST = "list", "多项（用；分隔）"  # several values in one cell, separated by ；
    BOOL = "bool", "是/否"
    ORG_REF = "org-ref", "单位名称"
    REGION_REF = "region-ref", "行政区划"
    PERSON_REF = "person-ref", "人员姓名"
    CODE_REF = "code-ref", "编号/名称"  # a record of another table named by its code or name (协议编号, 基地类型)


MONEY_UNITS: dict[str, int] = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enum column: what is stored, the Chinese label shown, other accepted spellings."""

    value: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an information table."""

    key: str  # model attribute (or a virtual key handled by the table's hooks)
    header: str  # the Chinese header written in templates and exports, e.g. "参考价格（万元）"
    type: ColType = ColType.TEXT
    required: bool = False
    natural_key: bool = False
    unique: bool = False  # unique in the whole table (e.g. 学校标识码); checked in the file and the database
    choices: tuple[Choice, ...] = ()
    example: Any = None
    help: str = ""
    max_length: int | None = None
    aliases: tuple[str, ...] = ()  # other headers offices use for this column
    unit: str = "元"  # money columns: the unit of the header and of bare numbers
    org_kinds: tuple[str, ...] = ()  # org-ref: the kinds an organisation may have (empty = any)
    person_org: str | None = None  # person-ref: the key of the org-ref column the person belongs to
    ref: CodeRef | None = None  # code-ref: where to look the value up
    virtual: bool = False  # not a model attribute: loaded and stored by the table's hooks
    read_only: bool = False  # exported for information; ignored on import
    width: int | None = None  # column width in Excel
    name_like: bool = False  # a name: spaces removed and brackets unified, as the directory stores names
    add_only: bool = False  # virtual list (aliases): importing adds missing items, never removes any
    default: Any = None  # the value of a blank cell (e.g. a new demand's state), shown in the help
    pattern: str | None = None  # text: a regular expression the value must match
    pattern_help: str = ""  # text: what the pattern means, in Chinese
    paired_digits: bool = False  # text: a code of 2-digit levels (学科 08 → 0817) Excel kept as a number (817)

    @property
    def base_header(self) -> str:
        return header_base(self.header)

    def choice_labels(self) -> list[str]:
        return [c.label for c in self.choices]


@dataclass(frozen=True)
class CodeRef:
    """A reference to a record of another table by one of its columns (e.g. an agreement by 协议编号)."""

    table: str  # table name
    match: tuple[str, ...]  # columns a cell may match, in order of preference (e.g. ("code",) or ("name", "code"))
    display: str  # column written on export
    label: str  # what it is called in messages (协议, 基地类型)
    how_to_add: str = ""  # how a missing one is added, when no table imports it (基地类型: a command)


@dataclass
class TableSpec:
    """An information table (信息表): its columns, model, natural key and hooks."""

    name: str  # the CLI name: universities, experts, …
    title: str  # 高校联络信息表
    model: Any  # the SQLAlchemy model class
    columns: list[ColumnSpec]
    description: str = ""
    fixed: Mapping[str, Any] = field(default_factory=dict)  # values every row gets (e.g. kind=university)
    # Hooks for virtual columns (aliases, agreement parties, funds in place):
    load_virtual: Callable[[Session, list[int]], dict[int, dict[str, Any]]] | None = None
    # check_virtual(ctx, row number, row values, existing id) → [(column key, reason, suggestion)]
    check_virtual: (
        Callable[[ImportContext, int, dict[str, Any], int | None], list[tuple[str, str, str | None]]] | None
    ) = None
    store_virtual: Callable[[ImportContext, int, dict[str, Any], dict[str, Any] | None], None] | None = None
    # check_row(ctx, row number, row values, existing id) → [(column key, reason, suggestion)]: the rules of a
    # whole row that no single cell states (a batch's 人次 when it is 实习实训; a base that is not plaqued yet)
    check_row: (
        Callable[[ImportContext, int, dict[str, Any], int | None], list[tuple[str, str, str | None]]] | None
    ) = None
    # after_write(ctx, row number → record id): what the rows' state implies beyond their cells, once they are
    # written (a demand imported as 已发榜 was published: it gets its 发榜时间, as the service's step gives it)
    after_write: Callable[[ImportContext, dict[int, int]], None] | None = None
    sheet_name: str = ""
    person_kind: str = "expert"  # the kind of a person a person-ref cell creates (talents: 引进人才)
    # progress: (column key, its values in the order a record moves through them): the console's import does not
    # move an existing record back (an older export re-imported undid 发榜 and 开工); a value not listed (已关闭,
    # 停滞) is an end the record is not brought back from by a file either
    progress: tuple[str, tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        if not self.sheet_name:
            self.sheet_name = self.title[:31]
        keys = [c.key for c in self.columns]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate column keys in table {self.name}")

    @property
    def key_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.natural_key]

    @property
    def writable(self) -> list[ColumnSpec]:
        return [c for c in self.columns if not c.read_only]

    def column(self, key: str) -> ColumnSpec:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


_HEADER_NOISE = re.compile(r"[\s\u3000*＊※]+")
_UNIT_RE = re.compile(r"[（(]([^）)]*)[）)]\s*$")


def normalise_header(text: Any) -> str:
    """A header as compared: no spaces or required-markers (*), half-width brackets, no trailing colon."""
    s = "" if text is None else str(text)
    s = _HEADER_NOISE.sub("", s).replace("（", "(").replace("）", ")").rstrip(":：")
    return s


def header_base(text: str) -> str:
    """The header without a trailing unit or note in brackets: "参考价格（万元）" → "参考价格"."""
    s = normalise_header(text)
    return _UNIT_RE.sub("", s) or s


def header_unit(text: str) -> str | None:
    """The money unit written in a header, if any: "预算(万元)" → "万元"."""
    m = _UNIT_RE.search(normalise_header(text))
    if m and m.group(1) in MONEY_UNITS:
        return m.group(1)
    return None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def choices_from_labels(
    labels: Mapping[Any, str], aliases: Mapping[Any, tuple[str, ...]] | None = None
) -> tuple[Choice, ...]:
    """Choices from an enum's labels (e.g. ``ProjectStage.labels()``)."""
    aliases = aliases or {}
    return tuple(Choice(str(getattr(k, "value", k)), v, tuple(aliases.get(k, ()))) for k, v in labels.items())
