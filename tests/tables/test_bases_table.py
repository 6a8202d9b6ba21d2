"""The 基地信息表 (bases): the programme's type names, the new life's states (and the old labels people still
write), contact columns; export → import into an empty ledger → export is byte-identical (CSV) and cell-identical
(Excel)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from xiaodi.bases.models import BaseState, ProgrammeBase
from xiaodi.core.audit import Actor
from xiaodi.tables import export_file, get_table, import_file
from xiaodi.tables.readers import read_all

ROWS: list[list[object]] = [
    ["山西大学河津大学生实习实训基地", "大学生实习实训基地", "山西省运城市河津市", None, "山西大学", None,
     "2024-09-10", "已挂牌", "河津市龙门大道1号", "王敏", "0359-5012345", 200, None],
    ["太原理工大学河津红色教育基地", "红色教育和国情教育基地", "河津市", None, "太原理工大学", None, None,
     "规划中", None, None, None, None, "旧表的状态写法"],
]


def _write(path: Path, rows: list[list[object]]) -> Path:
    from xiaodi.tables.writers import open_writer

    w = open_writer(path, get_table("bases"))
    for r in rows:
        w.write_row(r)
    w.close()
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bases_round_trip_identically(db_engine: Engine, actor: Actor, tmp_path: Path, fresh_engine: Any,
                                      suffix: str) -> None:
    headers = [c.header for c in get_table("bases").columns]
    assert headers[9:11] == ["联系人", "联系电话"]
    result = import_file(db_engine, "bases", _write(tmp_path / f"in{suffix}", ROWS), actor=actor)
    assert result.created == 2
    with Session(db_engine) as s:
        states = dict(s.execute(select(ProgrammeBase.name, ProgrammeBase.state)).all())
        assert states["太原理工大学河津红色教育基地"] == BaseState.PROPOSED  # 规划中 → 已申报
        assert s.scalar(select(ProgrammeBase.contact_name)) == "王敏"
    first = tmp_path / f"first{suffix}"
    export_file(db_engine, "bases", first)
    other = fresh_engine("empty.db")
    assert import_file(other, "bases", first, actor=actor).created == 2
    second = tmp_path / f"second{suffix}"
    export_file(other, "bases", second)
    if suffix == ".csv":
        assert first.read_bytes() == second.read_bytes()
    assert read_all(first) == read_all(second)
    again = import_file(other, "bases", second, actor=actor)
    assert (again.created, again.updated) == (0, 0)


def test_a_base_not_yet_plaqued_takes_no_plaque_date(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    """A row with a 挂牌日期 and no 状态 was imported as 已申报 with its date, and the figures counted it as a base
    built. The date is refused, by row and column, and nothing is written; the same row without it imports."""
    from xiaodi.tables import ImportFailed

    row = ["河津示例新材料实习基地", "大学生实习实训基地", "河津市", None, "山西大学", None, "2024-05-10", None,
           None, None, None, None, None]
    with pytest.raises(ImportFailed) as info:
        import_file(db_engine, "bases", _write(tmp_path / "in.csv", [row]), actor=actor)
    assert "第 2 行 G列「挂牌日期」：基地尚未挂牌（已申报），不能填写挂牌日期" in info.value.message
    with Session(db_engine) as s:
        assert s.scalar(select(ProgrammeBase).where(ProgrammeBase.name == row[0])) is None
    row[6] = None
    assert import_file(db_engine, "bases", _write(tmp_path / "in2.csv", [row]), actor=actor).created == 1
    with Session(db_engine) as s:
        base = s.scalars(select(ProgrammeBase).where(ProgrammeBase.name == row[0])).one()
        assert (base.state, base.plaque_on) == (BaseState.PROPOSED, None)


def test_a_ledger_without_base_types_says_how_to_add_them(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    """On a ledger fresh from ``xiaodi db init`` no base type exists and no table imports one: the message names the
    command that loads the programme's twelve, not "请先导入该基地类型"."""
    from xiaodi.bases.models import BaseType
    from xiaodi.tables import ImportFailed

    with Session(db_engine) as s:  # this test's own database: as after db init, before any base type
        assert s.scalar(select(ProgrammeBase.id).limit(1)) is None
        s.execute(delete(BaseType))
        s.commit()
    with pytest.raises(ImportFailed) as info:
        import_file(db_engine, "bases", _write(tmp_path / "in.csv", [ROWS[1]]), actor=actor)
    assert "未找到基地类型“红色教育和国情教育基地”（请先运行 xiaodi base seed-types" in info.value.message
