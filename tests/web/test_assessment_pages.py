"""专项考核 in the browser's pages and the API: the province office defines the 运城市 assessment, scores it and
publishes; 河津市's office sees its rank and appeals; the office answers; the briefing downloads as Word. Forbidden
actions answer 403/404 on pages and API alike; bad input answers in Chinese with nothing written."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.assessment.models import Appeal, AssessmentPeriod, IndicatorSet
from xiaodi.core.settings import local_today

from .conftest import World, csrf_for

INDICATORS = "XY:签约协议:60:2:签约协议\nXC:宣传工作:40:10"


def _define(c: TestClient, **changes: str):  # type: ignore[no-untyped-def]
    form = {"csrf_token": csrf_for(c), "name": "运城市省校合作专项考核", "year": "2024", "region": "140800",
            "subject": "region", "indicators": INDICATORS} | changes
    return c.post("/assessment/new", data=form, follow_redirects=False)


def test_score_publish_see_appeal_answer(login: Callable[[str], TestClient], world: World, session: Session) -> None:
    office = login("province")
    r = _define(office)
    assert r.status_code == 303, r.text
    set_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = office.post(f"/assessment/sets/{set_id}/periods", data={
        "csrf_token": csrf_for(office), "name": "2024年度", "starts_on": "2024-01-01", "ends_on": "2024-12-31"},
        follow_redirects=False)
    period_url = r.headers["location"]
    period_id = int(period_url.rsplit("/", 1)[1])

    hejin = login("hejin")
    # Publishing before scoring: refused in Chinese, nothing changed.
    r = office.post(f"{period_url}/publish", data={"csrf_token": csrf_for(office)})
    assert r.status_code == 422 and "尚未评分，不能发布排名" in r.text
    # 河津 may not score the city's assessment (page and API alike).
    assert hejin.post(f"{period_url}/score", data={"csrf_token": csrf_for(hejin)}).status_code == 403
    assert hejin.post(f"/api/assessment/periods/{period_id}/score",
                      headers={"x-csrf-token": csrf_for(hejin)}).status_code == 403

    assert office.post(f"{period_url}/score", data={"csrf_token": csrf_for(office)}).status_code == 200
    page = office.get(period_url).text
    assert "山西省运城市河津市" in page and "完成比例" in page and "排名" in page
    # The twelve counties without a figure share one place, and the page says so.
    assert "<td data-label=\"排名\">第1名</td>" in page and page.count("并列第2名") == 12

    # Before publishing 河津 sees its own result only: 1 agreement of 2 → 30 points, first of 13.
    mine = hejin.get(f"/api/assessment/periods/{period_id}").json()
    assert [r["name"] for r in mine["rows"]] == ["山西省运城市河津市"]
    assert mine["rows"][0]["total"] == 30.0 and mine["rows"][0]["rank"] == 1 and mine["out_of"] == 13
    assert mine["rows"][0]["tied"] is False
    assert mine["rows"][0]["working"][0]["ratio"] == 0.5

    deadline = (local_today() + dt.timedelta(days=3)).isoformat()
    r = office.post(f"{period_url}/publish", data={"csrf_token": csrf_for(office), "appeal_deadline": deadline})
    assert r.status_code == 200 and "已发布" in r.text
    seen = hejin.get(period_url).text
    assert "本单位" in seen and "提出申诉" in seen and "山西省运城市稷山县" in seen  # the whole ranking now

    indicator = session.scalars(select(IndicatorSet).where(IndicatorSet.id == set_id)).one().indicators[1]
    r = hejin.post(f"{period_url}/appeals", data={"csrf_token": csrf_for(hejin), "indicator_id": str(indicator.id),
                                                  "reason": "本年度宣传报道12篇，清单已报送"})
    assert r.status_code == 200 and "申诉已提交" in r.text
    appeal = session.scalars(select(Appeal)).one()
    # Only the office answers.
    assert hejin.post(f"/assessment/appeals/{appeal.id}/answer", data={
        "csrf_token": csrf_for(hejin), "verdict": "uphold", "answer": "自己采纳"}).status_code == 403
    r = office.post(f"/api/assessment/appeals/{appeal.id}/answer", headers={"x-csrf-token": csrf_for(office)},
                    json={"uphold": True, "answer": "经核实报道清单，更正为10篇", "corrected_value": 10})
    assert r.status_code == 200 and r.json()["state"] == "upheld"
    rows = hejin.get(f"/api/assessment/periods/{period_id}").json()["rows"]
    assert rows[0]["name"] == "山西省运城市河津市" and rows[0]["total"] == 70.0

    export = hejin.get(f"{period_url}/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"

    brief = office.get("/figures/briefing.docx?region=140800&from=2024-01-01&to=2024-12-31")
    assert brief.status_code == 200
    doc = Document(io.BytesIO(brief.content))
    assert doc.paragraphs[0].text == "山西省运城市省校合作工作简报" and len(doc.inline_shapes) >= 1
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "排名")
    assert ranking.rows[1].cells[1].text == "山西省运城市河津市"
    # the page headed 全部时间 briefs this year (a briefing compares a period with the one before) and says so
    year = local_today().year
    all_time = office.get("/figures?region=140800").text
    assert f'href="/figures/briefing.docx?region=140800&amp;year={year}">{year}年工作简报（Word）' in all_time
    dated = office.get("/figures?region=140800&year=2024").text
    assert 'href="/figures/briefing.docx?region=140800&amp;year=2024">工作简报（Word）' in dated


def test_bad_sets_are_refused_with_nothing_written(login: Callable[[str], TestClient], world: World,
                                                   session: Session) -> None:
    office = login("province")
    r = _define(office, indicators="XY:签约协议:60:2:agreements\nXC:宣传工作:30:10")
    assert r.status_code == 422 and "各项指标分值合计应为100分（100%），现为90分" in r.text
    assert "XC:宣传工作:30:10" in r.text  # the form comes back as filled in
    r = _define(office, indicators="XY:签约协议:100:0:agreements")
    assert r.status_code == 422 and "目标值必须大于0" in r.text
    api = office.post("/api/assessment/sets", headers={"x-csrf-token": csrf_for(office)}, json={
        "name": "接口考核", "year": 2024, "region_id": world.hejin.id, "subject": "region",
        "indicators": [{"code": "A", "name": "签约", "weight": 50, "target": 2, "metric": "agreements"}]})
    assert api.status_code == 422 and "现为50分" in api.json()["detail"]
    assert session.scalar(select(func.count()).select_from(IndicatorSet)) == 0
    # A county office may not assess its city; units may not open the assessment at all.
    assert _define(login("hejin")).status_code == 403
    assert login("enterprise").get("/assessment").status_code == 403
    assert login("university").get("/api/assessment/periods").status_code == 403
    assert session.scalar(select(func.count()).select_from(AssessmentPeriod)) == 0


def test_a_ranked_indicator_is_offered_on_the_form_and_its_working_shown(login: Callable[[str], TestClient],
                                                                         world: World) -> None:
    office = login("province")
    form = office.get("/assessment/new").text
    assert "按排名" in form and '<option value="region" selected>' in form and "完成值为0的不得分" in form
    # a county office has no counties below it: its form starts on its lead units (a ranking of itself misled)
    assert '<option value="lead_unit" selected>' in login("hejin").get("/assessment/new").text
    r = _define(office, name="运城市排名考核", indicators="XY:签约协议:60::agreements:按排名\nXC:宣传工作:40:10")
    assert r.status_code == 303, r.text
    set_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = office.post(f"/assessment/sets/{set_id}/periods", data={
        "csrf_token": csrf_for(office), "name": "2024年度", "starts_on": "2024-01-01", "ends_on": "2024-12-31"},
        follow_redirects=False)
    period_url = r.headers["location"]
    assert office.post(f"{period_url}/score", data={"csrf_token": csrf_for(office)}).status_code == 200
    page = office.get(period_url).text
    assert "按排名" in page and "第1名（共13个单位）：得分 = 分值60 × (13−1)÷(13−1) = 60" in page
    api = office.post("/api/assessment/sets", headers={"x-csrf-token": csrf_for(office)}, json={
        "name": "接口排名考核", "year": 2024, "region_id": world.hejin.id, "subject": "region",
        "indicators": [{"code": "XY", "name": "签约协议", "weight": 100, "metric": "agreements", "rule": "ranked"}]})
    assert api.status_code == 201, api.text
    assert api.json()["indicators"][0]["rule"] == "ranked" and api.json()["indicators"][0]["target"] is None


def test_the_reviewer_sees_whose_evidence_each_row_is(login: Callable[[str], TestClient], world: World) -> None:
    """The 佐证材料 table had no 被考核单位 column: the city office could not see whose evidence it was approving."""
    office = login("province")
    set_id = int(_define(office).headers["location"].rsplit("/", 1)[1])
    r = office.post(f"/assessment/sets/{set_id}/periods", data={
        "csrf_token": csrf_for(office), "name": "2024年度", "starts_on": "2024-01-01", "ends_on": "2024-12-31"},
        follow_redirects=False)
    period_url = r.headers["location"]
    hejin = login("hejin")
    page = hejin.get(period_url).text
    indicator = page.split('name="indicator_id"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    subject = page.split('name="subject"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    r = hejin.post(f"{period_url}/evidence", data={"csrf_token": csrf_for(hejin), "indicator_id": indicator,
                                                   "subject": subject, "value": "3", "evidence": "山西日报报道3篇"})
    assert r.status_code in (200, 303), r.text
    rows = office.get(period_url).text.split("<h2>佐证材料</h2>", 1)[1]
    assert "<th>被考核单位</th>" in rows and "山西省运城市河津市" in rows.split("山西日报报道3篇")[0]
