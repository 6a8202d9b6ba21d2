"""A base's life as the programme runs it: 申报 by the host enterprise, 审核/认定/挂牌 by the 河津 office, activities,
a yearly review, 撤销 with a reason — each step by the role that may take it, out of order refused, nothing
half-written; the province office keeps the list of the 12 base types."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.bases.conftest import BasesWorld
from xiaodi.bases import service
from xiaodi.bases.models import (
    DEFAULT_BASE_TYPES,
    ActivityKind,
    BaseActivity,
    BaseReview,
    BaseState,
    BaseType,
    ProgrammeBase,
    ReviewResult,
)
from xiaodi.core.audit import AuditEntry
from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed


def _propose(session: Session, bw: BasesWorld, who: str = "enterprise", name: str = "河津铝业大学生实习实训基地"):
    return service.propose_base(session, bw.viewers[who], service.BaseInput(
        name=name, base_type_id=bw.internship.id, region_id=bw.web.hejin.id, host_org_id=bw.web.enterprise.id,
        partner_org_id=bw.web.university.id, lead_unit_id=bw.lead_unit.id, capacity=120, contact_name="王经理",
        contact_phone="13900001111"))


def test_the_twelve_types_are_the_programmes(session: Session, bw: BasesWorld) -> None:
    names = [t.name for t in service.base_types(session)]
    assert names == [n for _c, n, _d in DEFAULT_BASE_TYPES]
    assert "医疗卫生合作基地" not in names and "红色教育和国情教育基地" in names and len(names) == 12


def test_a_base_goes_from_proposal_to_operation_each_step_by_the_office(session: Session, bw: BasesWorld) -> None:
    base = _propose(session, bw)
    assert base.state == BaseState.PROPOSED
    hejin = bw.viewers["hejin"]
    service.take_step(session, hejin, base.id, "review", reason="材料齐全")
    service.take_step(session, hejin, base.id, "recognise", on=dt.date(2025, 5, 1))
    service.take_step(session, hejin, base.id, "plaque", on=dt.date(2025, 6, 1), ceremony="市政府会议室")
    assert (base.state, base.plaque_on, base.recognised_on) == (BaseState.PLAQUED, dt.date(2025, 6, 1),
                                                                dt.date(2025, 5, 1))
    service.record_activity(session, hejin, base.id, kind=ActivityKind.INTERNSHIP, held_on=dt.date(2025, 7, 1),
                            participants=30, days=20, summary="暑期实习实训第一批")
    service.take_step(session, bw.viewers["province"], base.id, "operate")
    service.take_step(session, hejin, base.id, "yearly_review", review_year=2025, review_result=ReviewResult.PASS,
                      reason="运行良好")
    assert base.state == BaseState.OPERATING
    assert session.scalars(select(BaseReview.result).where(BaseReview.base_id == base.id)).all() == ["pass"]
    service.take_step(session, hejin, base.id, "revoke", reason="企业停产")
    assert base.state == BaseState.REVOKED
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "programme_base",
                                                              AuditEntry.entity_id == base.id)
                              .order_by(AuditEntry.id)).all()  # PostgreSQL returns rows in no promised order
    assert actions == ["create", "base_review", "base_recognise", "base_plaque", "base_operate", "base_revoke"]
    reasons = session.scalars(select(AuditEntry.reason).where(AuditEntry.action == "base_revoke")).all()
    assert reasons == ["企业停产"]


def test_out_of_order_steps_are_refused_in_chinese(session: Session, bw: BasesWorld) -> None:
    base = _propose(session, bw)
    with pytest.raises(ValidationFailed, match="目前已申报，不能办理挂牌"):
        service.take_step(session, bw.viewers["hejin"], base.id, "plaque", ceremony="仪式")
    with pytest.raises(ValidationFailed, match="须说明原因"):
        service.take_step(session, bw.viewers["hejin"], base.id, "revoke")
    assert base.state == BaseState.PROPOSED and base.plaque_on is None


def test_plaquing_needs_the_ceremony_and_writes_nothing_without_it(session: Session, bw: BasesWorld) -> None:
    base = _propose(session, bw)
    service.take_step(session, bw.viewers["hejin"], base.id, "review")
    service.take_step(session, bw.viewers["hejin"], base.id, "recognise", on=dt.date(2025, 5, 1))
    with pytest.raises(ValidationFailed, match="挂牌仪式"):
        service.take_step(session, bw.viewers["hejin"], base.id, "plaque", on=dt.date(2025, 6, 1))
    assert (base.state, base.plaque_on) == (BaseState.RECOGNISED, None)


@pytest.mark.parametrize("who", ["enterprise", "university", "lead"])
def test_units_propose_but_only_offices_decide(session: Session, bw: BasesWorld, who: str) -> None:
    base = _propose(session, bw, who, name=f"{who} 基地")
    with pytest.raises(Forbidden, match="校地合作办公室"):
        service.take_step(session, bw.viewers[who], base.id, "review")
    assert base.state == BaseState.PROPOSED


def test_an_office_of_another_region_does_not_see_the_base(session: Session, bw: BasesWorld) -> None:
    base = _propose(session, bw)
    with pytest.raises(NotFound):
        service.take_step(session, bw.viewers["taiyuan"], base.id, "review")
    with pytest.raises(Forbidden):
        service.propose_base(session, bw.viewers["taiyuan"], service.BaseInput(
            name="太原越权基地", base_type_id=bw.internship.id, region_id=bw.web.hejin.id))
    assert session.scalar(select(func.count()).where(ProgrammeBase.name == "太原越权基地")) == 0


def test_an_outsider_unit_may_not_propose_for_others(session: Session, bw: BasesWorld) -> None:
    with pytest.raises(Forbidden):
        service.propose_base(session, bw.viewers["enterprise"], service.BaseInput(
            name="别人的基地", base_type_id=bw.internship.id, region_id=bw.web.taiyuan.id,
            host_org_id=bw.web.other_enterprise.id))


def test_a_partner_that_is_not_a_university_is_refused(session: Session, bw: BasesWorld) -> None:
    with pytest.raises(ValidationFailed, match="不是高校或科研院所"):
        service.propose_base(session, bw.viewers["hejin"], service.BaseInput(
            name="错配基地", base_type_id=bw.internship.id, region_id=bw.web.hejin.id,
            partner_org_id=bw.web.enterprise.id))
    assert session.scalar(select(func.count()).where(ProgrammeBase.name == "错配基地")) == 0


def test_activities_need_a_plaqued_base_and_people_for_a_batch(session: Session, bw: BasesWorld) -> None:
    base = _propose(session, bw)
    with pytest.raises(ValidationFailed, match="挂牌后才能记录活动"):
        service.record_activity(session, bw.viewers["hejin"], base.id, kind=ActivityKind.INTERNSHIP,
                                held_on=dt.date(2025, 7, 1), participants=10)
    for step in ("review", "认定"):  # a step by its name or by the word the choices list (xiaodi base step … 认定)
        service.take_step(session, bw.viewers["hejin"], base.id, step)
    service.take_step(session, bw.viewers["hejin"], base.id, "挂牌", ceremony="挂牌仪式")
    with pytest.raises(ValidationFailed, match="须填写参加人次"):
        service.record_activity(session, bw.viewers["enterprise"], base.id, kind=ActivityKind.TRAINING,
                                held_on=dt.date(2025, 7, 1))
    service.record_activity(session, bw.viewers["enterprise"], base.id, kind=ActivityKind.TRAINING,
                            held_on=dt.date(2025, 7, 1), participants=12, days=3)
    assert session.scalar(select(func.count()).where(BaseActivity.base_id == base.id)) == 1


def test_an_activity_dated_after_today_is_refused(session: Session, bw: BasesWorld) -> None:
    """The enterprise records next month's internship batch on /bases/<id> as if it had taken place: refused, the
    base's figures count only what happened."""
    from xiaodi.core.settings import local_today
    base = _propose(session, bw)
    for step in ("review", "recognise"):
        service.take_step(session, bw.viewers["hejin"], base.id, step)
    service.take_step(session, bw.viewers["hejin"], base.id, "plaque", ceremony="挂牌仪式")
    with pytest.raises(ValidationFailed, match=r"活动日期 .* 晚于今天"):
        service.record_activity(session, bw.viewers["enterprise"], base.id, kind=ActivityKind.INTERNSHIP,
                                held_on=local_today() + dt.timedelta(days=30), participants=30, days=20)
    assert session.scalar(select(func.count()).where(BaseActivity.base_id == base.id)) == 0


def test_a_pairing_dated_after_today_is_refused(session: Session, bw: BasesWorld) -> None:
    """/pairings/new with 结对日期 next year: a 1+1+N pairing is registered once it is made, and its date is not
    moved into the future later either."""
    from xiaodi.bases.models import Pairing
    from xiaodi.core.settings import local_today
    later = local_today() + dt.timedelta(days=365)
    hejin = bw.viewers["hejin"]
    with pytest.raises(ValidationFailed, match=r"结对日期 .* 晚于今天"):
        service.create_pairing(session, hejin, university_id=bw.web.university.id, lead_unit_id=bw.lead_unit.id,
                               region_id=bw.web.hejin.id, started_on=later)
    assert session.scalar(select(func.count()).select_from(Pairing)) == 0
    pairing = service.create_pairing(session, hejin, university_id=bw.web.university.id,
                                     lead_unit_id=bw.lead_unit.id, region_id=bw.web.hejin.id,
                                     started_on=local_today())
    with pytest.raises(ValidationFailed, match=r"结对日期 .* 晚于今天"):
        service.update_pairing(session, hejin, pairing.id, started_on=later)
    assert pairing.started_on == local_today()


def test_the_province_office_keeps_the_type_list(session: Session, bw: BasesWorld) -> None:
    with pytest.raises(Forbidden, match="省级校地合作办公室"):
        service.add_base_type(session, bw.viewers["hejin"], name="县里自创基地")
    row = service.add_base_type(session, bw.viewers["province"], name="乡村振兴示范基地", code="rural")
    service.rename_base_type(session, bw.viewers["province"], row.id, name="乡村振兴合作示范基地")
    with pytest.raises(Conflict):
        service.add_base_type(session, bw.viewers["province"], name="乡村振兴合作示范基地")
    service.set_base_type_active(session, bw.viewers["province"], row.id, active=False, reason="试行结束")
    with pytest.raises(ValidationFailed, match="已停用"):
        service.propose_base(session, bw.viewers["hejin"], service.BaseInput(
            name="停用类型的基地", base_type_id=row.id, region_id=bw.web.hejin.id))
    assert session.get(BaseType, row.id).name == "乡村振兴合作示范基地"


def test_a_step_dated_in_the_future_or_before_the_previous_step_is_refused(session: Session, bw: BasesWorld) -> None:
    """The office types 挂牌 2030-01-01 (the base would show 已挂牌 years early), then 挂牌 2020 after a 2026 认定,
    then 投入运行 before the 挂牌: each is refused and the base keeps its state and dates."""
    from xiaodi.core.settings import local_today
    today = local_today()
    base = _propose(session, bw)
    hejin = bw.viewers["hejin"]
    service.take_step(session, hejin, base.id, "review")
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.take_step(session, hejin, base.id, "recognise", on=today + dt.timedelta(days=1))
    service.take_step(session, hejin, base.id, "recognise", on=today - dt.timedelta(days=30))
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.take_step(session, hejin, base.id, "plaque", on=dt.date(2030, 1, 1), ceremony="市政府会议室")
    with pytest.raises(ValidationFailed, match="早于基地“河津铝业大学生实习实训基地”的认定日期"):
        service.take_step(session, hejin, base.id, "plaque", on=dt.date(2020, 1, 1), ceremony="市政府会议室")
    assert (base.state, base.plaque_on, base.ceremony) == (BaseState.RECOGNISED, None, None)
    service.take_step(session, hejin, base.id, "plaque", on=today - dt.timedelta(days=10), ceremony="市政府会议室")
    with pytest.raises(ValidationFailed, match=r"投入运行日期 .* 早于.*挂牌日期"):
        service.take_step(session, hejin, base.id, "operate", on=today - dt.timedelta(days=20))
    assert base.state == BaseState.PLAQUED
    service.take_step(session, hejin, base.id, "operate", on=today)
    assert base.state == BaseState.OPERATING


def test_a_county_office_cannot_task_another_regions_units_through_a_pairing(session: Session, bw: BasesWorld) -> None:
    """河津's office names 太原's 科学技术局 as the lead unit, or adds it as a member: refused — duties would reach a
    department the office has no say over. The province office may pair a 河津 unit (a region below its own)."""
    from xiaodi.bases.models import Pairing, PairingMember
    hejin = bw.viewers["hejin"]
    with pytest.raises(ValidationFailed, match=r"“太原市科学技术局”属于.*，不在结对地区.*内，不能作为结对的牵头单位"):
        service.create_pairing(session, hejin, university_id=bw.web.university.id, lead_unit_id=bw.other_lead.id,
                               region_id=bw.web.hejin.id)
    with pytest.raises(ValidationFailed, match="不能作为结对的成员单位"):
        service.create_pairing(session, hejin, university_id=bw.web.university.id, lead_unit_id=bw.lead_unit.id,
                               region_id=bw.web.hejin.id, member_ids=[bw.member.id, bw.other_lead.id])
    assert session.scalar(select(func.count()).select_from(Pairing)) == 0
    pairing = service.create_pairing(session, bw.viewers["province"], university_id=bw.web.university.id,
                                     lead_unit_id=bw.lead_unit.id, region_id=bw.web.hejin.id)
    with pytest.raises(ValidationFailed, match="不能作为结对的成员单位"):
        service.update_pairing(session, hejin, pairing.id, add_member_ids=[bw.other_lead.id])
    assert session.scalar(select(func.count()).select_from(PairingMember)) == 0


def test_a_base_proposed_without_its_region_takes_its_hosts(session: Session, bw: BasesWorld) -> None:
    """河津's office left 所在地区 empty for a 河津 enterprise's base and was told only offices of the base's region
    may propose: the base is in its host's region."""
    base = service.propose_base(session, bw.viewers["hejin"], service.BaseInput(
        name="河津铝业大学生实习实训基地", base_type_id=bw.internship.id, region_id=None,
        host_org_id=bw.web.enterprise.id, partner_org_id=bw.web.university.id))
    assert base.region_id == bw.web.enterprise.region_id == bw.web.hejin.id
