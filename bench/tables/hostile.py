"""Memory ceiling of importing hostile files (恶意文件导入的内存上限): each is refused, and how much memory did it take?

Three files the import must refuse without reading them whole: a 6.5 MB xlsx that would unpack to 2.2 GB, past the
200 MB limit (a zip bomb), an xlsx whose one shared string is longer than Excel's 32,767 characters, and a CSV
with a 10,000-column header. For each: the refusal message, the peak of Python allocations (tracemalloc) and the
process's peak RSS growth, with the ceiling the benchmark asserts (16 MB of Python allocations).

Run: ``PYTHONPATH=src:. python -m bench.tables.hostile``.
"""

from __future__ import annotations

import json
import resource
import tempfile
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

from xiaodi.tables.readers import FileProblem, open_table

CEILING_MB = 16
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>')
SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
         '2006/main"><sheetData>{}</sheetData></worksheet>')


def _xlsx(path: Path, rows: Iterator[str], shared: str | None = None) -> Path:
    head, tail = SHEET.split("{}")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", shared)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            for row in rows:
                fh.write(row.encode())
            fh.write(tail.encode())
    return path


def hostile_files(folder: Path) -> dict[str, Path]:
    cell = '<c r="A2" t="inlineStr"><is><t>煤矸石陶粒</t></is></c>'
    block = f'<row r="2">{cell * 8000}</row>' * 24  # ≈ 1 MB of XML, repeated
    long_string = "x" * 40_000
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              f'2006/main" count="1" uniqueCount="1"><si><t>{long_string}</t></si></sst>')
    csv = folder / "宽表头.csv"
    csv.write_text(",".join(f"列{i}" for i in range(10_000)) + "\n1\n", encoding="utf-8")
    return {
        "zip bomb (unpacks past 200 MB)": _xlsx(folder / "炸弹.xlsx", (block for _ in range(205))),
        "shared string past 32,767 characters": _xlsx(
            folder / "长字符串.xlsx", iter(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']), shared),
        "CSV header of 10,000 columns": csv,
    }


def measure(path: Path) -> dict[str, object]:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    message = ""
    try:
        with open_table(path) as table:
            for _ in table.rows:
                pass
    except FileProblem as exc:
        message = exc.message
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return {"file_mb": round(path.stat().st_size / 2**20, 2), "refused": bool(message), "message": message[:80],
            "python_peak_mb": round(peak / 2**20, 2), "rss_peak_growth_mb": round(rss_growth / 1024, 1),
            "within_ceiling": bool(message) and peak < CEILING_MB * 2**20}


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="xiaodi-hostile-"))
    results = {name: measure(path) for name, path in hostile_files(folder).items()}
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if not all(r["within_ceiling"] for r in results.values()):
        raise SystemExit("a hostile file was not refused within the memory ceiling")


if __name__ == "__main__":
    main()
