"""Intent rules (合作意向): record an intent between an enterprise or unit and a university or institute, follow it
to an agreement (签约 → 已签约) or close it with a reason (→ 已终止).

Every function takes the acting ``Viewer`` and asks ``intents.access`` first, so pages, the API and the CLI share
one rule. Every write is audited; nothing is deleted. Nothing here commits: the caller's transaction does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit
from xiaodi.core.errors import Conflict, ValidationFailed
from xiaodi.core.models import model_snapshot
from xiaodi.core.records import check_version, create, flush_or_conflict, get_live, next_code, update_fields
from xiaodi.core.settings import local_today, not_after_today
from xiaodi.demands.models import Demand
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.events.models import Event
from xiaodi.intents import access
from xiaodi.intents.models import Intent, IntentState
from xiaodi.projects.models import Agreement

UNIVERSITY_KINDS = (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)
EDITABLE = frozenset({"topic", "agreed_on", "event_id", "demand_id", "source", "note"})


def _topic(text: str | None) -> str:
    topic = (text or "").strip()
    if not topic:
        raise ValidationFailed("合作内容不能为空")
    if len(topic) > 300:
        raise ValidationFailed("合作内容不能超过 300 字")
    return topic


def _parties(session: Session, enterprise_id: int, university_id: int) -> tuple[Organisation, Organisation]:
    enterprise = get_live(session, Organisation, enterprise_id, "企业（单位）")
    university = get_live(session, Organisation, university_id, "高校（院所）")
    if enterprise.kind in UNIVERSITY_KINDS:
        raise ValidationFailed(f"“{enterprise.name}”是高校或院所，请填在“高校（院所）”一方；企业一方应为企业或单位")
    if university.kind not in UNIVERSITY_KINDS:
        raise ValidationFailed(f"“{university.name}”不是高校或科研院所，请核对合作高校（院所）")
    return enterprise, university


def _links(session: Session, viewer: Viewer, event_id: int | None, demand_id: int | None) -> Event | None:
    """The event and demand an intent comes from, when the viewer may see them (404 otherwise)."""
    from xiaodi.web.access import get_visible  # the areas' scope rules; imported late (web imports this area)

    event = get_visible(session, Event, event_id, viewer, "活动") if event_id is not None else None
    if demand_id is not None:
        get_visible(session, Demand, demand_id, viewer, "需求")
    return event


def _next_code(session: Session, year: int) -> str:
    return next_code(session, Intent.code, "YX", year)


AGREED_LATER = "尚未达成的意向"  # what a 达成日期 after today would register (forms, API, CLI and the table)


def record_intent(
    session: Session,
    viewer: Viewer,
    *,
    topic: str,
    enterprise_id: int,
    university_id: int,
    agreed_on: dt.date,
    region_id: int | None = None,
    event_id: int | None = None,
    demand_id: int | None = None,
    source: str | None = None,
    note: str | None = None,
    code: str | None = None,
) -> Intent:
    """登记合作意向. The region is the one given, else the event's, else the enterprise's, else the office's own."""
    access.require_office(viewer, "登记合作意向")
    topic = _topic(topic)
    if agreed_on is None:
        raise ValidationFailed("请填写达成意向的日期")
    not_after_today(agreed_on, "达成日期", AGREED_LATER)
    enterprise, _university = _parties(session, enterprise_id, university_id)
    event = _links(session, viewer, event_id, demand_id)
    if region_id is None:
        region_id = event.region_id if event is not None and event.region_id is not None else enterprise.region_id
    if region_id is None and len(viewer.office_region_ids) == 1:
        region_id = next(iter(viewer.office_region_ids))
    if region_id is not None:
        get_live(session, Region, region_id, "行政区")
    access.require_manage(viewer, region_id, "登记合作意向")
    same = session.scalar(select(Intent.code).where(
        Intent.topic == topic, Intent.enterprise_id == enterprise_id, Intent.university_id == university_id,
        Intent.agreed_on == agreed_on, Intent.retired_at.is_(None)).limit(1))
    if same is not None:  # a form sent twice: the same intent counted twice in the figures
        raise Conflict(f"合作意向“{topic}”（{same}）已登记，双方和达成日期相同，不能重复登记")
    intent = Intent(code=(code or "").strip() or _next_code(session, agreed_on.year), topic=topic,
                    enterprise_id=enterprise_id, university_id=university_id, agreed_on=agreed_on,
                    region_id=region_id, event_id=event_id, demand_id=demand_id, state=IntentState.OPEN,
                    source=(source or "").strip() or None, note=(note or "").strip() or None)
    return create(session, intent, actor=viewer.actor, label=f"合作意向“{topic}”")


def update_intent(session: Session, viewer: Viewer, intent_id: int, changes: dict[str, Any], *,
                  expected_version: int | None = None) -> Intent:
    """修改合作意向: topic, date, the event or demand it came from, source, note (parties and state are not edited:
    an intent between other parties is another intent; the state moves by 签约 or 终止)."""
    intent = access.get_managed(session, viewer, intent_id, "修改合作意向")
    if "topic" in changes:
        changes["topic"] = _topic(changes["topic"])
    if "agreed_on" in changes and changes["agreed_on"] is None:
        raise ValidationFailed("请填写达成意向的日期")
    if "agreed_on" in changes:
        not_after_today(changes["agreed_on"], "达成日期", AGREED_LATER)
    _links(session, viewer, changes.get("event_id"), changes.get("demand_id"))
    update_fields(session, intent, changes, actor=viewer.actor, allowed=EDITABLE, label=f"合作意向“{intent.topic}”",
                  expected_version=expected_version)
    return intent


def _require_open(intent: Intent, doing: str) -> None:
    if intent.state != IntentState.OPEN:
        raise ValidationFailed(f"合作意向“{intent.topic}”{IntentState(intent.state).label}，不能再{doing}")


def convert_to_agreement(session: Session, viewer: Viewer, intent_id: int, agreement_id: int, *,
                         expected_version: int | None = None) -> Intent:
    """签约: the intent becomes the agreement ``agreement_id`` (已签约). The agreement must be one the two parties
    of the intent signed — an agreement between other parties is not this intent's."""
    from xiaodi.web.access import get_visible

    intent = access.get_managed(session, viewer, intent_id, "将合作意向转为协议")
    check_version(intent, expected_version, f"合作意向“{intent.topic}”")
    _require_open(intent, "转为协议")
    agreement = get_visible(session, Agreement, agreement_id, viewer, "协议")
    parties = {p.organisation_id for p in agreement.parties if p.organisation_id is not None}
    missing = [o.name for o in (intent.enterprise, intent.university) if o.id not in parties]
    if missing:
        raise ValidationFailed(f"协议“{agreement.title}”（{agreement.code}）的签约方不包括意向的"
                               f"{'、'.join(missing)}，不能作为本意向的协议")
    before = model_snapshot(intent)
    intent.agreement_id = agreement.id
    intent.state = IntentState.SIGNED
    flush_or_conflict(session, f"合作意向“{intent.topic}”")
    audit.record(session, actor=viewer.actor, action="transition", obj=intent, before=before,
                 reason=f"签约：{agreement.code} {agreement.title}")
    return intent


def close_intent(session: Session, viewer: Viewer, intent_id: int, reason: str, *, closed_on: dt.date | None = None,
                 expected_version: int | None = None) -> Intent:
    """终止: the intent did not lead to an agreement; the reason is required and kept."""
    reason = (reason or "").strip()
    intent = access.get_managed(session, viewer, intent_id, "终止合作意向")
    check_version(intent, expected_version, f"合作意向“{intent.topic}”")
    if not reason:
        raise ValidationFailed("终止合作意向必须说明原因")
    if len(reason) > 2000:
        raise ValidationFailed("终止原因不能超过 2000 字")
    _require_open(intent, "终止")
    before = model_snapshot(intent)
    intent.state = IntentState.CLOSED
    intent.close_reason = reason
    intent.closed_on = closed_on or local_today()
    flush_or_conflict(session, f"合作意向“{intent.topic}”")
    audit.record(session, actor=viewer.actor, action="transition", obj=intent, before=before, reason=reason)
    return intent
