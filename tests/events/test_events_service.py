"""Events as an office runs them: a job fair with its outcomes, an agreement signed at a matchmaking meeting,
挂职 posts and the contact log — and what each persona may not do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.web.conftest import World
from xiaodi.accounts.scope import Viewer
from xiaodi.core.audit import AuditEntry
from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xiaodi.events import access, service
from xiaodi.events.models import ContactLog, Event, EventOutcome, OutcomeMetric, Secondment
from xiaodi.projects.actions import PartyIn
from xiaodi.projects.models import Agreement, PartyRole


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_office_runs_a_job_fair_and_records_its_outcomes(
        session: Session, world: World, viewer: Callable[[str], Viewer]) -> None:
    hejin = viewer("hejin")
    fair = service.create_event(session, hejin, name="河津市春季人才招聘会", kind="招聘会",
                                starts_on=dt.date(2025, 3, 15), region_id=world.hejin.id, venue="河津市人才市场",
                                agenda="09:00 开幕\n09:30 双选洽谈")
    service.add_participant(session, hejin, fair.id, role="参会企业", organisation_id=world.enterprise.id)
    service.add_participant(session, hejin, fair.id, role="参会高校", organisation_id=world.university.id)
    service.add_participant(session, hejin, fair.id, role="参会群体", label="应届毕业生", count=600)
    service.record_outcome(session, hejin, fair.id, metric="positions", value="2135")
    service.record_outcome(session, hejin, fair.id, metric=OutcomeMetric.INTENT_PEOPLE, value=148)
    # A second entry of the same figure corrects it, it does not add a row.
    service.record_outcome(session, hejin, fair.id, metric="达成意向（人）", value="150", note="会后补录")

    outcomes = {o.metric: o.value for o in service.outcomes_of(session, fair.id)}
    assert outcomes == {"positions": 2135, "intent_people": 150}
    figures = service.event_figures(session, region_ids=[world.hejin.id])
    assert (figures["events"], figures["positions"], figures["intent_people"]) == (1, 2135, 150)
    # The enterprise that took part sees the event; the Taiyuan enterprise's people would not.
    assert session.scalar(select(Event.id).where(Event.id == fair.id, access.readable(viewer("enterprise"))))
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "event_outcome")) == 3


def test_an_agreement_signed_at_a_matchmaking_meeting_shows_under_the_event(
        session: Session, world: World, viewer: Callable[[str], Viewer]) -> None:
    hejin = viewer("hejin")
    meeting = service.create_event(session, hejin, name="河津市校地对接会", kind="matchmaking",
                                   starts_on=dt.date(2025, 4, 2), region_id=world.hejin.id)
    service.link_agreement(session, hejin, meeting.id, agreement_id=world.agreement_id)
    signed = service.sign_at_event(
        session, hejin, meeting.id, title="铝基新材料联合研发协议", kind="tech_development",
        parties=[PartyIn(PartyRole.PARTY_A, world.enterprise.id), PartyIn(PartyRole.PARTY_B, world.university.id)])
    assert signed.event_id == meeting.id and signed.signed_on == dt.date(2025, 4, 2)
    titles = [a.title for a in service.agreements_of(session, hejin, meeting.id)]
    assert titles == ["河津再生铝技术合作协议", "铝基新材料联合研发协议"]
    # The university, a party to both, sees them under the event too.
    assert len(service.agreements_of(session, viewer("university"), meeting.id)) == 2


def test_an_outcome_for_an_event_of_another_region_is_refused(
        session: Session, world: World, viewer: Callable[[str], Viewer], taiyuan_event: int) -> None:
    with pytest.raises(NotFound):  # the Hejin office cannot even see the Taiyuan event
        service.record_outcome(session, viewer("hejin"), taiyuan_event, metric="positions", value=10)
    with pytest.raises(Forbidden, match="只有校地合作办公室、牵头单位或管理员"):
        service.record_outcome(session, viewer("enterprise"), taiyuan_event, metric="positions", value=10)
    hejin_event = service.create_event(session, viewer("hejin"), name="河津测试推介会", kind="推介会",
                                       starts_on=dt.date(2025, 5, 1), region_id=world.hejin.id)
    with pytest.raises(Forbidden, match="只能登记本辖区的活动"):
        service.create_event(session, viewer("hejin"), name="越界活动", kind="对接会", starts_on=dt.date(2025, 5, 1),
                             region_id=world.taiyuan.id)
    # The province office runs any event in Shanxi.
    service.record_outcome(session, viewer("province"), hejin_event.id, metric="intents", value=3)
    assert _count(session, EventOutcome) == 1


def test_bad_input_is_refused_in_chinese_with_nothing_written(
        session: Session, world: World, viewer: Callable[[str], Viewer]) -> None:
    hejin = viewer("hejin")
    before = _count(session, Event)
    with pytest.raises(ValidationFailed, match="结束日期不能早于开始日期"):
        service.create_event(session, hejin, name="倒序活动", kind="对接会", starts_on=dt.date(2025, 5, 2),
                             ends_on=dt.date(2025, 5, 1), region_id=world.hejin.id)
    with pytest.raises(ValidationFailed, match="活动类别无效"):
        service.create_event(session, hejin, name="怪活动", kind="宴会", starts_on=dt.date(2025, 5, 2),
                             region_id=world.hejin.id)
    assert _count(session, Event) == before
    event = service.create_event(session, hejin, name="河津培训", kind="training", starts_on=dt.date(2025, 5, 2),
                                 region_id=world.hejin.id)
    for bad in ("-3", "很多", "1e20"):
        with pytest.raises(ValidationFailed):
            service.record_outcome(session, hejin, event.id, metric="positions", value=bad)
    with pytest.raises(ValidationFailed, match="成效类别无效"):
        service.record_outcome(session, hejin, event.id, metric="happiness", value=1)
    assert _count(session, EventOutcome) == 0


def test_secondments_and_contacts(session: Session, world: World, viewer: Callable[[str], Viewer]) -> None:
    hejin = viewer("hejin")
    team = service.create_event(session, hejin, name="科技博士服务团河津分团", kind="secondment",
                                starts_on=dt.date(2025, 6, 1), region_id=world.hejin.id)
    s = service.add_secondment(session, hejin, event_id=team.id, person_name="赵博士", unit_id=world.enterprise.id,
                               post="科技副总", starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2026, 5, 31),
                               home_org_id=world.university.id)
    assert (s.unit_name, s.region_id) == (world.enterprise.name, world.hejin.id)
    # The school that sends 赵博士 and the firm that takes him in see the 服务团; another firm does not.
    for party in ("university", "enterprise"):
        assert access.get_event(session, viewer(party), team.id).id == team.id
    with pytest.raises(NotFound):
        access.get_event(session, Viewer.acting_for(world.other_enterprise.id), team.id)
    with pytest.raises(ValidationFailed, match="挂职结束日期不能早于开始日期"):
        service.add_secondment(session, hejin, person_name="钱博士", unit_name="河津市某局", post="副局长",
                               starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2025, 1, 1), region_id=world.hejin.id)
    c = service.record_contact(session, hejin, contacted_on=dt.date(2025, 6, 3), channel="走访",
                               summary="赴山西大学对接再生铝提纯需求", from_org_id=world.enterprise.id,
                               university_id=world.university.id, demand_id=world.demand_id,
                               follow_up="两周内提交技术方案")
    assert c.region_id == world.hejin.id
    with pytest.raises(Forbidden):
        service.record_contact(session, viewer("enterprise"), contacted_on=dt.date(2025, 6, 3), channel="call",
                               summary="电话", to_org_id=world.university.id)
    with pytest.raises(ValidationFailed, match="对接方式无效"):
        service.record_contact(session, hejin, contacted_on=dt.date(2025, 6, 3), channel="飞鸽",
                               summary="x", to_org_id=world.university.id)
    assert service.contact_counts(session, region_ids=[world.hejin.id]) == [("河津市", "2025-06", 1)]
    figures = service.event_figures(session, region_ids=[world.hejin.id])
    assert (figures["contacts"], figures["secondments"]) == (1, 1)
    assert _count(session, ContactLog) == 1 and _count(session, Secondment) == 1
    assert session.scalar(select(Agreement.id).limit(1)) is not None


def test_an_event_after_today_is_not_held_and_takes_no_outcomes(
        session: Session, world: World, viewer: Callable[[str], Viewer]) -> None:
    """The office registers next May's job fair as 已举办 (refused); with no state it is 筹备中, and 提供岗位 typed
    before the fair is refused until it has been held."""
    from xiaodi.core.settings import local_today
    from xiaodi.events.models import EventState
    hejin = viewer("hejin")
    next_may = dt.date(local_today().year + 1, 5, 1)
    with pytest.raises(ValidationFailed, match=r"晚于今天.*不能登记为“已举办”"):
        service.create_event(session, hejin, name="河津市春季人才招聘会", kind="招聘会", starts_on=next_may,
                             region_id=world.hejin.id, state="已举办")
    fair = service.create_event(session, hejin, name="河津市春季人才招聘会", kind="招聘会", starts_on=next_may,
                                region_id=world.hejin.id)
    assert fair.state == EventState.PLANNED
    with pytest.raises(ValidationFailed, match="目前筹备中，举办后才能登记活动成效"):
        service.record_outcome(session, hejin, fair.id, metric="positions", value="2135")
    with pytest.raises(ValidationFailed, match="不能登记为“已举办”"):
        service.update_event(session, hejin, fair.id, {"state": "held"})
    assert _count(session, EventOutcome) == 0 and fair.state == EventState.PLANNED
    past = service.create_event(session, hejin, name="河津市秋季人才招聘会", kind="招聘会",
                                starts_on=local_today() - dt.timedelta(days=30), region_id=world.hejin.id)
    assert past.state == EventState.HELD
    # The figures count the autumn fair, not next May's (neither this year's nor, until it is held, next year's).
    for year in (local_today().year, next_may.year):
        held = service.event_figures(session, region_ids=[world.hejin.id], start=dt.date(year, 1, 1),
                                     end=dt.date(year, 12, 31))["events"]
        assert held == (1 if year == past.starts_on.year else 0)


def test_counted_outcomes_are_whole_numbers_and_money_keeps_its_fen(
        session: Session, world: World, viewer: Callable[[str], Viewer]) -> None:
    """1.5 岗位 is a typing slip, refused; 签约金额 12.5 元 is money and kept."""
    hejin = viewer("hejin")
    fair = service.create_event(session, hejin, name="河津市春季人才招聘会", kind="招聘会",
                                starts_on=dt.date(2025, 3, 15), region_id=world.hejin.id, state="已举办")
    for metric, value in (("positions", "1.5"), ("intent_people", "0.5"), ("intents", 2.25)):
        with pytest.raises(ValidationFailed, match="应为不小于 0 的整数"):
            service.record_outcome(session, hejin, fair.id, metric=metric, value=value)
    assert _count(session, EventOutcome) == 0
    service.record_outcome(session, hejin, fair.id, metric="positions", value="2,135")
    service.record_outcome(session, hejin, fair.id, metric="amount_signed", value="12.5")
    assert {o.metric: o.value for o in service.outcomes_of(session, fair.id)} == {
        "positions": 2135, "amount_signed": Decimal("12.50")}


def test_the_same_event_sent_twice_is_registered_once(
        session: Session, world: World, viewer: Callable[[str], Viewer]) -> None:
    """/events/new posted twice made two records counted as two activities, and the events table (keyed by name and
    first day) then refused its own export."""
    hejin = viewer("hejin")
    first = service.create_event(session, hejin, name="河津市校地对接会", kind="对接会",
                                 starts_on=dt.date(2025, 5, 2), region_id=world.hejin.id)
    assert first.id
    with pytest.raises(Conflict, match=r"活动“河津市校地对接会”（开始日期 2025-05-02）已登记，不能重复登记"):
        service.create_event(session, hejin, name="河津市校地对接会", kind="对接会",
                             starts_on=dt.date(2025, 5, 2), region_id=world.hejin.id)
    second = service.create_event(session, hejin, name="河津市校地对接会", kind="对接会",
                                  starts_on=dt.date(2025, 11, 6), region_id=world.hejin.id)
    with pytest.raises(Conflict, match="不能重复登记"):
        service.update_event(session, hejin, second.id, {"starts_on": dt.date(2025, 5, 2)})
    assert _count(session, Event) == 2
