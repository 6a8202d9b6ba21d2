"""调度会 on duties (职责任务): the 河津 office's dispatch meeting decides on an overdue milestone of the lead
unit's duty and sets a new deadline; the second postponement goes up to the city's list, as a project milestone's
does; reaching the milestone closes the item. The 太原 office and the lead unit may not decide; pages, API and
the console (``xiaodi dispatch record --decide ZR…``) alike."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.bases.conftest import BasesWorld
from tests.web.conftest import csrf_for
from xiaodi.bases import access, service
from xiaodi.bases.models import Duty, DutyMilestone
from xiaodi.core.audit import AuditEntry
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.dispatch import meetings
from xiaodi.dispatch.service import dispatch_list
from xiaodi.projects.dispatch import OVERDUE
from xiaodi.projects.models import DispatchItem, DispatchMeeting

TODAY = local_today()


def _duty(session: Session, bw: BasesWorld) -> Duty:
    """组织暑期实习实训 for the lead unit: 发布岗位 was due ten days ago, the duty in two months."""
    pairing = service.create_pairing(session, bw.viewers["hejin"], university_id=bw.web.university.id,
                                     lead_unit_id=bw.lead_unit.id, region_id=bw.web.hejin.id,
                                     member_ids=[bw.member.id])
    duty = service.add_duty(session, bw.viewers["hejin"], pairing.id, service.DutyInput(
        unit_id=bw.lead_unit.id, title="组织暑期实习实训", due_on=TODAY + dt.timedelta(days=60),
        milestones=[service.MilestoneIn("发布实习岗位", TODAY - dt.timedelta(days=10)),
                    service.MilestoneIn("学生到岗", TODAY + dt.timedelta(days=30))]))
    session.flush()
    return duty


def _decide(session: Session, bw: BasesWorld, duty: Duty, days: int, who: str = "hejin"):  # type: ignore[no-untyped-def]
    posts = duty.milestones[0]
    return meetings.hold_duty_meeting(
        session, bw.viewers[who], duty.id, held_on=TODAY, title="河津市1+1+N推进调度会",
        decisions=[meetings.DutyDecision(milestone_id=posts.id, decision="人社局一周内发布岗位",
                                         new_due_on=TODAY + dt.timedelta(days=days))])


def test_a_duty_milestone_is_not_moved_to_a_day_before_the_meeting(session: Session, bw: BasesWorld) -> None:
    duty = _duty(session, bw)
    with pytest.raises(ValidationFailed, match="新的完成时限不能早于开会当天"):
        _decide(session, bw, duty, -3)


def test_a_second_postponement_of_a_duty_milestone_goes_up_to_the_city(session: Session, bw: BasesWorld) -> None:
    duty = _duty(session, bw)
    posts = duty.milestones[0]
    listing = dispatch_list(session, as_of=TODAY, region_id=bw.web.hejin.id)
    entry = next(e for e in listing.entries if e.duty_milestone_id == posts.id)
    assert (entry.kind, entry.milestone, entry.days_overdue) == (OVERDUE, "发布实习岗位", 10)

    first = _decide(session, bw, duty, 7)
    assert first.level == "county" and first.region_id == bw.web.hejin.id
    item = first.items[0]
    assert (item.duty_milestone_id, item.project_id, item.milestone_id) == (posts.id, None, None)
    assert item.new_due_on == TODAY + dt.timedelta(days=7) and not item.escalated
    session.refresh(posts)
    assert (posts.due_on, posts.original_due_on, posts.slip_count) == (
        TODAY + dt.timedelta(days=7), TODAY - dt.timedelta(days=10), 1)
    trail = session.scalars(select(AuditEntry).where(AuditEntry.entity == "duty_milestone",
                                                     AuditEntry.action == "reschedule")).one()
    assert trail.reason == f"{TODAY:%Y-%m-%d} 调度会：人社局一周内发布岗位"

    second = _decide(session, bw, duty, 20)
    assert second.items[0].escalated and second.items[0].escalated_to_level == "city"
    city = bw.web.hejin.parent_id
    later = TODAY + dt.timedelta(days=10)  # due in ten days: at risk on the city's list, marked as escalated
    entry = next(e for e in dispatch_list(session, as_of=later, region_id=city).entries
                 if e.duty_milestone_id == posts.id)
    assert (entry.slip_count, entry.escalated_to, entry.original_due_on) == (2, "city", TODAY - dt.timedelta(days=10))

    # Reaching the milestone closes the meeting's items about it (调度事项销号).
    service.report_duty(session, bw.viewers["lead"], duty.id, note="岗位已发布", milestone_ids=[posts.id])
    assert session.scalars(select(DispatchItem.resolved_on).where(
        DispatchItem.duty_milestone_id == posts.id)).all() == [TODAY, TODAY]


def test_a_milestone_postponed_past_the_duty_deadline_moves_the_deadline(session: Session, bw: BasesWorld) -> None:
    duty = _duty(session, bw)
    _decide(session, bw, duty, 90)
    session.refresh(duty)
    assert duty.due_on == TODAY + dt.timedelta(days=90)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "duty",
                                                     AuditEntry.action == "reschedule")).one()
    assert "完成时限随之顺延" in (entry.reason or "")


def test_only_the_pairings_office_decides_and_bad_decisions_write_nothing(session: Session,
                                                                          bw: BasesWorld) -> None:
    duty = _duty(session, bw)
    try:
        _decide(session, bw, duty, 7, who="lead")
        raise AssertionError("the lead unit may not hold the meeting")
    except Forbidden as exc:
        assert "召开职责任务的调度会" in exc.message
    try:
        _decide(session, bw, duty, 7, who="taiyuan")
        raise AssertionError("太原 does not see 河津's duty")
    except NotFound:
        pass
    other = session.scalars(select(DutyMilestone).where(DutyMilestone.duty_id != duty.id)).first()
    assert other is None
    try:
        meetings.hold_duty_meeting(session, bw.viewers["hejin"], duty.id, held_on=TODAY, decisions=[
            meetings.DutyDecision(milestone_id=999_999, decision="越界")])
        raise AssertionError("a milestone of another duty")
    except NotFound as exc:
        assert "不属于职责任务" in exc.message
    service.report_duty(session, bw.viewers["lead"], duty.id, note="岗位已发布", milestone_ids=[duty.milestones[0].id])
    try:
        _decide(session, bw, duty, 7)
        raise AssertionError("a reached milestone keeps its date")
    except ValidationFailed as exc:
        assert "已完成，不能再调整时限" in exc.message
    assert session.scalars(select(DispatchMeeting)).all() == []


def test_the_office_records_the_meeting_on_the_duty_page_and_through_the_api(session: Session, bw: BasesWorld,
                                                                           login) -> None:  # type: ignore[no-untyped-def]
    duty = _duty(session, bw)
    posts, arrival = duty.milestones
    c: TestClient = login("hejin")
    page = c.get(f"/duties/{duty.id}").text
    assert "调度会" in page and f'action="/duties/{duty.id}/dispatch"' in page
    assert f'action="/duties/{duty.id}/dispatch"' not in login("lead").get(f"/duties/{duty.id}").text
    new_date = (TODAY + dt.timedelta(days=7)).isoformat()
    r = c.post(f"/duties/{duty.id}/dispatch", data={
        "csrf_token": csrf_for(c), "held_on": TODAY.isoformat(), "title": "河津市推进调度会",
        "milestone_id": [str(posts.id), str(arrival.id)], "decision": ["一周内发布岗位", ""],
        "new_due_on": [new_date, ""]})
    assert r.status_code == 200 and "已记录调度会，决定 1 项" in r.text, r.text
    assert "1 次（原定" in r.text
    r = c.post(f"/duties/{duty.id}/dispatch", data={
        "csrf_token": csrf_for(c), "milestone_id": [str(posts.id), str(arrival.id)], "decision": ["", ""],
        "new_due_on": [new_date, ""]})
    assert r.status_code == 422 and "须同时写明调度决定" in r.text

    api = c.post(f"/api/duties/{duty.id}/dispatch", headers={"x-csrf-token": csrf_for(c)}, json={
        "decisions": [{"milestone_id": posts.id, "decision": "再次顺延，报市级调度",
                       "new_due_on": (TODAY + dt.timedelta(days=14)).isoformat()}]})
    assert api.status_code == 201, api.text
    body = api.json()
    assert body["items"][0]["escalated_to_level"] == "city" and body["level"] == "county"
    assert body["duty"]["milestones"][0]["due_on"] == (TODAY + dt.timedelta(days=14)).isoformat()
    lead = login("lead")
    refused = lead.post(f"/api/duties/{duty.id}/dispatch", headers={"x-csrf-token": csrf_for(lead)},
                        json={"decisions": [{"milestone_id": posts.id, "decision": "自己顺延"}]})
    assert refused.status_code == 403


def test_a_milestone_due_before_the_duty_starts_is_refused(session: Session, bw: BasesWorld) -> None:
    """The office plans 组织暑期实习实训 from next month with 发布实习岗位 due last week — a plan nobody can keep:
    refused, and no duty is written."""
    pairing = service.create_pairing(session, bw.viewers["hejin"], university_id=bw.web.university.id,
                                     lead_unit_id=bw.lead_unit.id, region_id=bw.web.hejin.id)
    plan = service.DutyInput(
        unit_id=bw.lead_unit.id, title="组织暑期实习实训", starts_on=TODAY + dt.timedelta(days=30),
        due_on=TODAY + dt.timedelta(days=90),
        milestones=[service.MilestoneIn("发布实习岗位", TODAY - dt.timedelta(days=7))])
    with pytest.raises(ValidationFailed, match=r"发布实习岗位.*早于任务的开始日期"):
        service.add_duty(session, bw.viewers["hejin"], pairing.id, plan)
    assert session.scalars(select(Duty).where(Duty.pairing_id == pairing.id)).all() == []
    plan.milestones = [service.MilestoneIn("发布实习岗位", TODAY + dt.timedelta(days=30))]
    assert service.add_duty(session, bw.viewers["hejin"], pairing.id, plan).milestones[0].title == "发布实习岗位"


def test_a_duty_out_of_reach_is_named_as_the_duty(session: Session, bw: BasesWorld) -> None:
    """太原's office opens /api/duties/{id} for a 河津 duty: told the duty (职责任务) with that number does not
    exist for them, not that some pairing does not."""
    first = _duty(session, bw)
    duty = first
    for n in range(2):  # two sequences may give the same number (PostgreSQL keeps them across rolled-back tests)
        if duty.id != duty.pairing_id:
            break
        duty = service.add_duty(session, bw.viewers["hejin"], first.pairing_id, service.DutyInput(
            unit_id=bw.lead_unit.id, title=f"共建研学课程{n + 1}", due_on=TODAY + dt.timedelta(days=90)))
    assert duty.id != duty.pairing_id  # the old message named the pairing's number
    with pytest.raises(NotFound, match=f"^职责任务（编号 {duty.id}）不存在或您无权查看$"):
        access.visible_duty(session, bw.viewers["taiyuan"], duty.id)
    with pytest.raises(NotFound, match=r"^职责任务"):
        service.report_duty(session, bw.viewers["taiyuan"], duty.id, note="越界报告")


def test_a_meeting_is_recorded_once_it_was_held(session: Session, bw: BasesWorld) -> None:
    """A 调度会 dated next year moved the node and the duty's deadline for a meeting that had not happened."""
    duty = _duty(session, bw)
    posts = duty.milestones[0]
    due = posts.due_on
    with pytest.raises(ValidationFailed, match=r"调度会日期 .* 晚于今天"):
        meetings.hold_duty_meeting(
            session, bw.viewers["hejin"], duty.id, held_on=TODAY + dt.timedelta(days=365), title="调度会",
            decisions=[meetings.DutyDecision(milestone_id=posts.id, decision="推迟",
                                             new_due_on=TODAY + dt.timedelta(days=400))])
    assert posts.due_on == due and session.scalar(select(func.count()).select_from(DispatchMeeting)) == 0


def test_the_desk_counts_the_overdue_duty_nodes_the_dispatch_list_shows(session: Session, bw: BasesWorld,
                                                                        login) -> None:  # type: ignore[no-untyped-def]
    """The lead unit's desk said 没有逾期节点 while its dispatch list had the duty node due ten days ago."""
    _duty(session, bw)
    session.commit()
    for who in ("lead", "hejin"):
        c: TestClient = login(who)
        assert "其中职责任务（1+1+N）逾期 1 项" in c.get("/").text, who
        assert "发布实习岗位" in c.get("/dispatch").text
    assert login("hejin").get("/api/figures").json()["overdue_duty_nodes"] == 1
