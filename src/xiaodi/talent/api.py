"""Talent services API (/api/talent/…): register, cards, one-stop applications and their steps, benefits,
apartments, subsidies, internships. The lists (``GET /api/talents``, ``/api/talent-cards``,
``/api/talent-applications``, ``/api/internships``) are the web layer's, from ``talent.pages.specs``.

Every route calls ``talent.service`` / ``talent.internships``, which ask ``talent.access``; nothing is decided here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from xiaodi.accounts.scope import Viewer
from xiaodi.core.settings import local_today
from xiaodi.talent import access, internships, service
from xiaodi.talent.models import (
    ApplicationKind,
    ServiceApplication,
    StayState,
    SubsidyGrant,
    TalentCard,
    TalentMode,
)
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonBool, JsonInt

Id = Annotated[JsonInt, Field(ge=1, le=2**31 - 1)]
OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=2, description="金额（元）")]
Short = Annotated[str, Field(max_length=200)]
Evidence = Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=20, description="证明材料名称")]

router = APIRouter(prefix="/api/talent", tags=["人才服务"])


# ---- bodies and answers -------------------------------------------------------------------------------------


class TalentIn(BaseModel):
    name: str = Field(min_length=1, max_length=60, description="姓名")
    region_id: Id
    id_number: str | None = Field(default=None, max_length=18, description="身份证号（GB 11643，校验位）")
    phone: str | None = Field(default=None, max_length=40)
    tier: str | None = Field(default=None, max_length=8, description="人才层次：A/B/C/D")
    category: str | None = Field(default=None, max_length=60)
    employer_id: OptionalId = None
    university_id: OptionalId = None
    introduced_on: CalendarDate | None = None
    mode: TalentMode = TalentMode.FULL_TIME
    evidence: Evidence = []


class TalentOut(BaseModel):
    id: int
    person_id: int
    name: str
    region_id: int | None
    mode: str
    evidence: list[str]


class CardApplyIn(BaseModel):
    talent_id: Id
    tier: str | None = Field(default=None, max_length=8)
    evidence: Evidence = []
    card_name: str | None = Field(default=None, max_length=60, description="如 太行英才卡")


class CardDecisionIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000, description="不予通过或撤销的理由")
    years: Annotated[JsonInt, Field(ge=1, le=10)] = service.CARD_YEARS
    issued_on: CalendarDate | None = None
    tier: str | None = Field(default=None, max_length=8, description="发卡时核定的层次（默认按申请）")
    expected_version: OptionalId = None


class BenefitOut(BaseModel):
    id: int
    code: str
    name: str
    department: str | None
    time_limit_days: int


class CardOut(BaseModel):
    id: int
    card_no: str | None
    card_name: str | None
    state: str
    state_label: str
    tier: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    reason: str | None
    version: int
    benefits: list[BenefitOut]


class ItemIn(BaseModel):
    benefit_id: Id
    department_id: OptionalId = Field(default=None, description="申请的办理部门（须为该待遇的办理部门）")


class ApplicationIn(BaseModel):
    card_id: Id
    items: list[ItemIn] = Field(min_length=1, max_length=30)
    note: str | None = Field(default=None, max_length=2000)


class StepOut(BaseModel):
    id: int
    benefit: str
    department: str
    state: str
    state_label: str
    due_on: dt.date
    answer: str | None
    answered_at: dt.datetime | None


class ApplicationOut(BaseModel):
    id: int
    card_id: int
    state: str
    state_label: str
    submitted_at: dt.datetime
    steps: list[StepOut]


class AnswerIn(BaseModel):
    approve: JsonBool
    answer: str | None = Field(default=None, max_length=2000)


class BenefitIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    department_id: Id
    region_id: Id
    kind: ApplicationKind = ApplicationKind.BENEFIT
    min_tier: str | None = Field(default=None, max_length=8)
    time_limit_days: Annotated[JsonInt, Field(ge=1, le=365)] = 15
    amount: Money | None = None


class ApartmentIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    region_id: Id
    address: str | None = Field(default=None, max_length=300)


class UnitIn(BaseModel):
    unit_no: str = Field(min_length=1, max_length=20)
    layout: str | None = Field(default=None, max_length=40)


class AllocationIn(BaseModel):
    apartment_id: Id
    unit_no: str = Field(min_length=1, max_length=20)
    talent_id: Id
    from_on: CalendarDate
    to_on: CalendarDate | None = None


class CheckOutIn(BaseModel):
    on: CalendarDate


class AllocationOut(BaseModel):
    id: int
    apartment_id: int
    unit_no: str
    talent_id: int | None
    from_on: dt.date
    to_on: dt.date | None
    vacated_on: dt.date | None


class StayOut(AllocationOut):
    apartment: str
    region_id: int | None
    talent: str | None
    state: str
    state_label: str


class UnitOut(BaseModel):
    unit_no: str
    layout: str | None
    occupant: str | None
    occupied_until: dt.date | None


class ApartmentOut(BaseModel):
    id: int
    name: str
    region_id: int | None
    region: str
    units_planned: int
    occupied: int
    units: list[UnitOut]


class GrantIn(BaseModel):
    talent_id: Id
    rule: str = Field(min_length=1, max_length=40, description="补贴政策：" + "、".join(service.SUBSIDY_RULES))
    decided_on: CalendarDate | None = None


class PaymentIn(BaseModel):
    period: str = Field(min_length=1, max_length=20, description="期次，如 2026-03")
    paid_on: CalendarDate


class GrantOut(BaseModel):
    id: int
    talent_id: int
    kind: str
    rule: str
    instalment_amount: Decimal
    instalments: int
    paid: int
    paid_amount: Decimal
    total: Decimal


class TotalOut(BaseModel):
    period: str
    kind: str
    kind_label: str
    payments: int
    amount: Decimal


class PostIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    host_org_id: Id
    base_id: OptionalId = None
    places: Annotated[JsonInt, Field(ge=1, le=10_000)]
    starts_on: CalendarDate
    ends_on: CalendarDate
    daily_subsidy: Money | None = None
    accommodation: JsonBool = False
    insurance: JsonBool = False


class PlacementIn(BaseModel):
    post_id: Id
    student_name: str = Field(min_length=1, max_length=60)
    university_id: Id
    major: str | None = Field(default=None, max_length=120)
    starts_on: CalendarDate | None = None
    ends_on: CalendarDate | None = None


class CreatedOut(BaseModel):
    id: int


class PlacementOut(BaseModel):
    id: int
    days: int | None
    subsidy_amount: Decimal | None
    accommodation: bool
    insured: bool


def card_out(session: Any, card: TalentCard) -> CardOut:
    from xiaodi.talent.models import CardState

    benefits = service.card_benefits(session, card) if card.state == CardState.ACTIVE else []
    return CardOut(id=card.id, card_no=card.card_no, card_name=card.card_name, state=str(card.state),
                   state_label=CardState(card.state).label, tier=card.tier.name, issued_on=card.issued_on,
                   expires_on=card.expires_on, reason=card.reason, version=card.version,
                   benefits=[BenefitOut(id=b.id, code=b.code, name=b.name, department=b.provider_name,
                                        time_limit_days=b.time_limit_days) for b in benefits])


def application_out(app: ServiceApplication) -> ApplicationOut:
    from xiaodi.talent.models import ApplicationState, StepState

    return ApplicationOut(
        id=app.id, card_id=app.card_id, state=str(app.state), state_label=ApplicationState(app.state).label,
        submitted_at=app.submitted_at,
        steps=[StepOut(id=s.id, benefit=s.benefit.name, department=s.department.name, state=str(s.state),
                       state_label=StepState(s.state).label, due_on=s.due_on, answer=s.answer,
                       answered_at=s.answered_at) for s in app.steps])


def grant_out(grant: SubsidyGrant) -> GrantOut:
    return GrantOut(id=grant.id, talent_id=grant.talent_id, kind=str(grant.kind), rule=grant.rule,
                    instalment_amount=Decimal(grant.instalment_amount).quantize(Decimal("0.01")),
                    instalments=grant.instalments, paid=len(grant.payments),
                    paid_amount=sum((Decimal(p.amount) for p in grant.payments), Decimal(0)).quantize(Decimal("0.01")),
                    total=grant.total)


def _card(session: Any, viewer: Viewer, card_id: int) -> TalentCard:
    card: TalentCard = access.get_visible(session, TalentCard, card_id, viewer, "人才卡")
    return card


# ---- register and cards -------------------------------------------------------------------------------------


@router.post("/talents", status_code=201, response_model=TalentOut, summary="人才登记（办公室）")
def register(body: TalentIn, session: SessionDep, viewer: MemberUser) -> Any:
    t = service.register_talent(session, viewer, name=body.name, region_id=body.region_id, id_number=body.id_number,
                                phone=body.phone, tier=body.tier, category=body.category,
                                employer_id=body.employer_id, university_id=body.university_id,
                                introduced_on=body.introduced_on, mode=body.mode, evidence=body.evidence)
    return TalentOut(id=t.id, person_id=t.person_id, name=t.person.name, region_id=t.region_id, mode=str(t.mode),
                     evidence=list(t.evidence))


@router.post("/cards", status_code=201, response_model=CardOut,
             summary="申领人才卡（人才本人或办公室代办；须附证明材料）")
def apply_card(body: CardApplyIn, session: SessionDep, viewer: MemberUser) -> Any:
    card = service.apply_for_card(session, viewer, talent_id=body.talent_id, tier=body.tier, evidence=body.evidence,
                                  card_name=body.card_name)
    return card_out(session, card)


@router.get("/cards/{card_id}", response_model=CardOut, summary="人才卡及其享受的优惠条件")
def card_detail(card_id: RecordId, session: SessionDep, viewer: MemberUser) -> Any:
    return card_out(session, _card(session, viewer, card_id))


@router.post("/cards/{card_id}/issue", response_model=CardOut, summary="审核通过并发卡（办公室）")
def issue(card_id: RecordId, body: CardDecisionIn, session: SessionDep, viewer: MemberUser) -> Any:
    card = service.issue_card(session, viewer, card_id=card_id, issued_on=body.issued_on, tier=body.tier,
                              years=body.years, expected_version=body.expected_version)
    return card_out(session, card)


@router.post("/cards/{card_id}/refuse", response_model=CardOut, summary="审核不通过（办公室，须说明理由）")
def refuse(card_id: RecordId, body: CardDecisionIn, session: SessionDep, viewer: MemberUser) -> Any:
    card = service.refuse_card(session, viewer, card_id=card_id, reason=body.reason or "",
                               expected_version=body.expected_version)
    return card_out(session, card)


@router.post("/cards/{card_id}/renew", response_model=CardOut, summary="人才卡续期（办公室）")
def renew(card_id: RecordId, body: CardDecisionIn, session: SessionDep, viewer: MemberUser) -> Any:
    card = service.renew_card(session, viewer, card_id=card_id, years=body.years,
                              expected_version=body.expected_version)
    return card_out(session, card)


@router.post("/cards/{card_id}/revoke", response_model=CardOut, summary="撤销人才卡（办公室，须说明理由）")
def revoke(card_id: RecordId, body: CardDecisionIn, session: SessionDep, viewer: MemberUser) -> Any:
    card = service.revoke_card(session, viewer, card_id=card_id, reason=body.reason or "",
                               expected_version=body.expected_version)
    return card_out(session, card)


@router.post("/benefits", status_code=201, response_model=CreatedOut, summary="新增优惠条件（办公室）")
def add_benefit(body: BenefitIn, session: SessionDep, viewer: MemberUser) -> Any:
    b = service.add_benefit(session, viewer, code=body.code, name=body.name, department_id=body.department_id,
                            region_id=body.region_id, kind=body.kind, min_tier=body.min_tier,
                            time_limit_days=body.time_limit_days, amount=body.amount)
    return CreatedOut(id=b.id)


# ---- one-stop applications (一件事) --------------------------------------------------------------------------


@router.post("/applications", status_code=201, response_model=ApplicationOut,
             summary="一件事申请：一次申请，分送各办理部门")
def apply(body: ApplicationIn, session: SessionDep, viewer: MemberUser) -> Any:
    app = service.apply_one_stop(session, viewer, card_id=body.card_id,
                                 items=[service.Item(i.benefit_id, i.department_id) for i in body.items],
                                 details={"说明": body.note} if body.note else None)
    return application_out(app)


@router.get("/applications/{application_id}", response_model=ApplicationOut, summary="一件事申请及各部门办理进度")
def application(application_id: RecordId, session: SessionDep, viewer: MemberUser) -> Any:
    app = access.get_visible(session, ServiceApplication, application_id, viewer, "一件事申请")
    return application_out(app)


@router.post("/steps/{step_id}/answer", response_model=ApplicationOut, summary="部门答复办理事项（办结或不予办理）")
def answer(step_id: RecordId, body: AnswerIn, session: SessionDep, viewer: MemberUser) -> Any:
    step = service.answer_step(session, viewer, step_id=step_id, approve=body.approve, answer=body.answer)
    return application_out(step.application)


# ---- apartments and subsidies -------------------------------------------------------------------------------


@router.post("/apartments", status_code=201, response_model=CreatedOut, summary="登记人才公寓（办公室）")
def add_apartment(body: ApartmentIn, session: SessionDep, viewer: MemberUser) -> Any:
    return CreatedOut(id=service.add_apartment(session, viewer, name=body.name, region_id=body.region_id,
                                               address=body.address).id)


@router.post("/apartments/{apartment_id}/units", status_code=201, response_model=CreatedOut,
             summary="登记人才公寓房间（办公室）")
def add_unit(apartment_id: RecordId, body: UnitIn, session: SessionDep, viewer: MemberUser) -> Any:
    return CreatedOut(id=service.add_unit(session, viewer, apartment_id=apartment_id, unit_no=body.unit_no,
                                          layout=body.layout).id)


@router.get("/apartments", response_model=list[ApartmentOut], summary="人才公寓：房间与今日入住（所辖地区）")
def apartments(session: SessionDep, viewer: MemberUser,
               region_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Any:
    today = local_today()
    return [ApartmentOut(id=v.apartment.id, name=v.apartment.name, region_id=v.apartment.region_id, region=v.region,
                         units_planned=v.apartment.units, occupied=v.occupied,
                         units=[UnitOut(unit_no=u.unit_no, layout=u.layout,
                                        occupant=u.occupant.talent.person.name if u.occupant and u.occupant.talent
                                        else None, occupied_until=u.occupant.to_on if u.occupant else None)
                                for u in v.units])
            for v in service.apartments_of(session, viewer, on=today, region_id=region_id)]


@router.get("/allocations", response_model=list[StayOut], summary="入住记录（可按地区、入住状态筛选）")
def allocations(session: SessionDep, viewer: MemberUser,
                region_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                state: Annotated[StayState | None, Query(description="入住状态")] = None) -> Any:
    today = local_today()
    return [StayOut(id=a.id, apartment_id=a.apartment_id, unit_no=a.unit_no, talent_id=a.talent_id,
                    from_on=a.from_on, to_on=a.to_on, vacated_on=a.vacated_on, apartment=a.apartment.name,
                    region_id=a.apartment.region_id, talent=a.talent.person.name if a.talent else None,
                    state=a.state_on(today).value, state_label=a.state_on(today).label)
            for a in service.allocations_of(session, viewer, on=today, state=state, region_id=region_id)]


@router.post("/allocations", status_code=201, response_model=AllocationOut,
             summary="分配人才公寓（同一房间入住时间不得重叠）")
def allocate(body: AllocationIn, session: SessionDep, viewer: MemberUser) -> Any:
    a = service.allocate(session, viewer, apartment_id=body.apartment_id, unit_no=body.unit_no,
                         talent_id=body.talent_id, from_on=body.from_on, to_on=body.to_on)
    return AllocationOut(id=a.id, apartment_id=a.apartment_id, unit_no=a.unit_no, talent_id=a.talent_id,
                         from_on=a.from_on, to_on=a.to_on, vacated_on=a.vacated_on)


@router.post("/allocations/{allocation_id}/check-out", response_model=AllocationOut, summary="退房")
def check_out(allocation_id: RecordId, body: CheckOutIn, session: SessionDep, viewer: MemberUser) -> Any:
    a = service.check_out(session, viewer, allocation_id=allocation_id, on=body.on)
    return AllocationOut(id=a.id, apartment_id=a.apartment_id, unit_no=a.unit_no, talent_id=a.talent_id,
                         from_on=a.from_on, to_on=a.to_on, vacated_on=a.vacated_on)


@router.get("/subsidies", response_model=list[GrantOut], summary="补贴认定及已发放期数")
def grants(session: SessionDep, viewer: MemberUser,
           region_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Any:
    return [grant_out(g) for g in service.grants_of(session, viewer, region_id=region_id)]


@router.post("/subsidies", status_code=201, response_model=GrantOut, summary="按政策认定人才补贴（办公室）")
def decide(body: GrantIn, session: SessionDep, viewer: MemberUser) -> Any:
    return grant_out(service.decide_subsidy(session, viewer, talent_id=body.talent_id, rule=body.rule,
                                            decided_on=body.decided_on))


@router.post("/subsidies/{grant_id}/payments", status_code=201, response_model=GrantOut, summary="按期发放补贴")
def pay(grant_id: RecordId, body: PaymentIn, session: SessionDep, viewer: MemberUser) -> Any:
    payment = service.pay_instalment(session, viewer, grant_id=grant_id, period=body.period, paid_on=body.paid_on)
    grant = session.get(SubsidyGrant, payment.grant_id)
    assert grant is not None
    return grant_out(grant)


@router.get("/subsidy-totals", response_model=list[TotalOut], summary="补贴发放按期次、类别合计")
def totals(session: SessionDep, viewer: MemberUser,
           period: Annotated[str | None, Query(max_length=20, description="期次前缀，如 2026")] = None) -> Any:
    return [TotalOut(period=t.period, kind=str(t.kind), kind_label=t.kind.label, payments=t.payments, amount=t.amount)
            for t in service.subsidy_totals(session, viewer, period_prefix=period)]


# ---- internships (实习实训) ---------------------------------------------------------------------------------


@router.post("/internship-posts", status_code=201, response_model=CreatedOut,
             summary="发布实习岗位（接收单位或办公室）")
def offer(body: PostIn, session: SessionDep, viewer: MemberUser) -> Any:
    post = internships.offer_post(session, viewer, title=body.title, host_org_id=body.host_org_id,
                                  base_id=body.base_id, places=body.places, starts_on=body.starts_on,
                                  ends_on=body.ends_on, daily_subsidy=body.daily_subsidy,
                                  accommodation=body.accommodation, insurance=body.insurance)
    return CreatedOut(id=post.id)


@router.post("/internships", status_code=201, response_model=PlacementOut,
             summary="安排学生实习（高校、接收单位或办公室）")
def place(body: PlacementIn, session: SessionDep, viewer: MemberUser) -> Any:
    i = internships.place_student(session, viewer, post_id=body.post_id, student_name=body.student_name,
                                  university_id=body.university_id, major=body.major, starts_on=body.starts_on,
                                  ends_on=body.ends_on)
    return PlacementOut(id=i.id, days=i.days, subsidy_amount=i.subsidy_amount, accommodation=i.accommodation,
                        insured=i.insured)
