"""Intent pages (合作意向): the list, a detail page linking the parties, the event or visit, the demand and the
agreement, and the office's forms — 登记意向, 转为协议 (签约), 终止 (with a reason).

Who may do what is ``intents.access``; the work is ``intents.service``. A form with an error is shown again with
what was typed and the message, not an error page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import parse_day
from xiaodi.core.errors import ValidationFailed, XiaodiError
from xiaodi.demands.models import Demand
from xiaodi.demands.service import demand_ref
from xiaodi.directory.access import openable_organisations
from xiaodi.events.models import Event
from xiaodi.intents import access, forms, service
from xiaodi.intents.models import Intent, IntentState
from xiaodi.projects.models import Agreement, AgreementParty
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=60)]


def intent_extras(session: Session, viewer: Viewer, intent: Intent) -> dict[str, Any]:
    from xiaodi.web.access import scope_of

    def seen(model: Any, record_id: int | None) -> Any:
        if record_id is None:
            return None
        return session.scalar(select(model).where(model.id == record_id, scope_of(model, viewer)))

    manages = access.can_manage(viewer, intent.region_id) and intent.state == IntentState.OPEN
    out: dict[str, Any] = {"event": seen(Event, intent.event_id), "demand": seen(Demand, intent.demand_id),
                           "agreement": seen(Agreement, intent.agreement_id), "may_manage": manages,
                           "states": IntentState,
                           "openable_orgs": openable_organisations(session, viewer,
                                                                   (intent.enterprise_id, intent.university_id))}
    if manages:
        out["candidates"] = candidate_agreements(session, viewer, intent)
    return out


def candidate_agreements(session: Session, viewer: Viewer, intent: Intent) -> list[Agreement]:
    """Agreements both parties of the intent signed, that the viewer sees: the choices of 转为协议."""
    from xiaodi.web.access import scope_of

    both = [select(AgreementParty.agreement_id).where(AgreementParty.organisation_id == oid)
            for oid in (intent.enterprise_id, intent.university_id)]
    stmt = (select(Agreement).where(Agreement.id.in_(both[0]), Agreement.id.in_(both[1]),
                                    Agreement.retired_at.is_(None), scope_of(Agreement, viewer))
            .order_by(Agreement.signed_on.desc().nulls_last(), Agreement.id.desc()).limit(50))
    return list(session.scalars(stmt).unique())


def specs() -> list[ResourceSpec]:
    states = IntentState.labels()
    intents = ResourceSpec(
        name="intents", label="合作意向", noun="合作意向", model=Intent, area="intents",
        columns=[
            Column("code", "意向编号", sort=Intent.code),
            Column("topic", "合作内容", sort=Intent.topic, link=True),
            Column("enterprise.name", "企业（单位）"),
            Column("university.name", "高校（院所）"),
            Column("region.name", "地区"),
            Column("agreed_on", "达成日期", sort=Intent.agreed_on),
            Column("state", "状态", labels=states, sort=Intent.state),
        ],
        detail=[
            Column("code", "意向编号"), Column("topic", "合作内容"), Column("enterprise.name", "企业（单位）"),
            Column("university.name", "高校（院所）"), Column("region.full_name", "地区"),
            Column("agreed_on", "达成日期"), Column("state", "状态", labels=states), Column("closed_on", "终止日期"),
            Column("close_reason", "终止原因"), Column("source", "来源"), Column("note", "备注"),
        ],
        search=[Intent.topic, Intent.code],
        filters=[
            Filter("state", "状态", Intent.state, list(states.items())),
            Filter("year", "达成年份", Intent.agreed_on, op="year"),
        ],
        default_sort="-agreed_on",
        title=lambda i: i.topic,
        personal_owner=lambda i: (i.enterprise_id, i.university_id),
        table="intents",
        extras=intent_extras,
        detail_partial="intent_detail.html",
        actions=(ListAction("/intents/new", "登记意向", allowed=access.can_record),),
    )
    return [intents]


def _form(request: Request, values: dict[str, str], error: str | None = None, status: int = 200) -> Response:
    return render(request, "intent_new.html", {"v": values, "error": error, "page_title": "登记合作意向"},
                  status=status)


@router.get("/intents/new")
def intent_form(request: Request, viewer: MemberUser, event: str = "", demand: str = "") -> Response:
    access.require_office(viewer, "登记合作意向")
    return _form(request, {"event_id": event[:12], "demand_id": demand[:40]})


@router.post("/intents/new")
def intent_create(
    request: Request, session: SessionDep, viewer: MemberUser, topic: Text = "", enterprise: Text = "",
    university: Text = "", agreed_on: Short = "", region: Short = "", event_id: Short = "", demand_id: Short = "",
    source: Text = "", note: LongText = "",
) -> Response:
    access.require_office(viewer, "登记合作意向")
    values = {"topic": topic, "enterprise": enterprise, "university": university, "agreed_on": agreed_on,
              "region": region, "event_id": event_id, "demand_id": demand_id, "source": source, "note": note}
    try:
        with session.begin_nested():  # nothing half-written: the form's error leaves the ledger as it was
            day = parse_day(agreed_on, "达成日期")
            if day is None:
                raise ValidationFailed("请填写达成意向的日期（YYYY-MM-DD）")
            intent = service.record_intent(
                session, viewer, topic=topic,
                enterprise_id=forms.organisation(session, viewer, enterprise, "企业（单位）"),
                university_id=forms.organisation(session, viewer, university, "高校（院所）"), agreed_on=day,
                region_id=forms.region(session, viewer, region), event_id=forms.record_id(event_id, "活动"),
                demand_id=demand_ref(session, demand_id), source=source, note=note)
    except XiaodiError as exc:
        if exc.status in (401, 403):
            raise
        return _form(request, values, exc.message, status=exc.status)
    flash(request, f"合作意向“{intent.topic}”已登记（{intent.code}）")
    return RedirectResponse(f"/intents/{intent.id}", status_code=303)


@router.post("/intents/{intent_id}/edit")
def intent_edit(request: Request, intent_id: RecordId, session: SessionDep, viewer: MemberUser, topic: Text = "",
                agreed_on: Short = "", source: Text = "", note: LongText = "", version: Short = "") -> Response:
    changes: dict[str, Any] = {"topic": topic, "agreed_on": parse_day(agreed_on, "达成日期"),
                               "source": source.strip() or None, "note": note.strip() or None}
    if changes["agreed_on"] is None:
        raise ValidationFailed("请填写达成意向的日期（YYYY-MM-DD）")
    intent = service.update_intent(session, viewer, intent_id, changes,
                                   expected_version=forms.record_id(version, "版本"))
    flash(request, f"合作意向“{intent.topic}”已保存")
    return RedirectResponse(f"/intents/{intent_id}", status_code=303)


@router.post("/intents/{intent_id}/convert")
def intent_convert(request: Request, intent_id: RecordId, session: SessionDep, viewer: MemberUser,
                   agreement_id: Short = "", version: Short = "") -> Response:
    chosen = forms.record_id(agreement_id, "协议")
    if chosen is None:
        raise ValidationFailed("请选择双方签订的协议")
    intent = service.convert_to_agreement(session, viewer, intent_id, chosen,
                                          expected_version=forms.record_id(version, "版本"))
    flash(request, f"合作意向“{intent.topic}”已签约")
    return RedirectResponse(f"/intents/{intent_id}", status_code=303)


@router.post("/intents/{intent_id}/close")
def intent_close(request: Request, intent_id: RecordId, session: SessionDep, viewer: MemberUser,
                 reason: LongText = "", closed_on: Short = "", version: Short = "") -> Response:
    intent = service.close_intent(session, viewer, intent_id, reason, closed_on=parse_day(closed_on, "终止日期"),
                                  expected_version=forms.record_id(version, "版本"))
    flash(request, f"合作意向“{intent.topic}”已终止")
    return RedirectResponse(f"/intents/{intent_id}", status_code=303)
