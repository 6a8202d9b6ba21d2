"""A unit's dispatch list (调度清单) shows its overdue and at-risk milestones and stalled projects; a 调度会 records
its decisions and new dates; a deadline that slips again goes up a level (county → city → province)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from tests.demands.loop_world import World
from xiaodi.core.audit import Actor, history
from xiaodi.core.errors import Conflict, ValidationFailed
from xiaodi.demands.service import IllegalTransition
from xiaodi.dispatch.meetings import hold_meeting
from xiaodi.dispatch.service import dispatch_list, overdue_milestones
from xiaodi.projects.dispatch import AT_RISK, OVERDUE, STALLED, Decision
from xiaodi.projects.models import DispatchItem, Milestone, Project, ProjectStage
from xiaodi.projects.service import add_milestone, complete_milestone, create_project, move_project

AS_OF = dt.date(2025, 6, 30)


def project(session: Session, w: World, actor: Actor, name: str, region_id: int | None = None) -> Project:
    return create_project(session, actor=actor, name=name, region_id=region_id or w.county.id,
                          responsible_unit_id=w.lead_unit.id, leader_in_charge="刘副市长",
                          pledged_amount=Decimal("1000000"))


def milestone(session: Session, p: Project, actor: Actor, title: str, due: dt.date, unit: int | None = None
              ) -> Milestone:
    return add_milestone(session, actor=actor, project_id=p.id, title=title, due_on=due, responsible_unit_id=unit)


def test_the_units_list_shows_overdue_then_at_risk_then_stalled(
    session: Session, world: World, official: Actor
) -> None:
    p = project(session, world, official, "铝基新材料产业园")
    late = milestone(session, p, official, "土地摘牌", dt.date(2025, 6, 1))
    later = milestone(session, p, official, "规划许可", dt.date(2025, 6, 20))
    soon = milestone(session, p, official, "开工", dt.date(2025, 7, 10))
    milestone(session, p, official, "投产", dt.date(2025, 12, 31))  # far off: not on the list
    done = milestone(session, p, official, "签约", dt.date(2025, 5, 1))
    complete_milestone(session, actor=official, milestone_id=done.id, done_on=dt.date(2025, 5, 1))
    milestone(session, p, official, "供电接入", dt.date(2025, 6, 1), unit=world.office.id)  # another unit's
    stalled = project(session, world, official, "焦化余热利用")
    move_project(session, actor=official, project_id=stalled.id, to=ProjectStage.STALLED, reason="资金未落实")

    listing = dispatch_list(session, unit_id=world.lead_unit.id, as_of=AS_OF)
    assert [(e.kind, e.milestone or e.project_name, e.days_overdue) for e in listing.entries] == [
        (OVERDUE, "土地摘牌", 29), (OVERDUE, "规划许可", 10), (AT_RISK, "开工", -10), (STALLED, "焦化余热利用", 0)]
    assert listing.entries[0].milestone_id == late.id and listing.entries[1].milestone_id == later.id
    assert listing.entries[2].milestone_id == soon.id and listing.entries[0].leader_in_charge == "刘副市长"
    assert (listing.count(OVERDUE), listing.count(AT_RISK), listing.count(STALLED)) == (2, 1, 1)
    office = dispatch_list(session, unit_id=world.office.id, as_of=AS_OF)
    assert [e.milestone for e in office.entries] == ["供电接入"]


def test_a_region_list_includes_its_counties_and_not_other_cities(
    session: Session, world: World, official: Actor
) -> None:
    here = project(session, world, official, "河津项目")
    there = project(session, world, official, "稷山项目", region_id=world.county2.id)
    away = project(session, world, official, "临汾项目", region_id=world.other_city.id)
    for p in (here, there, away):
        milestone(session, p, official, "开工", dt.date(2025, 6, 1))
    names = {e.project_name for e in dispatch_list(session, region_id=world.city.id, as_of=AS_OF).entries}
    assert names == {"河津项目", "稷山项目"}
    assert {e.project_name for e in overdue_milestones(session, as_of=AS_OF, region_id=world.county.id)} == {"河津项目"}
    with pytest.raises(ValidationFailed):
        dispatch_list(session, as_of=AS_OF)


def test_a_meeting_moves_dates_and_repeated_slips_go_up_a_level(
    session: Session, world: World, official: Actor
) -> None:
    p = project(session, world, official, "高纯铝中试线")
    ms = milestone(session, p, official, "设备安装", dt.date(2025, 6, 1))

    hold_meeting(session, actor=official, held_on=dt.date(2025, 6, 5), region_id=world.county.id,
                 chaired_by="刘副市长", summary="逐项过堂",
                 decisions=[Decision("设备供应商延期，限期7月15日前完成", milestone_id=ms.id,
                                     new_due_on=dt.date(2025, 7, 15))])
    assert (ms.due_on, ms.original_due_on, ms.slip_count) == (dt.date(2025, 7, 15), dt.date(2025, 6, 1), 1)
    entry = dispatch_list(session, unit_id=world.lead_unit.id, as_of=dt.date(2025, 7, 10)).entries[0]
    assert (entry.kind, entry.slip_count, entry.escalated_to) == (AT_RISK, 1, None)

    second = hold_meeting(session, actor=official, held_on=dt.date(2025, 7, 20), region_id=world.county.id,
                          decisions=[Decision("再次延期至8月底", milestone_id=ms.id,
                                              new_due_on=dt.date(2025, 8, 31))])
    assert second.level == "county" and second.items[0].escalated and second.items[0].escalated_to_level == "city"
    entry = dispatch_list(session, region_id=world.city.id, as_of=dt.date(2025, 9, 10)).entries[0]
    assert (entry.kind, entry.slip_count, entry.escalated_to) == (OVERDUE, 2, "city")

    third = hold_meeting(session, actor=official, held_on=dt.date(2025, 9, 10), region_id=world.city.id,
                         decisions=[Decision("市级调度：限期10月底", milestone_id=ms.id,
                                             new_due_on=dt.date(2025, 10, 31))])
    assert third.items[0].escalated_to_level == "province"
    entry = dispatch_list(session, unit_id=world.lead_unit.id, as_of=dt.date(2025, 11, 1)).entries[0]
    assert entry.escalated_to == "province" and entry.original_due_on == dt.date(2025, 6, 1)

    reasons = [e.reason for e in history(session, "milestone", ms.id) if e.action == "reschedule"]
    assert reasons[0] == "2025-06-05 调度会：设备供应商延期，限期7月15日前完成"
    complete_milestone(session, actor=official, milestone_id=ms.id, done_on=dt.date(2025, 10, 20))
    items = session.query(DispatchItem).filter_by(milestone_id=ms.id).all()
    assert all(i.resolved_on == dt.date(2025, 10, 20) for i in items)


def test_an_earlier_date_is_not_a_slip(session: Session, world: World, official: Actor) -> None:
    p = project(session, world, official, "提前项目")
    ms = milestone(session, p, official, "开工", dt.date(2025, 9, 1))
    for _ in range(2):
        meeting = hold_meeting(session, actor=official, held_on=dt.date(2025, 6, 5), region_id=world.county.id,
                               decisions=[Decision("提前开工", milestone_id=ms.id, new_due_on=dt.date(2025, 8, 1))])
    assert ms.slip_count == 0 and not meeting.items[0].escalated


def test_a_new_deadline_before_the_meeting_is_refused_and_nothing_moves(
        session: Session, world: World, official: Actor) -> None:
    """A 顺延 to a day already past made the milestone overdue the moment it was decided; the meeting says so."""
    p = project(session, world, official, "倒退项目")
    ms = milestone(session, p, official, "签订技术开发合同", dt.date(2025, 6, 20))
    with pytest.raises(ValidationFailed, match="新时限 2025-06-01 早于调度会日期 2025-06-05"):
        hold_meeting(session, actor=official, held_on=dt.date(2025, 6, 5), region_id=world.county.id,
                     decisions=[Decision("顺延", milestone_id=ms.id, new_due_on=dt.date(2025, 6, 1))])
    session.refresh(ms)
    assert ms.due_on == dt.date(2025, 6, 20) and ms.slip_count == 0


def test_a_meeting_can_escalate_a_stalled_project_by_decision(
    session: Session, world: World, official: Actor
) -> None:
    p = project(session, world, official, "停滞项目")
    meeting = hold_meeting(session, actor=official, held_on=dt.date(2025, 6, 5), unit_id=world.lead_unit.id,
                           decisions=[Decision("提请市级协调用地指标", project_id=p.id, escalate=True)])
    assert meeting.level == "county" and meeting.items[0].escalated_to_level == "city"
    with pytest.raises(ValidationFailed, match="只能定在节点上"):
        hold_meeting(session, actor=official, held_on=dt.date(2025, 6, 5), region_id=world.county.id,
                     decisions=[Decision("x", project_id=p.id, new_due_on=dt.date(2025, 7, 1))])


def test_a_meeting_working_from_a_stale_list_is_refused(session: Session, world: World, official: Actor) -> None:
    p = project(session, world, official, "并发项目")
    ms = milestone(session, p, official, "开工", dt.date(2025, 6, 1))
    seen = dispatch_list(session, unit_id=world.lead_unit.id, as_of=AS_OF).entries[0].milestone_version
    hold_meeting(session, actor=official, held_on=dt.date(2025, 6, 5), region_id=world.county.id,
                 decisions=[Decision("延期", milestone_id=ms.id, new_due_on=dt.date(2025, 7, 1),
                                     expected_version=seen)])
    with pytest.raises(Conflict, match="已被他人修改"):
        hold_meeting(session, actor=official, held_on=dt.date(2025, 6, 5), region_id=world.county.id,
                     decisions=[Decision("延期", milestone_id=ms.id, new_due_on=dt.date(2025, 7, 2),
                                         expected_version=seen)])
    complete_milestone(session, actor=official, milestone_id=ms.id, done_on=dt.date(2025, 6, 30))
    with pytest.raises(IllegalTransition, match="已完成"):
        hold_meeting(session, actor=official, held_on=dt.date(2025, 7, 5), region_id=world.county.id,
                     decisions=[Decision("延期", milestone_id=ms.id, new_due_on=dt.date(2025, 8, 1))])
