"""The inbox (待办与提醒): a demand published, claimed and its claim selected reach the right accounts; a milestone
due within 7 days reminds the office once; messages are marked read; the optional e-mail copy goes through a local
SMTP server and a dead server never breaks anything."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import World
from xiaodi.accounts.models import User
from xiaodi.core.audit import Actor
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.settings import Settings, get_settings
from xiaodi.demands import service as demands
from xiaodi.demands import service_claims as claims
from xiaodi.notifications import service
from xiaodi.notifications.models import Notification, OutboxMail, OutboxState
from xiaodi.projects import reminders

ACTOR = Actor.system("test")


def titles(session: Session, user_id: int) -> list[str]:
    rows, _ = service.inbox(session, user_id)
    return [n.title for n in rows]


def test_a_published_demand_and_its_claim_reach_the_owner_and_the_office(
        session: Session, world: World, personas: dict[str, int]) -> None:
    d = demands.create_demand(session, actor=ACTOR, owner_id=world.enterprise.id, title="高纯铝提纯工艺",
                              kind="technology")
    for step in ("submit", "review", "publish"):
        demands.transition(session, actor=ACTOR, demand_id=d.id, step=step)
    assert "需求“高纯铝提纯工艺”已发榜" in titles(session, personas["enterprise"])
    claims.submit_claim(session, actor=ACTOR, demand_id=d.id, claimant_org_id=world.university.id,
                        approach="真空蒸馏提纯")
    assert "“山西大学”揭榜了需求“高纯铝提纯工艺”" in titles(session, personas["enterprise"])
    assert "“山西大学”揭榜了需求“高纯铝提纯工艺”" in titles(session, personas["hejin"])
    assert titles(session, personas["province"]) == []  # the county's office is told, not the province's
    assert service.unread_count(session, personas["enterprise"]) == 2


def test_a_milestone_due_within_seven_days_reminds_once(
        session: Session, world: World, personas: dict[str, int]) -> None:
    # The world's milestone 中试线开工 is due 2024-06-30.
    assert reminders.notify_due_milestones(session, today=dt.date(2024, 6, 20)) == 0
    assert reminders.notify_due_milestones(session, today=dt.date(2024, 6, 25)) == 1
    assert reminders.notify_due_milestones(session, today=dt.date(2024, 6, 25)) == 0  # once
    [message] = titles(session, personas["hejin"])
    assert "中试线开工" in message and "5 天后" in message


def test_mark_read_only_my_own(session: Session, world: World, personas: dict[str, int]) -> None:
    service.notify(session, kind="other", title="测试消息", link="/events", user_ids=[personas["hejin"]])
    [mine] = session.scalars(select(Notification).where(Notification.user_id == personas["hejin"])).all()
    with pytest.raises(NotFound):
        service.mark_read(session, personas["enterprise"], [mine.id])
    assert service.mark_read(session, personas["hejin"], [mine.id]) == 1
    assert service.unread_count(session, personas["hejin"]) == 0
    with pytest.raises(ValidationFailed, match="链接"):
        service.notify(session, kind="other", title="外链", link="https://evil.example", user_ids=[1])
    with pytest.raises(ValidationFailed, match="消息类别无效"):
        service.notify(session, kind="spam", title="x", user_ids=[1])


# ── e-mail through a local SMTP server ───────────────────────────────────────────────────────────────────────


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[object]]]:
    controller_mod = pytest.importorskip("aiosmtpd.controller")
    received: list[object] = []

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = controller_mod.Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Settings]:
    def _set(port: int) -> Settings:
        monkeypatch.setenv("XIAODI_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("XIAODI_SMTP_PORT", str(port))
        monkeypatch.setenv("XIAODI_SMTP_FROM", "noreply@xiaodi.test")
        get_settings.cache_clear()
        return get_settings()
    yield _set  # type: ignore[misc]
    get_settings.cache_clear()


def test_an_email_copy_is_sent_through_the_configured_server(
        session: Session, personas: dict[str, int], world: World, smtp_server: tuple[int, list[object]],
        smtp_settings: Callable[[int], Settings]) -> None:
    port, received = smtp_server
    settings = smtp_settings(port)
    session.get(User, personas["hejin"]).email = "wangmin@hejin.example"  # type: ignore[union-attr]
    session.flush()
    service.notify(session, kind="other", title="招聘会成效待登记", link="/events", user_ids=[personas["hejin"],
                                                                                         personas["province"]])
    [mail] = session.scalars(select(OutboxMail)).all()  # the province account has no address: inbox only
    assert mail.state == OutboxState.PENDING
    assert service.send_pending(session, settings) == (1, 0)
    assert mail.state == OutboxState.SENT and mail.sent_at is not None
    [envelope] = received
    assert envelope.rcpt_tos == ["wangmin@hejin.example"]  # type: ignore[attr-defined]
    assert "招聘会成效待登记".encode() in envelope.content or b"=?utf-8?" in envelope.content  # type: ignore[attr-defined]


def test_a_dead_mail_server_is_recorded_not_raised(
        session: Session, personas: dict[str, int], world: World, smtp_settings: Callable[[int], Settings]) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = smtp_settings(port)
    session.get(User, personas["hejin"]).email = "wangmin@hejin.example"  # type: ignore[union-attr]
    made = service.notify(session, kind="other", title="测试", user_ids=[personas["hejin"]])
    assert len(made) == 1  # the message is in the inbox whatever the mail server does
    assert service.send_pending(session, settings) == (0, 1)
    [mail] = session.scalars(select(OutboxMail)).all()
    assert mail.state == OutboxState.FAILED and mail.attempts == 1 and mail.error
