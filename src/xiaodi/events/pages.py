"""Event pages (活动): the lists of events, 挂职 and contacts (对接记录); an event's page with its participants,
agenda, outcomes, the agreements signed at it and its 挂职; the forms an office or lead unit fills in.

Who may do what is ``events.access``'s; the work is ``events.service``'s. These routes parse forms, call the
service, flash the outcome and redirect (303) to the record.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import parse_day
from xiaodi.core.errors import ValidationFailed
from xiaodi.directory.access import openable_organisations
from xiaodi.events import access, forms, service
from xiaodi.events.models import (
    ContactChannel,
    ContactLog,
    Event,
    EventKind,
    EventState,
    OutcomeMetric,
    ParticipantRole,
    Secondment,
)
from xiaodi.figures.metrics import Metric
from xiaodi.projects.actions import PartyIn, find_organisation, parse_money
from xiaodi.projects.models import Agreement, AgreementKind, PartyRole
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec, register_related
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=20_000)]
Short = Annotated[str, Form(max_length=60)]


def outcome_label(metric: str) -> str:
    if metric in OutcomeMetric.labels():
        return OutcomeMetric.labels()[metric]
    try:
        return Metric(metric).label
    except ValueError:
        return metric


def signed_at_event(session: Session, viewer: Viewer, agreement: Agreement) -> list[tuple[str, str, str | None]]:
    """关联记录 of an agreement's page: the event it was signed at (签约活动), so the link made on the event's page
    reads both ways; named without a link for a viewer who may not open the event."""
    event = session.get(Event, agreement.event_id) if agreement.event_id is not None else None
    if event is None or event.retired_at is not None:
        return []
    seen = session.scalar(select(Event.id).where(Event.id == event.id, access.readable(viewer))) is not None
    return [("签约活动", f"{event.name}（{EventKind(event.kind).label}，{event.starts_on}）",
             f"/events/{event.id}" if seen else None)]


register_related("agreements", signed_at_event)


def event_extras(session: Session, viewer: Viewer, event: Event) -> dict[str, Any]:
    runs = access.can_run(viewer, event)
    participants = service.participants_of(session, event.id)
    return {
        "participants": participants,
        # linked only where the directory's own rule lets the viewer open the organisation
        "openable_orgs": openable_organisations(session, viewer, (p.organisation_id for p in participants)),
        "role_labels": ParticipantRole.labels(),
        "outcomes": [(outcome_label(o.metric), o) for o in service.outcomes_of(session, event.id)],
        "agreements": service.agreements_of(session, viewer, event.id),
        "secondments": service.secondments_of(session, event.id),
        "may_run": runs,
        # the outcome form only on a held event: the service refuses outcomes before (and the form always failed)
        "may_record_outcomes": runs and EventState(event.state) == EventState.HELD,
        "metrics": list(OutcomeMetric.labels().items()),
        "roles": list(ParticipantRole.labels().items()),
        "agreement_kinds": list(AgreementKind.labels().items()),
    }


def specs() -> list[ResourceSpec]:
    kinds = EventKind.labels()
    states = EventState.labels()
    events = ResourceSpec(
        name="events", label="活动", noun="活动", model=Event, area="events",
        columns=[
            Column("name", "活动名称", sort=Event.name, link=True),
            Column("kind", "类别", labels=kinds, sort=Event.kind),
            Column("starts_on", "开始日期", sort=Event.starts_on),
            Column("venue", "地点"),
            Column("organiser.name", "主办单位"),
            Column("state", "状态", labels=states),
        ],
        detail=[
            Column("name", "活动名称"), Column("kind", "类别", labels=kinds), Column("starts_on", "开始日期"),
            Column("ends_on", "结束日期"), Column("venue", "地点"), Column("organiser.name", "主办单位"),
            Column("state", "状态", labels=states), Column("description", "内容"), Column("source", "来源"),
        ],
        search=[Event.name, Event.venue, Event.description],
        filters=[
            Filter("kind", "类别", Event.kind, list(kinds.items())),
            Filter("year", "年份", Event.starts_on, op="year"),
        ],
        default_sort="-starts_on",
        personal_owner=lambda e: (e.organiser_id,),
        table="events",
        extras=event_extras,
        detail_partial="event_detail.html",
        actions=(ListAction("/events/new", "登记活动", allowed=access.runs_events),),
    )
    secondments = ResourceSpec(
        name="secondments", label="挂职", noun="挂职记录", model=Secondment, area="events",
        columns=[
            Column("person_name", "姓名", sort=Secondment.person_name, link=True),
            Column("home_org.name", "派出单位"),
            Column("unit_name", "挂职单位", sort=Secondment.unit_name),
            Column("post", "挂职岗位"),
            Column("starts_on", "开始日期", sort=Secondment.starts_on),
            Column("ends_on", "结束日期"),
        ],
        detail=[Column("person_name", "姓名"), Column("home_org.name", "派出单位"), Column("unit_name", "挂职单位"),
                Column("post", "挂职岗位"), Column("starts_on", "开始日期"), Column("ends_on", "结束日期")],
        search=[Secondment.person_name, Secondment.unit_name, Secondment.post],
        filters=[Filter("year", "年份", Secondment.starts_on, op="year")],
        default_sort="-starts_on",
        title=lambda s: f"{s.person_name}（{s.unit_name}·{s.post}）",
    )
    channels = ContactChannel.labels()
    contacts = ResourceSpec(
        name="contacts", label="对接记录", noun="对接记录", model=ContactLog, area="events",
        columns=[
            Column("contacted_on", "日期", sort=ContactLog.contacted_on, link=True),
            Column("channel", "方式", labels=channels, sort=ContactLog.channel),
            Column("from_org.name", "发起单位"),
            Column("to_org.name", "对接单位"),
            Column("university.name", "对接高校"),
            Column("summary", "对接内容"),
        ],
        detail=[Column("contacted_on", "日期"), Column("channel", "方式", labels=channels),
                Column("from_org.name", "发起单位"), Column("from_person", "发起人"),
                Column("to_org.name", "对接单位"), Column("to_person", "对接人"),
                Column("university.name", "对接高校"), Column("summary", "对接内容"),
                Column("follow_up", "下一步"), Column("follow_up_on", "下一步日期")],
        search=[ContactLog.summary, ContactLog.follow_up, ContactLog.from_person, ContactLog.to_person],
        filters=[Filter("channel", "方式", ContactLog.channel, list(channels.items())),
                 Filter("year", "年份", ContactLog.contacted_on, op="year")],
        default_sort="-contacted_on",
        title=lambda c: f"{c.contacted_on} 对接记录",
        extras=lambda s, v, c: {"contact": c},
        detail_partial="contact_detail.html",
        actions=(ListAction("/contacts/new", "登记对接记录", allowed=access.records_contacts),),
    )
    return [events, secondments, contacts]


# ── forms ────────────────────────────────────────────────────────────────────────────────────────────────────


def _event_form(viewer: Viewer) -> dict[str, Any]:
    return {"page_title": "登记活动", "kinds": list(EventKind.labels().items()),
            "states": list(EventState.labels().items())}


@router.get("/events/new")
def event_form(request: Request, viewer: MemberUser) -> Response:
    access.require_runner(viewer, "登记活动")
    return render(request, "event_new.html", _event_form(viewer))


@router.post("/events/new")
def event_create(
    request: Request, session: SessionDep, viewer: MemberUser, name: Text, kind: Short, starts_on: Short,
    region: Short = "", organiser: Text = "", ends_on: Short = "", venue: Text = "", description: LongText = "",
    agenda: LongText = "", state: Short = "",
) -> RedirectResponse:
    access.require_runner(viewer, "登记活动")
    event = service.create_event(
        session, viewer, name=name, kind=kind, starts_on=parse_day(starts_on, "开始日期"),
        ends_on=parse_day(ends_on, "结束日期"), region_id=forms.region(session, viewer, region),
        organiser_id=forms.org(session, viewer, organiser, "主办单位"), venue=venue, description=description,
        agenda=agenda, state=state)
    flash(request, f"活动“{event.name}”已登记")
    return RedirectResponse(f"/events/{event.id}", status_code=303)


@router.post("/events/{event_id}/participants")
def participant_add(
    request: Request, event_id: RecordId, session: SessionDep, viewer: MemberUser, role: Short,
    organisation: Text = "", label: Text = "", count: Short = "1",
) -> RedirectResponse:
    access.managed_event(session, viewer, event_id, "登记参会方")
    number = int(service.parse_value(count or "1", "人数"))
    service.add_participant(session, viewer, event_id, role=role, label=label,
                            organisation_id=forms.org(session, viewer, organisation, "参会单位"), count=number)
    flash(request, "参会方已登记")
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/outcomes")
def outcome_add(
    request: Request, event_id: RecordId, session: SessionDep, viewer: MemberUser, metric: Short, value: Short,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    row = service.record_outcome(session, viewer, event_id, metric=metric, value=value, note=note)
    flash(request, f"已登记成效：{outcome_label(row.metric)} {row.value.normalize():f}")
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/agreements")
def agreement_link(
    request: Request, event_id: RecordId, session: SessionDep, viewer: MemberUser, agreement: Short,
) -> RedirectResponse:
    access.managed_event(session, viewer, event_id, "登记活动签约")
    linked = service.link_agreement(session, viewer, event_id,
                                    agreement_id=forms.agreement(session, viewer, agreement))
    flash(request, f"协议“{linked.title}”已登记为本活动签约")
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/agreements/new")
def agreement_sign(
    request: Request, event_id: RecordId, session: SessionDep, viewer: MemberUser, title: Text,
    party_a: Text, party_b: Text, kind: Short = AgreementKind.PROJECT_COOPERATION.value, amount: Short = "",
) -> RedirectResponse:
    access.managed_event(session, viewer, event_id, "登记活动签约")
    signed = service.sign_at_event(
        session, viewer, event_id, title=title, kind=kind, amount=parse_money(amount, "签约金额"),
        parties=[PartyIn(PartyRole.PARTY_A, name=party_a), PartyIn(PartyRole.PARTY_B, name=party_b)])
    flash(request, f"协议“{signed.title}”已登记（{signed.code}），为本活动签约")
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/secondments")
def secondment_add(
    request: Request, event_id: RecordId, session: SessionDep, viewer: MemberUser, person_name: Short,
    unit: Text, post: Text, starts_on: Short, ends_on: Short = "", home_org: Text = "",
) -> RedirectResponse:
    access.managed_event(session, viewer, event_id, "登记挂职")
    found, _ = find_organisation(session, viewer, unit[:200]) if unit.strip() else (None, [])
    service.add_secondment(
        session, viewer, event_id=event_id, person_name=person_name, unit_id=found.id if found else None,
        unit_name=unit, post=post, starts_on=parse_day(starts_on, "开始日期"), ends_on=parse_day(ends_on, "结束日期"),
        home_org_id=forms.org(session, viewer, home_org, "派出单位"))
    flash(request, f"已登记挂职：{person_name}")
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.get("/contacts/new")
def contact_form(request: Request, viewer: MemberUser) -> Response:
    if not access.records_contacts(viewer):
        access.require_contact(viewer, region_id=None, org_ids=())
    return render(request, "contact_new.html", {"page_title": "登记对接记录",
                                                "channels": list(ContactChannel.labels().items())})


@router.post("/contacts/new")
def contact_create(
    request: Request, session: SessionDep, viewer: MemberUser, contacted_on: Short, channel: Short,
    summary: Annotated[str, Form(max_length=2000)], from_org: Text = "", from_person: Short = "",
    to_org: Text = "", to_person: Short = "", university: Text = "", demand_id: Short = "", region: Short = "",
    follow_up: Annotated[str, Form(max_length=2000)] = "", follow_up_on: Short = "",
) -> RedirectResponse:
    if not access.records_contacts(viewer):
        access.require_contact(viewer, region_id=None, org_ids=())
    demand = int(demand_id) if demand_id.strip().isascii() and demand_id.strip().isdigit() \
        and len(demand_id.strip()) < 10 else None
    if demand_id.strip() and demand is None:
        raise ValidationFailed("需求编号无效")
    row = service.record_contact(
        session, viewer, contacted_on=parse_day(contacted_on, "对接日期"), channel=channel, summary=summary,
        region_id=forms.region(session, viewer, region), from_org_id=forms.org(session, viewer, from_org, "发起单位"),
        from_person=from_person, to_org_id=forms.org(session, viewer, to_org, "对接单位"), to_person=to_person,
        university_id=forms.org(session, viewer, university, "对接高校"), demand_id=demand, follow_up=follow_up,
        follow_up_on=parse_day(follow_up_on, "下一步日期"))
    flash(request, "对接记录已登记")
    return RedirectResponse(f"/contacts/{row.id}", status_code=303)
