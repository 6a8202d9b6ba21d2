"""The streaming .xlsx reader agrees with calamine; CSV encodings are detected; the writer's files read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xiaodi.tables.readers import open_table, read_all


def calamine_rows(path: Path) -> list[list[Any]]:
    import python_calamine as pc

    sheet = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [_norm(r) for r in sheet.iter_rows()]


def _norm(row: list[Any]) -> list[Any]:
    out = []
    for v in row:
        if v == "":
            v = None
        if isinstance(v, dt.datetime) and v.time() == dt.time(0):
            v = v.date()
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(v)
    while out and out[-1] is None:
        out.pop()
    return out


def test_stream_reader_matches_calamine_on_an_openpyxl_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["成果名称", "所属单位", "价格", "日期", "是否", "备注"])
    ws.append(["A&B <技术>", "山西大学", 12.5, dt.date(2021, 6, 1), True, "  前后空格  "])
    ws.append(["第二行", None, 3, dt.datetime(2021, 6, 1, 8, 30), False, "换行\n第二行"])
    ws["F4"] = CellRichText([TextBlock(InlineFont(b=True), "粗体"), "普通"])
    ws["A4"] = "=1+1"
    ws["C5"] = 44348
    ws["C5"].number_format = "yyyy/m/d"
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    with open_table(path) as tf:
        assert tf.reader == "stream"
    mine = [_norm(r) for r in read_all(path)]
    theirs = calamine_rows(path)
    assert mine[:3] == theirs[:3]
    assert mine[3][5] == "粗体普通"
    assert mine[4][2] == dt.date(2021, 6, 1)


def test_cells_without_coordinates_fall_back_to_calamine(tmp_path: Path) -> None:
    import zipfile

    import xlsxwriter

    src = tmp_path / "src.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    wb.add_worksheet().write_row(0, 0, ["学校名称", "学校标识码"])
    wb.close()
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(odd, "w") as b:
        for item in a.infolist():
            data = a.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A1"', b"<c").replace(b'<c r="B1"', b"<c")
            b.writestr(item, data)
    with open_table(odd) as tf:
        assert tf.reader == "calamine"
        assert next(v for _n, v in tf.rows)[:2] == ["学校名称", "学校标识码"]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8-sig", "utf-8-sig"),
        ("utf-8", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_csv_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text("学校名称,所在省份\n山西大学,山西省\n", encoding=encoding)
    with open_table(path) as tf:
        assert tf.encoding == expected
        assert [v for _n, v in tf.rows] == [["学校名称", "所在省份"], ["山西大学", "山西省"]]


def test_tab_separated_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("学校名称\t所在省份\n山西大学\t山西省\n", encoding="utf-16")
    assert read_all(path)[1] == ["山西大学", "山西省"]


def test_xlsx_named_csv_is_explained(tmp_path: Path) -> None:
    import xlsxwriter

    from xiaodi.tables.readers import FileProblem

    path = tmp_path / "really.csv"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet()
    wb.close()
    with pytest.raises(FileProblem, match=r"扩展名是 \.csv，内容却是 Excel"):
        open_table(path)


def test_written_xlsx_reads_the_same_with_stream_calamine_and_openpyxl(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from xiaodi.tables import get_table
    from xiaodi.tables.writers import open_writer

    spec = get_table("achievements")
    path = tmp_path / "w.xlsx"
    w = open_writer(path, spec)
    row: list[Any] = [None] * len(spec.columns)
    row[:4] = ["A&B <x> _x0041_ \x07", "山西大学", " 张伟", "团队"]
    row[13], row[14] = 0.123456, dt.date(2024, 6, 1)
    w.write_row(row)
    w.close()
    mine = [_norm(r) for r in read_all(path)]
    assert mine == calamine_rows(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["新科技成果信息表", "填写说明"]
    ws = wb.worksheets[0]
    assert ws["A2"].value.startswith("A&B <x> ")  # openpyxl leaves _xHHHH_ escapes as they are
    assert ws["C2"].value == " 张伟"
    assert ws["N2"].value == 0.123456
    assert ws.freeze_panes == "A2"
    assert ws.data_validations.dataValidation  # drop-down lists for option columns
