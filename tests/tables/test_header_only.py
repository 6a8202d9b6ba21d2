"""A tester imported a 协议清单 holding its header row and nothing else: the CLI said "共 0 行" with no word of
warning, as if an empty import had worked. A file without data rows now says so in Chinese — on the command line
and on the import page — and nothing is written; it is not an error, because an empty list's export (its header
alone) must import back unchanged like any other export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.tables.test_bad_input import write_csv, write_xlsx
from xiaodi.core.audit import Actor
from xiaodi.tables import import_file
from xiaodi.tables.cli import make_app

HEADER = ["协议编号", "协议名称", "协议类型", "签约日期", "签约各方"]


def test_a_file_with_only_its_header_row_says_it_has_no_data_rows(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    before = counts(db_engine)
    result = import_file(db_engine, "agreements", write_xlsx(tmp_path / "协议.xlsx", [HEADER, [], []]), actor=actor)
    assert result.rows == 0 and not result.errors and counts(db_engine) == before
    assert any("只有表头（第 1 行），没有数据行，未导入任何记录" in w for w in result.warnings)


def test_a_template_with_only_its_example_row_imports_nothing_and_says_so(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    example = ["【示例】XY-1", "技术开发合同", "技术开发", "2024-05-20", "山西示例新材料有限公司；太原理工大学"]
    before = counts(db_engine)
    result = import_file(db_engine, "agreements", write_csv(tmp_path / "协议模板.csv", [HEADER, example]), actor=actor)
    assert (result.rows, result.skipped) == (0, 1) and counts(db_engine) == before
    assert any("没有数据行" in w for w in result.warnings)


def test_the_command_line_says_the_file_has_no_data_rows(db_engine: Engine, counts: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "协议.csv", [HEADER])
    before = counts(db_engine)
    for args in (["import", "agreements", str(path), "--dry-run"], ["import", "agreements", str(path)]):
        run = CliRunner().invoke(make_app(lambda _url: db_engine), args)
        assert run.exit_code == 0 and "没有数据行" in run.output, run.output
    assert counts(db_engine) == before
