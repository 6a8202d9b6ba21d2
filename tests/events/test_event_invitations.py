"""Adding an organisation to an event as an invited participant tells its members (受邀), with a link to the event.

A tester, as the county office, created an event and added 华鑫源钢铁 and 山西大学 as participants: neither
account got word of it (the demo seeded its one invitation by hand). ``events.service.add_participant`` now calls
the notifications area in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import World
from xiaodi.accounts.scope import Viewer
from xiaodi.events import access, service
from xiaodi.events.models import Event
from xiaodi.notifications.models import Notification


def _inbox(session: Session, user_id: int) -> list[tuple[str, str | None]]:
    return [(n.title, n.link) for n in session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


def test_invited_organisations_members_are_told_with_a_link_to_the_event(
        session: Session, world: World, personas: dict[str, int], viewer: Callable[[str], Viewer]) -> None:
    hejin = viewer("hejin")
    event = service.create_event(session, hejin, name="河津市铝镁新材料校企对接会", kind="matchmaking",
                                 starts_on=dt.date(2027, 3, 20), region_id=world.hejin.id, venue="河津市会展中心")
    service.add_participant(session, hejin, event.id, role="参会企业", organisation_id=world.enterprise.id)
    service.add_participant(session, hejin, event.id, role="参会高校", organisation_id=world.university.id)
    service.add_participant(session, hejin, event.id, role="参会群体", label="应届毕业生", count=200)
    session.flush()

    link = f"/events/{event.id}"
    for persona in ("enterprise", "university"):
        inbox = _inbox(session, personas[persona])
        assert inbox == [("您单位受邀参加“河津市铝镁新材料校企对接会”（2027-03-20，河津市会展中心）", link)], persona
        # the link opens for the invited: a participant reads the event
        assert session.scalar(select(Event.id).where(Event.id == event.id, access.readable(viewer(persona))))
    # the office that added them is not told of its own act; nobody else is told
    assert _inbox(session, personas["hejin"]) == []
    assert _inbox(session, personas["province"]) == []


def test_a_host_is_not_invited_and_a_cancelled_event_invites_nobody(
        session: Session, world: World, personas: dict[str, int], viewer: Callable[[str], Viewer]) -> None:
    hejin = viewer("hejin")
    event = service.create_event(session, hejin, name="河津市人才工作座谈会", kind="matchmaking",
                                 starts_on=dt.date(2027, 4, 1), region_id=world.hejin.id)
    service.add_participant(session, hejin, event.id, role="承办", organisation_id=world.enterprise.id)
    called_off = service.create_event(session, hejin, name="河津市秋季招聘会", kind="job_fair",
                                      starts_on=dt.date(2027, 9, 1), region_id=world.hejin.id, state="cancelled")
    service.add_participant(session, hejin, called_off.id, role="参会高校", organisation_id=world.university.id)
    session.flush()
    assert _inbox(session, personas["enterprise"]) == []
    assert _inbox(session, personas["university"]) == []
