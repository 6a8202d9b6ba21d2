"""Demo talent services (人才服务演示): 河津's departments and benefits catalogue (太行英才卡-style), talents brought
in full-time and flexibly, cards in every state, one-stop applications (一件事) finished, in progress and overdue
(so the dispatch list has them), the 44-unit elevator apartment with stays and a check-out, subsidies paid by
instalments, 芮城's internship bases taking students from 武汉大学 and 华中科技大学 (拎包入住, insured), and a
summer batch of 江西理工大学 students at 河津's slag base (华鑫源钢铁), so 河津's figures count internships too.

Every department has a demo login (``DEPARTMENTS``' username), made before the applications so that each finds
the applications routed to it in its inbox and on its desk, and can answer them: the one-stop story can be walked
by every role of it — the talent, the office, each department.

Everything goes through ``talent.service`` and ``talent.internships`` as the people concerned — the 河津 office,
each department, the talent — so the demo obeys the same rules and leaves the same trail as real work.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.accounts.service import create_user, generate_password
from xiaodi.bases.models import ProgrammeBase
from xiaodi.core.audit import Actor
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind, Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.directory.service import create_organisation
from xiaodi.talent import internships, service
from xiaodi.talent.identity import check_digit
from xiaodi.talent.models import Apartment, CardState, TalentCard

# (department, its demo login, benefit code, benefit, kind, lowest tier, time limit in days)
DEPARTMENTS: tuple[tuple[str, str, str, str, str, str | None, int], ...] = (
    ("河津市公安局", "hj-gongan", "HJ-LH", "人才落户（一站式办理）", "settlement", None, 5),
    ("河津市教育局", "hj-jiaoyu", "HJ-RX", "子女入学（就近优质学校）", "schooling", "C", 15),
    ("河津市卫生健康委员会", "hj-weijian", "HJ-YL", "医疗保健绿色通道", "medical", "B", 7),
    ("河津市住房和城乡建设局", "hj-zhujian", "HJ-ZF", "人才公寓拎包入住", "apartment", None, 10),
    ("河津市人力资源和社会保障局", "hj-renshe", "HJ-BT", "生活补贴与社保补贴兑现", "subsidy", None, 20),
)
# The 河津 host of the demo's summer internships, its base and the universities sending students (the report's
# "6+1" partners); the report gives no count of interns in 河津, so the batch is small and illustrative.
HEJIN_INTERNSHIP_HOST = "华鑫源钢铁"
HEJIN_INTERNSHIP_BASE = "江西理工大学河津市钢渣资源化技术转移转化基地"
HEJIN_INTERN_SCHOOLS = ("江西理工大学", "武汉理工大学")


def department_login(session: Session, *, actor: Actor, department: Organisation, username: str,
                     duty: str) -> tuple[str, str, str]:
    """A department's demo account (职能部门演示账号): a member of the department, who answers the one-stop steps
    routed to it; its printed password must be changed at first login, like every demo account's."""
    password = generate_password()
    create_user(session, actor=actor, username=username, display_name=f"{department.name}·演示", password=password,
                role=Role.LEAD_UNIT, organisation_id=department.id, must_change_password=True)
    return username, password, f"职能部门·{department.name}，办理一件事“{duty}”"
# (name, tier, category, employer, from university, mode, introduced, evidence)
TALENTS: tuple[tuple[str, str, str, str | None, str, str, dt.date, tuple[str, ...]], ...] = (
    ("李志远", "B", "领军人才", "华鑫源钢铁", "江西理工大学", "full_time", dt.date(2023, 4, 1),
     ("博士学位证书", "劳动合同", "省级人才称号证书")),
    ("王晓燕", "C", "青年博士", "华鑫源钢铁", "武汉理工大学", "full_time", dt.date(2024, 7, 1),
     ("博士学位证书", "劳动合同")),
    ("陈立群", "A", "柔性引进专家", None, "武汉大学", "flexible", dt.date(2024, 3, 15), ("柔性引进协议", "教授聘书")),
    ("赵明", "D", "引进硕士", "华鑫源钢铁", "华中科技大学", "full_time", dt.date(2025, 7, 1),
     ("硕士学位证书", "劳动合同")),
    ("孙悦", "C", "青年博士", None, "江西理工大学", "full_time", dt.date(2025, 9, 1), ()),  # no evidence yet
    ("周海涛", "D", "技能人才", "华鑫源钢铁", "武汉理工大学", "flexible", dt.date(2022, 5, 1), ("技师证书",)),
)


def _id_number(region_code: str, born: dt.date, seq: int) -> str:
    first = f"{region_code}{born:%Y%m%d}{seq:03d}"
    return first + check_digit(first)


def _org(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name, Organisation.retired_at.is_(None)))


def load(session: Session, *, actor: Actor, today: dt.date, logins: list[tuple[str, str, str]] | None = None
         ) -> dict[str, int]:
    """Load the demo's talent services; returns counts for the summary. With ``logins`` (a list), every department
    gets its demo account, appended to it as ``(username, password, what it does)``."""
    hejin = session.scalar(select(Region).where(Region.full_name == "山西省运城市河津市"))
    if hejin is None:
        return {}
    office = Viewer(user_id=None, name="河津市校地合作办（演示）", roles=frozenset({Role.COUNTY_OFFICE}),
                    region_ids=frozenset(region_subtree_ids(session, hejin.id)))
    depts: dict[str, Organisation] = {}
    benefits: dict[str, int] = {}
    for dept_name, username, code, name, kind, tier, days in DEPARTMENTS:
        dept = _org(session, dept_name) or create_organisation(
            session, actor=actor, kind=OrgKind.GOVERNMENT, name=dept_name, region_id=hejin.id)
        depts[code] = dept
        if logins is not None:
            logins.append(department_login(session, actor=actor, department=dept, username=username, duty=name))
        benefits[code] = service.add_benefit(session, office, code=code, name=name, department_id=dept.id,
                                             region_id=hejin.id, kind=kind, min_tier=tier, time_limit_days=days).id

    def staff(code: str) -> Viewer:
        return Viewer(user_id=None, name=f"{depts[code].name}（演示）", roles=frozenset({Role.LEAD_UNIT}),
                      organisation_ids=frozenset({depts[code].id}))

    talents = []
    for i, (name, tier, category, employer, uni, mode, introduced, evidence) in enumerate(TALENTS, start=1):
        emp, school = _org(session, employer) if employer else None, _org(session, uni)
        number = _id_number("140882", dt.date(1985 + i, i, 10 + i), i)
        talents.append(service.register_talent(
            session, office, name=name, region_id=hejin.id, id_number=number,
            phone=f"1390359{i:04d}", tier=tier, category=category, employer_id=emp.id if emp else None,
            university_id=school.id if school else None, introduced_on=introduced, mode=mode, evidence=evidence))

    # The demo talent account's person (the first 引进人才 of the directory) joins the register with the card the
    # report's facts gave them, so their home page shows a card, benefits and applications.
    first = session.scalar(select(Person).where(Person.kind == PersonKind.TALENT, Person.retired_at.is_(None))
                           .order_by(Person.id))
    own_card: TalentCard | None = None
    if first is not None and first.region_id == hejin.id:
        own = service.register_talent(session, office, name=first.name, region_id=hejin.id, person_id=first.id,
                                      tier="C", category="高层次人才", employer_id=first.organisation_id,
                                      introduced_on=dt.date(2022, 3, 1), evidence=("工程师职称证书", "劳动合同"))
        own_card = session.scalar(select(TalentCard).where(TalentCard.person_id == first.id,
                                                           TalentCard.state == CardState.ACTIVE))
        if own_card is not None:
            own_card.talent_id = own.id
            own_card.card_name = own_card.card_name or "河津人才卡"
        talents.append(own)

    # cards: issued (and one renewed), applied and waiting, refused, revoked
    cards = []
    for t in talents[:4]:
        card = service.apply_for_card(session, office, talent_id=t.id, card_name="太行英才卡")
        cards.append(service.issue_card(session, office, card_id=card.id, issued_on=today - dt.timedelta(days=200)))
    service.renew_card(session, office, card_id=cards[3].id, years=2)
    service.apply_for_card(session, office, talent_id=talents[5].id, card_name="太行英才卡")  # 待审核
    refused = service.apply_for_card(session, office, talent_id=talents[4].id, evidence=["博士在读证明"],
                                     card_name="太行英才卡")
    service.refuse_card(session, office, card_id=refused.id, reason="尚未取得博士学位，请取得学位后重新申请")
    late = service.apply_for_card(session, office, talent_id=talents[4].id, evidence=["博士学位证书"],
                                  card_name="太行英才卡")
    service.issue_card(session, office, card_id=late.id, issued_on=today - dt.timedelta(days=30))
    service.revoke_card(session, office, card_id=late.id, reason="已离开河津，不再享受人才待遇")

    # one-stop applications: finished, in progress, overdue (on the dispatch list), refused step
    def apply(card: TalentCard, codes: tuple[str, ...], days_ago: int) -> list[int]:
        app = service.apply_one_stop(session, office, card_id=card.id, items=[service.Item(benefits[c]) for c in codes],
                                     on=today - dt.timedelta(days=days_ago))
        return [s.id for s in app.steps]

    done = apply(cards[0], ("HJ-LH", "HJ-RX", "HJ-YL"), 40)
    for sid, code in zip(done, ("HJ-LH", "HJ-RX", "HJ-YL"), strict=True):
        service.answer_step(session, staff(code), step_id=sid, approve=True, answer="已办结")
    partway = apply(cards[1], ("HJ-LH", "HJ-RX"), 3)
    service.answer_step(session, staff("HJ-LH"), step_id=partway[0], approve=True, answer="户口已迁入")
    overdue = apply(cards[2], ("HJ-ZF", "HJ-BT"), 30)
    service.answer_step(session, staff("HJ-ZF"), step_id=overdue[0], approve=False,
                        answer="柔性引进人才不在本期配租范围，已登记候补")
    if own_card is not None and service.card_is_valid(own_card, today):
        mine = apply(own_card, ("HJ-LH", "HJ-ZF"), 12)
        service.answer_step(session, staff("HJ-LH"), step_id=mine[0], approve=True, answer="已办理落户")
    # waiting within their time limits, so that every department has an application to answer (教育局 already has
    # 王晓燕's, 人社局 陈立群's overdue one, 住建局 the talent account's): 赵明's 落户, 陈立群's 医疗保健 (A 类)
    apply(cards[3], ("HJ-LH",), 1)
    apply(cards[2], ("HJ-YL",), 2)

    # the elevator apartment: units, stays, a check-out and a new stay after it
    apartment = session.scalar(select(Apartment).where(Apartment.region_id == hejin.id).order_by(Apartment.id))
    allocations = 0
    if apartment is not None:
        for n in range(1, 7):
            service.add_unit(session, office, apartment_id=apartment.id, unit_no=f"1-{n}01", layout="两室一厅",
                             area_m2=Decimal("89.50"))
        first_stay = service.allocate(session, office, apartment_id=apartment.id, unit_no="1-101",
                                      talent_id=talents[3].id, from_on=today - dt.timedelta(days=400),
                                      to_on=today + dt.timedelta(days=330))
        service.check_out(session, office, allocation_id=first_stay.id, on=today - dt.timedelta(days=60))
        service.allocate(session, office, apartment_id=apartment.id, unit_no="1-101", talent_id=talents[1].id,
                         from_on=today - dt.timedelta(days=59), to_on=today + dt.timedelta(days=671))
        service.allocate(session, office, apartment_id=apartment.id, unit_no="1-201", talent_id=talents[0].id,
                         from_on=today - dt.timedelta(days=180), to_on=today + dt.timedelta(days=550))
        allocations = 3

    # subsidies by rule, paid monthly up to last month
    grants = [service.decide_subsidy(session, office, talent_id=talents[0].id, rule="living_top",
                                     decided_on=today - dt.timedelta(days=120)),
              service.decide_subsidy(session, office, talent_id=talents[1].id, rule="living",
                                     decided_on=today - dt.timedelta(days=120)),
              service.decide_subsidy(session, office, talent_id=talents[1].id, rule="employment",
                                     decided_on=today - dt.timedelta(days=120)),
              service.decide_subsidy(session, office, talent_id=talents[3].id, rule="social_security",
                                     decided_on=today - dt.timedelta(days=120))]
    payments = 0
    for grant in grants:
        for m in range(min(grant.instalments, 3), 0, -1):
            months = today.year * 12 + today.month - 1 - m  # the last three months, oldest first
            day = dt.date(months // 12, months % 12 + 1, 10)
            service.pay_instalment(session, office, grant_id=grant.id, period=f"{day:%Y-%m}", paid_on=day)
            payments += 1

    # internships at 芮城's internship bases, students from the partner universities
    placed = 0
    bases = session.scalars(select(ProgrammeBase).where(ProgrammeBase.name.like("%实习实训基地%"),
                                                        ProgrammeBase.host_org_id.is_not(None))
                            .order_by(ProgrammeBase.id)).all()
    system = Viewer(user_id=None, name=actor.name, roles=frozenset({Role.ADMIN}))
    for b in bases[:3]:
        start = dt.date(today.year - 1, 7, 1)
        post = internships.offer_post(session, system, title=f"{b.host.name if b.host else ''}暑期实习岗位", places=12,
                                      host_org_id=b.host_org_id or 0, base_id=b.id, starts_on=start,
                                      ends_on=start + dt.timedelta(days=44), daily_subsidy=Decimal("60"),
                                      accommodation=True, insurance=True)
        partner = b.partner_org_id
        if partner is None:
            continue
        for k in range(1, 9):
            internships.place_student(session, system, post_id=post.id, student_name=f"实习学生{b.id}-{k:02d}",
                                      university_id=partner, major="药学" if k % 2 else "生物工程",
                                      ends_on=start + dt.timedelta(days=20 + 3 * k))
            placed += 1
    placed += _hejin_internships(session, office, today)
    return {"talents": len(talents), "cards": len(cards) + 3, "allocations": allocations, "payments": payments,
            "internships": placed}


def _hejin_internships(session: Session, office: Viewer, today: dt.date) -> int:
    """河津's summer internships (实习实训): the office records 华鑫源钢铁's post at the slag base it runs with
    江西理工大学 and places students of the two partner universities on it (拎包入住, insured); the students
    placed."""
    host = _org(session, HEJIN_INTERNSHIP_HOST)
    base = session.scalar(select(ProgrammeBase).where(ProgrammeBase.name == HEJIN_INTERNSHIP_BASE))
    schools = [s for s in (_org(session, n) for n in HEJIN_INTERN_SCHOOLS) if s is not None]
    if host is None or not schools:
        return 0
    start = dt.date(today.year - 1, 7, 5)
    post = internships.offer_post(session, office, title="钢渣资源化工艺暑期实习岗位", places=10, host_org_id=host.id,
                                  base_id=base.id if base is not None else None, region_id=host.region_id,
                                  starts_on=start, ends_on=start + dt.timedelta(days=41),
                                  daily_subsidy=Decimal("80"), accommodation=True, insurance=True)
    majors = ("冶金工程", "材料科学与工程", "环境工程")
    for k in range(1, 7):
        internships.place_student(session, office, post_id=post.id, student_name=f"河津实习学生{k:02d}",
                                  university_id=schools[k % len(schools)].id, major=majors[k % len(majors)],
                                  ends_on=start + dt.timedelta(days=27 + 2 * k))
    return 6
