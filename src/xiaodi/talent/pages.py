"""Talent pages (人才服务): the lists (人才登记, 人才卡, 一件事, 实习实训), a talent's own page (我的人才服务: cards,
benefits, applications and every step), a department's to-do list (待办事项), and the forms: apply for a card,
review / issue / renew / revoke it, apply once for several benefits, answer a step.

Who may do what is ``talent.access``'s; the work is ``talent.service``'s. These routes parse forms, call the
service, flash the outcome and redirect (303).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.events.models import Internship, InternshipState
from xiaodi.talent import access, service
from xiaodi.talent.models import (
    ApplicationState,
    ApplicationStep,
    CardState,
    ServiceApplication,
    StepState,
    Talent,
    TalentCard,
    TalentMode,
)
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Short = Annotated[str, Form(max_length=200)]
LongText = Annotated[str, Form(max_length=4000)]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("；", "\n").replace(";", "\n").splitlines() if line.strip()]


def _sees(viewer: Viewer, talent: Talent) -> bool:
    return access.sees_personal(object_session(talent), viewer, talent)


def card_extras(session: Session, viewer: Viewer, card: TalentCard) -> dict[str, Any]:
    active = card.state == CardState.ACTIVE
    return {"benefits": service.card_benefits(session, card) if active else [],
            "may_decide": access.can_decide_card(viewer, card), "card_states": CardState,
            "applications": list(session.scalars(select(ServiceApplication).where(
                ServiceApplication.card_id == card.id, access.application_scope(viewer))
                .order_by(ServiceApplication.id.desc())))}


def application_extras(session: Session, viewer: Viewer, app: ServiceApplication) -> dict[str, Any]:
    today = local_today()
    return {"steps": app.steps, "step_states": StepState, "today": today,
            "answerable": {s.id for s in app.steps
                           if s.state == StepState.PENDING and access.can_answer_step(viewer, s)}}


def specs() -> list[ResourceSpec]:
    talents = ResourceSpec(
        name="talents", label="人才登记", noun="人才", model=Talent, area="talent",
        columns=[
            Column("person.name", "姓名", link=True),
            Column("code", "登记编号", sort=Talent.code),
            Column("tier.name", "层次"),
            Column("category", "类别"),
            Column("employer.name", "用人单位"),
            Column("university.name", "来源高校"),
            Column("mode", "引进方式", labels=TalentMode.labels(), sort=Talent.mode),
            Column("introduced_on", "引进日期", sort=Talent.introduced_on),
            Column("person.phone", "手机", kind="personal:phone"),
        ],
        detail=[
            Column("person.name", "姓名"), Column("code", "登记编号"),
            Column("person.id_number", "身份证号", kind="personal:id_number"),
            Column("person.phone", "手机", kind="personal:phone"), Column("tier.name", "人才层次"),
            Column("category", "人才类别"), Column("employer.name", "用人单位"), Column("university.name", "来源高校"),
            Column("introduced_on", "引进日期"), Column("mode", "引进方式", labels=TalentMode.labels()),
            Column("evidence", "证明材料"), Column("note", "备注"),
        ],
        search=[Talent.code, Talent.category],
        filters=[Filter("mode", "引进方式", Talent.mode, list(TalentMode.labels().items())),
                 Filter("year", "引进年份", Talent.introduced_on, op="year")],
        default_sort="-introduced_on",
        title=lambda t: t.person.name,
        personal_rule=_sees,
        table="talents",
        actions=(ListAction("/talent/apartments", "人才公寓", allowed=access.keeps_talent_services),
                 ListAction("/talent/subsidies", "人才补贴", allowed=access.keeps_talent_services),
                 ListAction("/talent/steps", "待办事项")),
    )
    cards = ResourceSpec(
        name="talent-cards", label="人才卡", noun="人才卡", model=TalentCard, area="talent",
        columns=[
            Column("person.name", "持卡人", link=True),
            Column("card_no", "卡号", sort=TalentCard.card_no),
            Column("card_name", "卡名"),
            Column("tier.name", "层次"),
            Column("state", "状态", labels=CardState.labels(), sort=TalentCard.state),
            Column("issued_on", "发卡日期", sort=TalentCard.issued_on),
            Column("expires_on", "有效期至", sort=TalentCard.expires_on),
        ],
        detail=[
            Column("person.name", "持卡人"), Column("card_no", "卡号"), Column("card_name", "卡名"),
            Column("tier.name", "人才层次"), Column("state", "状态", labels=CardState.labels()),
            Column("evidence", "申请材料"), Column("applied_at", "申请时间"), Column("issued_on", "发卡日期"),
            Column("expires_on", "有效期至"), Column("decided_by", "审核人"), Column("reason", "理由"),
        ],
        search=[TalentCard.card_no, TalentCard.card_name],
        filters=[Filter("state", "状态", TalentCard.state, list(CardState.labels().items()))],
        default_sort="-id",
        title=lambda c: f"{c.card_name or '人才卡'}·{c.person.name}",
        extras=card_extras, detail_partial="talent_card_detail.html",
    )
    applications = ResourceSpec(
        name="talent-applications", label="一件事申请", noun="一件事申请", model=ServiceApplication, area="talent",
        columns=[
            Column("id", "编号", link=True, sort=ServiceApplication.id),
            Column("card.person.name", "申请人"),
            Column("card.card_no", "人才卡号"),
            Column("state", "状态", labels=ApplicationState.labels(), sort=ServiceApplication.state),
            Column("submitted_at", "申请时间", sort=ServiceApplication.submitted_at),
        ],
        detail=[
            Column("card.person.name", "申请人"), Column("card.card_no", "人才卡号"),
            Column("state", "状态", labels=ApplicationState.labels()), Column("submitted_at", "申请时间"),
            Column("decided_at", "办结时间"),
        ],
        search=[ServiceApplication.decided_by],
        filters=[Filter("state", "状态", ServiceApplication.state, list(ApplicationState.labels().items()))],
        default_sort="-submitted_at",
        title=lambda a: f"一件事申请 {a.id}·{a.card.person.name}",
        extras=application_extras, detail_partial="talent_application_detail.html",
    )
    interns = ResourceSpec(
        name="internships", label="实习实训", noun="实习", model=Internship, area="talent",
        columns=[
            Column("student_name", "学生", link=True),
            Column("university.name", "高校"),
            Column("host.name", "接收单位"),
            Column("position", "岗位"),
            Column("starts_on", "开始", sort=Internship.starts_on),
            Column("days", "天数", kind="number"),
            Column("subsidy_amount", "实习补贴", kind="money"),
            Column("accommodation", "拎包入住"),
            Column("insured", "保险"),
        ],
        detail=[
            Column("student_name", "学生"), Column("major", "专业"), Column("university.name", "高校"),
            Column("host.name", "接收单位"), Column("position", "岗位"), Column("starts_on", "开始日期"),
            Column("ends_on", "结束日期"), Column("days", "天数", kind="number"),
            Column("subsidy_amount", "实习补贴", kind="money"), Column("accommodation", "拎包入住"),
            Column("insured", "实习保险"), Column("state", "状态", labels=InternshipState.labels()),
        ],
        search=[Internship.student_name, Internship.position, Internship.major],
        filters=[Filter("state", "状态", Internship.state, list(InternshipState.labels().items())),
                 Filter("year", "年份", Internship.starts_on, op="year")],
        default_sort="-starts_on",
        title=lambda i: f"{i.student_name}·{i.position or '实习'}",
        personal_owner=lambda i: (i.host_org_id, i.university_id),
        table="internships",
    )
    return [talents, cards, applications, interns]


# ---- a talent's own page (我的人才服务) -------------------------------------------------------------------------


def home_context(session: Session, viewer: Viewer) -> dict[str, Any]:
    """What a talent's home page shows: their register entry, cards with the benefits they grant, and every
    application with each department's step."""
    talent = service.talent_of(session, viewer)
    cards: list[TalentCard] = []
    if viewer.person_id is not None:
        cards = list(session.scalars(select(TalentCard).where(
            TalentCard.person_id == viewer.person_id, TalentCard.retired_at.is_(None)).order_by(TalentCard.id.desc())))
    active = next((c for c in cards if service.card_is_valid(c)), None)
    open_card = any(c.state in (CardState.APPLIED, CardState.ACTIVE) for c in cards)
    applications = list(session.scalars(select(ServiceApplication).where(
        ServiceApplication.card_id.in_([c.id for c in cards] or [0])).order_by(ServiceApplication.id.desc())))
    return {"talent": talent, "cards": cards, "active": active, "may_apply_card": talent is not None and not open_card,
            "benefits": service.card_benefits(session, active) if active else [], "applications": applications,
            "card_states": CardState, "app_states": ApplicationState, "step_states": StepState,
            "modes": TalentMode, "today": local_today()}


def home_page(request: Request, session: Session, viewer: Viewer) -> Response:
    return render(request, "talent_home.html", home_context(session, viewer))


@router.get("/talent/me")
def me(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    return home_page(request, session, viewer)


@router.get("/talent/steps")
def department_steps(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    """A department's to-do list (待办事项): the pending steps routed to it, most urgent first."""
    steps: list[ApplicationStep] = []
    mine = access.steps_to_do(viewer)
    if mine is not None:
        stmt = select(ApplicationStep).where(ApplicationStep.state == StepState.PENDING, mine)
        steps = list(session.scalars(stmt.order_by(ApplicationStep.due_on, ApplicationStep.id).limit(500)))
    return render(request, "talent_steps.html", {"steps": steps, "today": local_today()})


# ---- forms --------------------------------------------------------------------------------------------------


@router.post("/talent/cards/apply")
def card_apply(
    request: Request, session: SessionDep, viewer: MemberUser, talent_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    evidence: LongText = "", card_name: Short = "", tier: Short = "",
) -> RedirectResponse:
    card = service.apply_for_card(session, viewer, talent_id=talent_id, evidence=_lines(evidence),
                                  card_name=card_name or None, tier=tier or None)
    flash(request, f"已提交{card.card_name}申请，等待办公室审核")
    return RedirectResponse("/talent/me" if access.is_talent(viewer, card_talent(session, card))
                            else f"/talent-cards/{card.id}", status_code=303)


def card_talent(session: Session, card: TalentCard) -> Talent:
    talent = session.get(Talent, card.talent_id) if card.talent_id else None
    if talent is None:
        raise ValidationFailed("人才卡没有对应的人才登记")
    return talent


@router.post("/talent/cards/{card_id}/decide")
def card_decide(
    request: Request, card_id: RecordId, session: SessionDep, viewer: MemberUser, action: Short,
    reason: LongText = "", years: Annotated[int, Form(ge=1, le=10)] = service.CARD_YEARS,
    version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> RedirectResponse:
    if action == "issue":
        card = service.issue_card(session, viewer, card_id=card_id, years=years, expected_version=version)
        message = f"已发卡：{card.card_no}，有效期至 {card.expires_on}"
    elif action == "refuse":
        card = service.refuse_card(session, viewer, card_id=card_id, reason=reason, expected_version=version)
        message = "已退回申请"
    elif action == "renew":
        card = service.renew_card(session, viewer, card_id=card_id, years=years, expected_version=version)
        message = f"已续期至 {card.expires_on}"
    elif action == "revoke":
        card = service.revoke_card(session, viewer, card_id=card_id, reason=reason, expected_version=version)
        message = "人才卡已撤销"
    else:
        raise ValidationFailed("操作应为 发卡、退回、续期 或 撤销")
    flash(request, message)
    return RedirectResponse(f"/talent-cards/{card_id}", status_code=303)


@router.post("/talent/applications")
def application_new(
    request: Request, session: SessionDep, viewer: MemberUser, card_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    benefit: Annotated[list[int], Form()] = [],  # noqa: B006
    note: LongText = "",
) -> RedirectResponse:
    if len(benefit) > 30:
        raise ValidationFailed("一次最多申请30项待遇")
    app = service.apply_one_stop(session, viewer, card_id=card_id, items=[service.Item(b) for b in benefit],
                                 details={"说明": note.strip()} if note.strip() else None)
    flash(request, f"一件事申请已提交，已分送 {len(app.steps)} 个部门办理")
    return RedirectResponse(f"/talent-applications/{app.id}", status_code=303)


@router.post("/talent/steps/{step_id}/answer")
def step_answer(
    request: Request, step_id: RecordId, session: SessionDep, viewer: MemberUser, decision: Short,
    answer: LongText = "",
) -> RedirectResponse:
    if decision not in ("approve", "reject"):
        raise ValidationFailed("答复应为 办结 或 不予办理")
    step = service.answer_step(session, viewer, step_id=step_id, approve=decision == "approve", answer=answer)
    flash(request, f"已答复“{step.benefit.name}”：{StepState(step.state).label}")
    return RedirectResponse(f"/talent-applications/{step.application_id}", status_code=303)

