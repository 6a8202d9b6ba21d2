"""Talent services as the people involved live them: a talent applies for a card with evidence, the office of
河津 issues it, the talent applies once for 落户 and 子女入学, each department answers its own step, an overdue
step reaches the dispatch list; apartments never double-booked; subsidies paid by instalments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xiaodi.core.settings import get_settings, local_today
from xiaodi.talent import service
from xiaodi.talent.access import sees_personal
from xiaodi.talent.identity import validate_id_number
from xiaodi.talent.models import (
    ApartmentAllocation,
    ApplicationState,
    ApplicationStep,
    CardState,
    Person,
    StepState,
    SubsidyKind,
    Talent,
    TalentCard,
)

from .conftest import TalentWorld


def _issued_card(session: Session, tw: TalentWorld) -> TalentCard:
    card = service.apply_for_card(session, tw.talent_viewer, talent_id=tw.talent.id, card_name="河东英才卡")
    return service.issue_card(session, tw.office, card_id=card.id, issued_on=dt.date(2026, 4, 1))


def test_card_applied_issued_renewed_and_revoked(session: Session, tw: TalentWorld) -> None:
    card = service.apply_for_card(session, tw.talent_viewer, talent_id=tw.talent.id, evidence=["博士学位证书"])
    assert card.state == CardState.APPLIED and card.card_no is None

    # the talent cannot issue their own card; another region's office does not even see it
    with pytest.raises(Forbidden):
        service.issue_card(session, tw.talent_viewer, card_id=card.id)
    with pytest.raises(NotFound):
        service.issue_card(session, tw.taiyuan_office, card_id=card.id)

    service.issue_card(session, tw.office, card_id=card.id, issued_on=dt.date(2026, 4, 1))
    assert card.state == CardState.ACTIVE and card.card_no == "RC2026-00001"
    assert card.expires_on == dt.date(2029, 4, 1)
    names = [b.name for b in service.card_benefits(session, card)]
    assert "落户" in names and "子女入学" in names and "安家补助（A类）" not in names  # a C card, not an A card

    service.renew_card(session, tw.office, card_id=card.id, years=2)
    assert card.expires_on == dt.date(2031, 4, 1)
    with pytest.raises(ValidationFailed, match="理由"):
        service.revoke_card(session, tw.office, card_id=card.id, reason=" ")
    service.revoke_card(session, tw.office, card_id=card.id, reason="离职离晋")
    assert card.state == CardState.REVOKED


def test_a_card_without_evidence_is_refused_and_nothing_is_written(session: Session, tw: TalentWorld) -> None:
    bare = service.register_talent(session, tw.office, name="无材料", region_id=tw.hejin.id, tier="D")
    before = session.scalar(select(func.count()).select_from(TalentCard))
    with pytest.raises(ValidationFailed, match="证明材料"):
        service.apply_for_card(session, tw.office, talent_id=bare.id, evidence=["  "])
    assert session.scalar(select(func.count()).select_from(TalentCard)) == before


def test_one_stop_application_routed_to_each_department(session: Session, tw: TalentWorld) -> None:
    card = _issued_card(session, tw)
    app = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, on=dt.date(2026, 5, 1),
                                 items=[service.Item(tw.settle_id, tw.police.id), service.Item(tw.school_id)])
    assert app.state == ApplicationState.ACCEPTED
    steps = {s.department_id: s for s in app.steps}
    assert steps[tw.police.id].due_on == dt.date(2026, 5, 6) and steps[tw.education.id].due_on == dt.date(2026, 5, 11)
    # recorded late from the paper form: its 申请时间 is the day applied, not the day typed in (the demo's page showed
    # an application "submitted" today whose time limits had passed a week ago)
    submitted = app.submitted_at if app.submitted_at.tzinfo else app.submitted_at.replace(tzinfo=dt.UTC)
    assert submitted.astimezone(get_settings().zone).date() == dt.date(2026, 5, 1)
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, on=local_today() + dt.timedelta(days=1),
                               items=[service.Item(tw.school_id)])

    # a department answers only its own step; the employer sees nothing
    with pytest.raises(Forbidden):
        service.answer_step(session, tw.education_staff, step_id=steps[tw.police.id].id, approve=True)
    with pytest.raises(NotFound):
        service.answer_step(session, tw.employer_staff, step_id=steps[tw.police.id].id, approve=True)
    with pytest.raises(ValidationFailed, match="理由"):
        service.answer_step(session, tw.education_staff, step_id=steps[tw.education.id].id, approve=False)

    # the step past its limit appears on the office's dispatch list
    late = service.overdue_steps(session, as_of=dt.date(2026, 5, 8), regions=[tw.hejin.id])
    assert [(s.department, s.days_overdue) for s in late] == [("河津市公安局测试", 2)]
    from xiaodi.dispatch.service import dispatch_list
    from xiaodi.projects.dispatch import OVERDUE_STEP
    listing = dispatch_list(session, region_id=tw.hejin.id, as_of=dt.date(2026, 5, 8))
    assert any(e.kind == OVERDUE_STEP and e.application_id == app.id for e in listing.entries)

    service.answer_step(session, tw.police_staff, step_id=steps[tw.police.id].id, approve=True, answer="已办理落户")
    assert app.state == ApplicationState.ACCEPTED
    service.answer_step(session, tw.education_staff, step_id=steps[tw.education.id].id, approve=True)
    assert app.state == ApplicationState.FULFILLED
    with pytest.raises(Conflict):
        service.answer_step(session, tw.police_staff, step_id=steps[tw.police.id].id, approve=True)
    assert all(s.state == StepState.APPROVED for s in app.steps)


def test_application_to_a_department_that_does_not_grant_the_benefit_is_refused(
        session: Session, tw: TalentWorld) -> None:
    card = _issued_card(session, tw)
    steps_before = session.scalar(select(func.count()).select_from(ApplicationStep))
    with pytest.raises(ValidationFailed, match="不办理“子女入学”"):
        service.apply_one_stop(session, tw.talent_viewer, card_id=card.id,
                               items=[service.Item(tw.settle_id), service.Item(tw.school_id, tw.police.id)])
    with pytest.raises(ValidationFailed, match="不在您人才卡等级"):
        service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.top_only_id)])
    assert session.scalar(select(func.count()).select_from(ApplicationStep)) == steps_before


def test_no_one_else_applies_with_my_card(session: Session, tw: TalentWorld) -> None:
    card = _issued_card(session, tw)
    with pytest.raises(NotFound):
        service.apply_one_stop(session, tw.employer_staff, card_id=card.id, items=[service.Item(tw.settle_id)])


def test_overlapping_apartment_allocation_refused(session: Session, tw: TalentWorld) -> None:
    service.add_unit(session, tw.office, apartment_id=tw.apartment.id, unit_no="3-1203", layout="两室一厅")
    first = service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="3-1203",
                             talent_id=tw.talent.id, from_on=dt.date(2026, 5, 1), to_on=dt.date(2027, 5, 1))
    other = service.register_talent(session, tw.office, name="李测才", region_id=tw.hejin.id, tier="D")
    with pytest.raises(Conflict, match="重叠"):
        service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="3-1203", talent_id=other.id,
                         from_on=dt.date(2026, 12, 1), to_on=dt.date(2027, 12, 1))
    with pytest.raises(ValidationFailed, match="没有房间"):
        service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="9-9999", talent_id=other.id,
                         from_on=dt.date(2026, 12, 1))
    with pytest.raises(Forbidden):
        service.allocate(session, tw.taiyuan_office, apartment_id=tw.apartment.id, unit_no="3-1203",
                         talent_id=other.id, from_on=dt.date(2028, 1, 1))
    # after check-out the unit is free from that day
    service.check_out(session, tw.office, allocation_id=first.id, on=dt.date(2026, 11, 30))
    second = service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="3-1203",
                              talent_id=other.id, from_on=dt.date(2026, 12, 1), to_on=dt.date(2027, 12, 1))
    assert second.id != first.id
    assert session.scalar(select(func.count()).select_from(ApartmentAllocation).where(
        ApartmentAllocation.apartment_id == tw.apartment.id)) == 2


def test_subsidy_decided_by_rule_paid_in_instalments(session: Session, tw: TalentWorld) -> None:
    with pytest.raises(ValidationFailed, match="人才层次不符合"):
        service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="living_top")
    grant = service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="employment",
                                   decided_on=dt.date(2026, 5, 20))
    assert grant.total == Decimal("30000") and grant.instalments == 1
    service.pay_instalment(session, tw.office, grant_id=grant.id, period="2026-06", paid_on=dt.date(2026, 6, 10))
    with pytest.raises(Conflict, match="已全部发放"):
        service.pay_instalment(session, tw.office, grant_id=grant.id, period="2026-07", paid_on=dt.date(2026, 7, 10))
    living = service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="引进人才生活补贴",  # by name
                                    decided_on=dt.date(2026, 5, 20))
    for month in ("2026-06", "2026-07"):
        service.pay_instalment(session, tw.office, grant_id=living.id, period=month, paid_on=dt.date(2026, 7, 1))
    with pytest.raises(Conflict, match="已发放"):
        service.pay_instalment(session, tw.office, grant_id=living.id, period="2026-07", paid_on=dt.date(2026, 7, 2))
    with pytest.raises(Forbidden):
        service.pay_instalment(session, tw.talent_viewer, grant_id=living.id, period="2026-08",
                               paid_on=dt.date(2026, 8, 1))
    totals = {(t.period, t.kind): t.amount for t in service.subsidy_totals(session, tw.office, period_prefix="2026")}
    assert totals == {("2026-06", SubsidyKind.EMPLOYMENT): Decimal("30000.00"),
                      ("2026-06", SubsidyKind.LIVING): Decimal("1000.00"),
                      ("2026-07", SubsidyKind.LIVING): Decimal("1000.00")}
    assert service.subsidy_totals(session, tw.taiyuan_office) == []


@pytest.mark.parametrize("bad, why", [
    ("11010519491231002", "格式"), ("110105194912310021", "校验位"), ("110105194913310029", "出生日期"),
    ("1101051949123100２X", "格式"),
])
def test_malformed_id_numbers_refused_in_chinese(session: Session, tw: TalentWorld, bad: str, why: str) -> None:
    people = session.scalar(select(func.count()).select_from(Person))
    with pytest.raises(ValidationFailed, match=why):
        service.register_talent(session, tw.office, name="错号", region_id=tw.hejin.id, id_number=bad)
    assert session.scalar(select(func.count()).select_from(Person)) == people
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


def test_personal_data_seen_only_by_those_who_need_it(session: Session, tw: TalentWorld) -> None:
    assert sees_personal(session, tw.office, tw.talent) and sees_personal(session, tw.talent_viewer, tw.talent)
    assert not sees_personal(session, tw.employer_staff, tw.talent)
    assert not sees_personal(session, tw.police_staff, tw.talent)  # no step of theirs yet
    card = _issued_card(session, tw)
    service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)])
    assert sees_personal(session, tw.police_staff, tw.talent)
    assert not sees_personal(session, tw.education_staff, tw.talent)


def test_register_is_office_work(session: Session, tw: TalentWorld) -> None:
    with pytest.raises(Forbidden):
        service.register_talent(session, tw.employer_staff, name="自登记", region_id=tw.hejin.id)
    with pytest.raises(Forbidden):
        service.register_talent(session, tw.taiyuan_office, name="跨区", region_id=tw.hejin.id)
    assert session.scalar(select(func.count()).select_from(Talent).where(Talent.person_id == tw.talent.person_id)) == 1


def test_database_refuses_overlap_on_postgresql(session: Session, tw: TalentWorld) -> None:
    """Two writers that both passed the service's check (simulated by writing rows directly): PostgreSQL's
    exclusion constraint still refuses the second stay, and the service turns it into the Chinese conflict."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite relies on the service's check above")
    from sqlalchemy.exc import IntegrityError

    session.add(ApartmentAllocation(apartment_id=tw.apartment.id, unit_no="1-101", talent_id=tw.talent.id,
                                    from_on=dt.date(2026, 1, 1), to_on=dt.date(2026, 12, 31)))
    session.flush()
    with pytest.raises(IntegrityError, match="ex_apartment_allocation_no_overlap"), session.begin_nested():
        session.add(ApartmentAllocation(apartment_id=tw.apartment.id, unit_no="1-101", talent_id=tw.talent.id,
                                        from_on=dt.date(2026, 6, 1), to_on=None))
        session.flush()
    # a stay that starts the day the other ends does not overlap ('[)' ranges)
    session.add(ApartmentAllocation(apartment_id=tw.apartment.id, unit_no="1-101", talent_id=tw.talent.id,
                                    from_on=dt.date(2026, 12, 31), to_on=None))
    session.flush()


def test_who_lists_an_application_the_region_its_departments_and_its_holder(session: Session,
                                                                             tw: TalentWorld) -> None:
    from xiaodi.accounts.models import Role
    from xiaodi.accounts.scope import Viewer
    from xiaodi.talent.access import application_scope
    from xiaodi.talent.models import ServiceApplication

    card = service.apply_for_card(session, tw.talent_viewer, talent_id=tw.talent.id)
    service.issue_card(session, tw.office, card_id=card.id)
    app = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)])
    assert app.region_id == card.region_id == tw.hejin.id  # the offices' lists read the region it carries
    province = Viewer(user_id=None, name="省办", roles=frozenset({Role.PROVINCE_OFFICE}),
                      region_ids=frozenset({tw.hejin.id, tw.taiyuan.id}))

    def lists(viewer: Viewer) -> bool:
        return session.scalar(select(ServiceApplication.id).where(
            ServiceApplication.id == app.id, application_scope(viewer))) is not None

    seen = {name: lists(v) for name, v in (
        ("office", tw.office), ("province", province), ("police", tw.police_staff), ("talent", tw.talent_viewer),
        ("education", tw.education_staff), ("taiyuan", tw.taiyuan_office), ("employer", tw.employer_staff))}
    assert seen == {"office": True, "province": True, "police": True, "talent": True, "education": False,
                    "taiyuan": False, "employer": False}


@pytest.mark.parametrize("period", ["abc", "2026-13", "2026-99", "2026-00", "2026-3", "26-03"])
def test_a_subsidy_period_that_is_not_a_month_is_refused(session: Session, tw: TalentWorld, period: str) -> None:
    """The office typed 期次 "abc" or "2026-13": the totals by period would show a month that does not exist."""
    living = service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="living",
                                    decided_on=dt.date(2026, 5, 20))
    with pytest.raises(ValidationFailed, match="YYYY-MM"):
        service.pay_instalment(session, tw.office, grant_id=living.id, period=period, paid_on=dt.date(2026, 7, 1))
    session.refresh(living)
    assert living.payments == []


def test_a_subsidy_paid_on_a_future_day_is_refused(session: Session, tw: TalentWorld) -> None:
    """发放日期 tomorrow: the money has not gone out, so the payment is not recorded yet."""
    from xiaodi.core.settings import local_today
    living = service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="living")
    tomorrow = local_today() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.pay_instalment(session, tw.office, grant_id=living.id, period=f"{tomorrow:%Y-%m}", paid_on=tomorrow)
    session.refresh(living)
    assert living.payments == []
    paid = service.pay_instalment(session, tw.office, grant_id=living.id, period=f"{local_today():%Y-%m}",
                                  paid_on=local_today())
    assert paid.period == f"{local_today():%Y-%m}"


def test_a_subsidy_is_not_decided_on_a_future_day(session: Session, tw: TalentWorld) -> None:
    """The office types 认定日期 next month: the decision has not been taken, so nothing is recorded — and a payment
    could otherwise be dated before its own decision."""
    from xiaodi.core.settings import local_today
    tomorrow = local_today() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed, match=r"认定日期 .* 晚于今天"):
        service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="living", decided_on=tomorrow)
    assert service.grants_of(session, tw.office) == []


def test_a_subsidy_is_not_paid_before_it_was_decided(session: Session, tw: TalentWorld) -> None:
    """认定 on 20 May, a payment typed as 10 May: refused, naming the decision's date."""
    living = service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="living",
                                    decided_on=dt.date(2026, 5, 20))
    with pytest.raises(ValidationFailed, match="早于该补贴的认定日期 2026-05-20"):
        service.pay_instalment(session, tw.office, grant_id=living.id, period="2026-05", paid_on=dt.date(2026, 5, 10))
    session.refresh(living)
    assert living.payments == []


def test_a_subsidy_period_after_this_month_is_refused(session: Session, tw: TalentWorld) -> None:
    """期次 2030-01 paid today: an instalment that is not due yet is not recorded as paid."""
    from xiaodi.core.settings import local_today
    living = service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="living",
                                    decided_on=dt.date(2026, 5, 20))
    with pytest.raises(ValidationFailed, match=r"发放期次“2030-01”晚于本月"):
        service.pay_instalment(session, tw.office, grant_id=living.id, period="2030-01", paid_on=local_today())
    session.refresh(living)
    assert living.payments == []


def test_deciding_the_same_subsidy_twice_says_nothing_was_changed(session: Session, tw: TalentWorld) -> None:
    """The office presses 认定 again for 社保补贴: the answer must not read like a success."""
    service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="social_security",
                           decided_on=dt.date(2026, 5, 20))
    with pytest.raises(Conflict, match="此前已经认定，本次未作任何更改") as err:
        service.decide_subsidy(session, tw.office, talent_id=tw.talent.id, rule="social_security")
    assert "已认定“社保补贴”" not in str(err.value)
    assert len(service.grants_of(session, tw.office)) == 1


def test_a_benefit_still_being_handled_cannot_be_applied_for_again(session: Session, tw: TalentWorld) -> None:
    """The talent presses 提交 three times for 落户: the first application goes to 公安局, the others are refused
    naming it; once 公安局 has answered, 落户 may be asked for again."""
    card = _issued_card(session, tw)
    first = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)])
    steps_before = session.scalar(select(func.count()).select_from(ApplicationStep))
    for items in ([service.Item(tw.settle_id)], [service.Item(tw.school_id), service.Item(tw.settle_id)]):
        with pytest.raises(ValidationFailed, match=f"一件事申请（编号 {first.id}）中办理，尚未办结"):
            service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=items)
    assert session.scalar(select(func.count()).select_from(ApplicationStep)) == steps_before
    other = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.school_id)])
    assert other.id != first.id  # another benefit is not a repeat
    service.answer_step(session, tw.police_staff, step_id=first.steps[0].id, approve=False, answer="材料不全")
    again = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)])
    assert again.state == ApplicationState.ACCEPTED


def test_a_talent_settled_once_cannot_apply_to_settle_again(session: Session, tw: TalentWorld) -> None:
    """公安局 has granted 落户 (已办结); the talent applies for 落户 again: refused, naming the application that did
    it — the office's count of 落户 would otherwise hold the same person twice. 子女入学 is not once-only."""
    card = _issued_card(session, tw)
    first = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id,
                                   items=[service.Item(tw.settle_id), service.Item(tw.school_id)])
    for step in first.steps:
        staff = tw.police_staff if step.benefit_id == tw.settle_id else tw.education_staff
        service.answer_step(session, staff, step_id=step.id, approve=True)
    with pytest.raises(ValidationFailed, match=rf"“.*”已于 \d{{4}}-\d{{2}}-\d{{2}} 办结（一件事申请编号 {first.id}），"
                                               "同一地区只办理一次"):
        service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)])
    again = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.school_id)])
    assert again.state == ApplicationState.ACCEPTED


def test_one_talent_does_not_hold_two_apartments_at_once(session: Session, tw: TalentWorld) -> None:
    """The office allocates 3-1203 to the talent for a year, then by mistake 5-0501 for overlapping months: refused,
    naming 3-1203; a stay starting the day after they move out is allowed."""
    first = service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="3-1203",
                             talent_id=tw.talent.id, from_on=dt.date(2026, 5, 1), to_on=dt.date(2027, 5, 1))
    for to_on in (dt.date(2026, 12, 1), None):
        with pytest.raises(Conflict, match=r"已入住“.*”3-1203，同一时间不能再分配一套公寓"):
            service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="5-0501",
                             talent_id=tw.talent.id, from_on=dt.date(2026, 9, 1), to_on=to_on)
    assert session.scalar(select(func.count()).select_from(ApartmentAllocation).where(
        ApartmentAllocation.talent_id == tw.talent.id)) == 1
    service.check_out(session, tw.office, allocation_id=first.id, on=dt.date(2026, 10, 31))
    moved = service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="5-0501",
                             talent_id=tw.talent.id, from_on=dt.date(2026, 11, 1))
    assert moved.unit_no == "5-0501"


def test_a_step_out_of_reach_is_named_by_its_own_number(session: Session, tw: TalentWorld) -> None:
    """The employer's staff open /talent/steps/{id}/answer for a step that is not theirs: the message names that
    step's number, not its application's."""
    card = _issued_card(session, tw)
    app = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id,
                                 items=[service.Item(tw.settle_id), service.Item(tw.school_id)])
    step = max(app.steps, key=lambda s: s.id)
    assert step.id != app.id  # the old message named the application's number
    with pytest.raises(NotFound, match=f"^办理事项（编号 {step.id}）不存在或您无权查看$"):
        service.answer_step(session, tw.employer_staff, step_id=step.id, approve=True)
    with pytest.raises(NotFound, match="办理事项（编号 999999）不存在"):
        service.answer_step(session, tw.police_staff, step_id=999_999, approve=True)


def test_the_talent_is_told_which_department_answers_a_step(session: Session, tw: TalentWorld) -> None:
    """The talent opens their own 落户 step and tries to answer it: the refusal names the department that handles
    it, not "其他部门" (the step is the talent's own application)."""
    card = _issued_card(session, tw)
    app = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)])
    with pytest.raises(Forbidden, match="只能由办理该事项的部门（河津市公安局测试）答复") as err:
        service.answer_step(session, tw.talent_viewer, step_id=app.steps[0].id, approve=True)
    assert "其他部门" not in str(err.value)
    assert app.steps[0].state == StepState.PENDING


def test_the_note_of_a_one_stop_application_is_held_to_the_forms_2000_characters(
        session: Session, tw: TalentWorld) -> None:
    """A 3000-character 说明 sent past the form is refused; nothing is routed to the department."""
    card = _issued_card(session, tw)
    steps_before = session.scalar(select(func.count()).select_from(ApplicationStep))
    with pytest.raises(ValidationFailed, match="说明最多 2000 个字"):
        service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)],
                               details={"说明": "材" * 3000})
    assert session.scalar(select(func.count()).select_from(ApplicationStep)) == steps_before
    app = service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, items=[service.Item(tw.settle_id)],
                                 details={"说明": "材" * 2000})
    assert len(app.details["说明"]) == 2000


def test_a_talent_brought_in_after_today_is_refused_on_the_register(session: Session, tw: TalentWorld) -> None:
    """The register's pages and API refuse a 引进日期 after today, as the 引进人才登记表 import does."""
    people = session.scalar(select(func.count()).select_from(Person))
    with pytest.raises(ValidationFailed, match=r"引进日期 2030-01-01 晚于今天.*不能登记尚未引进的人才"):
        service.register_talent(session, tw.office, name="未来人", region_id=tw.hejin.id,
                                introduced_on=dt.date(2030, 1, 1))
    assert session.scalar(select(func.count()).select_from(Person)) == people
    today = service.register_talent(session, tw.office, name="今日到岗", region_id=tw.hejin.id,
                                    introduced_on=local_today())
    assert today.introduced_on == local_today()


def test_a_card_is_not_renewed_past_ten_years_nor_checked_out_on_a_day_to_come(
        session: Session, tw: TalentWorld) -> None:
    """续期 pressed again and again added ten years each time (a card valid to 2071); a 退房 dated 2030 showed the
    unit 空闲 today while refusing every allocation until 2030."""
    card = _issued_card(session, tw)
    service.renew_card(session, tw.office, card_id=card.id, years=5)
    valid_to = card.expires_on
    with pytest.raises(ValidationFailed, match=r"超过自今天起 10 年"):
        service.renew_card(session, tw.office, card_id=card.id, years=10)
    assert card.expires_on == valid_to
    service.add_unit(session, tw.office, apartment_id=tw.apartment.id, unit_no="2-0101")
    stay = service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="2-0101",
                            talent_id=tw.talent.id, from_on=local_today() - dt.timedelta(days=30))
    with pytest.raises(ValidationFailed, match=r"退房日期 .* 晚于今天"):
        service.check_out(session, tw.office, allocation_id=stay.id, on=local_today() + dt.timedelta(days=400))
    assert stay.vacated_on is None
