"""Amounts leave as numbers in the unit the header names (预算（万元） 80), and a file from the web's earlier list
export — page headers (类别, 揭榜截止, 发榜方式) and amounts as text ("80万元") — still imports."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine

from xiaodi.core.audit import Actor
from xiaodi.tables import export_file, import_file
from xiaodi.tables.readers import read_all

OLD_HEADER = ["需求编号", "需求名称", "类别", "发布单位", "资格要求", "预算", "揭榜截止", "状态", "发榜方式",
              "状态说明"]
OLD_ROW = ["XQ-9", "铝合金废料再生提纯技术", "技术需求", "山西示例新材料有限公司", "硕士", "80万元", "2024-12-31",
           "已发榜", "公开发榜", ""]


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_an_old_web_export_imports_and_the_new_export_has_numbers_in_wan_yuan(
    db_engine: Engine, actor: Actor, tmp_path: Path
) -> None:
    old = write_csv(tmp_path / "需求清单-旧.csv", [OLD_HEADER, OLD_ROW])
    first = import_file(db_engine, "demands", old, actor=actor)
    assert first.created == 1 and not first.errors

    new = tmp_path / "需求清单.xlsx"
    export_file(db_engine, "demands", new)
    head, row = read_all(new)[:2]
    assert row[head.index("预算（万元）")] == 80  # a number, not "80万元"
    assert row[head.index("需求类型")] == "技术需求" and row[head.index("截止日期")] is not None
    assert row[head.index("任职要求")] == "硕士" and row[head.index("公开方式")] == "公开发榜"

    for same in (old, new):  # the old file and the new one say the same thing
        again = import_file(db_engine, "demands", same, actor=Actor.system("导入"))
        assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_demand_imported_as_published_counts_among_the_published(db_engine: Engine, actor: Actor,
                                                                    tmp_path: Path) -> None:
    """An office imports its 需求清单 with 已发榜 rows: the figures count them (they counted 0 — the console import
    wrote the state without the 发榜时间 the service's step gives), and a draft stays uncounted."""
    import datetime as dt

    from sqlalchemy.orm import Session

    from xiaodi.core.settings import local_today
    from xiaodi.figures.compute import compute_figures

    draft = ["XQ-10", "铝灰渣资源化", "技术需求", "山西示例新材料有限公司", "", "30万元", "", "草稿", "公开发榜", ""]
    data = write_csv(tmp_path / "需求清单.csv", [OLD_HEADER, OLD_ROW, draft])
    assert import_file(db_engine, "demands", data, actor=actor).created == 2
    today = local_today()
    with Session(db_engine) as session:
        figures = compute_figures(session, date_from=today - dt.timedelta(days=1), date_to=today).values
    assert figures["demands_published"] == 1
    again = import_file(db_engine, "demands", data, actor=actor)  # unchanged: the moment is not moved either
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
