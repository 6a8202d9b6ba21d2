"""Events, contacts and the inbox on the pages and the JSON API: an office runs a job fair through the forms; the
agreement signed at a matchmaking meeting is listed under it; every persona that may not is refused the same way
on pages and API; bad input answers in Chinese with nothing written; the header counts unread messages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.web.conftest import World, csrf_for
from xiaodi.events.models import Event, EventOutcome


def _event_id(session: Session, name: str) -> int:
    return session.scalars(select(Event.id).where(Event.name == name)).one()


def test_an_office_runs_a_job_fair_on_the_pages(login: Callable[[str], TestClient], session: Session,
                                                world: World) -> None:
    c = login("hejin")
    token = csrf_for(c)
    r = c.post("/events/new", data={"csrf_token": token, "name": "河津市秋季招聘会", "kind": "job_fair",
                                    "starts_on": "2025-09-20", "venue": "河津市体育馆",
                                    "agenda": "09:00 开幕\n09:30 现场招聘"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    eid = _event_id(session, "河津市秋季招聘会")
    for data in ({"role": "enterprise", "organisation": world.enterprise.name},
                 {"role": "group", "label": "应届毕业生", "count": "300"}):
        assert c.post(f"/events/{eid}/participants", data={"csrf_token": token, **data},
                      follow_redirects=False).status_code == 303
    for metric, value in (("positions", "420"), ("intent_people", "57")):
        assert c.post(f"/events/{eid}/outcomes", data={"csrf_token": token, "metric": metric, "value": value},
                      follow_redirects=False).status_code == 303
    page = c.get(f"/events/{eid}").text
    assert "提供岗位（个）" in page and "420" in page and "达成意向（人）" in page and "57" in page
    assert f'action="/events/{eid}/outcomes"' in page  # held: the office may add more
    r = c.post("/events/new", data={"csrf_token": token, "name": "河津市明年春季招聘会", "kind": "job_fair",
                                    "state": "planned", "starts_on": "2031-03-20"}, follow_redirects=False)
    planned = c.get(r.headers["location"]).text
    assert "/outcomes" not in planned and "活动举办后才能登记成效" in planned  # no form that always fails
    assert "09:30 现场招聘" in page and "应届毕业生" in page
    # 挂职 under the event
    assert c.post(f"/events/{eid}/secondments", data={
        "csrf_token": token, "person_name": "周博士", "unit": world.enterprise.name, "post": "科技副总",
        "starts_on": "2025-10-01", "ends_on": "2026-09-30", "home_org": "山西大学"},
        follow_redirects=False).status_code == 303
    assert "周博士" in c.get(f"/events/{eid}").text


def test_an_agreement_signed_at_a_meeting_shows_under_it(login: Callable[[str], TestClient], session: Session,
                                                         world: World) -> None:
    c = login("hejin")
    token = csrf_for(c)
    r = c.post("/api/events", json={"name": "河津市校企对接会", "kind": "matchmaking", "starts_on": "2025-04-02",
                                    "region_id": world.hejin.id}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    from xiaodi.projects.models import Agreement

    agreement = session.get(Agreement, world.agreement_id)
    assert agreement is not None
    r = c.post(f"/events/{eid}/agreements", data={"csrf_token": token, "agreement": agreement.code},
               follow_redirects=False)
    assert r.status_code == 303
    assert agreement.title in c.get(f"/events/{eid}").text
    # … and the agreement's page names the meeting it was signed at, linking back to it
    related = c.get(f"/agreements/{agreement.id}").text.split('id="related"')[1].split("</section>")[0]
    assert "签约活动" in related and f'href="/events/{eid}"' in related and "河津市校企对接会" in related
    # The university, a party to the agreement, sees the event it signed at and the agreement under it.
    body = login("university").get(f"/api/events/{eid}/outcomes").json()
    assert [a["title"] for a in body["agreements"]] == [agreement.title]


def test_forbidden_on_pages_and_api_alike(login: Callable[[str], TestClient], session: Session, world: World,
                                          taiyuan_event: int) -> None:
    for persona in ("enterprise", "university", "outsider"):
        c = login(persona)
        token = csrf_for(c)
        assert c.get("/events/new").status_code == 403
        assert c.post("/api/events", json={"name": "x", "kind": "matchmaking", "starts_on": "2025-01-01",
                                           "region_id": world.hejin.id},
                      headers={"X-CSRF-Token": token}).status_code == 403
        assert c.post(f"/api/events/{taiyuan_event}/outcomes", json={"metric": "positions", "value": 5},
                      headers={"X-CSRF-Token": token}).status_code == 403
    c = login("hejin")
    token = csrf_for(c)
    # another region's event: invisible to the county office (404), on the page form and the API
    r = c.post(f"/api/events/{taiyuan_event}/outcomes", json={"metric": "positions", "value": 5},
               headers={"X-CSRF-Token": token})
    assert r.status_code == 404 and "不存在或您无权查看" in r.json()["detail"]
    assert c.post(f"/events/{taiyuan_event}/outcomes", data={"csrf_token": token, "metric": "positions",
                                                             "value": "5"}).status_code == 404
    r = c.post("/api/events", json={"name": "越界", "kind": "matchmaking", "starts_on": "2025-01-01",
                                    "region_id": world.taiyuan.id}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403 and "本辖区" in r.json()["detail"]
    assert session.scalar(select(func.count()).select_from(EventOutcome)) == 0


def test_bad_input_answers_in_chinese_and_writes_nothing(login: Callable[[str], TestClient], session: Session,
                                                         world: World) -> None:
    c = login("hejin")
    token = csrf_for(c)
    before = session.scalar(select(func.count()).select_from(Event))
    r = c.post("/api/events", json={"name": "倒序", "kind": "matchmaking", "starts_on": "2025-05-02",
                                    "ends_on": "2025-05-01", "region_id": world.hejin.id},
               headers={"X-CSRF-Token": token})
    assert r.status_code == 422 and "结束日期不能早于开始日期" in r.json()["detail"]
    r = c.post("/events/new", data={"csrf_token": token, "name": "无日期", "kind": "job_fair", "starts_on": "明天"})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text
    assert session.scalar(select(func.count()).select_from(Event)) == before
    eid = c.post("/api/events", json={"name": "好活动", "kind": "training", "starts_on": "2025-05-02",
                                      "region_id": world.hejin.id}, headers={"X-CSRF-Token": token}).json()["id"]
    r = c.post(f"/events/{eid}/outcomes", data={"csrf_token": token, "metric": "positions", "value": "许多"})
    assert r.status_code == 422 and "应为数字" in r.text
    r = c.post("/contacts/new", data={"csrf_token": token, "contacted_on": "2025-05-02", "channel": "飞鸽",
                                      "summary": "x", "to_org": "山西大学"})
    assert r.status_code == 422 and "对接方式无效" in r.text


def test_the_header_counts_unread_messages_and_the_inbox_opens(
        login: Callable[[str], TestClient], session: Session, world: World, personas: dict[str, int]) -> None:
    from xiaodi.notifications.service import notify

    notify(session, kind="other", title="请登记招聘会成效", link="/events", user_ids=[personas["hejin"]])
    notify(session, kind="other", title="第二条", link="/events", user_ids=[personas["hejin"]])
    c = login("hejin")
    home = c.get("/").text
    assert 'class="badge unread-count">2<' in home
    inbox = c.get("/inbox").text
    assert "请登记招聘会成效" in inbox and "【未读】" in inbox
    body = c.get("/api/notifications").json()
    assert body["unread"] == 2
    first = body["items"][-1]["id"]
    r = c.get(f"/inbox/{first}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/events"
    assert 'class="badge unread-count">1<' in c.get("/").text
    # someone else's message is not there for another account
    assert login("enterprise").get(f"/inbox/{first}", follow_redirects=False).status_code == 404
    r = c.post("/api/notifications/read", json={}, headers={"X-CSRF-Token": csrf_for(c)})
    assert r.json() == {"marked": 1, "unread": 0}
    assert "unread-count" not in c.get("/").text


def test_contacts_are_recorded_and_counted(login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    token = csrf_for(c)
    r = c.post("/contacts/new", data={"csrf_token": token, "contacted_on": "2025-06-03", "channel": "visit",
                                      "summary": "赴山西大学走访", "from_org": world.enterprise.name,
                                      "university": "山西大学", "demand_id": str(world.demand_id),
                                      "follow_up": "提交技术方案"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "赴山西大学走访" in c.get(r.headers["location"]).text
    assert c.get("/api/contact-counts").json() == [{"region": "河津市", "month": "2025-06", "count": 1}]
    assert login("enterprise").get("/api/contact-counts").status_code == 403
    # the enterprise that was party to it sees it in its list
    assert "赴山西大学走访" in login("enterprise").get("/contacts").text


def test_the_figures_page_shows_events_posts_intents_and_contacts(
        login: Callable[[str], TestClient], session: Session, world: World) -> None:
    c = login("hejin")
    token = csrf_for(c)
    eid = c.post("/api/events", json={"name": "河津数据招聘会", "kind": "job_fair", "starts_on": "2025-03-15",
                                      "state": "held", "region_id": world.hejin.id},
                 headers={"X-CSRF-Token": token}).json()["id"]
    for metric, value in (("positions", 2135), ("intent_people", 148)):
        assert c.post(f"/api/events/{eid}/outcomes", json={"metric": metric, "value": value},
                      headers={"X-CSRF-Token": token}).status_code == 201
    page = c.get("/figures?year=2025").text
    section = page[page.index('id="event-figures"'):]
    assert "2135个" in section and "148人" in section and "1场" in section
    # the other year's figures do not count it
    other = c.get("/figures?year=2024").text
    assert "2135个" not in other[other.index('id="event-figures"'):]
    # a unit's own figures page has no region to count events in
    assert 'id="event-figures"' not in login("enterprise").get("/figures").text
