"""Writing information tables: .xlsx through xlsxwriter in constant-memory mode, .csv as UTF-8 with a BOM.

An .xlsx has the Chinese headers in a frozen first row (required headers in red, each with a comment that
explains the column), drop-down lists for option columns, sensible widths, and a second sheet 填写说明.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from xiaodi.core.settings import get_settings
from xiaodi.tables.formulas import neutralise_formula
from xiaodi.tables.readers import FileProblem
from xiaodi.tables.spec import ColType, ColumnSpec, TableSpec, column_letter
from xiaodi.tables.values import DATE_FORMATS_HELP, LIST_SEPARATOR

EXAMPLE_MARK = "【示例】"
_MAX_ROWS = 1_048_575


class RowWriter(Protocol):
    def write_row(self, cells: list[Any]) -> None: ...
    def close(self) -> None: ...


def column_help(col: ColumnSpec) -> str:
    """A column's help in the template (批注, 填写说明): 必填/选填, its type, then its notes."""
    return "；".join([f"{'必填' if col.required else '选填'}", col.type.label, *column_notes(col)])


def column_notes(col: ColumnSpec) -> list[str]:
    """What a column's help says beyond 必填 and its type (the 说明 of ``xiaodi tables``), one note an item."""
    parts: list[str] = []
    if col.type is ColType.MONEY:
        parts.append(f"单位：{col.unit}；也可写“500万元”“1.2亿元”")
    if col.type is ColType.DATE:
        parts.append(f"格式：{DATE_FORMATS_HELP}")
    if col.type is ColType.COUNT:
        parts.append("可写“40”“近40个”“十二个”")
    if col.type is ColType.LIST:
        parts.append(f"多项用“{LIST_SEPARATOR}”分隔")
    if col.choices:
        parts.append("可选：" + "、".join(col.choice_labels()))
    if col.default is not None:
        label = next((c.label for c in col.choices if c.value == col.default), col.default)
        parts.append(f"空白时为“{'是' if label is True else '否' if label is False else label}”")
    if col.pattern_help:
        parts.append(col.pattern_help)
    if col.natural_key:
        parts.append("与其他标识列一起识别记录：再次导入时据此更新")
    if col.unique:
        parts.append("不可重复")
    if col.max_length and col.type is ColType.TEXT:
        parts.append(f"最多 {col.max_length} 字")
    if col.read_only:
        parts.append("只读：导出供参考，导入时忽略")
    if col.help:
        parts.append(col.help)
    return parts


class XlsxTableWriter:
    def __init__(self, path: Path, spec: TableSpec, *, help_sheet: bool = True) -> None:
        import xlsxwriter

        self.spec = spec
        self.path = path
        self._wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False,
        })  # fmt: skip
        # Dated by the day, as the file's name is: two exports of the same records on one day are the same file,
        # byte for byte (xlsxwriter's own zip entries are fixed in time; only the document's creation time moved).
        self._wb.set_properties({"created": dt.datetime.combine(get_settings().today(), dt.time())})
        self._ws = self._wb.add_worksheet(spec.sheet_name)
        self._help = self._wb.add_worksheet("填写说明") if help_sheet else None
        self._date = self._wb.add_format({"num_format": "yyyy-mm-dd"})
        self._money = self._wb.add_format({"num_format": "0.00####"})
        self._wrap = self._wb.add_format({"text_wrap": False})
        head = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"}
        self._head = self._wb.add_format(head)
        self._head_required = self._wb.add_format({**head, "font_color": "#C00000"})
        self._row = 0
        # Data rows are spliced in by ``close``; the formats' style numbers are fixed now so rows can use them.
        self._date_xf = self._date._get_xf_index()
        self._money_xf = self._money._get_xf_index()
        self._letters = [column_letter(i) for i in range(len(spec.columns))]
        self._is_money = [c.type is ColType.MONEY for c in spec.columns]
        self._rows = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 — closed by close()
        self._write_header()

    def _write_header(self) -> None:
        ws = self._ws
        for i, col in enumerate(self.spec.columns):
            width = col.width or max(10, min(40, len(col.header) * 2 + 2))
            ws.set_column(i, i, width)
            ws.write_string(0, i, col.header, self._head_required if col.required else self._head)
            ws.write_comment(0, i, column_help(col), {"x_scale": 2, "y_scale": 1.5})
            if col.choices and len(",".join(col.choice_labels())) < 250:
                ws.data_validation(1, i, _MAX_ROWS, i, {
                    "validate": "list", "source": col.choice_labels(), "ignore_blank": True,
                    "error_title": col.header, "error_message": "请从下拉列表中选择", "error_type": "warning",
                })  # fmt: skip
        ws.freeze_panes(1, 0)
        if self._help is not None:
            h = self._help
            h.set_column(0, 0, 22)
            h.set_column(1, 1, 100)
            h.write_string(0, 0, "列名", self._head)
            h.write_string(0, 1, "填写说明", self._head)
            for i, col in enumerate(self.spec.columns, start=1):
                h.write_string(i, 0, col.header)
                h.write_string(i, 1, column_help(col))
            n = len(self.spec.columns) + 2
            h.write_string(n, 0, "说明")
            h.write_string(
                n,
                1,
                f"{self.spec.title}：第一张工作表第一行为表头，每行一条记录；首列以“{EXAMPLE_MARK}”开头的行"
                "为示例，导入时跳过。整表校验通过才会写入，任何一处错误都不会写入数据。",
            )
        self._row = 1

    def write_row(self, cells: list[Any]) -> None:
        """Append a data row. Rows go to a temporary file as sheet XML and are spliced in on ``close``.

        xlsxwriter spends ~50 µs per cell (0.7 ms per achievement row), which alone would take the 100,000-row
        export past its budget; the data cells are plain inline strings, numbers and dates, so they are written
        here directly, while xlsxwriter still writes everything else (styles, comments, lists, the help sheet).
        """
        r = self._row + 1
        if r > _MAX_ROWS + 1:
            raise FileProblem(f"超过 Excel 的最大行数（{_MAX_ROWS + 1}）：请导出为 .csv")
        out = [f'<row r="{r}">']
        letters = self._letters
        for i, value in enumerate(cells):
            if value is None:
                continue
            ref = f"{letters[i]}{r}"
            if value.__class__ is str:
                out.append(f'<c r="{ref}" t="inlineStr"><is>{_xml_text(value)}</is></c>')
            elif isinstance(value, bool):
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{"是" if value else "否"}</t></is></c>')
            elif isinstance(value, dt.date):
                day = value.date() if isinstance(value, dt.datetime) else value
                out.append(f'<c r="{ref}" s="{self._date_xf}"><v>{(day - _EPOCH).days}</v></c>')
            elif isinstance(value, int | float):
                style = f' s="{self._money_xf}"' if self._is_money[i] else ""
                out.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is>{_xml_text(str(value))}</is></c>')
        out.append("</row>")
        self._rows.write("".join(out))
        self._row = r

    def close(self) -> None:
        try:
            self._wb.close()
            self._splice()
        except OSError as exc:
            raise FileProblem(f"无法写入文件 {self.path.name}：{exc}") from exc
        finally:
            self._rows.close()

    def _splice(self) -> None:
        """Copy the workbook xlsxwriter wrote, with the data rows put into the first sheet's ``sheetData``."""
        tmp = self.path.with_name(self.path.name + ".part")
        sheet = "xl/worksheets/sheet1.xml"
        last = f"{self._letters[len(self.spec.columns) - 1]}{max(self._row, 1)}"
        with (
            zipfile.ZipFile(self.path) as src,
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
        ):
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename != sheet:  # the entry keeps xlsxwriter's fixed time, not the copy's
                    dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                    continue
                xml = data.decode("utf-8")
                cut = xml.index("</sheetData>") if "</sheetData>" in xml else xml.index("<sheetData/>")
                head, tail = xml[:cut], xml[cut:]
                if tail.startswith("<sheetData/>"):
                    head, tail = head + "<sheetData>", "</sheetData>" + tail[len("<sheetData/>") :]
                head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
                # Deflate level 1: a little larger than level 6 and several times faster on the big sheet. The
                # level is ZipInfo's ``_compresslevel`` (public as ``compress_level`` only from Python 3.13).
                entry = zipfile.ZipInfo(sheet, date_time=item.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                setattr(entry, "_compresslevel", 1)  # noqa: B010
                with dst.open(entry, "w", force_zip64=True) as fh:
                    fh.write(head.encode("utf-8"))
                    self._rows.seek(0)
                    while chunk := self._rows.read(1 << 20):
                        fh.write(chunk.encode("utf-8"))
                    fh.write(tail.encode("utf-8"))
        os.replace(tmp, self.path)


_EPOCH = dt.date(1899, 12, 30)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|_x[0-9A-Fa-f]{4}_")


def _xml_text(text: str) -> str:
    """A string as an inline-string ``<t>`` element, escaped as Excel expects."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(text):
        text = _CONTROL.sub(
            lambda m: "_x005F" + m.group(0) if len(m.group(0)) > 1 else f"_x{ord(m.group(0)):04X}_", text
        )
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


class CsvTableWriter:
    """UTF-8 with a BOM, so that Excel and WPS open it with the Chinese intact; formulas neutralised."""

    def __init__(self, path: Path, spec: TableSpec) -> None:
        self.spec = spec
        try:
            self._fh = path.open("w", encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise FileProblem(f"无法写入文件 {path.name}：{exc}") from exc
        self._w = csv.writer(self._fh)
        self._w.writerow([c.header for c in spec.columns])

    def write_row(self, cells: list[Any]) -> None:
        self._w.writerow([_csv_cell(v) for v in cells])

    def close(self) -> None:
        self._fh.close()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, int | Decimal):
        return str(value)  # a number (even -5) is no formula; only text can carry one
    return neutralise_formula(str(value))


def open_writer(path: str | Path, spec: TableSpec, *, help_sheet: bool = True) -> RowWriter:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return XlsxTableWriter(p, spec, help_sheet=help_sheet)
    if suffix == ".csv":
        return CsvTableWriter(p, spec)
    raise FileProblem(f"不支持导出为 {suffix or '无扩展名'} 文件：请使用 .xlsx 或 .csv")


def write_template(spec: TableSpec, path: str | Path, *, example: bool = True, mark_example: bool = True) -> Path:
    """A blank table (填报模板): the headers, one example row (marked, so that it is skipped on import) and help."""
    p = Path(path)
    writer = open_writer(p, spec)
    if example:
        cells = [col.example for col in spec.columns]
        if mark_example and cells and cells[0] is not None:
            cells[0] = f"{EXAMPLE_MARK}{cells[0]}"
        writer.write_row(cells)
    writer.close()
    return p
