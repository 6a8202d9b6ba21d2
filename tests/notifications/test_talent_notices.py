"""待办申请 in the inbox: a talent's one-stop application routed to 公安局 and 教育局 reaches the accounts of each
department (its own step only); when a step is still unanswered past its time limit, 河津's office — the office
of the card's region — is told once. Nobody else (the employer, the province office, the other department, the
talent) gets these messages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.talent.conftest import TalentWorld, build_talent_world
from tests.web.conftest import World
from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.audit import Actor
from xiaodi.notifications import service as inbox
from xiaodi.notifications.models import NoticeKind, Notification
from xiaodi.talent import service
from xiaodi.talent.models import ApplicationStep, ServiceApplication

ACTOR = Actor.system("test")
SUBMITTED = dt.date(2026, 5, 4)


@pytest.fixture
def tw(session: Session, world: World, personas: dict[str, int]) -> TalentWorld:
    return build_talent_world(session)


def _account(session: Session, username: str, **kwargs: object) -> int:
    user = accounts.create_user(session, actor=ACTOR, username=username, display_name=username,
                                password="Xiaodi2025test", **kwargs)  # type: ignore[arg-type]
    session.flush()
    return user.id


def _waiting(session: Session, user_id: int) -> list[Notification]:
    return list(session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.kind == NoticeKind.APPLICATION_WAITING)
        .order_by(Notification.id)))


def _apply(session: Session, tw: TalentWorld) -> ServiceApplication:
    card = service.apply_for_card(session, tw.talent_viewer, talent_id=tw.talent.id)
    service.issue_card(session, tw.office, card_id=card.id, issued_on=SUBMITTED)
    return service.apply_one_stop(session, tw.talent_viewer, card_id=card.id, on=SUBMITTED,
                                  items=[service.Item(tw.settle_id), service.Item(tw.school_id)])


def test_each_department_finds_its_own_step_in_the_inbox(
        session: Session, tw: TalentWorld, personas: dict[str, int]) -> None:
    police = [_account(session, f"police{i}", role=Role.LEAD_UNIT, organisation_id=tw.police.id) for i in (1, 2)]
    schools = _account(session, "schools", role=Role.LEAD_UNIT, organisation_id=tw.education.id)
    employer = _account(session, "employer", role=Role.ENTERPRISE, organisation_id=tw.employer.id)
    talent = _account(session, "talent1", role=Role.TALENT, person_id=tw.talent.person_id)

    app = _apply(session, tw)

    for uid in police:  # every account of the department, each once
        [message] = _waiting(session, uid)
        assert "王测才" in message.title and "“落户”" in message.title and "2026-05-09" in message.title
        assert message.link == f"/talent-applications/{app.id}" and message.read_at is None
    [message] = _waiting(session, schools)
    assert "“子女入学”" in message.title and "落户" not in message.title
    for uid in (employer, talent, personas["hejin"], personas["province"], personas["enterprise"]):
        assert _waiting(session, uid) == []
    assert inbox.unread_count(session, schools) == 1


def test_an_overdue_step_tells_the_office_of_the_region_once(
        session: Session, tw: TalentWorld, personas: dict[str, int]) -> None:
    police = _account(session, "police", role=Role.LEAD_UNIT, organisation_id=tw.police.id)
    schools = _account(session, "schools", role=Role.LEAD_UNIT, organisation_id=tw.education.id)
    app = _apply(session, tw)
    school_step = session.scalars(select(ApplicationStep).where(
        ApplicationStep.application_id == app.id, ApplicationStep.department_id == tw.education.id)).one()
    service.answer_step(session, tw.education_staff, step_id=school_step.id, approve=True)

    # 落户 is due 2026-05-09 (5 days): on the day nothing is late yet
    assert service.notify_overdue_steps(session, today=dt.date(2026, 5, 9)) == 0
    assert service.notify_overdue_steps(session, today=dt.date(2026, 5, 10)) == 1
    assert service.notify_overdue_steps(session, today=dt.date(2026, 5, 11)) == 0  # once per step
    [late] = _waiting(session, personas["hejin"])
    assert "逾期" in late.title and "落户" in late.title and "河津市公安局测试" in late.title
    assert late.link == f"/talent-applications/{app.id}"
    # the province office is not the card's region's office; the departments had their own message already;
    # the answered 子女入学 step is not late
    assert _waiting(session, personas["province"]) == []
    assert [m.title for m in _waiting(session, police) if "逾期" in m.title] == []
    assert [m.title for m in _waiting(session, schools) if "逾期" in m.title] == []


def test_the_talent_hears_of_each_decision_on_their_card_and_each_answer(
        session: Session, tw: TalentWorld, personas: dict[str, int]) -> None:
    """办理进展: the talent's account (not the employer's, not the department's) is told when the card is issued,
    and when each department answers — approved or refused with its reason."""
    talent = _account(session, "talent1", role=Role.TALENT, person_id=tw.talent.person_id)
    employer = _account(session, "employer", role=Role.ENTERPRISE, organisation_id=tw.employer.id)
    police_staff = _account(session, "police", role=Role.LEAD_UNIT, organisation_id=tw.police.id)
    app = _apply(session, tw)
    steps = {s.department_id: s for s in session.scalars(
        select(ApplicationStep).where(ApplicationStep.application_id == app.id))}
    service.answer_step(session, tw.police_staff, step_id=steps[tw.police.id].id, approve=True, answer="已落户")
    service.answer_step(session, tw.education_staff, step_id=steps[tw.education.id].id, approve=False,
                        answer="学位已满，请选择其他学校")

    def news(uid: int) -> list[str]:
        return list(session.scalars(select(Notification.title).where(
            Notification.user_id == uid, Notification.kind == NoticeKind.APPLICATION_ANSWERED)
            .order_by(Notification.id)))

    issued, settled, refused = news(talent)
    assert "审核通过，已发卡" in issued and "有效期至" in issued
    assert "河津市公安局测试" in settled and "“落户”" in settled and "已办结" in settled
    assert "不予办理：学位已满，请选择其他学校" in refused
    assert news(employer) == [] and news(police_staff) == [] and news(personas["hejin"]) == []
    assert inbox.unread_count(session, talent) == 3
