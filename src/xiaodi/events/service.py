"""Events (活动) and their outcomes (活动成效), 挂职 and the contact log (对接记录): the area's writes and reads.

Every write takes the acting ``Viewer``, asks ``events.access`` whether the viewer may, validates what was typed
(Chinese messages; nothing is written before every check passed) and writes audited records in the caller's
transaction. Agreements signed at an event are the projects area's records: they are registered through the
projects actions and linked to the event (``Agreement.event_id``), so the agreement shows up under the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit
from xiaodi.core.errors import Conflict, Forbidden, ValidationFailed
from xiaodi.core.labels import Labelled
from xiaodi.core.models import model_snapshot
from xiaodi.core.records import create, flush_or_conflict, get_live, update_fields
from xiaodi.core.settings import local_today
from xiaodi.directory.models import Organisation, Person, Region
from xiaodi.events import access
from xiaodi.events.models import (
    ContactChannel,
    ContactLog,
    Event,
    EventKind,
    EventOutcome,
    EventParticipant,
    EventState,
    OutcomeMetric,
    ParticipantRole,
    Secondment,
)
from xiaodi.notifications.models import NoticeKind
from xiaodi.notifications.service import notify
from xiaodi.projects.models import Agreement

MAX_TEXT = 2000
MAX_VALUE = Decimal("1e12")
MONEY_METRICS = frozenset({OutcomeMetric.AMOUNT_SIGNED})  # 元 may have 角分; every other metric counts people/items
# the parts of an invited participant; the host and co-host run the event, a group is counted, not told
INVITED_ROLES = frozenset({ParticipantRole.UNIVERSITY, ParticipantRole.ENTERPRISE, ParticipantRole.EXPERT,
                           ParticipantRole.GUEST})
EVENT_FIELDS = frozenset({"name", "kind", "state", "starts_on", "ends_on", "venue", "description", "agenda"})


def _text(value: str | None, label: str, *, limit: int, required: bool = False) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed(f"请填写{label}")
        return None
    if len(value) > limit:
        raise ValidationFailed(f"{label}最多 {limit} 个字")
    return value


def _enum(enum: Any, value: Any, label: str) -> Any:
    try:
        return enum(value) if value in {m.value for m in enum} else enum.from_label(str(value))
    except ValueError as exc:
        raise ValidationFailed(f"{label}无效：“{str(value)[:20]}”，可选：{'、'.join(enum.labels().values())}") from exc


def check_dates(starts_on: dt.date | None, ends_on: dt.date | None, what: str = "活动") -> None:
    """The dates of an event or a secondment (挂职): a start between 2000 and 2100, an end not before it. The pages,
    the API and the 活动清单 import (``tables.event_tables.check_event``) apply the same rule."""
    if starts_on is None:
        raise ValidationFailed(f"请填写{what}开始日期")
    if not dt.date(2000, 1, 1) <= starts_on <= dt.date(2100, 12, 31):
        raise ValidationFailed(f"{what}开始日期应在 2000—2100 年之间")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed(f"{what}结束日期不能早于开始日期")


def _state_for(state: EventState | str | None, starts_on: dt.date | None) -> EventState:
    """活动状态 checked against the date: an event starting after today has not been held (已举办 refused); with no
    state given, a future event is 筹备中 and one on or before today 已举办."""
    today = local_today()
    if state is None or state == "":
        return EventState.PLANNED if starts_on is not None and starts_on > today else EventState.HELD
    state_: EventState = _enum(EventState, state, "活动状态")
    if state_ == EventState.HELD and starts_on is not None and starts_on > today:
        raise ValidationFailed(f"活动开始日期 {starts_on} 晚于今天（{today}），不能登记为“已举办”；"
                               "尚未举办的活动请选“筹备中”")
    return state_


def _org(session: Session, org_id: int | None, label: str) -> Organisation | None:
    return get_live(session, Organisation, org_id, label) if org_id is not None else None


# ── events ───────────────────────────────────────────────────────────────────────────────────────────────────


def create_event(
    session: Session, viewer: Viewer, *, name: str, kind: EventKind | str, starts_on: dt.date | None,
    region_id: int | None, organiser_id: int | None = None, ends_on: dt.date | None = None,
    venue: str | None = None, description: str | None = None, agenda: str | None = None,
    state: EventState | str | None = None, source: str | None = None,
) -> Event:
    """登记活动: an office of the region, or a lead unit for an event it organises itself. ``state`` None: by the
    date (a future event is 筹备中, a past one 已举办)."""
    access.require_runner(viewer, "登记活动")
    name_ = _text(name, "活动名称", limit=300, required=True)
    kind_ = _enum(EventKind, kind, "活动类别")
    check_dates(starts_on, ends_on, "活动")
    state_ = _state_for(state, starts_on)
    if region_id is None:
        raise ValidationFailed("请选择活动所在地区")
    get_live(session, Region, region_id, "行政区")
    _org(session, organiser_id, "主办单位")
    access.require_create(viewer, region_id=region_id, organiser_id=organiser_id)
    _not_registered_yet(session, name_, starts_on)
    event = Event(name=name_, kind=kind_, state=state_, region_id=region_id, organiser_id=organiser_id,
                  starts_on=starts_on, ends_on=ends_on, venue=_text(venue, "地点", limit=300),
                  description=_text(description, "活动内容", limit=20_000),
                  agenda=_text(agenda, "议程", limit=20_000), source=_text(source, "来源", limit=200),
                  created_by_user_id=viewer.user_id)
    return create(session, event, actor=viewer.actor, label=f"活动“{name_}”")


def _not_registered_yet(session: Session, name: str | None, starts_on: dt.date | None, but: int | None = None
                        ) -> None:
    """One event, one record: the name and first day identify an event (活动名称+开始日期, as the events table keys
    it) — a form sent twice made two, counted twice, and broke the table's export → import."""
    same = session.scalar(select(Event.id).where(
        Event.name == name, Event.starts_on.is_(None) if starts_on is None else Event.starts_on == starts_on,
        Event.retired_at.is_(None), *([Event.id != but] if but is not None else [])).limit(1))
    if same is not None:
        # not its number: the first may be another region's, which the office does not see
        raise Conflict(f"活动“{name}”（开始日期 {starts_on or '未定'}）已登记，不能重复登记；"
                       "如是另一场活动，请在名称中加以区分")


def update_event(session: Session, viewer: Viewer, event_id: int, changes: dict[str, Any], *,
                 expected_version: int | None = None) -> Event:
    """修改活动: name, kind, state, dates, venue, description, agenda."""
    event = access.managed_event(session, viewer, event_id, "修改活动")
    unknown = sorted(set(changes) - EVENT_FIELDS)
    if unknown:
        raise ValidationFailed(f"活动没有可修改的字段：{'、'.join(unknown)}")
    clean = dict(changes)
    if "name" in clean:
        clean["name"] = _text(clean["name"], "活动名称", limit=300, required=True)
    if "kind" in clean:
        clean["kind"] = _enum(EventKind, clean["kind"], "活动类别")
    if "state" in clean:
        clean["state"] = _enum(EventState, clean["state"], "活动状态")
    for key, label in (("venue", "地点"), ("description", "活动内容"), ("agenda", "议程")):
        if key in clean:
            clean[key] = _text(clean[key], label, limit=300 if key == "venue" else 20_000)
    check_dates(clean.get("starts_on", event.starts_on), clean.get("ends_on", event.ends_on), "活动")
    if "state" in clean or "starts_on" in clean:
        _state_for(clean.get("state", event.state), clean.get("starts_on", event.starts_on))
    if "name" in clean or "starts_on" in clean:
        _not_registered_yet(session, clean.get("name", event.name), clean.get("starts_on", event.starts_on),
                            but=event.id)
    update_fields(session, event, clean, actor=viewer.actor, allowed=EVENT_FIELDS, label=f"活动“{event.name}”",
                  expected_version=expected_version)
    return event


def add_participant(
    session: Session, viewer: Viewer, event_id: int, *, role: ParticipantRole | str,
    organisation_id: int | None = None, person_id: int | None = None, label: str | None = None, count: int = 1,
) -> EventParticipant:
    """参会: an organisation (高校, 企业), a person (专家) or a counted group (200余名大学生)."""
    event = access.managed_event(session, viewer, event_id, "登记参会方")
    role_ = _enum(ParticipantRole, role, "参与身份")
    label_ = _text(label, "参会群体", limit=200)
    if organisation_id is None and person_id is None and label_ is None:
        raise ValidationFailed("请填写参会单位、专家或参会群体")
    if not 1 <= count <= 1_000_000:
        raise ValidationFailed("参会人数应在 1—1000000 之间")
    _org(session, organisation_id, "参会单位")
    if person_id is not None:
        get_live(session, Person, person_id, "参会专家")
    dup = session.scalar(select(EventParticipant.id).where(
        EventParticipant.event_id == event.id, EventParticipant.organisation_id == organisation_id,
        EventParticipant.person_id == person_id, EventParticipant.label == label_)) \
        if (organisation_id is not None or person_id is not None) else None
    if dup is not None:
        raise Conflict("该参会方已登记")
    row = EventParticipant(event_id=event.id, organisation_id=organisation_id, person_id=person_id, label=label_,
                           role=role_.value, count=count)
    row = create(session, row, actor=viewer.actor, label="参会方")
    if organisation_id is not None and role_ in INVITED_ROLES and event.state != EventState.CANCELLED:
        invite(session, viewer, event, organisation_id)
    return row


def invite(session: Session, viewer: Viewer, event: Event, organisation_id: int) -> None:
    """受邀: the members of an organisation added as an invited participant (参会高校, 参会企业, 专家, 嘉宾) are told,
    with a link to the event (which its participants may open); once per event and organisation, and never the
    one who added it."""
    place = f"，{event.venue}" if event.venue else ""
    notify(session, kind=NoticeKind.EVENT, title=f"您单位受邀参加“{event.name}”（{event.starts_on}{place}）",
           link=f"/events/{event.id}", organisation_ids=[organisation_id],
           key=f"event-invite:{event.id}:{organisation_id}", exclude_user_id=viewer.user_id)


def parse_value(text: str | int | Decimal | None, label: str) -> Decimal:
    """A count or an amount as typed ("148", "2135"); whole, non-negative, below 10¹²."""
    if text is None or (isinstance(text, str) and not text.strip()):
        raise ValidationFailed(f"请填写{label}")
    if isinstance(text, bool):
        raise ValidationFailed(f"{label}应为数字")
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationFailed(f"{label}应为数字：“{str(text)[:20]}”") from exc
    if not value.is_finite() or value < 0 or value >= MAX_VALUE:
        raise ValidationFailed(f"{label}应为 0 到 10¹² 之间的数")
    return value.quantize(Decimal("0.01"))


def record_outcome(session: Session, viewer: Viewer, event_id: int, *, metric: OutcomeMetric | str,
                   value: str | int | Decimal | None, note: str | None = None) -> EventOutcome:
    """活动成效: one figure per metric (a second entry of the same metric replaces the first, audited). Refused
    for an event outside the recorder's region."""
    event = access.managed_event(session, viewer, event_id, "登记活动成效")
    metric_ = _enum(OutcomeMetric, metric, "成效类别")
    if EventState(event.state) != EventState.HELD:
        raise ValidationFailed(f"活动“{event.name}”目前{EventState(event.state).label}，举办后才能登记活动成效")
    amount = parse_value(value, metric_.label)
    if metric_ not in MONEY_METRICS and amount != amount.to_integral_value():
        raise ValidationFailed(f"{metric_.label}是人数、个数或项数，应为不小于 0 的整数：“{str(value)[:20]}”")
    note_ = _text(note, "说明", limit=MAX_TEXT)
    unit = "元" if metric_ == OutcomeMetric.AMOUNT_SIGNED else metric_.label.rsplit("（", 1)[-1].rstrip("）")
    existing = session.scalar(select(EventOutcome).where(EventOutcome.event_id == event.id,
                                                         EventOutcome.metric == metric_.value))
    if existing is not None:
        before = model_snapshot(existing)
        existing.value, existing.note, existing.unit = amount, note_, unit
        flush_or_conflict(session, "活动成效")
        audit.record(session, actor=viewer.actor, action="update", obj=existing, before=before)
        return existing
    row = EventOutcome(event_id=event.id, metric=metric_.value, value=amount, unit=unit, note=note_)
    return create(session, row, actor=viewer.actor, label="活动成效")


def link_agreement(session: Session, viewer: Viewer, event_id: int, *, agreement_id: int) -> Agreement:
    """在活动上签约: an agreement the viewer may manage becomes one signed at the event (its ``event_id``)."""
    from xiaodi.web.access import get_visible

    event = access.managed_event(session, viewer, event_id, "登记活动签约")
    agreement = get_visible(session, Agreement, agreement_id, viewer, "协议")
    if not viewer.manages_region(agreement.region_id) and not viewer.is_admin:
        raise Forbidden(f"协议“{agreement.title}”不在您的辖区，不能登记为本活动签约")
    if agreement.event_id == event.id:
        return agreement
    if agreement.event_id is not None:
        raise Conflict(f"协议“{agreement.title}”已登记为另一活动（编号 {agreement.event_id}）上签约")
    update_fields(session, agreement, {"event_id": event.id}, actor=viewer.actor, allowed={"event_id"},
                  label=f"协议“{agreement.title}”", reason=f"在活动“{event.name}”上签约")
    return agreement


def sign_at_event(session: Session, viewer: Viewer, event_id: int, **agreement: Any) -> Agreement:
    """Register a new agreement (projects' 签约, same checks) and link it to the event in one transaction."""
    from xiaodi.projects import actions

    event = access.managed_event(session, viewer, event_id, "登记活动签约")
    agreement.setdefault("region_id", event.region_id)
    agreement.setdefault("signed_on", event.starts_on)
    signed, _ = actions.sign_agreement(session, viewer, **agreement)
    return link_agreement(session, viewer, event.id, agreement_id=signed.id)


def agreements_of(session: Session, viewer: Viewer, event_id: int) -> list[Agreement]:
    """The agreements signed at the event that ``viewer`` may see."""
    from xiaodi.projects.access import readable_agreements as agreement_scope

    return list(session.scalars(select(Agreement).where(
        Agreement.event_id == event_id, Agreement.retired_at.is_(None), agreement_scope(viewer))
        .order_by(Agreement.signed_on, Agreement.id)))


def outcomes_of(session: Session, event_id: int) -> list[EventOutcome]:
    return list(session.scalars(select(EventOutcome).where(EventOutcome.event_id == event_id)
                                .order_by(EventOutcome.id)))


def participants_of(session: Session, event_id: int) -> list[EventParticipant]:
    return list(session.scalars(select(EventParticipant).where(EventParticipant.event_id == event_id)
                                .order_by(EventParticipant.id)))


# ── 挂职 ─────────────────────────────────────────────────────────────────────────────────────────────────────


def add_secondment(
    session: Session, viewer: Viewer, *, person_name: str, unit_id: int | None = None, unit_name: str | None = None,
    post: str, starts_on: dt.date | None, ends_on: dt.date | None = None, region_id: int | None = None,
    event_id: int | None = None, home_org_id: int | None = None, person_id: int | None = None,
) -> Secondment:
    """挂职: a person, the unit and post they serve in, and the term; under an event (科技博士服务团) or alone."""
    event = access.managed_event(session, viewer, event_id, "登记挂职") if event_id is not None else None
    if event is None:
        access.require_runner(viewer, "登记挂职")
    name = _text(person_name, "挂职人员姓名", limit=60, required=True)
    post_ = _text(post, "挂职岗位", limit=120, required=True)
    check_dates(starts_on, ends_on, "挂职")
    unit = _org(session, unit_id, "挂职单位")
    unit_text = unit.name if unit is not None else _text(unit_name, "挂职单位", limit=200, required=True)
    _org(session, home_org_id, "派出单位")
    if person_id is not None:
        get_live(session, Person, person_id, "挂职人员")
    place = region_id if region_id is not None else (
        event.region_id if event is not None else (unit.region_id if unit is not None else None))
    if place is None:
        raise ValidationFailed("请选择挂职所在地区")
    get_live(session, Region, place, "行政区")
    if not viewer.manages_region(place) and not (event is not None and access.can_run(viewer, event)):
        raise Forbidden("只能登记本辖区的挂职")
    row = Secondment(event_id=event.id if event else None, region_id=place, person_id=person_id,
                     person_name=name, home_org_id=home_org_id, unit_id=unit.id if unit else None,
                     unit_name=unit_text, post=post_, starts_on=starts_on, ends_on=ends_on)
    return create(session, row, actor=viewer.actor, label="挂职记录")


def secondments_of(session: Session, event_id: int) -> list[Secondment]:
    return list(session.scalars(select(Secondment).where(Secondment.event_id == event_id,
                                                         Secondment.retired_at.is_(None)).order_by(Secondment.id)))


# ── 对接记录 ─────────────────────────────────────────────────────────────────────────────────────────────────


def record_contact(
    session: Session, viewer: Viewer, *, contacted_on: dt.date | None, channel: ContactChannel | str,
    summary: str, region_id: int | None = None, from_org_id: int | None = None, from_person: str | None = None,
    to_org_id: int | None = None, to_person: str | None = None, demand_id: int | None = None,
    university_id: int | None = None, event_id: int | None = None, follow_up: str | None = None,
    follow_up_on: dt.date | None = None,
) -> ContactLog:
    """对接记录: who talked to whom, how, about which demand or university, and what follows."""
    if not access.records_contacts(viewer):
        raise Forbidden("只有校地合作办公室、牵头单位或管理员可以登记对接记录")
    channel_ = _enum(ContactChannel, channel, "对接方式")
    summary_ = _text(summary, "对接内容", limit=MAX_TEXT, required=True)
    if contacted_on is None:
        raise ValidationFailed("请填写对接日期")
    if not dt.date(2000, 1, 1) <= contacted_on <= dt.date(2100, 12, 31):
        raise ValidationFailed("对接日期应在 2000—2100 年之间")
    if follow_up_on is not None and follow_up_on < contacted_on:
        raise ValidationFailed("下一步的日期不能早于对接日期")
    from_org = _org(session, from_org_id, "发起单位")
    to_org = _org(session, to_org_id, "对接单位")
    uni = _org(session, university_id, "对接高校")
    if from_org is None and to_org is None and uni is None and not (from_person or to_person):
        raise ValidationFailed("请注明对接的双方（单位或人员）")
    if demand_id is not None:
        from xiaodi.demands.models import Demand
        from xiaodi.web.access import get_visible

        demand = get_visible(session, Demand, demand_id, viewer, "需求")
        region_id = region_id if region_id is not None else demand.region_id
    if event_id is not None:
        access.get_event(session, viewer, event_id)
    if region_id is None:
        region_id = next((o.region_id for o in (from_org, to_org) if o is not None and o.region_id), None)
    if region_id is None and len(viewer.office_region_ids) == 1:
        region_id = next(iter(viewer.office_region_ids))
    if region_id is not None:
        get_live(session, Region, region_id, "行政区")
    access.require_contact(viewer, region_id=region_id, org_ids=(from_org_id, to_org_id, university_id))
    row = ContactLog(contacted_on=contacted_on, channel=channel_, region_id=region_id, from_org_id=from_org_id,
                     from_person=_text(from_person, "发起人", limit=120), to_org_id=to_org_id,
                     to_person=_text(to_person, "对接人", limit=120), demand_id=demand_id,
                     university_id=university_id, event_id=event_id, summary=summary_,
                     follow_up=_text(follow_up, "下一步", limit=MAX_TEXT), follow_up_on=follow_up_on,
                     recorded_by_user_id=viewer.user_id)
    return create(session, row, actor=viewer.actor, label="对接记录")


# ── counts ───────────────────────────────────────────────────────────────────────────────────────────────────


def _within(column: Any, start: dt.date | None, end: dt.date | None) -> list[Any]:
    conds = []
    if start is not None:
        conds.append(column >= start)
    if end is not None:
        conds.append(column <= end)
    return conds


def event_figures(session: Session, *, region_ids: Iterable[int] | None, start: dt.date | None = None,
                  end: dt.date | None = None) -> dict[str, Decimal]:
    """活动、岗位、达成意向人数、培训人次、对接次数、挂职 of the regions (None: all) within the period; cancelled
    events, events yet to begin (a 筹备中 meeting next March is no activity of this year, nor of next year until it
    is held) and retired records are not counted."""
    ids = sorted(region_ids) if region_ids is not None else None
    ev_cond = [Event.retired_at.is_(None), Event.state != EventState.CANCELLED.value,
               Event.starts_on <= local_today(), *_within(Event.starts_on, start, end)]
    if ids is not None:
        ev_cond.append(Event.region_id.in_(ids))
    events = session.scalar(select(func.count()).select_from(Event).where(*ev_cond)) or 0
    sums = dict(session.execute(select(EventOutcome.metric, func.sum(EventOutcome.value))
                                .join(Event, Event.id == EventOutcome.event_id).where(
        *ev_cond, EventOutcome.metric.in_([OutcomeMetric.POSITIONS.value, OutcomeMetric.INTENT_PEOPLE.value,
                                           OutcomeMetric.INTENTS.value, OutcomeMetric.TRAININGS.value]))
        .group_by(EventOutcome.metric)).all())
    c_cond = [ContactLog.retired_at.is_(None), *_within(ContactLog.contacted_on, start, end)]
    s_cond = [Secondment.retired_at.is_(None), *_within(Secondment.starts_on, start, end)]
    if ids is not None:
        c_cond.append(ContactLog.region_id.in_(ids))
        s_cond.append(Secondment.region_id.in_(ids))
    contacts = session.scalar(select(func.count()).select_from(ContactLog).where(*c_cond)) or 0
    secondments = session.scalar(select(func.count()).select_from(Secondment).where(*s_cond)) or 0
    return {
        "events": Decimal(events),
        "positions": Decimal(sums.get(OutcomeMetric.POSITIONS.value) or 0),
        "intent_people": Decimal(sums.get(OutcomeMetric.INTENT_PEOPLE.value) or 0),
        "intents": Decimal(sums.get(OutcomeMetric.INTENTS.value) or 0),
        "trainings": Decimal(sums.get(OutcomeMetric.TRAININGS.value) or 0),
        "contacts": Decimal(contacts),
        "secondments": Decimal(secondments),
    }


class EventFigure(Labelled):
    """A figure of the area on the figures page (活动与对接), in the order shown; the keys of ``event_figures``."""

    EVENTS = "events", "活动"
    POSITIONS = "positions", "活动提供岗位"
    INTENT_PEOPLE = "intent_people", "达成意向"
    INTENTS = "intents", "活动合作意向"
    CONTACTS = "contacts", "对接记录"
    SECONDMENTS = "secondments", "挂职"

    @property
    def unit(self) -> str:
        """What the figure counts in: 场, 个, 人, 项, 次."""
        return _FIGURE_UNITS[self]


_FIGURE_UNITS = {EventFigure.EVENTS: "场", EventFigure.POSITIONS: "个", EventFigure.INTENT_PEOPLE: "人",
                 EventFigure.INTENTS: "项", EventFigure.CONTACTS: "次", EventFigure.SECONDMENTS: "人"}


def contact_counts(session: Session, *, region_ids: Iterable[int] | None, start: dt.date | None = None,
                   end: dt.date | None = None) -> list[tuple[str, str, int]]:
    """对接次数 per region and month: (地区, YYYY-MM, count), busiest regions first within each month."""
    month = func.substr(func.cast(ContactLog.contacted_on, String), 1, 7)
    cond = [ContactLog.retired_at.is_(None), *_within(ContactLog.contacted_on, start, end)]
    if region_ids is not None:
        cond.append(ContactLog.region_id.in_(sorted(region_ids)))
    rows = session.execute(select(Region.name, month, func.count()).select_from(ContactLog)
                           .outerjoin(Region, Region.id == ContactLog.region_id).where(*cond)
                           .group_by(Region.name, month).order_by(month, func.count().desc())).all()
    return [(str(name or "未注明地区"), str(m), int(str(n))) for name, m, n in rows]
