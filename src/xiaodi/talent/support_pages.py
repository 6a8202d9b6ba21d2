"""Housing and subsidy pages (安居与补贴): an office's talent apartments (人才公寓: units, who lives where, allocate a
unit for dates, check out) and subsidies (人才补贴: decided per rule, instalments paid, totals per period).

Who may do what is ``talent.access``'s; the work is ``talent.service``'s. The forms post here, the service refuses
what the rules refuse (an overlapping stay: 409 with the form kept as typed, ``web.form_errors``), and the routes
flash the outcome and redirect (303) to the page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from xiaodi.accounts.scope import office_regions
from xiaodi.core.days import parse_day, required_day
from xiaodi.core.settings import local_today
from xiaodi.talent import access, service
from xiaodi.talent.models import StayState, SubsidyKind
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Short = Annotated[str, Form(max_length=200)]
DateText = Annotated[str, Form(max_length=20)]
Id = Annotated[int, Form(ge=1, le=2**31 - 1)]
RegionParam = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _state(text: str | None) -> StayState | None:
    return StayState(text) if text in StayState.labels() else None


# ---- apartments (人才公寓) ----------------------------------------------------------------------------------


@router.get("/talent/apartments")
def apartments(request: Request, session: SessionDep, viewer: MemberUser, region: RegionParam = None,
               state: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """人才公寓: the apartments of the viewer's regions with their units and occupants, the stays, and the forms."""
    today = local_today()
    views = service.apartments_of(session, viewer, on=today)
    regions = sorted({(v.apartment.region_id, v.region) for v in views if v.apartment.region_id}, key=lambda r: r[1])
    shown = [v for v in views if region is None or v.apartment.region_id == region]
    stays = service.allocations_of(session, viewer, on=today, state=_state(state), region_id=region)
    names = service.region_names(session, {s.apartment.region_id for s in stays})
    manageable = [v.apartment for v in views if access.can_manage_apartments(viewer, v.apartment.region_id)]
    return render(request, "talent_apartments.html", {
        # the regions an office may register an apartment in (登记人才公寓)
        "apartment_regions": office_regions(session, viewer)[0] if access.keeps_talent_services(viewer) else [],
        "views": shown, "stays": stays, "today": today, "regions": regions, "region": region,
        "state": _state(state), "stay_states": StayState, "manageable": manageable,
        "region_names": names,
        "may_check_out": {s.id for s in stays if s.vacated_on is None
                          and access.can_manage_apartments(viewer, s.apartment.region_id)}})


@router.post("/talent/apartments/allocate")
def allocate(
    request: Request, session: SessionDep, viewer: MemberUser, apartment_id: Id, unit_no: Short, talent: Short,
    from_on: DateText, to_on: DateText = "",
) -> RedirectResponse:
    access.require(access.keeps_talent_services(viewer), "分配人才公寓")
    who = service.find_talent(session, viewer, talent)
    stay = service.allocate(session, viewer, apartment_id=apartment_id, unit_no=unit_no, talent_id=who.id,
                            from_on=required_day(from_on, "入住日期") or local_today(),
                            to_on=parse_day(to_on, "退房日期"))
    flash(request, f"已分配：{stay.apartment.name} {stay.unit_no} 给 {who.person.name}，"
                   f"{stay.from_on} 起{f'至 {stay.to_on}' if stay.to_on else ''}")
    return RedirectResponse("/talent/apartments", status_code=303)


@router.post("/talent/apartments/new")
def add_apartment(request: Request, session: SessionDep, viewer: MemberUser, name: Short, region_id: Id,
                  address: Short = "") -> RedirectResponse:
    apartment = service.add_apartment(session, viewer, name=name, region_id=region_id, address=address or None)
    flash(request, f"已登记人才公寓“{apartment.name}”，请登记其房间")
    return RedirectResponse(f"/talent/apartments#apartment-{apartment.id}", status_code=303)


@router.post("/talent/apartments/{apartment_id}/units")
def add_unit(request: Request, apartment_id: RecordId, session: SessionDep, viewer: MemberUser, unit_no: Short,
             layout: Short = "") -> RedirectResponse:
    unit = service.add_unit(session, viewer, apartment_id=apartment_id, unit_no=unit_no, layout=layout or None)
    flash(request, f"已登记房间 {unit.unit_no}")
    return RedirectResponse("/talent/apartments", status_code=303)


@router.post("/talent/allocations/{allocation_id}/check-out")
def check_out(request: Request, allocation_id: RecordId, session: SessionDep, viewer: MemberUser,
              on: DateText = "") -> RedirectResponse:
    stay = service.check_out(session, viewer, allocation_id=allocation_id,
                             on=parse_day(on, "退房日期") or local_today())
    flash(request, f"已办理退房：{stay.apartment.name} {stay.unit_no}，{stay.vacated_on}")
    return RedirectResponse("/talent/apartments", status_code=303)


# ---- subsidies (人才补贴) ----------------------------------------------------------------------------------


@router.get("/talent/subsidies")
def subsidies(request: Request, session: SessionDep, viewer: MemberUser, region: RegionParam = None,
              period: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """人才补贴: the subsidies decided (per rule), the instalments paid, the totals per period, and the forms."""
    grants = service.grants_of(session, viewer, region_id=region)
    return render(request, "talent_subsidies.html", {
        "grants": grants, "rules": service.SUBSIDY_RULES, "kinds": SubsidyKind, "period": period or "",
        "totals": service.subsidy_totals(session, viewer, period_prefix=period),
        "may_decide": access.keeps_talent_services(viewer),
        "may_pay": {g.id for g in grants if access.can_decide_subsidy(viewer, g.region_id)
                    and len(g.payments) < g.instalments},
        "this_month": local_today().strftime("%Y-%m"), "today": local_today()})


@router.post("/talent/subsidies/decide")
def decide(request: Request, session: SessionDep, viewer: MemberUser, talent: Short, rule: Short,
           decided_on: DateText = "") -> RedirectResponse:
    access.require(access.keeps_talent_services(viewer), "认定人才补贴")
    who = service.find_talent(session, viewer, talent)
    grant = service.decide_subsidy(session, viewer, talent_id=who.id, rule=rule,
                                   decided_on=parse_day(decided_on, "认定日期"))
    flash(request, f"已认定：{who.person.name}·{service.SUBSIDY_RULES[grant.rule].name}，"
                   f"共 {grant.instalments} 期，合计 {grant.total} 元")
    return RedirectResponse("/talent/subsidies", status_code=303)


@router.post("/talent/subsidies/{grant_id}/pay")
def pay(request: Request, grant_id: RecordId, session: SessionDep, viewer: MemberUser, period: Short,
        paid_on: DateText = "") -> RedirectResponse:
    payment = service.pay_instalment(session, viewer, grant_id=grant_id, period=period,
                                     paid_on=parse_day(paid_on, "发放日期") or local_today())
    flash(request, f"已发放 {payment.period} 期 {payment.amount} 元")
    return RedirectResponse("/talent/subsidies", status_code=303)
