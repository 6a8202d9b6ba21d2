"""An office runs ``xiaodi ingest`` on a county's news report to see the figures it states before storing them.
The table named each figure by its programme key (amount_signed, funds_in_place, output_value) and printed 3.6亿元
as "360000000 亿元"; it names them as the ledger's figures are named (figures.metrics) and gives each value in the
unit the report wrote."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from xiaodi.ingest import cli as ingest_cli

REPORT = ("河津市校地合作工作取得新进展\n"
          "今年以来，河津市与12所高校签订合作协议28项，签约金额3.6亿元。"
          "截至10月底，已落地项目19个，到位资金1.2亿元，投资3000万元。\n")


def test_the_figures_of_a_report_read_in_chinese_and_in_the_unit_the_report_wrote(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(ingest_cli.app, [str(report), "--db", f"sqlite:///{tmp_path / 'none.db'}"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {tuple(c.strip() for c in line.split("│")[1:4]) for line in result.output.splitlines() if "│" in line}
    assert ("签约金额", "3.6", "亿元") in rows
    assert ("到位资金", "1.2", "亿元") in rows
    assert ("投资额", "3000", "万元") in rows
    assert ("落地项目", "19", "个") in rows
    assert "amount_signed" not in result.output and "funds_in_place" not in result.output
    assert "360000000" not in result.output


def test_a_stored_report_says_where_its_figures_are_reviewed(tmp_path: Path) -> None:
    """`ingest --store` printed the same table as without it: the office did not learn the report was stored, nor
    what to do next."""
    from tests.conftest import initialised_ledger

    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    url = initialised_ledger(tmp_path / "ledger.db")
    result = CliRunner().invoke(ingest_cli.app, [str(report), "--store", "--db", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "已入库：报道编号 1，待核对——请在网页 /reports/1 逐项采信或更正" in result.output
