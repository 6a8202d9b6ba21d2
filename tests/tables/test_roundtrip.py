"""Every table: its template imports, re-importing changes nothing, and export → import → export round-trips
exactly (the database unchanged, the second export the same as the first); on the demo's data:
``test_demo_roundtrip.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import NAME_IMPLIED, OrganisationDiscipline
from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.directory.models import Organisation
from xiaodi.tables import all_tables, export_file, get_table, import_file, write_template
from xiaodi.tables.readers import read_all

from .conftest import every_row, same_export

TABLES = list(all_tables())
# Tables whose rows name records of another table (基地活动 → 基地清单): that table's example is loaded first.
PARENTS: dict[str, tuple[str, ...]] = {"base_activities": ("bases",)}


def _load_parents(name: str, engine: Engine, actor: Actor, folder: Path) -> None:
    for parent in PARENTS.get(name, ()):
        example = write_template(get_table(parent), folder / f"{parent}_parent.xlsx", mark_example=False)
        import_file(engine, parent, example, actor=actor)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("name", TABLES)
def test_template_example_imports_and_round_trips(
    name: str, suffix: str, db_engine: Engine, actor: Actor, tmp_path: Path, counts: Any
) -> None:
    spec = get_table(name)
    _load_parents(name, db_engine, actor, tmp_path)
    marked = write_template(spec, tmp_path / f"{name}_template{suffix}")
    before = counts(db_engine)
    skipped = import_file(db_engine, name, marked, actor=actor)
    assert (skipped.rows, skipped.skipped) == (0, 1)  # the marked example is skipped
    assert counts(db_engine) == before

    example = write_template(spec, tmp_path / f"{name}_example{suffix}", mark_example=False)
    first = import_file(db_engine, name, example, actor=actor)
    assert first.created + first.updated == 1, first
    again = import_file(db_engine, name, example, actor=actor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)

    exported = tmp_path / f"{name}_export{suffix}"
    n = export_file(db_engine, name, exported)
    assert n >= 1
    before = every_row(db_engine)
    back = import_file(db_engine, name, exported, actor=actor)
    assert (back.created, back.updated, back.unchanged) == (0, 0, n)
    assert every_row(db_engine) == before  # export → import changes nothing …
    again_exported = tmp_path / f"{name}_again{suffix}"
    export_file(db_engine, name, again_exported)
    assert same_export(exported, again_exported)  # … and → export gives the same file


def test_import_into_empty_database_then_export_is_identical_cell_for_cell(
    db_engine: Engine, actor: Actor, tmp_path: Path, fresh_engine: Any
) -> None:
    rows = [
        [
            "煤矸石制备高性能陶粒关键技术",
            "山西大学",
            "张伟",
            "张伟、王芳",
            "0817",
            "C30",
            "建材",
            "煤矸石；陶粒",
            "以煤矸石为原料。",
            "中试",
            "发明专利",
            "ZL202110000000.1",
            "转让",
            120.5,
            "2024-06-01",
            None,
        ],
        [
            "高炉渣余热回收工艺",
            "太原理工大学",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "小试",
            None,
            None,
            "许可",
            "0.123456",
            "2023/1/9",
            "备注",
        ],
    ]
    src = _write(tmp_path / "in.xlsx", "achievements", rows)
    first = tmp_path / "first.xlsx"
    import_file(db_engine, "achievements", src, actor=actor)
    export_file(db_engine, "achievements", first)

    other = fresh_engine("empty.db")
    result = import_file(other, "achievements", first, actor=actor)
    assert result.created == 2
    second = tmp_path / "second.xlsx"
    export_file(other, "achievements", second)
    assert read_all(first) == read_all(second)
    assert read_all(first)[2][13] == 0.123456  # 0.123456 万元 = 1234.56 元, exactly


def test_a_changed_row_updates_its_record_by_natural_key_with_audit(
    db_engine: Engine, actor: Actor, tmp_path: Path
) -> None:
    header = ["成果名称", "所属单位", "参考价格（万元）", "成熟度"]
    import_file(
        db_engine,
        "achievements",
        _csv(tmp_path / "a.csv", [header, ["钢渣综合利用技术", "山西大学", "150", "小试"]]),
        actor=actor,
    )
    changed = _csv(tmp_path / "b.csv", [header, ["钢渣综合利用技术", "山西大学", "180", "小试"]])
    dry = import_file(db_engine, "achievements", changed, actor=actor, dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged) == (0, 1, 0)
    result = import_file(db_engine, "achievements", changed, actor=actor)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    with Session(db_engine) as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "achievement").order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before == {"price": "1500000.00", "version": 1}
    assert entries[1].after == {"price": "1800000.00", "version": 2}
    assert entries[1].actor == actor.name and "第 2 行" in (entries[1].reason or "")


def test_figures_and_dates_as_people_write_them(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    header = ["需求编号", "需求名称", "需求类型", "发布单位", "需求人数", "预算（万元）", "截止日期"]
    rows = [
        ["XQ-1", "招聘工程师", "人才", "山西示例新材料有限公司", "近40个", "237.3亿元", "2021-06-01"],
        ["XQ-2", "技术攻关", "技术", "山西示例新材料有限公司", "2000余人", "500", "2021/6/1"],
        ["XQ-3", "项目合作", "项目需求", "山西示例新材料有限公司", "十二个", "1.5万元", "2021年6月1日"],
        ["XQ-4", "项目合作二", "项目需求", "山西示例新材料有限公司", "5", "3000万", "2021.6.1"],
    ]
    import_file(db_engine, "demands", _csv(tmp_path / "d.csv", [header, *rows]), actor=actor)
    from decimal import Decimal

    from xiaodi.demands.models import Demand

    with Session(db_engine) as s:
        got = {
            d.code: (d.headcount, d.budget, d.deadline.isoformat() if d.deadline else None, d.state)
            for d in s.scalars(select(Demand))
        }
    assert got["XQ-1"][:2] == (40, Decimal("23730000000.00"))
    assert got["XQ-2"][:2] == (2000, Decimal("5000000.00"))
    assert got["XQ-3"][:2] == (12, Decimal("15000.00"))
    assert got["XQ-4"][:2] == (5, Decimal("30000000.00"))
    assert {g[2] for g in got.values()} == {"2021-06-01"}
    assert {g[3] for g in got.values()} == {"published"}


def test_header_aliases_title_rows_and_unknown_columns(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    rows = [
        ["2024年高校联络信息表"],
        ["单位名称", "学校标识码", "所在省份", "无关列"],
        ["山西农业大学", "4114010113", "山西省", "x"],
    ]
    result = import_file(db_engine, "universities", _csv(tmp_path / "u.csv", rows), actor=actor)
    assert result.created == 1
    assert any("无关列" in w for w in result.warnings)


def test_organisation_aliases_resolve_and_are_added(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    header = ["学校名称", "简称/别名"]
    import_file(db_engine, "universities", _csv(tmp_path / "u.csv", [header, ["山西大学", "山大；SXU"]]), actor=actor)
    again = import_file(
        db_engine, "universities", _csv(tmp_path / "u2.csv", [header, ["山西大学", "山大"]]), actor=actor
    )
    assert again.unchanged == 1  # aliases are only ever added
    rows = [["成果名称", "所属单位"], ["某成果", "山大"], ["另一成果", "太原理工"]]
    result = import_file(db_engine, "achievements", _csv(tmp_path / "a.csv", rows), actor=actor)
    assert result.created == 2


def test_an_imported_school_gets_the_direction_its_name_states(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    rows = [["学校名称", "简称/别名"], ["某省农业职业学院", "某农职"]]
    import_file(db_engine, "universities", _csv(tmp_path / "u.csv", rows), actor=actor)
    with Session(db_engine) as s:
        stmt = (
            select(OrganisationDiscipline.discipline_name, OrganisationDiscipline.source)
            .join(Organisation, Organisation.id == OrganisationDiscipline.organisation_id)
            .where(Organisation.name == "某省农业职业学院", OrganisationDiscipline.relation == NAME_IMPLIED)
        )
        directions = dict(s.execute(stmt).all())
    assert directions["植物保护"] == "校名含“农业”"


def _csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _write(path: Path, table: str, rows: list[list[object]]) -> Path:
    from xiaodi.tables.writers import open_writer

    w = open_writer(path, get_table(table))
    for r in rows:
        w.write_row(r)
    w.close()
    return path


def test_agreement_parties_and_project_funds_in_place(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    import datetime as dt
    from decimal import Decimal

    from xiaodi.projects.models import AgreementParty, FundRecord, Project

    rows = [
        ["协议编号", "协议名称", "协议类型", "签约各方"],
        ["XY-9", "技术开发合同", "技术开发", "山西示例新材料有限公司；太原理工；某某研究会"],
    ]
    result = import_file(db_engine, "agreements", _csv(tmp_path / "a.csv", rows), actor=actor)
    assert result.created == 1 and any("某某研究会" in w for w in result.warnings)
    with Session(db_engine) as s:
        parties = [
            (p.name, p.role, p.organisation_id is not None)
            for p in s.scalars(select(AgreementParty).order_by(AgreementParty.id))
        ]
    assert parties == [
        ("山西示例新材料有限公司", "party_a", True),
        ("太原理工大学", "party_b", True),
        ("某某研究会", "party_c", False),
    ]
    again = import_file(db_engine, "agreements", _csv(tmp_path / "a.csv", rows), actor=actor)
    assert again.unchanged == 1

    rows = [["项目编号", "项目名称", "所属协议", "到位资金（万元）"], ["XM-9", "中试线", "XY-9", "999"]]
    import_file(db_engine, "projects", _csv(tmp_path / "p.csv", rows), actor=actor)
    with Session(db_engine) as s:
        project = s.scalars(select(Project)).one()
        first = FundRecord(project_id=project.id, amount=Decimal("3000000"), arrived_on=dt.date(2024, 7, 1))
        s.add(first)
        s.flush()
        s.add(
            FundRecord(
                project_id=project.id, amount=Decimal("2500000"), arrived_on=dt.date(2024, 7, 1), corrects_id=first.id
            )
        )
        s.commit()
    out = tmp_path / "p.xlsx"
    export_file(db_engine, "projects", out)
    header, row = read_all(out)[:2]
    assert row[header.index("到位资金（万元）")] == 250  # the correction replaces the first record
    back = import_file(db_engine, "projects", out, actor=actor)
    assert back.unchanged == 1 and any("只读" in w for w in back.warnings)


def test_leaders_not_in_the_directory_are_created_once(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    rows = [
        ["成果名称", "所属单位", "负责人"],
        ["成果一", "山西大学", "赵敏"],
        ["成果二", "山西大学", "赵敏"],
        ["成果三", "太原理工大学", "赵敏"],
    ]
    dry = import_file(db_engine, "achievements", _csv(tmp_path / "a.csv", rows), actor=actor, dry_run=True)
    assert dry.people_created == 2
    result = import_file(db_engine, "achievements", _csv(tmp_path / "a.csv", rows), actor=actor)
    assert (result.created, result.people_created) == (3, 2)
    again = import_file(db_engine, "achievements", _csv(tmp_path / "a.csv", rows), actor=actor)
    assert (again.unchanged, again.people_created) == (3, 0)
    with Session(db_engine) as s:
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.entity == "person")) is not None


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_base_activities_export_import_export_is_byte_identical(
    suffix: str, db_engine: Engine, actor: Actor, tmp_path: Path, fresh_engine: Any
) -> None:
    """基地活动信息表: batches at a plaqued base, exported, imported into an empty ledger (with the same base),
    exported again — the same bytes (CSV), the same cells (a workbook, whose zip entries are time-stamped)."""
    _load_parents("base_activities", db_engine, actor, tmp_path)
    base = "山西大学河津大学生实习实训基地"
    rows = [[base, "2025-07-01", "实习实训", 30, 20, "暑期实习实训（化工、材料专业）"],
            [base, "2025-07-01", "培训", "40人次", None, "安全生产培训"],
            [base, "2025-09-12", "技术服务", None, 3, "=检测设备调试"],  # a formula-like cell stays text
            [base, "2025-10-08", "活动", 120, 1, None]]
    src = _write(tmp_path / f"in{suffix}", "base_activities", rows)
    result = import_file(db_engine, "base_activities", src, actor=actor)
    assert result.created == 4
    first = tmp_path / f"first{suffix}"
    assert export_file(db_engine, "base_activities", first) == 4

    other = fresh_engine("empty.db")
    _load_parents("base_activities", other, actor, tmp_path)
    assert import_file(other, "base_activities", first, actor=actor).created == 4
    second = tmp_path / f"second{suffix}"
    export_file(other, "base_activities", second)
    if suffix == ".csv":
        assert first.read_bytes() == second.read_bytes()
    else:  # a workbook's zip entries carry the time they were written: the same cells, value for value
        assert read_all(first) == read_all(second)
    exported = read_all(first)
    assert exported[0][:5] == ["基地名称", "活动日期", "活动类别", "参加人次", "天数"]
    assert [r[2] for r in exported[1:]] == ["实习实训", "培训", "服务", "活动"]
    again = import_file(other, "base_activities", second, actor=actor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_empty_cells_of_an_update_keep_what_is_stored(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    """The office fills in 山西大学's contact on the full template and leaves the other cells empty: its 学校标识码,
    主管部门 and 标签 stay as stored (the update used to wipe them); the contact is added."""
    header = [c.header for c in get_table("universities").columns]
    full = dict.fromkeys(header, "") | {"学校名称": "山西大学", "学校标识码": "4114010108", "主管部门": "山西省",
                                        "标签": "本科；双一流", "备注": "教育部名单"}
    import_file(db_engine, "universities", _csv(tmp_path / "a.csv", [header, list(full.values())]), actor=actor)
    contact = dict.fromkeys(header, "") | {"学校名称": "山西大学", "联系人": "张老师", "联系电话": "0351-7010000"}
    result = import_file(db_engine, "universities", _csv(tmp_path / "b.csv", [header, list(contact.values())]),
                         actor=actor)
    assert result.updated == 1
    with Session(db_engine) as s:
        school = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        assert (school.code, school.authority, school.contact_name) == ("4114010108", "山西省", "张老师")
        assert set(school.tags) == {"本科", "双一流"} and school.note == "教育部名单"
