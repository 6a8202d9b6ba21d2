"""Cell values: parse what people type into Excel/WPS into typed values, and format typed values for export.

Parsers raise ``CellProblem`` with a Chinese reason and, where one exists, a suggestion.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from xiaodi.core.numbers import MAX_MONEY, beyond_reason, format_yuan, parse_count, parse_stated_number
from xiaodi.tables.spec import MONEY_UNITS, ColType, ColumnSpec

DATE_FORMATS_HELP = "2021-06-01、2021/6/1、2021年6月1日、2021.6.1、20210601 或 Excel 日期单元格"
LIST_SEPARATOR = "；"
_LIST_SPLIT = re.compile(r"[；;，,、\n\r|]+")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "对", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "不是"}
_CENT = Decimal("0.01")
_MINUS = re.compile(r"^\s*[-－−—–]\s*|^\s*负\s*")


class CellProblem(ValueError):
    """A cell that cannot be read; ``reason`` and ``suggestion`` are shown to the user in Chinese."""

    def __init__(self, reason: str, suggestion: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: numbers typed into text columns (学校标识码 4114010108, phones) lose their ".0"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(col: ColumnSpec, value: Any) -> str:
    text = _paired(cell_text(value)) if col.paired_digits else cell_text(value)
    if col.max_length and len(text) > col.max_length:
        raise CellProblem(f"内容过长（{len(text)} 字，最多 {col.max_length} 字）", "请删减内容或分到备注中")
    if col.pattern and not re.fullmatch(col.pattern, text):
        raise CellProblem(f"“{text}”格式不对", col.pattern_help or None)
    return text


def _paired(text: str) -> str:
    """A code made of two-digit levels (学科代码 08, 0817, 081701) with the leading zero Excel drops from a number
    cell put back: 817 is 0817 (stored so, it matched no discipline and exported as 817)."""
    return "0" + text if text.isdigit() and len(text) % 2 else text


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellProblem("应为整数")
    if isinstance(value, float) and not value.is_integer():
        raise CellProblem(f"应为整数，而不是 {value}")
    if isinstance(value, int | float):
        return int(_reasonable(Decimal(int(value)), money=False))
    try:
        count = parse_count(cell_text(value))
    except ValueError as exc:
        raise CellProblem(f"无法识别的数字“{cell_text(value)}”", "请填写数字，如 40、近40个、十二个") from exc
    return int(_reasonable(Decimal(count), money=False))


def _to_decimal(value: float | int) -> Decimal:
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as exc:
        raise CellProblem(f"无法识别的金额“{value}”") from exc


def _negative_money(col: ColumnSpec) -> CellProblem:
    """The one reason every money column gives for a negative amount: "签约金额不能为负数"."""
    return CellProblem(f"{col.base_header}不能为负数", "金额应为 0 或正数；退款、核减请在备注中说明")


def parse_money(col: ColumnSpec, value: Any, unit: str | None = None) -> Decimal:
    """Money in yuan, never negative. Bare numbers are in the header's unit; "500万元", "1.2亿元" carry their own."""
    factor = MONEY_UNITS[unit or col.unit]
    if isinstance(value, bool):
        raise CellProblem("应为金额")
    if isinstance(value, int | float):
        if value < 0:
            raise _negative_money(col)
        return _reasonable(_to_decimal(value) * factor, money=True).quantize(_CENT)
    text = cell_text(value)
    try:
        n = parse_stated_number(text)
    except ValueError as exc:
        if _MINUS.match(text):  # "-30万元": a negative amount, not an unreadable one
            try:
                parse_stated_number(_MINUS.sub("", text, count=1))
            except ValueError:
                pass
            else:
                raise _negative_money(col) from exc
        raise CellProblem(
            f"无法识别的金额“{text}”", f"请填写数字（单位：{unit or col.unit}），或写明单位，如 500万元、1.2亿元"
        ) from exc
    if n.unit and not n.is_money:
        raise CellProblem(f"金额单位应为元、万元或亿元，而不是“{n.unit}”", f"本列单位为{unit or col.unit}")
    # "3000万" in a 万元 column is 3000万元: a written magnitude makes the figure absolute, like a written 元.
    absolute = n.is_money or any(ch in text for ch in "万萬亿億")
    amount = n.value if absolute else n.value * factor
    if amount < 0:
        raise _negative_money(col)
    return _reasonable(amount, money=True).quantize(_CENT)


def _reasonable(amount: Decimal, *, money: bool) -> Decimal:
    problem = beyond_reason(amount, money=money)
    if problem is not None:
        raise CellProblem(f"“{format_yuan(amount) if money else amount}”{problem}")
    return amount


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (value == int(value) and 10_000_000 <= value <= 99_991_231):
            return _from_serial(value)
        # eight digits typed into a number cell (20250316) are the compact date, as they are in a text cell: no
        # serial has eight digits (the last day Excel knows is 2958465)
        value = str(int(value))
    text = _DATETIME_TAIL.sub("", cell_text(value)).strip()
    m = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            raise CellProblem(f"日期不存在“{text}”", f"可用格式：{DATE_FORMATS_HELP}") from exc
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # an Excel serial that lost its date format
        return _from_serial(float(text))
    raise CellProblem(f"无法识别的日期“{text}”", f"可用格式：{DATE_FORMATS_HELP}")


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2_958_466:
        raise CellProblem(f"无法识别的日期“{serial}”", f"可用格式：{DATE_FORMATS_HELP}")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_enum(col: ColumnSpec, value: Any) -> str:
    text = cell_text(value)
    key = text.replace(" ", "").lower()
    for choice in col.choices:
        if key in (choice.label.lower(), choice.value.lower()) or key in (a.lower() for a in choice.aliases):
            return choice.value
    raise CellProblem(f"“{text}”不是可选值", f"可选：{'、'.join(col.choice_labels())}")


def parse_list(value: Any) -> list[str]:
    out: list[str] = []
    for part in _LIST_SPLIT.split(cell_text(value)):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem(f"“{text}”不是“是”或“否”", "请填写“是”或“否”")


def parse_plain(col: ColumnSpec, value: Any, unit: str | None = None) -> Any:
    """Parse a cell of a column that needs no database lookup. Blank cells are handled by the caller."""
    t = col.type
    if t is ColType.TEXT:
        return parse_text(col, value)
    if t in (ColType.INT, ColType.COUNT):
        return parse_int(value)
    if t is ColType.MONEY:
        return parse_money(col, value, unit)
    if t is ColType.DATE:
        return parse_date(value)
    if t is ColType.ENUM:
        return parse_enum(col, value)
    if t is ColType.LIST:
        items = parse_list(value)
        if col.max_length and len(LIST_SEPARATOR.join(items)) > col.max_length:
            raise CellProblem(f"内容过长（最多 {col.max_length} 字）")
        return items
    if t is ColType.BOOL:
        return parse_bool(value)
    raise TypeError(f"{t} needs a lookup")  # refs are resolved by the import context


def make_plain_parser(col: ColumnSpec, unit: str | None = None) -> Callable[[Any], Any]:
    """A fast parser for one column (no lookups): the common cell types take a short path."""
    t = col.type
    if t is ColType.TEXT:
        limit = col.max_length
        pattern = re.compile(col.pattern) if col.pattern else None

        def text(raw: Any) -> str:
            value = raw.strip() if raw.__class__ is str else cell_text(raw)
            if col.paired_digits:
                value = _paired(value)
            if (limit and len(value) > limit) or (pattern and not pattern.fullmatch(value)):
                return parse_text(col, value)  # raises with the reason
            return value

        return text
    if t is ColType.ENUM:
        table: dict[str, str] = {}
        for choice in col.choices:
            for name in (choice.value, choice.label, *choice.aliases):
                table.setdefault(name.replace(" ", "").lower(), choice.value)

        def enum(raw: Any) -> str:
            found = table.get((raw.strip() if raw.__class__ is str else cell_text(raw)).replace(" ", "").lower())
            return found if found is not None else parse_enum(col, raw)

        return enum
    if t is ColType.DATE:
        return lambda raw: raw if raw.__class__ is dt.date else parse_date(raw)
    if t is ColType.LIST:
        list_limit = col.max_length
        split = _LIST_SPLIT.split

        def items(raw: Any) -> list[str]:
            out: list[str] = []
            for part in split(raw.strip() if raw.__class__ is str else cell_text(raw)):
                part = part.strip()
                if part and part not in out:
                    out.append(part)
            if list_limit and len(LIST_SEPARATOR.join(out)) > list_limit:
                raise CellProblem(f"内容过长（最多 {list_limit} 字）")
            return out

        return items
    if t is ColType.MONEY and (unit or col.unit) in MONEY_UNITS:
        factor = MONEY_UNITS[unit or col.unit]

        below = MAX_MONEY / factor  # a number cell under it is within reason; one over it is said by parse_money

        def money(raw: Any) -> Decimal:
            cls = raw.__class__
            if (cls is float or cls is int) and 0 <= raw < below:  # bool is neither: parse_money rejects it
                return (_to_decimal(raw) * factor).quantize(_CENT)
            return parse_money(col, raw, unit)

        return money
    return lambda raw: parse_plain(col, raw, unit)


def empty_value(col: ColumnSpec) -> Any:
    return [] if col.type is ColType.LIST else None


def normalise_db(col: ColumnSpec, value: Any) -> Any:
    """A database value in the form ``parse_plain`` returns, so that equal data compares equal."""
    if value is None:
        return empty_value(col)
    if col.type is ColType.ENUM:
        return str(getattr(value, "value", value))
    if col.type is ColType.MONEY:
        return Decimal(value).quantize(_CENT)
    if col.type is ColType.LIST:
        return list(value)
    if col.type is ColType.DATE and isinstance(value, dt.datetime):
        return value.date()
    return value


def db_normaliser(col: ColumnSpec) -> Callable[[Any], Any] | None:
    """``normalise_db`` for one column, or None where it returns the value itself (text, numbers, refs)."""
    if col.type in (ColType.ENUM, ColType.MONEY, ColType.LIST, ColType.DATE) or empty_value(col) is not None:
        return lambda value: normalise_db(col, value)
    return None


def format_cell(col: ColumnSpec, value: Any) -> Any:
    """A typed value as written to a cell: labels for enums, the header's unit for money, ；-joined lists."""
    if value is None or value == []:
        return None
    t = col.type
    if t is ColType.ENUM:
        v = str(getattr(value, "value", value))
        for choice in col.choices:
            if choice.value == v:
                return choice.label
        return v
    if t is ColType.MONEY:
        amount = Decimal(value) / MONEY_UNITS[col.unit]
        return float(amount) if _float_exact(amount) else f"{amount.normalize():f}"
    if t is ColType.LIST:
        return LIST_SEPARATOR.join(value)
    if t is ColType.BOOL:
        return "是" if value else "否"
    return value


def _float_exact(amount: Decimal) -> bool:
    return Decimal(repr(float(amount))) == amount
