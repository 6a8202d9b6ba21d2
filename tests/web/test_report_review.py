"""河津's office uploads a county report, corrects one figure, accepts the rest and compares them with the ledger;
an enterprise may not touch the review and another county's office does not see the report."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from .conftest import World, csrf_for

REPORT = "河津市校地合作进展\n今年以来，河津市与8所高校签订合作协议5个，签约金额1.2亿元。\n".encode()


def _upload(c: TestClient) -> dict:  # type: ignore[type-arg]
    r = c.post("/api/reports?region=河津市", files={"file": ("河津进展.txt", REPORT, "text/plain")},
               headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == 200, r.text
    return r.json()


def test_office_reviews_a_report_and_reconciles_it(login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    report = _upload(c)
    figures = {f["metric"]: f for f in report["figures"]}
    assert figures["agreements"]["value"] == 5 and figures["amount_signed"]["value"] == 120_000_000
    r = c.post(f"/api/reports/figures/{figures['agreements']['id']}/review",
               json={"decision": "correct", "corrected_value": 4, "note": "台账核实为4个"},
               headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == 200 and r.json()["state"] == "corrected"
    r = c.post(f"/api/reports/{report['id']}/accept", headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == 200
    rows = {x["metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["agreements"]["reported"] == 4
    assert rows["agreements"]["ledger"] == 1  # the one agreement of the test world
    assert rows["agreements"]["flagged"] is True


def test_only_offices_in_scope_take_part(login: Callable[[str], TestClient], world: World) -> None:
    report = _upload(login("hejin"))
    ent = login("enterprise")
    assert ent.post("/api/reports", files={"file": ("x.txt", REPORT, "text/plain")},
                    headers={"X-CSRF-Token": csrf_for(ent)}).status_code == 403
    assert ent.get(f"/api/reports/{report['id']}").status_code == 403
    assert login("province").get(f"/api/reports/{report['id']}").status_code == 200
    assert login("hejin").get("/api/reconciliation?region=太原市").status_code == 404


def _form(c: TestClient, path: str, data: dict[str, str]) -> str:
    """Post a page form as the browser does and return the page it redirects to."""
    r = c.post(path, data={**data, "csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_office_reviews_a_report_in_the_browser_pages(login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    assert "上传并提取" in c.get("/reports/upload").text
    r = c.post("/reports/upload", data={"region": "河津市", "csrf_token": csrf_for(c)},
               files={"file": ("河津进展.txt", REPORT, "text/plain")}, follow_redirects=False)
    assert r.status_code == 303
    report_path = r.headers["location"]
    page = c.get(report_path).text
    assert "河津市校地合作进展" in page and "签订合作协议5个" in page and "1.2亿元" in page
    report_id = int(report_path.rsplit("/", 1)[1])
    figures = {f["metric"]: f for f in c.get(f"/api/reports/{report_id}").json()["figures"]}

    # 更正: the county counts 4 agreements, not 5; typed as people write it
    _form(c, f"/reports/figures/{figures['agreements']['id']}/review",
          {"decision": "correct", "corrected_value": "4个", "note": "台账核实为4个"})
    _form(c, f"/reports/{report_id}/accept", {})
    page = c.get(report_path).text
    assert "更正为 4" in page and "台账核实为4个" in page and "已采信" in page

    page = c.get("/reconciliation?region=河津市").text
    assert "签约协议" in page and "有差异" in page and f"/reports/{report_id}" in page
    listing = c.get("/reports").text
    assert "河津市校地合作进展" in listing and "上传报道" in listing


def test_a_figure_without_a_region_gets_one_from_the_reviewer(
        login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    raw = "校地合作简报\n截至目前，共签约项目12个。\n".encode()
    r = c.post("/api/reports", files={"file": ("简报.txt", raw, "text/plain")}, headers={"X-CSRF-Token": csrf_for(c)})
    fig = r.json()["figures"][0]
    assert fig["region_id"] is None
    _form(c, f"/reports/figures/{fig['id']}/review", {"decision": "accept", "region": "河津市"})
    rows = {x["metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["projects_signed"]["reported"] == 12
    # a region outside the office's scope is refused, and the figure keeps its earlier decision
    r = c.post(f"/reports/figures/{fig['id']}/review",
               data={"decision": "reject", "region": "太原市", "csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 404
    rows = {x["metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["projects_signed"]["reported"] == 12


def test_report_pages_are_office_work(login: Callable[[str], TestClient], world: World) -> None:
    report = _upload(login("hejin"))
    for persona in ("enterprise", "university"):
        c = login(persona)
        assert c.get("/reports").status_code == 403
        assert c.get(f"/reports/{report['id']}").status_code == 403
        assert c.get("/reports/upload").status_code == 403
        assert c.get("/reconciliation?region=河津市").status_code == 403
        assert "报道核对" not in c.get("/").text
        r = c.post(f"/reports/{report['id']}/accept", data={"csrf_token": csrf_for(c)}, follow_redirects=False)
        assert r.status_code == 403
    assert "报道核对" in login("hejin").get("/").text


def test_a_bad_correction_is_refused_and_nothing_changes(login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    report = _upload(c)
    fig = next(f for f in report["figures"] if f["metric"] == "agreements")
    r = c.post(f"/reports/figures/{fig['id']}/review",
               data={"decision": "correct", "corrected_value": "很多", "csrf_token": csrf_for(c)})
    assert r.status_code == 422 and "不是有效数字" in r.text
    # A count typed with a money unit, and a figure beyond any programme (nineteen nines of 亿元 for 签约协议).
    for typed, said in (("5亿元", "数量不能带金额单位"), ("99999999999", "签约协议的更正值超出合理范围")):
        r = c.post(f"/reports/figures/{fig['id']}/review",
                   data={"decision": "correct", "corrected_value": typed, "csrf_token": csrf_for(c)})
        assert r.status_code == 422 and said in r.text, typed
    after = {f["id"]: f for f in c.get(f"/api/reports/{report['id']}").json()["figures"]}
    assert after[fig["id"]]["state"] == "proposed" and after[fig["id"]]["value"] == 5


# --- issue 18 item 4: the reconciliation compares like with like ----------------------------------------------


def _upload_and_accept(c: TestClient, name: str, text: str, region: str | None = "河津市") -> int:
    query = f"?region={region}" if region else ""
    r = c.post(f"/api/reports{query}", files={"file": (name, text.encode(), "text/plain")},
               headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == 200, r.text
    report_id = int(r.json()["id"])
    assert c.post(f"/api/reports/{report_id}/accept", headers={"X-CSRF-Token": csrf_for(c)}).status_code == 200
    return report_id


def test_a_figure_is_compared_with_the_ledger_of_the_period_it_states(
        login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    # the world's one agreement was signed on 2024-05-10: a report on 2023 must not be compared with it
    _upload_and_accept(c, "年报.txt", "河津市校地合作年报\n发布时间：2024-02-01\n2023年，河津市签订合作协议3个。\n")
    rows = {x["metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["agreements"]["reported"] == 3 and rows["agreements"]["ledger"] == 0
    assert rows["agreements"]["period"] == "2023年" and rows["agreements"]["from"] == "2023-01-01"
    page = c.get("/reconciliation?region=河津市").text
    assert "2023年" in page

    # a later report on 2024 so far is compared with 2024 up to its date, which holds the agreement
    _upload_and_accept(c, "半年报.txt", "河津市半年报\n发布时间：2024-07-01\n今年以来，河津市签订合作协议2个。\n")
    rows = {x["metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["agreements"]["reported"] == 2 and rows["agreements"]["ledger"] == 1
    assert rows["agreements"]["from"] == "2024-01-01" and rows["agreements"]["to"] == "2024-07-01"
    # choosing 2023 on the page brings back the figure of 2023
    rows = {x["metric"]: x for x in
            c.get("/api/reconciliation?region=河津市&from=2023-01-01&to=2023-12-31").json()["rows"]}
    assert rows["agreements"]["reported"] == 3


def test_people_are_compared_with_people_and_demands_with_demands(
        login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    _upload_and_accept(c, "需求.txt", "河津市需求征集\n河津市收集企业人才需求200人、技术需求6项。\n")
    rows = {x["ledger_metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["talent_headcount"]["metric"] == "talent_demand" and rows["talent_headcount"]["reported"] == 200
    assert rows["talent_headcount"]["label"] == "人才需求人数"
    assert rows["tech_demand"]["reported"] == 6 and rows["tech_demand"]["ledger"] == 1  # the published demand
    assert "talent_demand" not in rows  # 200 people are not 200 demands


def test_metric_names_are_chinese_on_the_page(login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    _upload_and_accept(c, "进展.txt", REPORT.decode())
    table = c.get("/reconciliation?region=河津市").text.split("<table", 1)[1]  # the navigation links /agreements
    for key in ("demands_claimed", "demands_published", "talent_headcount", "tech_demand", "agreements"):
        assert key not in table
    assert "发榜需求" in table and "签约协议" in table
    rows = c.get("/api/reconciliation?region=河津市").json()["rows"]
    assert all(x["label"] and not x["label"].isascii() for x in rows)


def test_blank_dates_are_no_error_and_a_bad_one_is_refused_in_chinese(
        login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    assert c.get("/reconciliation?region=河津市&from=&to=").status_code == 200
    assert c.get("/api/reconciliation?region=河津市&from=&to=").status_code == 200
    r = c.get("/reconciliation?region=河津市&from=2024-13-01&to=")
    assert r.status_code == 422 and "起始日期应写作 YYYY-MM-DD：2024-13-01" in r.text


def test_a_report_without_a_region_takes_the_one_it_is_about_or_the_uploaders(
        login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    about_hejin = _upload_and_accept(c, "河津.txt", "工作简报\n河津市与山西大学签订合作协议2个。\n", region=None)
    no_region = _upload_and_accept(c, "简报.txt", "校地合作简报\n截至目前，共签约项目12个。\n", region=None)
    province = login("province")
    for report_id in (about_hejin, no_region):
        assert province.get(f"/api/reports/{report_id}").status_code == 200  # the province sees both
        assert "河津市" in province.get(f"/reports/{report_id}").text



def test_a_county_office_files_reports_of_its_own_region_only(
        login: Callable[[str], TestClient], world: World) -> None:
    """河津's office picks 太原市 as the report's region: refused, nothing stored — the report would sit under a city
    河津 has no say over, out of sight of 运城 above it. A text about 太原 that names no region is filed under 河津,
    where its uploader and the offices above see it; the figures keep the region their text gives them."""
    c = login("hejin")
    r = c.post("/reports/upload", data={"region": "太原市", "csrf_token": csrf_for(c)},
               files={"file": ("太原.txt", "太原市校地合作\n签订合作协议3个。\n".encode(), "text/plain")})
    assert r.status_code == 403 and "所属地区“山西省太原市”不在您的管辖范围内" in r.text
    assert "太原.txt" not in c.get("/reports").text
    about_taiyuan = _upload_and_accept(c, "太原2.txt", "太原市校地合作\n太原市签订合作协议3个。\n", region=None)
    assert "河津市" in login("province").get(f"/reports/{about_taiyuan}").text


def test_a_total_stands_for_the_report_not_the_part_stated_after_it(
        login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    _upload_and_accept(c, "总分.txt", "河津市进展\n河津市签订合作协议10个，其中与高校签订合作协议4个。\n")
    rows = {x["metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["agreements"]["reported"] == 10

# --- issue 18 item 5: the review page fits a screen -----------------------------------------------------------


def test_the_review_page_groups_figures_by_metric_with_one_searchable_list(
        login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    text = ("河津市校地合作进展\n今年以来，河津市与8所高校签订合作协议5个，签约金额1.2亿元。"
            "新签约项目6个，落地项目3个。另与3所高校签订合作协议2个。\n")
    report_id = _upload_and_accept(c, "分组.txt", text)
    page = c.get(f"/reports/{report_id}").text
    assert '<select name="metric"' not in page  # no 25-option select on every row
    assert page.count("<datalist") == 1 and page.count("<option") <= len(text)  # one list for the page
    assert page.count('list="metric-choices"') == 7  # every row searches the same list
    group = page.split('data-metric="agreements"', 1)[1].split("</tbody>", 1)[0]
    assert "签约协议" in group and group.count('class="figure-row') == 2  # both agreement figures under one head

    # the reviewer types the metric's Chinese name, as the list offers it
    figures = c.get(f"/api/reports/{report_id}").json()["figures"]
    landed = next(f for f in figures if f["metric"] == "projects_landed")
    _form(c, f"/reports/figures/{landed['id']}/review", {"decision": "correct", "metric": "签约项目"})
    after = {f["id"]: f for f in c.get(f"/api/reports/{report_id}").json()["figures"]}
    assert after[landed["id"]]["metric"] == "projects_signed"
    r = c.post(f"/reports/figures/{landed['id']}/review",
               data={"decision": "correct", "metric": "签约数", "csrf_token": csrf_for(c)})
    assert r.status_code == 422 and "未知的统计指标“签约数”" in r.text


def test_cleaning_notes_read_as_sentences(login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    html = ("<html><body><h1>河津市校地合作進展</h1><p>今年以來，河津市簽訂合作協議5個。</p></body></html>").encode()
    r = c.post("/api/reports?region=河津市", files={"file": ("进展.html", html, "text/html")},
               headers={"X-CSRF-Token": csrf_for(c)})
    report = r.json()
    assert len(report["warnings"]) >= 2
    page = c.get(f"/reports/{report['id']}").text
    assert "。；" not in page and "只保留文字。原文含繁体字" in page


def test_a_file_without_chinese_text_is_refused_and_nothing_stored(login: Callable[[str], TestClient],
                                                                   world: World) -> None:
    """The fuzzer uploaded a file holding only ``-239``: not a report, refused in Chinese, nothing stored."""
    c = login("hejin")
    before = c.get("/api/reports").json()["total"]
    for content in (b"-239", b"1.5e+100\n2, 3", b"<html><body>12</body></html>"):
        r = c.post("/api/reports", files={"file": ("file", content, "text/plain")},
                   headers={"X-CSRF-Token": csrf_for(c)})
        assert r.status_code == 422, r.text
        assert "没有汉字" in r.text
    assert c.get("/api/reports").json()["total"] == before
