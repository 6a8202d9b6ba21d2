"""Bad input gets a clear Chinese error — file, row, column, reason, suggestion — and the database is unchanged."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from xiaodi.core.audit import Actor
from xiaodi.tables import ImportFailed, get_table, import_file
from xiaodi.tables.writers import open_writer

HEADER = ["成果名称", "所属单位", "负责人", "参考价格（万元）", "发布日期", "成熟度"]
GOOD = ["煤矸石制备陶粒技术", "山西大学", "张伟", "120", "2024-06-01", "中试"]


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def failing(engine: Engine, actor: Actor, counts: Any, path: Path, table: str = "achievements") -> str:
    """Import ``path`` expecting failure; check nothing changed and return the Chinese message."""
    before = counts(engine)
    with pytest.raises(ImportFailed) as info:
        import_file(engine, table, path, actor=actor)
    assert counts(engine) == before
    assert path.name in info.value.message
    assert "数据库未作任何修改" in info.value.message
    return info.value.message


def test_unknown_university_is_reported_with_close_names(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "成果.xlsx", [HEADER, GOOD, ["另一项技术", "山西大", None, None, None, None]])
    msg = failing(db_engine, actor, counts, path)
    assert "第 3 行 B列「所属单位」" in msg
    assert "未找到高校、科研院所“山西大”" in msg
    assert "您是否要找：山西大学" in msg


def test_every_error_is_collected_and_the_first_good_rows_are_not_written(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        GOOD,
        ["技术二", "太原理工大学", None, "很多钱", "2024-13-45", "差不多"],
        ["", "山西大学", None, None, None, None],
        ["煤矸石制备陶粒技术", "山西大学", None, None, None, None],
    ]
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "a.csv", rows))
    assert "第 3 行 D列「参考价格（万元）」：无法识别的金额“很多钱”" in msg and "500万元" in msg
    assert "第 3 行 E列「发布日期」：日期不存在“2024-13-45”" in msg and "2021年6月1日" in msg
    assert "第 3 行 F列「成熟度」：“差不多”不是可选值（可选：研发阶段、小试、中试、产业化、成熟应用）" in msg
    assert "第 4 行 A列「成果名称」：必填项为空" in msg
    assert "第 5 行：与第 2 行重复（成果名称+所属单位相同）" in msg


def test_bad_count(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    rows = [
        ["需求编号", "需求名称", "需求类型", "发布单位", "需求人数"],
        ["XQ-1", "招聘", "人才", "山西示例新材料有限公司", "若干"],
    ]
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "d.csv", rows), "demands")
    assert "第 2 行 E列「需求人数」：无法识别的数字“若干”" in msg


def test_wrong_header_lists_the_expected_headers(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    rows = [["姓名", "年龄", "性别"], ["张三", "30", "男"]]
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "w.csv", rows))
    assert "未找到表头" in msg and "成果名称、所属单位、负责人" in msg


def test_missing_required_header(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    rows = [["成果名称", "负责人", "成熟度"], ["某技术", "张伟", "中试"]]
    msg = failing(db_engine, actor, counts, write_xlsx(tmp_path / "m.xlsx", rows))
    assert "第 1 行：缺少必填列：所属单位" in msg


def test_duplicate_header(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    rows = [["成果名称", "所属单位", "单位名称"], ["某技术", "山西大学", "山西大学"]]
    assert "重复出现" in failing(db_engine, actor, counts, write_csv(tmp_path / "h.csv", rows))


def test_truncated_xlsx(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, GOOD] * 50)
    data = good.read_bytes()
    bad = tmp_path / "下载不完整.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    msg = failing(db_engine, actor, counts, bad)
    assert "已损坏" in msg and "另存为 .xlsx" in msg


def test_not_an_xlsx_at_all(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    bad = tmp_path / "假的.xlsx"
    bad.write_text("这不是 Excel 文件", encoding="utf-8")
    assert "不是有效的 Excel 文件" in failing(db_engine, actor, counts, bad)


def test_damaged_sheet_inside_a_valid_zip(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "g.xlsx", [HEADER, GOOD])
    bad = tmp_path / "坏表.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) - 200]
            dst.writestr(item, data)
    assert "已损坏" in failing(db_engine, actor, counts, bad)


def test_gbk_csv_from_wps_imports(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wps.csv", [HEADER, GOOD], encoding="gbk")
    result = import_file(db_engine, "achievements", path, actor=actor)
    assert result.created == 1 and result.encoding == "gb18030"


def test_utf8_csv_without_bom_imports(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plain.csv", [HEADER, GOOD], encoding="utf-8")
    assert import_file(db_engine, "achievements", path, actor=actor).created == 1


def test_wrong_encoding_is_refused_clearly(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    garbage = tmp_path / "乱码.csv"
    garbage.write_bytes(bytes(range(128, 256)) * 20)
    assert "编码无法识别" in failing(db_engine, actor, counts, garbage)
    utf16 = tmp_path / "utf16_no_bom.csv"
    utf16.write_bytes(",".join(HEADER).encode("utf-16-le"))
    assert "编码无法识别" in failing(db_engine, actor, counts, utf16)


def test_empty_file(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "空文件" in failing(db_engine, actor, counts, empty)


def test_unique_code_taken_by_another_record(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    rows = [["学校名称", "学校标识码"], ["山西农业大学", "4114010108"]]  # 山西大学's code
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "u.csv", rows), "universities")
    assert "第 2 行 B列「学校标识码」：“4114010108”已被“山西大学”使用" in msg


def test_unknown_region_and_ambiguous_region(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    rows = [["企业名称", "所在地区"], ["甲公司", "火星市"], ["乙公司", "小店区"]]
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "e.csv", rows), "enterprises")
    assert "第 2 行 B列「所在地区」：未找到行政区“火星市”" in msg
    assert "第 3 行 B列「所在地区」：“小店区”对应多个行政区（请写全称：" in msg


def test_text_too_long_and_bad_pattern(db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path) -> None:
    rows = [["企业名称", "统一社会信用代码", "联系人"], ["甲公司", "123", "张" * 61]]
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "e.csv", rows), "enterprises")
    assert "B列「统一社会信用代码」：“123”格式不对（统一社会信用代码为 18 位数字或大写字母）" in msg
    assert "「联系人」：内容过长（61 字，最多 60 字）" in msg


def test_export_to_an_unsupported_suffix(db_engine: Engine, tmp_path: Path) -> None:
    from xiaodi.core.errors import XiaodiError
    from xiaodi.tables import export_file

    with pytest.raises(XiaodiError, match="不支持导出"):
        export_file(db_engine, "achievements", tmp_path / "x.pdf")


def test_unknown_table_lists_the_tables() -> None:
    from xiaodi.core.errors import NotFound

    with pytest.raises(NotFound, match="universities（高校联络信息表）"):
        get_table("unis")


def test_template_of_every_table_opens_with_headers(tmp_path: Path) -> None:
    from xiaodi.tables import all_tables, write_template
    from xiaodi.tables.readers import read_all

    for name, spec in all_tables().items():
        rows = read_all(write_template(spec, tmp_path / f"{name}.xlsx"))
        assert rows[0][: len(spec.columns)] == [c.header for c in spec.columns]
        assert str(rows[1][0]).startswith("【示例】")
    assert open_writer  # the writer is importable for callers building their own files


def test_a_phone_that_is_no_number_is_named_by_row_and_column(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    rows = [["企业名称", "联系电话"], ["甲公司", "0359-2020000转8001"], ["乙公司", "abc"]]
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "e.csv", rows), "enterprises")
    assert "第 3 行 B列「联系电话」：“abc”格式不对（联系电话应为手机（11位）或固定电话号码" in msg
    assert "第 2 行" not in msg


def test_an_agreement_signed_after_today_is_named_by_row_and_column(db_engine: Engine, actor: Actor, counts: Any,
                                                                    tmp_path: Path) -> None:
    """The 协议清单 carries next year's 签约日期 (a typo of the year): the projects service would refuse it on the
    page, so the import refuses the row too, by row and column."""
    import datetime as dt

    from xiaodi.core.settings import local_today
    later = local_today() + dt.timedelta(days=365)
    path = write_csv(tmp_path / "协议.csv", [
        ["协议编号", "协议名称", "协议类型", "签约日期", "签约各方"],
        ["XY-8", "技术开发合同", "技术开发", "2024-05-20", "山西示例新材料有限公司；太原理工大学"],
        ["XY-9", "技术服务合同", "技术开发", later.isoformat(), "山西示例新材料有限公司；太原理工大学"],
    ])
    message = failing(db_engine, actor, counts, path, table="agreements")
    assert f"第 3 行 D列「签约日期」：签约日期 {later:%Y-%m-%d} 晚于今天" in message
    assert "不能登记尚未签订的协议" in message and "第 2 行" not in message


def test_an_amount_or_a_count_beyond_any_programme_is_named_by_row_and_column(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    """Twelve nines typed into a 万元 column (10¹⁶元) would show as 1亿亿元 on every page and in the Word briefing."""
    path = write_xlsx(tmp_path / "成果.xlsx", [HEADER, GOOD, ["另一项技术", "山西大学", "张伟", 999999999999,
                                                              "2024-06-01", "中试"]])
    msg = failing(db_engine, actor, counts, path)
    assert "第 3 行 D列「参考价格（万元）」" in msg and "超出合理范围（金额应小于10万亿元）" in msg


def test_a_closed_intent_without_its_reason_is_named_in_the_dry_run_too(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    """The dry run said 将新增 1 and the import then failed as a write conflict (可能有人同时写入…)."""
    rows = [["意向编号", "合作内容", "企业（单位）", "高校（院所）", "达成日期", "状态", "终止日期", "终止原因"],
            ["YX-2025-000009", "再生铝提纯", "山西示例新材料有限公司", "山西大学", "2025-03-12", "已终止",
             "2025-06-01", ""]]
    path = write_csv(tmp_path / "意向.csv", rows)
    with pytest.raises(ImportFailed) as info:
        import_file(db_engine, "intents", path, actor=actor, dry_run=True)
    assert "第 2 行 H列「终止原因」：已终止的意向须填写终止原因" in info.value.message
    assert "第 2 行 H列「终止原因」" in failing(db_engine, actor, counts, path, "intents")


def test_an_older_export_does_not_undo_a_demands_progress(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    """The demand was 已发榜 after the file was exported; importing the older file (草稿) again is refused by row and
    column instead of silently undoing 发榜 with no trail. Moving forward (已揭榜) stays allowed."""
    header = ["需求编号", "需求名称", "需求类型", "发布单位", "状态"]
    import_file(db_engine, "demands", write_csv(tmp_path / "新.csv", [
        header, ["XQ-9", "钢渣处理", "技术", "山西示例新材料有限公司", "已发榜"]]), actor=actor)
    older = write_csv(tmp_path / "旧.csv", [header, ["XQ-9", "钢渣处理", "技术", "山西示例新材料有限公司", "草稿"]])
    msg = failing(db_engine, actor, counts, older, "demands")
    assert "第 2 行 E列「状态」：平台中该记录已是“已发榜”，导入不能改回“草稿”" in msg
    forward = write_csv(tmp_path / "进.csv", [header, ["XQ-9", "钢渣处理", "技术", "山西示例新材料有限公司", "已揭榜"]])
    assert import_file(db_engine, "demands", forward, actor=actor).updated == 1


def test_an_unknown_talent_tier_says_how_tiers_are_added(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    """"请先导入该人才层次" sent the office looking for a table that does not exist."""
    rows = [["登记编号", "姓名", "人才层次", "所在地区"], ["RC140882-000009", "王晓燕", "Z", "山西省运城市河津市"]]
    msg = failing(db_engine, actor, counts, write_csv(tmp_path / "人才.csv", rows), "talents")
    assert "C列「人才层次」" in msg and "xiaodi talent tier-add" in msg and "请先导入该人才层次" not in msg
