"""A streaming reader for the first worksheet of an .xlsx file: constant memory, regular expressions over chunks.

It understands what Excel, WPS, LibreOffice, openpyxl and xlsxwriter write: shared and inline strings, rich
text, numbers, booleans, formula results, error values and date-formatted numbers (built-in and custom date
formats, the 1904 date system). Anything else raises ``Unsupported`` before the first row is returned, and the
caller falls back to calamine. A broken zip or missing part raises ``Damaged``. A cell longer than the limit
or a row wider than it raises ``readers.FileProblem`` as soon as it is met; a row is never buffered past
``_ROW_BYTES`` and shared strings are parsed with expat, one piece of text at a time.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from xiaodi.tables.readers import FileProblem, Limits

_CHUNK = 1 << 20
_ROW_BYTES = 32 << 20  # no real row of an information table comes near; a longer one is refused, not buffered
_DATE_BUILTINS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_DATE_CODE = re.compile(r"[dmyhs]", re.I)
_FMT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_T_ATTR = re.compile(r'\bt="(\w+)"')
_S_ATTR = re.compile(r'\bs="(\d+)"')
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


class Unsupported(Exception):
    """The workbook uses markup this reader does not handle; use calamine instead."""


class Damaged(Exception):
    """The file is not a readable workbook."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _unescape(text: str) -> str:
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _ENTITIES[name]


class Sheet:
    def __init__(
        self,
        zf: zipfile.ZipFile,
        sheet_path: str,
        strings: list[str],
        date_styles: set[int],
        epoch: dt.datetime,
        prefix: str,
        total_rows: int | None,
        limits: Limits,
    ) -> None:
        self._zf = zf
        self._limits = limits
        self._path = sheet_path
        self._strings = strings
        self._dates = date_styles
        self._epoch = epoch
        self.total_rows = total_rows
        p = re.escape(prefix)
        self._cell = re.compile(
            rf'<{p}c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(?:<{p}f\b[^>]*?(?:/>|>[^<]*</{p}f>))?'
            rf"(?:<{p}v>([^<]*)</{p}v>|<{p}is><{p}t(?:\s[^>]*)?>([^<]*)</{p}t></{p}is>)?(.*?)</{p}c>)",
            re.S,
        )
        self._t = re.compile(rf"<{p}t(?:\s[^>]*)?>([^<]*)</{p}t>")
        self._rph = re.compile(rf"<{p}rPh\b.*?</{p}rPh>", re.S)
        self._cell_open = re.compile(rf"<{p}c[\s>/]")  # a cell start, to detect a truncated sheet
        self._row_end = f"</{prefix}row>"
        self._cols: dict[str, int] = {}
        self._attr_cache: dict[str, tuple[str | None, bool]] = {}
        self._prefix = prefix

    def close(self) -> None:
        self._zf.close()

    def _col(self, letters: str) -> int:
        idx = self._cols.get(letters)
        if idx is None:
            idx = 0
            for ch in letters:
                idx = idx * 26 + ord(ch) - 64
            idx -= 1
            self._cols[letters] = idx
        return idx

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            fh = self._zf.open(self._path)
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError) as exc:
            raise Damaged(str(exc)) from exc
        with fh:
            yield from self._scan(fh)

    def _chunks(self, fh: IO[bytes]) -> Iterator[str]:
        buf = b""
        end_tag = self._row_end.encode()
        while True:
            try:
                chunk = fh.read(_CHUNK)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise Damaged(f"工作表数据不完整：{exc}") from exc
            if not chunk:
                break
            buf += chunk
            end = buf.rfind(end_tag)
            if end < 0:
                if len(buf) > _ROW_BYTES:
                    raise FileProblem(f"工作表中有一行超过 {_ROW_BYTES >> 20} MB，已拒绝；请检查文件是否异常")
                continue
            end += len(end_tag)
            part, buf = buf[:end], buf[end:]
            yield part.decode("utf-8")
        tail = buf.decode("utf-8", errors="replace")
        if self._cell_open.search(tail):
            raise Damaged("工作表数据不完整")

    def _attrs(self, attrs: str) -> tuple[str | None, bool]:
        """The cell type and whether its style is a date format; cached because few attribute strings exist."""
        found = self._attr_cache.get(attrs)
        if found is None:
            m = _T_ATTR.search(attrs)
            sm = _S_ATTR.search(attrs)
            t = m.group(1) if m else None
            found = (None if t == "n" else t, bool(sm and int(sm.group(1)) in self._dates))
            self._attr_cache[attrs] = found
        return found

    def _scan(self, fh: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
        current = -1
        values: list[Any] = []
        current_s = ""
        strings = self._strings
        attr_info = self._attrs
        attr_cache = self._attr_cache
        col_of = self._col
        cols = self._cols
        append = values.append
        no_attrs = (None, False)
        opens = (f"<{self._prefix}c ", f"<{self._prefix}c>")
        limits = self._limits
        max_chars, max_cols = limits.cell_chars, limits.columns
        for part in self._chunks(fh):
            matches = self._cell.findall(part)
            if len(matches) != part.count(opens[0]) + part.count(opens[1]):
                raise Unsupported("cells without r attribute or unknown markup")
            for letters, row_s, attrs, v, inline, rest in matches:
                if row_s != current_s:  # the row number's text: int() only once per row
                    row = int(row_s)
                    if row != current:
                        if current > 0:
                            yield current, values
                        current, values = row, []
                        append = values.append
                    current_s = row_s
                col = cols.get(letters)
                if col is None:
                    col = col_of(letters)
                    if col >= max_cols:
                        raise limits.too_wide(int(row_s))
                n = len(values)
                if col != n:
                    if col < n:
                        raise Damaged(f"单元格顺序错误：{letters}{row_s}")
                    values.extend([None] * (col - n))
                if attrs:
                    info = attr_cache.get(attrs)
                    t, is_date = info if info is not None else attr_info(attrs)
                else:
                    t, is_date = no_attrs
                value: Any
                if t == "inlineStr" and not rest:  # what the tables writer and openpyxl write: plain inline text
                    if inline and ("&" in inline or "_x" in inline):
                        inline = _unescape(inline)
                    if len(inline) > max_chars:
                        raise limits.cell_too_long(int(row_s), letters, len(inline))
                    append(inline or None)
                    continue
                if t == "s":
                    try:
                        append(strings[int(v)])
                    except (ValueError, IndexError) as exc:
                        raise Damaged(f"共享字符串编号无效：{v}") from exc
                    continue
                if t is None:
                    if not v:
                        value = None
                    else:
                        value = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
                        if is_date:
                            value = self._date(value)
                elif t == "inlineStr":
                    text = inline if not rest else "".join(self._t.findall(self._rph.sub("", rest)))
                    value = _unescape(text) if text else None
                elif t == "s":
                    try:
                        value = strings[int(v)]
                    except (ValueError, IndexError) as exc:
                        raise Damaged(f"共享字符串编号无效：{v}") from exc
                elif t in ("str", "e"):
                    value = _unescape(v) if v else None
                elif t == "b":
                    value = v == "1"
                elif t == "d":
                    value = dt.datetime.fromisoformat(v) if v else None
                else:
                    raise Unsupported(f"cell type {t}")
                if isinstance(value, str) and len(value) > max_chars:
                    raise limits.cell_too_long(int(row_s), letters, len(value))
                append(value)
        if current > 0:
            yield current, values

    def _date(self, serial: float) -> dt.datetime | dt.date:
        value = self._epoch + dt.timedelta(seconds=round(serial * 86400))
        if value.hour == value.minute == value.second == 0:
            return value.date()
        return value


def open_first_sheet(path: Path, limits: Limits | None = None) -> Sheet:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise Damaged("不是有效的 zip 压缩包") from exc
    try:
        return _open(zf, limits or Limits.from_settings())
    except (Unsupported, Damaged, FileProblem):
        zf.close()
        raise
    except (KeyError, ET.ParseError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        zf.close()
        raise Damaged(f"{type(exc).__name__}") from exc


def _read_xml(zf: zipfile.ZipFile, name: str) -> ET.Element:
    with zf.open(name) as fh:
        return ET.parse(fh).getroot()


def _open(zf: zipfile.ZipFile, limits: Limits) -> Sheet:
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise Damaged("缺少 xl/workbook.xml")
    wb = _read_xml(zf, "xl/workbook.xml")
    epoch = _EPOCH_1900
    first_rid = None
    for el in wb.iter():
        tag = _local(el.tag)
        if tag == "workbookPr" and el.get("date1904") in ("1", "true"):
            epoch = _EPOCH_1904
        elif tag == "sheet" and first_rid is None:
            first_rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
    targets: dict[str, tuple[str, str]] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in _read_xml(zf, "xl/_rels/workbook.xml.rels"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target)
    sheet_path = targets.get(first_rid or "", ("", "xl/worksheets/sheet1.xml"))[1]
    if sheet_path not in names:
        raise Damaged(f"缺少工作表 {sheet_path}")
    strings_path = next((t for kind, t in targets.values() if kind == "sharedStrings"), "xl/sharedStrings.xml")
    styles_path = next((t for kind, t in targets.values() if kind == "styles"), "xl/styles.xml")
    strings = _shared_strings(zf, strings_path, limits.cell_chars) if strings_path in names else []
    dates = _date_styles(zf, styles_path) if styles_path in names else set()
    with zf.open(sheet_path) as fh:
        head = fh.read(4096).decode("utf-8", errors="replace")
    m = re.search(r"<(\w+:)?worksheet\b", head)
    if not m:
        raise Unsupported("no worksheet element")
    prefix = m.group(1) or ""
    dim = re.search(r'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    total = int(dim.group(1)) if dim else None
    return Sheet(zf, sheet_path, strings, dates, epoch, prefix, total, limits)


def _shared_strings(zf: zipfile.ZipFile, name: str, max_chars: int) -> list[str]:
    """The shared strings, in order. Parsed with expat piece by piece, so one enormous string is refused when it
    passes ``max_chars`` instead of being collected first; a DOCTYPE (entity expansion) is refused outright."""
    out: list[str] = []
    parts: list[str] = []
    size = 0
    depth_t = 0  # inside a <t> of the current <si> (phonetic runs <rPh> are skipped)
    in_rph = 0

    def start(tag: str, _attrs: dict[str, str]) -> None:
        nonlocal depth_t, in_rph, size
        local = _local(tag)
        if local == "si":
            parts.clear()
            size = 0
        elif local == "rPh":
            in_rph += 1
        elif local == "t" and not in_rph:
            depth_t += 1

    def end(tag: str) -> None:
        nonlocal depth_t, in_rph
        local = _local(tag)
        if local == "si":
            out.append(_unescape_x("".join(parts)))
        elif local == "rPh":
            in_rph -= 1
        elif local == "t" and not in_rph:
            depth_t -= 1

    def text(data: str) -> None:
        nonlocal size
        if depth_t > 0:
            size += len(data)
            if size > max_chars:
                raise FileProblem(f"工作簿第 {len(out) + 1} 个文本超过 {max_chars} 个字符"
                                  "（Excel 单元格的上限），已拒绝")
            parts.append(data)

    def doctype(*_args: object) -> None:
        raise Damaged("共享字符串含有 DOCTYPE")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Damaged(f"共享字符串：{exc}") from exc
    return out


def _unescape_x(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _date_styles(zf: zipfile.ZipFile, name: str) -> set[int]:
    root = _read_xml(zf, name)
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for el in root:
        tag = _local(el.tag)
        if tag == "numFmts":
            for fmt in el:
                custom[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        elif tag == "cellXfs":
            xfs = [int(xf.get("numFmtId", "0")) for xf in el]
    out: set[int] = set()
    for idx, fmt_id in enumerate(xfs):
        if fmt_id in custom:
            if _DATE_CODE.search(_FMT_NOISE.sub("", custom[fmt_id])):
                out.add(idx)
        elif fmt_id in _DATE_BUILTINS:
            out.add(idx)
    return out
