"""Pages that only read can write on the side: opening a message marks it read, an ID number shown in full goes on
the record's trail (留痕), an API token notes its last use. On the embedded SQLite ledger such a request read first,
and when another person's request committed in between, its write failed at once with "database is locked" (a 500
for two people opening their messages at the same moment). Each of these writes now makes the request the writer
first (``core.db.become_writer``), which waits for the lock."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import ApiToken, Role, User
from xiaodi.core import audit
from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.core.db import transaction
from xiaodi.notifications import service as notifications
from xiaodi.notifications.models import NoticeKind, Notification
from xiaodi.web.app import create_app

from .conftest import PASSWORD, csrf_of
from .sqlite_running_import import Ledger, ledger

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

pytestmark = pytest.mark.skipif(bool(os.environ.get("XIAODI_TEST_DATABASE_URL")),
                                reason="SQLite's one write lock; PostgreSQL locks rows and never refuses the upgrade")
__all__ = ["ledger"]  # the fixture: a file database with an administrator


def _someone_else_commits(ledger: Ledger) -> None:
    with transaction(ledger.engine) as other:
        accounts.create_user(other, actor=Actor.system("test"), username=f"other{other.scalar(func.random())}",
                             display_name="另一位用户", password=PASSWORD)


def _after_a_read_and_another_commit(ledger: Ledger, write: Callable[[Session, User], object]) -> Session:
    """A request's session that has read (as every page does first), then another person's write commits, then the
    request writes on the side."""
    session = Session(ledger.engine)
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    _someone_else_commits(ledger)
    write(session, admin)
    session.commit()
    return session


def _id_number_shown(session: Session, viewer: User, talent_id: int) -> None:
    audit.record_reads(session, actor=Actor(viewer.display_name, viewer.id), entity="talent", ids=[talent_id],
                       what="id_number", reason="查看身份证号（人才详情）")


def test_opening_a_message_after_someone_else_wrote_marks_it_read(ledger: Ledger) -> None:
    with transaction(ledger.engine) as s:
        admin_id = s.scalars(select(User.id).where(User.username == "admin")).one()
        notifications.notify(s, kind=NoticeKind.MILESTONE_DUE, title="节点即将到期", link="/projects",
                             user_ids=[admin_id])
    session = _after_a_read_and_another_commit(
        ledger, lambda s, admin: notifications.mark_read(s, admin.id, None))
    session.close()
    with Session(ledger.engine) as s:
        assert s.scalar(select(func.count()).select_from(Notification)
                        .where(Notification.read_at.is_(None))) == 0


def test_an_id_number_shown_after_someone_else_wrote_goes_on_the_trail(ledger: Ledger) -> None:
    session = _after_a_read_and_another_commit(ledger, lambda s, admin: _id_number_shown(s, admin, 7))
    session.close()
    with Session(ledger.engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "read_id_number", AuditEntry.entity_id == 7)) == 1


def test_a_token_read_after_someone_else_wrote_notes_its_use(ledger: Ledger) -> None:
    with transaction(ledger.engine) as s:
        admin_id = s.scalars(select(User.id).where(User.username == "admin")).one()
        secret = accounts.create_api_token(s, actor=Actor.system("test"), user_id=admin_id, name="报表").secret
    session = _after_a_read_and_another_commit(ledger, lambda s, _admin: accounts.user_for_token(s, secret))
    session.close()
    with Session(ledger.engine) as s:
        assert s.scalars(select(ApiToken.last_used_at)).one() is not None


def test_people_opening_their_messages_at_once_all_get_there(ledger: Ledger) -> None:
    """Four people each open their message ten times at the same moment, through the pages."""
    names = [f"user{i}" for i in range(4)]
    with transaction(ledger.engine) as s:
        for name in names:
            user = accounts.create_user(s, actor=Actor.system("test"), username=name, display_name=name,
                                        password=PASSWORD, role=Role.ADMIN)
            notifications.notify(s, kind=NoticeKind.MILESTONE_DUE, title="节点即将到期", link="/account",
                                 user_ids=[user.id])
        message_of = {u: i for u, i in s.execute(select(User.username, Notification.id)
                                                 .join(Notification, Notification.user_id == User.id))}
        for user in s.scalars(select(User).where(User.username.in_(names))):
            user.must_change_password = False
    app = create_app(ledger.engine, settings=ledger.settings)
    statuses: list[int] = []
    start = threading.Barrier(len(names))

    def open_messages(name: str) -> None:
        client = TestClient(app, raise_server_exceptions=False)
        client.post("/login", data={"username": name, "password": PASSWORD,
                                    "csrf_token": csrf_of(client.get("/login").text)})
        start.wait(30)
        for _ in range(10):
            statuses.append(client.get(f"/inbox/{message_of[name]}", follow_redirects=False).status_code)

    threads = [threading.Thread(target=open_messages, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert statuses == [303] * 40


def test_a_read_that_began_long_ago_is_not_kept_when_it_becomes_the_writer(ledger: Ledger) -> None:
    """What the request read is read again once it writes: the object shows the other person's change."""
    with Session(ledger.engine) as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        with transaction(ledger.engine) as other:
            other.scalars(select(User).where(User.username == "admin")).one().display_name = "系统管理员"
        _id_number_shown(session, admin, 1)
        assert admin.display_name == "系统管理员"
        session.commit()
