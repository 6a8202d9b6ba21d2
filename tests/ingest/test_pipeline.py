"""Pipeline: the published dict shape, organisations, and bad input that never stops a batch."""

from __future__ import annotations

import json

import pytest

from tests.ingest.conftest import REPORTS
from xiaodi.ingest import IngestError, clean_report, find_cooperations, find_organisations, ingest_paths, ingest_text
from xiaodi.ingest.decode import MAX_BYTES


def test_ingest_text_shape():
    result = ingest_text((REPORTS / "r3_page.html").read_bytes(), "r3_page.html")
    assert set(result) == {"file", "title", "text", "figures", "organisations", "warnings"}
    fig = result["figures"][0]
    assert set(fig) == {"metric", "value", "unit", "approx", "quote", "region", "period", "is_plan"}
    money = next(f for f in result["figures"] if f["metric"] == "amount_signed")
    assert money["value"] == 850000000 and isinstance(money["value"], int)
    json.dumps(result, ensure_ascii=False)  # JSON-ready


def test_fractional_value_is_float():
    result = ingest_text("某县签约金额0.5万元。引进博士3名。", "x.txt")
    assert {f["value"] for f in result["figures"]} == {5000, 3}
    result = ingest_text("某县到位资金1.25元。", "x.txt")
    assert result["figures"][0]["value"] == 1.25


def test_organisations_and_aliases():
    text = "山西某某科技有限公司与武汉理工开展合作,就光伏玻璃镀膜技术开展研究。中北大学专家到场。"
    orgs = find_organisations(text, known_names=["武汉理工大学", "中北大学"], aliases={"武汉理工": "武汉理工大学"})
    names = [o.name for o in orgs]
    assert "武汉理工大学" in names and "中北大学" in names and "山西某某科技有限公司" in names
    pairs = find_cooperations(text, aliases={"武汉理工": "武汉理工大学"}, known_names=["武汉理工大学"])
    assert pairs and pairs[0].a == "山西某某科技有限公司" and pairs[0].b == "武汉理工大学"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "为空"),
        (b"   \n\t  ", "没有文字"),
        (b"%PDF-1.7 binary", "PDF"),
        (b"PK\x03\x04 zip", "docx"),
        (b"\x00\x01\x02\x03binary\x00\xff", "二进制"),
    ],
)
def test_bad_input_errors(content, needle):
    with pytest.raises(IngestError) as exc:
        clean_report(content)
    assert needle in exc.value.message


def test_too_large_is_refused():
    with pytest.raises(IngestError, match="超过报道导入上限 5 MB"):
        clean_report(b"a" * (MAX_BYTES + 1))


def test_batch_goes_on_after_bad_files(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "c_huge.txt").write_bytes(b"x" * (MAX_BYTES + 10))
    (tmp_path / "d_nofigures.txt").write_text("今天天气很好，大家都很高兴。", encoding="utf-8")
    (tmp_path / "e_gbk.txt").write_bytes("某县签订合作协议12个。".encode("gbk"))
    (tmp_path / "f_utf16.txt").write_bytes("某县落地项目7个。".encode("utf-16"))
    (tmp_path / "g_page.html").write_text("<html><body><p>某县建成基地3个。</p></body></html>", encoding="utf-8")
    results = {r["file"].rsplit("/", 1)[-1]: r for r in ingest_paths([tmp_path])}
    assert len(results) == 7
    assert "为空" in results["a_empty.txt"]["error"]
    assert "PNG" in results["b_binary.txt"]["error"]
    assert "过大" in results["c_huge.txt"]["error"]
    assert results["d_nofigures.txt"]["figures"] == []
    assert "未识别到任何统计数字" in results["d_nofigures.txt"]["warnings"][-1]
    assert results["e_gbk.txt"]["figures"][0]["value"] == 12
    assert results["f_utf16.txt"]["figures"][0]["metric"] == "projects_landed"
    assert results["g_page.html"]["figures"][0]["metric"] == "bases"


def test_missing_path_is_an_error_entry(tmp_path):
    results = list(ingest_paths([tmp_path / "nope.txt"]))
    assert results[0]["error"] == f"文件不存在：{tmp_path / 'nope.txt'}"


def test_no_state_at_import():
    import importlib

    import xiaodi.ingest.t2s as t2s

    importlib.reload(t2s)
    assert t2s._tables.cache_info().currsize == 0
