"""Reading information tables from .xlsx (and .xls) and .csv files, one row at a time.

Why a streaming .xlsx reader of our own: python-calamine is fast but loads the whole sheet into memory before
the first row is returned (``get_sheet_by_index`` materialises the cell range: 49 MB peak RSS for 20,000
achievement rows, 206 MB for 100,000 — it grows with the file); openpyxl's read-only mode streams but is about
ten times slower than calamine (29 s against 3 s for a 100,000-row file on the benchmark machine). The sheet XML
that Excel, WPS, LibreOffice, openpyxl and xlsxwriter write is regular, so ``xlsx_stream`` scans it with a few
compiled regular expressions over 1 MB chunks: 74 MB flat for both files, at about twice calamine's CPU time
(5.9 s against 2.9 s for 100,000 rows) — see docs/benchmarks_tables.md. Workbooks it does not recognise (cells
without an ``r`` attribute, unusual markup) and old .xls files are read with calamine.

CSV: UTF-8 with or without BOM is tried strictly first, then GB18030 (a superset of GBK, what WPS and Excel
write on Chinese Windows), then UTF-16 when there is a BOM; anything else is refused with a clear message.

Hostile files are refused early, in flat memory (``Limits``, from the settings): an .xlsx whose parts would
unpack past ``XIAODI_MAX_UNCOMPRESSED_MB`` is refused from the zip directory before anything is read (Python's
zip reader never yields more than a member's declared size); a cell longer than Excel's own limit, a row wider
than ``XIAODI_MAX_COLUMNS`` and a NUL byte in a CSV are refused with their row and column.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xiaodi.core.errors import XiaodiError
from xiaodi.core.settings import Settings, get_settings
from xiaodi.tables.formulas import restore_formula

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
SUPPORTED = ".xlsx、.xls 或 .csv"


class FileProblem(XiaodiError):
    """The file itself cannot be read (not found, damaged, wrong format or encoding)."""

    status = 422
    code = "bad_file"


MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How large a table file may be once read (configurable: ``XIAODI_MAX_*``)."""

    uncompressed_bytes: int = 200 * MB
    cell_chars: int = 32_767  # Excel's own limit for one cell
    columns: int = 1000

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Limits:
        s = settings or get_settings()
        return cls(s.max_uncompressed_mb * MB, s.max_cell_chars, s.max_columns)

    def cell_too_long(self, row: int, column: str, length: int) -> FileProblem:
        return FileProblem(f"第 {row} 行 {column}列的内容有 {length} 个字符，超过单元格上限 {self.cell_chars}"
                           "（Excel 的上限），已拒绝")

    def too_wide(self, row: int, width: int | None = None) -> FileProblem:
        count = f"有 {width} 列" if width else "的列数"
        return FileProblem(f"第 {row} 行{count}，超过上限 {self.columns} 列；请只保留本表的列")


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _checked(rows: Iterator[tuple[int, list[Any]]], limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """Rows from a reader that cannot check as it reads (calamine, csv): width and cell length."""
    for number, values in rows:
        if len(values) > limits.columns:
            raise limits.too_wide(number, len(values))
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v) > limits.cell_chars:
                raise limits.cell_too_long(number, column_name(i), len(v))
        yield number, values


@dataclass
class TableFile:
    """An open table file: rows as (Excel row number, cell values), and what was learnt while opening it."""

    path: Path
    kind: str  # xlsx | xls | csv
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str | None = None  # csv only
    reader: str = ""  # which reader: stream | calamine | csv
    total_rows: int | None = None  # an estimate for progress bars, when known
    _closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for c in self._closers:
            with contextlib.suppress(Exception):  # closing must never hide the real outcome
                c.close()

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(path: str | Path, limits: Limits | None = None) -> TableFile:
    """Open ``path`` for reading; raises ``FileProblem`` (in Chinese) when it cannot be read or is too large
    (also while its rows are read)."""
    limits = limits or Limits.from_settings()
    p = Path(path)
    if not p.is_file():
        raise FileProblem(f"文件 {p.name} 不存在或不是文件")
    with p.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise FileProblem(f"文件 {p.name} 是空文件")
    suffix = p.suffix.lower()
    if head.startswith(XLSX_MAGIC):
        if suffix == ".csv":
            raise FileProblem(f"文件 {p.name} 扩展名是 .csv，内容却是 Excel 工作簿；请把扩展名改为 .xlsx")
        _check_expansion(p, limits)
        return _open_xlsx(p, limits)
    if head.startswith(XLS_MAGIC):
        return _open_calamine(p, "xls", limits)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise FileProblem(
            f"文件 {p.name} 不是有效的 Excel 文件（可能已损坏、未下载完整，或是改了扩展名的其他文件）；"
            "请在 Excel/WPS 中打开后另存为 .xlsx 再导入"
        )
    if suffix not in (".csv", ".txt", ""):
        raise FileProblem(f"不支持的文件类型 {suffix}：请使用 {SUPPORTED}")
    return _open_csv(p, limits)


# ---- xlsx -------------------------------------------------------------------------------------------------


def _check_expansion(p: Path, limits: Limits) -> None:
    """Refuse a workbook whose parts add up past the limit, from the zip directory alone (a zip bomb)."""
    try:
        with zipfile.ZipFile(p) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return  # damaged: the reader says so
    if total > limits.uncompressed_bytes:
        raise FileProblem(f"文件 {p.name} 解压后有 {total / MB:.0f} MB，超过上限 {limits.uncompressed_bytes // MB} MB"
                          "（可能是压缩炸弹），已拒绝；请拆分为几个文件导入")


def _open_xlsx(p: Path, limits: Limits) -> TableFile:
    from xiaodi.tables import xlsx_stream

    try:
        sheet = xlsx_stream.open_first_sheet(p, limits)
    except xlsx_stream.Unsupported:
        return _open_calamine(p, "xlsx", limits)
    except xlsx_stream.Damaged as exc:
        raise _damaged(p, exc) from exc
    # Read the first rows now: markup the stream reader does not know shows in the first chunk, and then the
    # whole file is read by calamine instead.
    rows = sheet.rows()
    try:
        first = next(rows, None)
    except xlsx_stream.Unsupported:
        sheet.close()
        return _open_calamine(p, "xlsx", limits)
    except xlsx_stream.Damaged as exc:
        sheet.close()
        raise _damaged(p, exc) from exc
    return TableFile(
        path=p,
        kind="xlsx",
        rows=itertools.chain([first] if first else [], rows),
        reader="stream",
        total_rows=sheet.total_rows,
        _closers=[sheet],
    )


def _damaged(p: Path, exc: Exception) -> FileProblem:
    return FileProblem(f"文件 {p.name} 已损坏或不完整（{exc}）；请在 Excel/WPS 中打开确认后另存为 .xlsx 再导入")


def _open_calamine(p: Path, kind: str, limits: Limits) -> TableFile:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(p))
        sheet = wb.get_sheet_by_index(0)
    except Exception as exc:
        raise FileProblem(
            f"文件 {p.name} 已损坏或不是有效的 Excel 文件（{type(exc).__name__}）；"
            "请在 Excel/WPS 中打开后另存为 .xlsx 再导入"
        ) from exc
    start_row, start_col = sheet.start or (0, 0)
    if sheet.width + start_col > limits.columns:
        raise limits.too_wide(start_row + 1, sheet.width + start_col)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        pad: list[Any] = [None] * start_col
        for i, values in enumerate(sheet.iter_rows()):
            yield start_row + i + 1, pad + [None if v == "" else v for v in values]

    return TableFile(path=p, kind=kind, rows=_checked(rows(), limits), reader="calamine", total_rows=sheet.height,
                     _closers=[wb])


# ---- csv --------------------------------------------------------------------------------------------------

_CHUNK = 1 << 20


def detect_encoding(p: Path) -> str:
    """utf-8-sig if the whole file decodes strictly as UTF-8, else gb18030, else utf-16 (with BOM); or refuse."""
    with p.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    _refuse_nul(p)
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes(p, encoding):
            return encoding
    raise FileProblem(
        f"文件 {p.name} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）；"
        "请在 Excel/WPS 中打开后“另存为”CSV UTF-8 或 .xlsx 再导入"
    )


def _refuse_nul(p: Path) -> None:
    """A stray NUL byte is no text: say so, with its line, rather than call the encoding unknown."""
    line = 1
    with p.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            at = chunk.find(b"\x00")
            if at >= 0 and _looks_utf16(chunk):
                return  # UTF-16 without its byte-order mark: the encoding check names that
            if at >= 0:
                line += chunk.count(b"\n", 0, at)
                raise FileProblem(f"文件 {p.name} 第 {line} 行含有 NUL 空字符（\\0），不是文本表格；"
                                  "请在 Excel/WPS 中打开后另存为 .xlsx 或“CSV UTF-8”")
            line += chunk.count(b"\n")


def _looks_utf16(chunk: bytes) -> bool:
    """Several NUL bytes, all at even or all at odd offsets: the high bytes of UTF-16 text."""
    offsets = [i for i, b in enumerate(chunk[:65536]) if b == 0]
    return len(offsets) >= 2 and len({i % 2 for i in offsets}) == 1


def _decodes(p: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with p.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _open_csv(p: Path, limits: Limits) -> TableFile:
    encoding = detect_encoding(p)
    fh = p.open("r", encoding=encoding, newline="")
    first = fh.readline()
    fh.seek(0)
    delimiter = "\t" if "\t" in first and "," not in first else ","
    size = p.stat().st_size

    def rows() -> Iterator[tuple[int, list[Any]]]:
        n = 0
        try:
            for record in csv.reader(fh, delimiter=delimiter):
                n += 1
                yield n, [None if v == "" else restore_formula(v) for v in record]  # as the CSV writer escapes
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FileProblem(f"文件 {p.name} 第 {n + 1} 行有单元格超过 {limits.cell_chars} 个字符"
                                  "（Excel 的上限），已拒绝；可能缺少闭合的引号") from exc
            raise FileProblem(f"文件 {p.name} 第 {n + 1} 行 CSV 格式错误（{exc}），可能有未闭合的引号") from exc

    # A row estimate for progress bars: about 200 bytes per row in a typical table.
    return TableFile(
        path=p, kind="csv", rows=_checked(rows(), limits), encoding=encoding, reader="csv",
        total_rows=max(1, size // 200), _closers=[fh]
    )


def read_all(path: str | Path) -> list[list[Any]]:
    """Every row of a table file, padded to equal width (used by tests and small tools, not by imports)."""
    with open_table(path) as tf:
        rows = [values for _n, values in tf.rows]
    width = max((len(r) for r in rows), default=0)
    out = []
    for r in rows:
        r = r + [None] * (width - len(r))
        while r and r[-1] is None and len(r) > width:
            r.pop()
        out.append(r)
    return out
