"""基地活动信息表 from the console: the 河津 office enters a summer's internship and training batches with
``xiaodi import base_activities``; they count in the base figures and export back; a row at a base not plaqued
yet, a batch without its 人次 or days beyond a year is answered in Chinese by row and column, nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from xiaodi.bases.models import BaseActivity
from xiaodi.core.audit import Actor
from xiaodi.core.settings import local_today
from xiaodi.tables import ImportFailed, get_table, import_file, write_template
from xiaodi.tables.cli import make_app

BASES = ("基地名称,基地类型,所在地区,合作高校,挂牌日期,状态\n"
         "山西大学河津大学生实习实训基地,大学生实习实训基地,河津市,山西大学,2024-09-10,已挂牌\n"
         "太原理工大学河津就业创业基地,大学生就业创业基地,河津市,太原理工大学,,已申报\n")


def _bases(engine: Engine, actor: Actor, folder: Path) -> None:
    path = folder / "基地.csv"
    path.write_text(BASES, encoding="utf-8-sig")
    import_file(engine, "bases", path, actor=actor)


def test_the_office_imports_a_summers_batches_from_the_console(db_engine: Engine, actor: Actor, tmp_path: Path,
                                                               counts: Any) -> None:
    _bases(db_engine, actor, tmp_path)
    app = make_app(lambda _url: db_engine)
    runner = CliRunner()
    listed = runner.invoke(app, ["tables"])
    assert listed.exit_code == 0 and "基地活动信息表" in listed.output
    template = tmp_path / "基地活动模板.xlsx"
    assert runner.invoke(app, ["template", "基地活动信息表", str(template)]).exit_code == 0

    data = tmp_path / "基地活动.csv"
    data.write_text("基地名称,活动日期,活动类别,参加人次,天数,活动内容\n"
                    "山西大学河津大学生实习实训基地,2025-07-01,实习实训,30,20,暑期实习实训\n"
                    "山西大学河津大学生实习实训基地,2025-07-15,培训,约40人次,2,安全生产培训\n"
                    "山西大学河津大学生实习实训基地,2025-08-20,技术服务,,3,检测设备调试\n", encoding="utf-8-sig")
    done = runner.invoke(app, ["import", "base_activities", str(data)])
    assert done.exit_code == 0 and "新增 3" in done.output, done.output
    with Session(db_engine) as session:
        rows = list(session.scalars(select(BaseActivity).order_by(BaseActivity.held_on)))
        assert [(r.kind, r.participants, r.days) for r in rows] == [
            ("internship", 30, 20), ("training", 40, 2), ("service", None, 3)]
    again = runner.invoke(app, ["import", "base_activities", str(data)])
    assert again.exit_code == 0 and "无变化 3" in again.output, again.output
    out = tmp_path / "导出.csv"
    assert runner.invoke(app, ["export", "base_activities", str(out)]).exit_code == 0
    assert "山西大学河津大学生实习实训基地,2025-07-01,实习实训,30,20,暑期实习实训" in out.read_text("utf-8-sig")


def test_bad_rows_are_answered_by_row_and_column_and_nothing_is_written(db_engine: Engine, actor: Actor,
                                                                        tmp_path: Path, counts: Any) -> None:
    _bases(db_engine, actor, tmp_path)
    data = tmp_path / "坏.csv"
    data.write_text("基地名称,活动日期,活动类别,参加人次,天数\n"
                    "山西大学河津大学生实习实训基地,2025-07-01,实习实训,30,20\n"
                    "太原理工大学河津就业创业基地,2025-07-01,实习实训,10,5\n"
                    "山西大学河津大学生实习实训基地,2025-07-02,实习实训,,5\n"
                    "山西大学河津大学生实习实训基地,2025-07-03,培训,10,400\n"
                    "山西大学河津实训基地,2025-07-04,活动,10,1\n", encoding="utf-8-sig")
    message = _refused(db_engine, actor, data, counts)
    assert "第 3 行 A列「基地名称」：基地“太原理工大学河津就业创业基地”目前已申报，挂牌后才能记录活动" in message
    assert "第 4 行 D列「参加人次」：实习实训须填写参加人次" in message
    assert "第 5 行 E列「天数」：天数应在 1 到 366 之间" in message
    assert "第 6 行 A列「基地名称」：未找到基地“山西大学河津实训基地”" in message
    assert "第 2 行" not in message


def _refused(db_engine: Engine, actor: Actor, data: Path, counts: Any) -> str:
    """The import's message for a file it must refuse whole: nothing is written."""
    before = counts(db_engine)
    with pytest.raises(ImportFailed) as refused:
        import_file(db_engine, "base_activities", data, actor=actor)
    assert counts(db_engine) == before
    return refused.value.message


def test_an_activity_dated_after_today_is_refused_by_row_and_column(db_engine: Engine, actor: Actor,
                                                                    tmp_path: Path, counts: Any) -> None:
    """A batch typed for next month (the plan, not what happened) is refused as on the base's page."""
    _bases(db_engine, actor, tmp_path)
    later = local_today() + dt.timedelta(days=30)
    data = tmp_path / "未来.csv"
    data.write_text("基地名称,活动日期,活动类别,参加人次,天数\n"
                    "山西大学河津大学生实习实训基地,2025-07-01,实习实训,30,20\n"
                    f"山西大学河津大学生实习实训基地,{later.isoformat()},实习实训,30,20\n", encoding="utf-8-sig")
    message = _refused(db_engine, actor, data, counts)
    assert f"第 3 行 B列「活动日期」：活动日期 {later:%Y-%m-%d} 晚于今天" in message and "第 2 行" not in message


def test_the_template_names_the_kinds_and_its_example_imports_at_a_plaqued_base(db_engine: Engine, actor: Actor,
                                                                                 tmp_path: Path) -> None:
    _bases(db_engine, actor, tmp_path)
    spec = get_table("base_activities")
    assert [c.header for c in spec.key_columns] == ["基地名称", "活动日期", "活动类别"]
    assert spec.column("kind").choice_labels() == ["实习实训", "培训", "服务", "活动"]
    example = write_template(spec, tmp_path / "例.xlsx", mark_example=False)
    assert import_file(db_engine, "base_activities", example, actor=actor).created == 1
    with Session(db_engine) as session:
        assert session.scalar(select(func.sum(BaseActivity.participants))) == 30
