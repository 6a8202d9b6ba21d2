"""A tester typed 签约金额 −50 into the 协议清单 and it was written and counted in the figures. No amount in any
information table may be negative: the money cell itself refuses it, by row and column, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.tables.test_bad_input import failing, write_csv, write_xlsx
from xiaodi.core.audit import Actor
from xiaodi.tables import all_tables
from xiaodi.tables.spec import ColType, ColumnSpec
from xiaodi.tables.values import CellProblem, make_plain_parser, parse_plain

HEADER = ["协议编号", "协议名称", "协议类型", "签约日期", "签约各方", "签约金额（万元）"]
PARTIES = "山西示例新材料有限公司；太原理工大学"

MONEY_COLUMNS = [(spec.name, col) for spec in all_tables().values() for col in spec.columns
                 if col.type is ColType.MONEY and not col.read_only]


def test_a_negative_number_in_the_agreement_amount_is_refused_and_nothing_is_written(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "协议.xlsx", [
        HEADER,
        ["XY-1", "技术开发合同", "技术开发", "2024-05-20", PARTIES, 500],
        ["XY-2", "技术服务合同", "技术开发", "2024-05-21", PARTIES, -50],
    ])
    message = failing(db_engine, actor, counts, path, table="agreements")
    assert "第 3 行 F列「签约金额（万元）」：签约金额不能为负数" in message
    assert "第 2 行" not in message


def test_a_negative_amount_written_as_text_says_negative_not_unreadable(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "协议.csv", [
        HEADER,
        ["XY-3", "技术开发合同", "技术开发", "2024-05-20", PARTIES, "-30万元"],
        ["XY-4", "技术转让合同", "技术开发", "2024-05-20", PARTIES, "－12"],
        ["XY-5", "技术咨询合同", "技术开发", "2024-05-20", PARTIES, "-很多"],
    ])
    message = failing(db_engine, actor, counts, path, table="agreements")
    assert "第 2 行 F列「签约金额（万元）」：签约金额不能为负数" in message
    assert "第 3 行 F列「签约金额（万元）」：签约金额不能为负数" in message
    assert "第 4 行 F列「签约金额（万元）」：无法识别的金额“-很多”" in message
    assert "无法识别的金额“-30万元”" not in message


@pytest.mark.parametrize(("table", "col"), MONEY_COLUMNS, ids=[f"{t}-{c.key}" for t, c in MONEY_COLUMNS])
@pytest.mark.parametrize("cell", [-50, -0.5, "-30万元", "-1.2亿元", "-80"])
def test_every_money_column_of_every_table_refuses_a_negative_amount(table: str, col: ColumnSpec, cell: Any) -> None:
    for parse in (make_plain_parser(col), lambda raw, col=col: parse_plain(col, raw)):
        with pytest.raises(CellProblem, match=f"^{col.base_header}不能为负数$"):
            parse(cell)


def test_zero_and_positive_amounts_still_read() -> None:
    _table, col = next((t, c) for t, c in MONEY_COLUMNS if t == "agreements")
    parse = make_plain_parser(col)
    assert [str(parse(v)) for v in (0, 12.5, "30万元", "0")] == ["0.00", "125000.00", "300000.00", "0.00"]
