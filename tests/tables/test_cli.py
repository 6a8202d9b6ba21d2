"""The CLI: ``tables``, ``template``, ``import [--dry-run]``, ``export``; errors are Chinese, never tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from typer.testing import CliRunner

from xiaodi.tables.cli import make_app


def test_cli_story(db_engine: Engine, tmp_path: Path, counts: Any) -> None:
    app = make_app(lambda _url: db_engine)
    runner = CliRunner()
    listed = runner.invoke(app, ["tables"])
    assert listed.exit_code == 0 and "高校联络信息表" in listed.output and "项目清单" in listed.output

    template = tmp_path / "成果模板.xlsx"
    assert runner.invoke(app, ["template", "achievements", str(template)]).exit_code == 0

    data = tmp_path / "成果.csv"
    data.write_text("成果名称,所属单位,参考价格（万元）\n钢渣技术,山西大学,120\n", encoding="utf-8-sig")
    before = counts(db_engine)
    dry = runner.invoke(app, ["import", "achievements", str(data), "--dry-run"])
    assert dry.exit_code == 0 and "将新增 1" in dry.output
    assert counts(db_engine) == before
    done = runner.invoke(app, ["import", "achievements", str(data)])
    assert done.exit_code == 0 and "新增 1" in done.output

    out = tmp_path / "导出.xlsx"
    exported = runner.invoke(app, ["export", "achievements", str(out)])
    assert exported.exit_code == 0 and out.exists()

    bad = tmp_path / "坏.csv"
    bad.write_text("成果名称,所属单位\n某技术,山西大\n", encoding="utf-8-sig")
    failed = runner.invoke(app, ["import", "achievements", str(bad)])
    assert failed.exit_code != 0
    from xiaodi.tables import ImportFailed

    assert isinstance(failed.exception, ImportFailed)  # the main entry point prints its Chinese message
    assert "第 2 行 B列「所属单位」" in failed.exception.message
