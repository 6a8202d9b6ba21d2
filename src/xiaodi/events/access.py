"""Who may see and do what with events (活动), 挂职 and the contact log (对接记录): the one place of these rules.

* **See** an event: an administrator; an office whose region (with the regions below it) holds the event; the
  organiser; an organisation that took part, signed an agreement at it, or sent or received a 挂职 of it. 挂职
  and contacts follow the same shape: their region's office, or an organisation named on them (the recorder of a
  contact sees it too).
* **Run** an event (create it, add participants, agenda, outcomes, agreements signed at it, 挂职): an office of
  the event's region, the lead unit (牵头单位) that organises it, or an administrator. An office recording an
  outcome for an event of another region is refused (403) — it may see the event (a province office sees a
  county's) only when the region is its own.
* **Record a contact**: an office in its region, a lead unit for contacts it is party to, an administrator.

Everything else answers 403 (a role that never does this work) before any lookup, or 404 for a record outside the
viewer's scope, so that existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer, in_office_regions, of_own_organisations, register_readable
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.events.models import ContactLog, Event, EventParticipant, Secondment
from xiaodi.projects.models import Agreement, AgreementParty

# ── reading ──────────────────────────────────────────────────────────────────────────────────────────────────


def readable(viewer: Viewer) -> ColumnElement[bool]:
    """The events ``viewer`` may see (SQL condition on ``Event``)."""
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    if not viewer.organisation_ids:
        return or_(in_office_regions(Event.region_id, viewer), false())
    took_part = exists().where(EventParticipant.event_id == Event.id,
                               of_own_organisations(EventParticipant.organisation_id, viewer=viewer))
    # A party to an agreement signed at the event sees the event it signed at.
    signed_there = exists().where(Agreement.event_id == Event.id, exists().where(
        AgreementParty.agreement_id == Agreement.id,
        of_own_organisations(AgreementParty.organisation_id, viewer=viewer)))
    # An organisation that sends people to a 服务团 or takes them in (挂职) takes part in it too.
    seconded = exists().where(Secondment.event_id == Event.id,
                              of_own_organisations(Secondment.home_org_id, Secondment.unit_id, viewer=viewer))
    return or_(in_office_regions(Event.region_id, viewer), of_own_organisations(Event.organiser_id, viewer=viewer),
               took_part, signed_there, seconded)


def readable_secondments(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    return or_(in_office_regions(Secondment.region_id, viewer),
               of_own_organisations(Secondment.home_org_id, Secondment.unit_id, viewer=viewer))


def readable_contacts(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    mine = ContactLog.recorded_by_user_id == viewer.user_id if viewer.user_id is not None else false()
    return or_(in_office_regions(ContactLog.region_id, viewer), mine,
               of_own_organisations(ContactLog.from_org_id, ContactLog.to_org_id, ContactLog.university_id,
                                    viewer=viewer))


def get_event(session: Session, viewer: Viewer, event_id: int) -> Event:
    """The event when ``viewer`` may see it, else 404."""
    found = session.scalar(select(Event).where(Event.id == event_id, readable(viewer)))
    if found is None or found.retired_at is not None:
        raise NotFound(f"活动（编号 {event_id}）不存在或您无权查看")
    return found


def get_contact(session: Session, viewer: Viewer, contact_id: int) -> ContactLog:
    found = session.scalar(select(ContactLog).where(ContactLog.id == contact_id, readable_contacts(viewer)))
    if found is None or found.retired_at is not None:
        raise NotFound(f"对接记录（编号 {contact_id}）不存在或您无权查看")
    return found


# ── acting ───────────────────────────────────────────────────────────────────────────────────────────────────


def runs_events(viewer: Viewer) -> bool:
    """Offices, lead units and administrators organise events; other roles only take part."""
    return viewer.is_admin or viewer.is_office or Role.LEAD_UNIT in viewer.roles


def can_run(viewer: Viewer, event: Event) -> bool:
    """THE rule for writing an event and its outcomes."""
    if viewer.is_admin:
        return True
    if viewer.is_office and viewer.manages_region(event.region_id):
        return True
    return Role.LEAD_UNIT in viewer.roles and viewer.acts_for(event.organiser_id)


def can_create(viewer: Viewer, *, region_id: int | None, organiser_id: int | None) -> bool:
    """A new event: an office in its region, a lead unit organising it itself."""
    if viewer.is_admin:
        return True
    if viewer.is_office and viewer.manages_region(region_id):
        return True
    return Role.LEAD_UNIT in viewer.roles and viewer.acts_for(organiser_id)


def require_runner(viewer: Viewer, doing: str) -> None:
    if not runs_events(viewer):
        raise Forbidden(f"只有校地合作办公室、牵头单位或管理员可以{doing}")


def require_create(viewer: Viewer, *, region_id: int | None, organiser_id: int | None) -> None:
    require_runner(viewer, "登记活动")
    if not can_create(viewer, region_id=region_id, organiser_id=organiser_id):
        if viewer.is_office:
            raise Forbidden("只能登记本辖区的活动")
        raise Forbidden("牵头单位只能登记本单位主办的活动")


def managed_event(session: Session, viewer: Viewer, event_id: int, doing: str) -> Event:
    """The event when ``viewer`` may run it: 403 wrong role, 404 invisible, 403 another region's event."""
    require_runner(viewer, doing)
    event = get_event(session, viewer, event_id)
    if not can_run(viewer, event):
        raise Forbidden(f"活动“{event.name}”不在您的辖区或不是本单位主办，不能{doing}")
    return event


def records_contacts(viewer: Viewer) -> bool:
    return runs_events(viewer)


def contact_count_regions(viewer: Viewer) -> list[int] | None:
    """The regions whose contact counts (对接次数统计) the viewer may read: every region for an administrator (None),
    an office's own regions; refused (403) to everyone else."""
    if not viewer.is_admin and not viewer.is_office:
        raise Forbidden("对接次数统计只对校地合作办公室和管理员开放")
    return None if viewer.is_admin else sorted(viewer.region_ids)


def can_record_contact(viewer: Viewer, *, region_id: int | None, org_ids: tuple[int | None, ...]) -> bool:
    if viewer.is_admin:
        return True
    if viewer.is_office and viewer.manages_region(region_id):
        return True
    return Role.LEAD_UNIT in viewer.roles and viewer.acts_for(*org_ids)


def require_contact(viewer: Viewer, *, region_id: int | None, org_ids: tuple[int | None, ...]) -> None:
    if not records_contacts(viewer):
        raise Forbidden("只有校地合作办公室、牵头单位或管理员可以登记对接记录")
    if not can_record_contact(viewer, region_id=region_id, org_ids=org_ids):
        raise Forbidden("只能登记本辖区或本单位参与的对接记录")


# The area's reading rules are THE rules every list, page, API route and export asks (accounts.scope.readable).
register_readable(Event, readable)
register_readable(Secondment, readable_secondments)
register_readable(ContactLog, readable_contacts)
