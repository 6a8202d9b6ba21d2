"""合作意向: a county office records the intent a visit produced, follows it to the agreement the two parties signed,
or closes it with a reason; the parties see it, others do not; the figures and the report reconciliation count it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.web.conftest import World, csrf_for
from xiaodi.accounts.models import User
from xiaodi.accounts.scope import Viewer, viewer_for
from xiaodi.core.audit import history
from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Demand
from xiaodi.events.models import Event, EventKind
from xiaodi.intents import service
from xiaodi.intents.figures import intent_figures
from xiaodi.intents.models import Intent, IntentState
from xiaodi.projects import service as projects


def viewer(session: Session, username: str) -> Viewer:
    return viewer_for(session, session.scalars(select(User).where(User.username == username)).one())


def visit(session: Session, world: World) -> Event:
    event = Event(name="山西大学赴河津走访", kind=EventKind.VISIT, region_id=world.hejin.id,
                  starts_on=dt.date(2025, 3, 12))
    session.add(event)
    session.flush()
    return event


def intent(session: Session, world: World, personas: dict[str, int], **kw: object) -> Intent:
    args: dict[str, object] = {"topic": "再生铝提纯技术合作", "enterprise_id": world.enterprise.id,
                               "university_id": world.university.id, "agreed_on": dt.date(2025, 3, 12)}
    return service.record_intent(session, viewer(session, "hejin"), **(args | kw))  # type: ignore[arg-type]


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Intent)) or 0


def test_an_intent_from_a_visit_is_followed_to_the_agreement_the_parties_signed(
        session: Session, world: World, personas: dict[str, int]) -> None:
    event = visit(session, world)
    found = intent(session, world, personas, event_id=event.id, region_id=None)
    assert (found.state, found.region_id, found.code[:8]) == (IntentState.OPEN, world.hejin.id, "YX-2025-")

    service.convert_to_agreement(session, viewer(session, "hejin"), found.id, world.agreement_id,
                                 expected_version=found.version)

    assert (found.state, found.agreement_id) == (IntentState.SIGNED, world.agreement_id)
    assert IntentState(found.state).label == "已签约"
    assert [e.action for e in history(session, "cooperation_intent", found.id)] == ["create", "transition"]
    figures = intent_figures(session, region_id=world.hejin.id, date_from=dt.date(2025, 1, 1),
                             date_to=dt.date(2025, 12, 31))
    assert (figures.recorded, figures.converted, figures.rate_text) == (1, 1, "100.0%")
    assert intent_figures(session, region_id=world.taiyuan.id).recorded == 0
    assert intent_figures(session, region_id=world.hejin.id, date_from=dt.date(2026, 1, 1)).recorded == 0


def test_an_agreement_of_other_parties_is_not_the_intents(session: Session, world: World,
                                                          personas: dict[str, int]) -> None:
    found = intent(session, world, personas)
    other = projects.create_agreement(
        session, actor=viewer(session, "hejin").actor, title="河津另一份协议", kind="tech_development",
        parties=[projects.PartySpec(organisation_id=world.enterprise.id, name=world.enterprise.name, role="party_a"),
                 projects.PartySpec(name="太原理工大学", role="party_b")], region_id=world.hejin.id)

    with pytest.raises(ValidationFailed, match="签约方不包括意向的山西大学"):
        service.convert_to_agreement(session, viewer(session, "hejin"), found.id, other.id)

    session.refresh(found)
    assert (found.state, found.agreement_id) == (IntentState.OPEN, None)


def test_closing_needs_a_reason_and_a_closed_intent_stays_closed(session: Session, world: World,
                                                                 personas: dict[str, int]) -> None:
    found = intent(session, world, personas)
    with pytest.raises(ValidationFailed, match="终止合作意向必须说明原因"):
        service.close_intent(session, viewer(session, "hejin"), found.id, "  ")
    session.refresh(found)
    assert found.state == IntentState.OPEN

    service.close_intent(session, viewer(session, "hejin"), found.id, "企业转产，不再需要该技术")
    assert (found.state, found.close_reason) == (IntentState.CLOSED, "企业转产，不再需要该技术")
    with pytest.raises(ValidationFailed, match="已终止，不能再转为协议"):
        service.convert_to_agreement(session, viewer(session, "hejin"), found.id, world.agreement_id)


def test_parties_must_be_an_enterprise_and_a_university(session: Session, world: World,
                                                        personas: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed, match="是高校或院所"):
        intent(session, world, personas, enterprise_id=world.university.id, university_id=world.university.id)
    with pytest.raises(ValidationFailed, match="不是高校或科研院所"):
        intent(session, world, personas, university_id=world.other_enterprise.id)
    with pytest.raises(ValidationFailed, match="合作内容不能为空"):
        intent(session, world, personas, topic=" ")
    assert count(session) == 0


def test_who_may_record_and_who_sees(session: Session, world: World, personas: dict[str, int]) -> None:
    with pytest.raises(Forbidden):
        service.record_intent(session, viewer(session, "enterprise"), topic="x", enterprise_id=world.enterprise.id,
                              university_id=world.university.id, agreed_on=dt.date(2025, 1, 1))
    with pytest.raises(Forbidden, match="所在地"):  # a county office records nothing in 太原
        intent(session, world, personas, enterprise_id=world.other_enterprise.id)
    by_province = service.record_intent(
        session, viewer(session, "province"), topic="重装焊接合作", enterprise_id=world.other_enterprise.id,
        university_id=world.university.id, agreed_on=dt.date(2025, 4, 1))
    assert by_province.region_id == world.taiyuan.id
    from xiaodi.intents import access

    with pytest.raises(NotFound):  # the Hejin office does not learn of 太原's intent
        access.get_readable(session, viewer(session, "hejin"), by_province.id)
    with pytest.raises(NotFound):
        access.get_readable(session, viewer(session, "enterprise"), by_province.id)
    assert access.get_readable(session, viewer(session, "university"), by_province.id).id == by_province.id
    with pytest.raises(Forbidden):
        service.close_intent(session, viewer(session, "university"), by_province.id, "不做了")


def test_pages_list_detail_and_forms(session: Session, world: World, personas: dict[str, int], login) -> None:  # type: ignore[no-untyped-def]
    office = login("hejin")
    token = csrf_for(office)
    # A form with an unknown name is shown again with what was typed, and nothing is written.
    r = office.post("/intents/new", data={"csrf_token": token, "topic": "再生铝提纯技术合作",
                                          "enterprise": "河津不存在公司", "university": "山西大学",
                                          "agreed_on": "2025-03-12"})
    assert r.status_code == 422
    assert "未找到企业（单位）“河津不存在公司”" in r.text and 'value="再生铝提纯技术合作"' in r.text
    assert count(session) == 0

    # the demand by the 需求编号 the lists show (XQ-…), longer than a record's number: the field takes it whole
    demand_code = session.get(Demand, world.demand_id).code
    form = office.get("/intents/new").text
    assert 'name="demand_id" maxlength="40"' in form
    r = office.post("/intents/new", data={"csrf_token": token, "topic": "再生铝提纯技术合作",
                                          "enterprise": world.enterprise.name, "university": "山西大学",
                                          "agreed_on": "2025-03-12", "demand_id": "XQ-0000-不存在"})
    assert r.status_code == 422 and "未找到需求编号“XQ-0000-不存在”" in r.text
    r = office.post("/intents/new", data={"csrf_token": token, "topic": "再生铝提纯技术合作",
                                          "enterprise": world.enterprise.name, "university": "山西大学",
                                          "agreed_on": "2025-03-12", "demand_id": demand_code},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert session.get(Intent, int(r.headers["location"].rsplit("/", 1)[1])).demand_id == world.demand_id
    page = office.get(r.headers["location"]).text
    assert "转为协议" in page and f"/agreements/{world.agreement_id}" not in page.split("操作留痕")[1]
    intent_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert "河津再生铝技术合作协议" in page  # offered: the agreement both parties signed
    r = office.post(f"/intents/{intent_id}/edit", data={"csrf_token": token, "topic": "再生铝提纯与铝灰利用",
                                                         "agreed_on": "2025-03-13", "version": "1"},
                    follow_redirects=False)
    assert r.status_code == 303
    r = office.post(f"/intents/{intent_id}/edit", data={"csrf_token": token, "topic": "旧页面",
                                                         "agreed_on": "2025-03-13", "version": "1"})
    assert r.status_code == 409 and "已被他人修改" in r.text
    r = office.post(f"/intents/{intent_id}/close", data={"csrf_token": token, "reason": ""})
    assert r.status_code == 422 and "终止合作意向必须说明原因" in r.text
    r = office.post(f"/intents/{intent_id}/convert", data={"csrf_token": token, "agreement_id": world.agreement_id},
                    follow_redirects=False)
    assert r.status_code == 303
    detail = office.get(f"/intents/{intent_id}").text
    assert "已签约" in detail and f'href="/agreements/{world.agreement_id}"' in detail

    listing = office.get("/intents").text
    assert "再生铝提纯与铝灰利用" in listing and "河津市" in listing
    enterprise = login("enterprise")
    assert "再生铝提纯与铝灰利用" in enterprise.get("/intents").text
    assert enterprise.get(f"/intents/{intent_id}").status_code == 200
    assert enterprise.get("/intents/new").status_code == 403
    assert enterprise.post("/intents/new", data={"csrf_token": csrf_for(enterprise), "topic": "x"}).status_code == 403
    assert enterprise.post(f"/intents/{intent_id}/close",
                           data={"csrf_token": csrf_for(enterprise), "reason": "x"}).status_code == 403
    outsider_ent = login("outsider")
    assert outsider_ent.get(f"/intents/{intent_id}").status_code in (403, 404)


def test_api_records_converts_and_refuses(session: Session, world: World, personas: dict[str, int], login) -> None:  # type: ignore[no-untyped-def]
    office = login("hejin")
    headers = {"X-CSRF-Token": csrf_for(office)}
    body = {"topic": "铝灰资源化", "enterprise_id": world.enterprise.id, "university_id": world.university.id,
            "agreed_on": "2025-05-01"}
    r = office.post("/api/intents", json=body, headers=headers)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["state_label"] == "洽谈中"
    r = office.post(f"/api/intents/{created['id']}/close", json={"reason": ""}, headers=headers)
    assert r.status_code == 422
    r = office.post(f"/api/intents/{created['id']}/convert", json={"agreement_id": world.agreement_id},
                    headers=headers)
    assert r.status_code == 200 and r.json()["state"] == "signed"
    assert office.get("/api/figures/intents").json()["intents_converted"] == 1
    r = office.patch(f"/api/intents/{created['id']}", json={"topic": "铝灰资源化利用", "expected_version": 1},
                     headers=headers)
    assert r.status_code == 409  # converted since: version 2
    r = office.patch(f"/api/intents/{created['id']}", json={"topic": "铝灰资源化利用"}, headers=headers)
    assert r.status_code == 200 and r.json()["topic"] == "铝灰资源化利用"
    figures_page = office.get("/figures?year=2025").text
    assert "合作意向" in figures_page and "100.0%" in figures_page
    assert office.get(f"/api/intents/{created['id']}").status_code == 200

    enterprise = login("enterprise")
    r = enterprise.post("/api/intents", json=body, headers={"X-CSRF-Token": csrf_for(enterprise)})
    assert r.status_code == 403 and "校地合作办公室" in r.json()["detail"]
    assert enterprise.get("/api/intents").json()["total"] == 1
    assert enterprise.get("/api/figures/intents").status_code == 403


def test_cli_acts_with_the_accounts_rights(session: Session, world: World, personas: dict[str, int],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.intents import cli

    monkeypatch.setattr(cli, "engine_for", lambda db: session.get_bind())
    monkeypatch.setattr(cli, "transaction", _same_session(session))
    runner = CliRunner()
    args = ["add", "--topic", "铝合金轻量化", "--enterprise", world.enterprise.name, "--university", "山西大学",
            "--date", "2025-06-01"]
    refused = runner.invoke(cli.app, [*args, "--user", "enterprise"])
    assert refused.exit_code != 0 and isinstance(refused.exception, Forbidden)
    assert count(session) == 0
    done = runner.invoke(cli.app, [*args, "--user", "hejin"])
    assert done.exit_code == 0, done.output
    code = session.scalars(select(Intent.code)).one()
    closed = runner.invoke(cli.app, ["close", code, "--user", "hejin"])
    assert isinstance(closed.exception, ValidationFailed) and "必须说明原因" in closed.exception.message
    shown = runner.invoke(cli.app, ["list", "--user", "university"])
    assert "铝合金轻量化" in shown.output
    assert "铝合金轻量化" not in runner.invoke(cli.app, ["list", "--user", "outsider"]).output


def _same_session(session: Session):  # type: ignore[no-untyped-def]
    from contextlib import contextmanager

    @contextmanager
    def transaction(engine):  # type: ignore[no-untyped-def]
        with session.begin_nested():
            yield session

    return transaction


def test_a_reports_intents_are_reconciled_with_the_ledgers(session: Session, world: World,
                                                           personas: dict[str, int], official) -> None:  # type: ignore[no-untyped-def]
    from xiaodi.ingest.service import accept_report, reconcile, store_report

    intent(session, world, personas)
    intent(session, world, personas, topic="铝灰资源化", agreed_on=dt.date(2024, 11, 2))  # another year
    report = store_report(session, actor=official, raw="2025年河津市校地合作成效：全年双方达成3项合作意向。".encode(),
                          filename="河津2025.txt", region_name="河津市")
    accept_report(session, actor=official, report_id=report.id)

    rows = {r.ledger_metric: r for r in reconcile(session, region_id=world.hejin.id)}

    assert rows["intents"].reported == 3
    assert rows["intents"].ledger == 1  # the intents of 2025, not of all time
    assert rows["intents"].label == "合作意向"
    assert rows["intents"].flagged


def test_an_intent_is_recorded_once_it_was_reached(session: Session, world: World, personas: dict[str, int]) -> None:
    """达成日期 next June made YX-2027-000001 and counted in a year that has not come."""
    later = local_today() + dt.timedelta(days=180)
    with pytest.raises(ValidationFailed, match=r"达成日期 .* 晚于今天.*尚未达成的意向"):
        intent(session, world, personas, agreed_on=later)
    assert count(session) == 0
    reached = intent(session, world, personas)
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.update_intent(session, viewer(session, "hejin"), reached.id, {"agreed_on": later})


def test_the_same_intent_sent_twice_is_recorded_once(session: Session, world: World,
                                                     personas: dict[str, int]) -> None:
    first = intent(session, world, personas)
    with pytest.raises(Conflict, match=rf"合作意向“再生铝提纯技术合作”（{first.code}）已登记"):
        intent(session, world, personas)
    intent(session, world, personas, agreed_on=dt.date(2025, 9, 1))  # met again later: another intent
    assert count(session) == 2
