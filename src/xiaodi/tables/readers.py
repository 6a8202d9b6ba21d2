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
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xiaodi.core.errors import XiaodiError
from xiaodi.tables.formulas import restore_formula

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
SUPPORTED = ".xlsx、.xls 或 .csv"


class FileProblem(XiaodiError):
    """The file itself cannot be read (not found, damaged, wrong format or encoding)."""

    status = 422
    code = "bad_file"


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


def open_table(path: str | Path) -> TableFile:
    """Open ``path`` for reading; raises ``FileProblem`` (in Chinese) when it cannot be read."""
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
        return _open_xlsx(p)
    if head.startswith(XLS_MAGIC):
        return _open_calamine(p, "xls")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise FileProblem(
            f"文件 {p.name} 不是有效的 Excel 文件（可能已损坏、未下载完整，或是改了扩展名的其他文件）；"
            "请在 Excel/WPS 中打开后另存为 .xlsx 再导入"
        )
    if suffix not in (".csv", ".txt", ""):
        raise FileProblem(f"不支持的文件类型 {suffix}：请使用 {SUPPORTED}")
    return _open_csv(p)


# ---- xlsx -------------------------------------------------------------------------------------------------


def _open_xlsx(p: Path) -> TableFile:
    from xiaodi.tables import xlsx_stream

    try:
        sheet = xlsx_stream.open_first_sheet(p)
    except xlsx_stream.Unsupported:
        return _open_calamine(p, "xlsx")
    except xlsx_stream.Damaged as exc:
        raise _damaged(p, exc) from exc
    # Read the first rows now: markup the stream reader does not know shows in the first chunk, and then the
    # whole file is read by calamine instead.
    rows = sheet.rows()
    try:
        first = next(rows, None)
    except xlsx_stream.Unsupported:
        sheet.close()
        return _open_calamine(p, "xlsx")
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


def _open_calamine(p: Path, kind: str) -> TableFile:
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

    def rows() -> Iterator[tuple[int, list[Any]]]:
        pad: list[Any] = [None] * start_col
        for i, values in enumerate(sheet.iter_rows()):
            yield start_row + i + 1, pad + [None if v == "" else v for v in values]

    return TableFile(path=p, kind=kind, rows=rows(), reader="calamine", total_rows=sheet.height, _closers=[wb])


# ---- csv --------------------------------------------------------------------------------------------------

_CHUNK = 1 << 20


def detect_encoding(p: Path) -> str:
    """utf-8-sig if the whole file decodes strictly as UTF-8, else gb18030, else utf-16 (with BOM); or refuse."""
    with p.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes(p, encoding):
            return encoding
    raise FileProblem(
        f"文件 {p.name} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）；"
        "请在 Excel/WPS 中打开后“另存为”CSV UTF-8 或 .xlsx 再导入"
    )


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


def _open_csv(p: Path) -> TableFile:
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
            raise FileProblem(f"文件 {p.name} 第 {n + 1} 行 CSV 格式错误（{exc}），可能有未闭合的引号") from exc

    # A row estimate for progress bars: about 200 bytes per row in a typical table.
    return TableFile(
        path=p, kind="csv", rows=rows(), encoding=encoding, reader="csv", total_rows=max(1, size // 200), _closers=[fh]
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
