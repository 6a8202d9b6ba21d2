"""Report files → JSON-ready results (报道导入流程), one dict per file, never raising for a bad file.

``ingest_text`` handles one report; ``ingest_paths`` walks files and folders so that one empty, binary or oversized
file yields ``{"file", "error"}`` and the rest of the batch is still processed. The CLI (``xiaodi ingest``) and the
review UI call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiaodi.core.paths import path_problem
from xiaodi.ingest.clean import clean_report
from xiaodi.ingest.decode import MAX_BYTES, IngestError
from xiaodi.ingest.figures import StatedFigure, extract_figures
from xiaodi.ingest.orgs import find_cooperations, find_organisations

REPORT_SUFFIXES = frozenset({".txt", ".html", ".htm", ".md", ".text", ""})


def json_number(value: Decimal) -> int | float:
    """A JSON number: int when integral (23730000000), else float (12.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


def figure_dict(fig: StatedFigure) -> dict[str, Any]:
    """The published shape of one figure."""
    return {
        "metric": fig.metric, "value": json_number(fig.value), "unit": fig.unit, "approx": fig.approx,
        "quote": fig.quote, "region": fig.region, "period": fig.period, "is_plan": fig.is_plan,
    }  # fmt: skip


def ingest_text(
    raw: bytes | str,
    filename: str,
    *,
    known_names: Iterable[str] = (),
    aliases: Mapping[str, str] | None = None,
    default_region: str | None = None,
    details: bool = False,
) -> dict[str, Any]:
    """Clean one report and extract its figures and organisations (单篇报道导入).

    The result has exactly ``file, title, text, figures, organisations, warnings``; ``details=True`` adds
    ``date, source, author, cooperations``. Raises ``IngestError`` when the file cannot be read;
    ``ingest_paths`` turns that into an ``error`` entry.
    """
    report = clean_report(raw, filename=filename)
    figures = extract_figures(report.text, default_region=default_region)
    names = list(known_names)
    orgs = find_organisations(report.text, known_names=names, aliases=aliases)
    pairs = find_cooperations(report.text, known_names=names, aliases=aliases) if details else []
    warnings = list(report.warnings)
    if not figures:
        warnings.append("未识别到任何统计数字（报道可能没有数字，或数字写法未被识别）。")
    result: dict[str, Any] = {
        "file": filename,
        "title": report.title,
        "text": report.text,
        "figures": [figure_dict(f) for f in figures],
        "organisations": [{"name": o.name, "kind": o.kind, "mention": o.mention} for o in orgs],
        "warnings": warnings,
    }
    if details:
        result["date"] = report.date.isoformat() if report.date else None
        result["source"], result["author"] = report.source, report.author
        result["cooperations"] = [{"a": c.a, "b": c.b, "topic": c.topic, "quote": c.quote} for c in pairs]
    return result


def _walk(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def ingest_paths(paths: Iterable[Path], **options: Any) -> Iterator[dict[str, Any]]:
    """Ingest files and folders (批量导入): one dict per file, ``{"file", "error"}`` for a file that cannot be read.

    Never raises for a bad file: the other files of the batch are still processed.
    """
    for path in _walk(paths):
        name = str(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:  # refuse before reading an enormous file into memory
                raise IngestError(f"文件过大（{size / 1024 / 1024:.1f} MB），超过报道导入上限 "
                                  f"{MAX_BYTES // 1024 // 1024} MB；请只导入报道正文。")
            yield ingest_text(path.read_bytes(), name, **options)
        except IngestError as exc:
            yield {"file": name, "error": exc.message}
        except OSError as exc:
            yield {"file": name, "error": path_problem(exc, path, writing=False)}
        except Exception as exc:  # a bug must not stop the batch; the message says so plainly
            yield {"file": name, "error": f"处理该文件时出现内部错误（{type(exc).__name__}），其他文件不受影响。"}
