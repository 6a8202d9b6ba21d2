"""A form refused for what was typed comes back filled, with the message and its suggestion above it (#18 item 6).

The 河津 county office fills 新建项目 on an agreement's page and mistypes the 合作高校: it sees the same agreement
page, its project name and leader still typed, and "未找到合作高校“山西大字”，您是否要找：山西大学"."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from xiaodi.web.form_errors import fill_form

from .conftest import World, csrf_for


def test_a_mistyped_partner_brings_back_the_filled_form_with_the_suggestion(
    login: Callable[[str], TestClient], world: World,
) -> None:
    office = login("hejin")
    page_url = f"http://testserver/agreements/{world.agreement_id}"
    r = office.post(f"/agreements/{world.agreement_id}/projects", headers={"Referer": page_url}, data={
        "name": "再生铝提纯二期", "partner": "山西大字", "leader_in_charge": "王副市长", "pledged_amount": "500万元",
        "milestone_title": ["设备进场", ""], "milestone_due": ["2031-05-01", ""], "milestone_stage": ["started", ""],
        "csrf_token": csrf_for(office),
    })
    assert r.status_code == 422
    page = r.text
    assert 'role="alert"' in page and "未找到合作高校“山西大字”" in page and "山西大学" in page
    assert "新建项目" in page  # the agreement's page, not an error page
    for typed in ('value="再生铝提纯二期"', 'value="山西大字"', 'value="王副市长"', 'value="500万元"',
                  'value="设备进场"', 'value="2031-05-01"'):
        assert typed in page, typed
    assert page.index('role="alert"') < page.index('value="再生铝提纯二期"')  # the message sits above the form
    assert office.get(f"/api/agreements/{world.agreement_id}").status_code == 200
    projects = office.get("/api/projects", params={"q": "再生铝提纯二期"}).json()
    assert projects["total"] == 0  # nothing half-written


def test_without_a_referer_the_form_of_the_same_address_is_used(
    login: Callable[[str], TestClient], world: World,
) -> None:
    enterprise = login("enterprise")
    r = enterprise.post("/demands/new", data={"title": "", "description": "高炉煤气余热回收",
                                              "csrf_token": csrf_for(enterprise)})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert "高炉煤气余热回收</textarea>" in r.text


def test_the_enterprise_mistyping_its_drafts_deadline_sees_its_edit_form_again(
    login: Callable[[str], TestClient], world: World,
) -> None:
    enterprise = login("enterprise")
    edit = f"/demands/{world.draft_id}/edit"
    r = enterprise.post(edit, headers={"Referer": f"http://testserver{edit}"}, data={
        "title": "数控人才需求（修订）", "description": "五轴加工中心操作", "deadline": "2025-13-45", "version": "1",
        "csrf_token": csrf_for(enterprise)})
    assert r.status_code == 422
    assert 'role="alert">揭榜截止日期应写作 YYYY-MM-DD：2025-13-45' in r.text
    assert f'action="{edit}"' in r.text and 'value="数控人才需求（修订）"' in r.text
    assert "五轴加工中心操作</textarea>" in r.text and 'value="2025-13-45"' in r.text
    assert enterprise.get(f"/api/demands/{world.draft_id}").json()["title"] == "数控人才需求"


def test_an_edit_sent_after_the_draft_was_withdrawn_says_so_instead_of_blaming_the_input(
    login: Callable[[str], TestClient], world: World,
) -> None:
    enterprise = login("enterprise")
    edit = f"/demands/{world.draft_id}/edit"
    withdrawn = enterprise.post(f"/demands/{world.draft_id}/transition", follow_redirects=False, data={
        "step": "withdraw", "reason": "需求已由本单位自行解决", "version": "1", "csrf_token": csrf_for(enterprise)})
    assert withdrawn.status_code == 303, withdrawn.text
    r = enterprise.post(edit, headers={"Referer": f"http://testserver{edit}"}, data={
        "title": "数控人才需求", "budget": "很多", "deadline": "2025-13-45", "version": "1",
        "csrf_token": csrf_for(enterprise)})
    assert r.status_code == 409
    assert "已撤回，不能再修改内容" in r.text and "无效" not in r.text and "不是有效金额" not in r.text


def test_refusals_about_who_asks_keep_the_error_page(login: Callable[[str], TestClient], world: World) -> None:
    university = login("university")
    r = university.post(f"/agreements/{world.agreement_id}/projects", data={
        "name": "越权项目", "csrf_token": csrf_for(university)},
        headers={"Referer": f"http://testserver/agreements/{world.agreement_id}"})
    assert r.status_code in (403, 404) and "越权项目" not in r.text


PAGE = """<html><body><form method="get" action="/x"><input name="q"></form>
<form method="post" action="/things/new">
<input type="hidden" name="csrf_token" value="T1"><input type="hidden" name="version" value="7">
<input name="title" value="旧"><input type="password" name="secret">
<input type="checkbox" name="key" value="1" checked><input type="radio" name="level" value="a"><input type="radio"
name="level" value="b">
<select name="kind"><option value="x" selected>X</option><option value="y">Y</option></select>
<textarea name="body">旧文</textarea><input name="row" value=""><input name="row">
</form></body></html>"""


def test_the_posted_values_fill_the_visible_fields_only() -> None:
    filled = fill_form(PAGE, action="/things/new", message="名称<有误>", values={
        "csrf_token": ["OLD"], "version": ["3"], "title": ["新名称\"引号"], "secret": ["pw"], "level": ["b"],
        "kind": ["y"], "body": ["新的<说明>"], "row": ["第一行", "第二行"], "q": ["不该填"],
    })
    assert filled is not None
    assert 'value="T1"' in filled and 'value="7"' in filled  # hidden fields keep the fresh page's values
    assert 'value="新名称&quot;引号"' in filled and "pw" not in filled
    assert '<input type="checkbox" name="key" value="1">' in filled  # unticked: the post did not carry it
    assert 'value="b" checked' in filled and 'value="a" checked' not in filled
    assert '<option value="y" selected>' in filled and '<option value="x">' in filled
    assert "<textarea name=\"body\">新的&lt;说明&gt;</textarea>" in filled
    assert 'value="第一行"' in filled and 'value="第二行"' in filled
    assert "名称&lt;有误&gt;" in filled and 'name="q">' in filled  # the other form is untouched
    assert fill_form(PAGE, action="/elsewhere", values={}, message="") is None


def test_a_refused_form_inside_a_folded_section_comes_back_unfolded() -> None:
    """The expert's 为“山西大学”打分 is folded (``<details>``); a score "abc" came back with its message inside the
    closed section, and the page seemed to have done nothing. The section that holds the form opens; others don't."""
    page = ('<details><summary>别的方案</summary><form method="post" action="/other"></form></details>'
            '<section><details class="score"><summary>为“山西大学”打分</summary>'
            '<form method="post" action="/demands/9/claims/3/scores"><input name="score_技术先进性"></form>'
            '</details></section>')
    filled = fill_form(page, action="/demands/9/claims/3/scores", values={"score_技术先进性": ["abc"]},
                       message="“技术先进性”的得分“abc”不是数字")
    assert filled is not None
    assert '<details class="score" open>' in filled and filled.startswith("<details><summary>别的方案")
    assert 'value="abc"' in filled and "不是数字" in filled


def test_a_mistyped_university_or_region_in_an_order_or_a_base_keeps_the_form(
    login: Callable[[str], TestClient], world: World,
) -> None:
    """点单 with a 服务高校 that does not exist, and 申报基地 with a 所在地区 that does not exist: both came back as a
    404 error page ("找不到该页面或记录") and everything typed was lost."""
    office = login("hejin")
    r = office.post("/orders/new", headers={"Referer": "http://testserver/orders/new"}, data={
        "title": "铝灰渣无害化处置咨询", "university": "测试内容", "description": "二次铝灰处置工艺",
        "csrf_token": csrf_for(office)})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "服务高校：未找到高校“测试内容”" in r.text
    assert 'value="铝灰渣无害化处置咨询"' in r.text and "二次铝灰处置工艺</textarea>" in r.text
    r = office.post("/bases/new", headers={"Referer": "http://testserver/bases/new"}, data={
        "name": "河津再生铝实习实训基地", "base_type_id": "1", "region": "河津县城", "csrf_token": csrf_for(office)})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "所在地区" in r.text and 'value="河津再生铝实习实训基地"' in r.text


def test_a_base_or_pairing_typed_in_another_region_comes_back_filled_with_the_refusal(
    login: Callable[[str], TestClient], world: World,
) -> None:
    """The 河津 office typed 盐湖区 as 所在地区 of a base and 太原市 as a 结对's region: each came back as a 403 page
    and everything typed was lost. Now the form comes back with the refusal above it, and nothing is written."""
    office = login("hejin")
    r = office.post("/bases/new", headers={"Referer": "http://testserver/bases/new"}, data={
        "name": "盐湖区再生铝实训基地", "base_type_id": "1", "region": "盐湖区", "address": "解州镇工业园",
        "csrf_token": csrf_for(office)})
    assert r.status_code == 422 and 'role="alert"' in r.text and "申报基地" in r.text
    assert 'value="盐湖区再生铝实训基地"' in r.text and 'value="解州镇工业园"' in r.text
    assert office.get("/api/bases", params={"q": "盐湖区再生铝实训基地"}).json()["total"] == 0
    r = office.post("/pairings/new", headers={"Referer": "http://testserver/pairings/new"}, data={
        "university": "山西大学", "lead_unit": "河津市工业和信息化局", "region": "太原市", "started_on": "2025-03-01",
        "note": "太原结对说明", "csrf_token": csrf_for(office)})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert 'value="太原市"' in r.text and "太原结对说明</textarea>" in r.text


def test_a_county_office_account_is_made_with_its_region_written_as_city_and_county(
    login: Callable[[str], TestClient], world: World,
) -> None:
    """The administrator wrote 辖区 as 长治市潞州区 (a 404 page before); a name that is no region keeps the form."""
    admin = login("admin")
    r = admin.post("/admin/users", headers={"Referer": "http://testserver/admin/users"}, data={
        "username": "luzhou", "display_name": "潞州区校地合作办", "role": "county_office", "scope": "长治市潞州区",
        "csrf_token": csrf_for(admin)})
    assert r.status_code == 200 and "账号：luzhou" in r.text and "潞州区" in r.text
    r = admin.post("/admin/users", headers={"Referer": "http://testserver/admin/users"}, data={
        "username": "nowhere", "display_name": "某某办", "role": "county_office", "scope": "长治市某某区",
        "csrf_token": csrf_for(admin)})
    assert r.status_code == 422 and "辖区：未找到行政区“长治市某某区”" in r.text and 'value="某某办"' in r.text
