"""Issue #16, item 7 — accounts: nobody on the network can lock an administrator out, guessing is slowed per
account and per address, common and repeated-character passwords are refused, and a printed token is whole."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import initialised_ledger
from xiaodi.accounts import service
from xiaodi.accounts.models import Role
from xiaodi.core.audit import Actor
from xiaodi.core.errors import ValidationFailed

ACTOR = Actor.system("test")
GOOD = "Huaxia2025admin"
OFFICE = "10.20.30.40"  # where the administrator always works
ATTACKER = "203.0.113.9"
T0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)


def _fail(session: Session, username: str, ip: str | None, at: dt.datetime) -> str:
    """One wrong password; the name of the refusal (LoginFailed or AccountLocked)."""
    try:
        service.authenticate(session, username=username, password="wrong-guess-42", ip=ip, now=at)
    except (service.LoginFailed, service.AccountLocked) as exc:
        return type(exc).__name__
    raise AssertionError("a wrong password was accepted")


def _admin(session: Session) -> None:
    service.create_user(session, actor=ACTOR, username="chief", display_name="管理员", password=GOOD, role=Role.ADMIN)
    service.authenticate(session, username="chief", password=GOOD, ip=OFFICE, now=T0)  # the office is known


def test_an_attacker_on_the_network_cannot_lock_out_the_administrator(session: Session) -> None:
    _admin(session)
    at = T0 + dt.timedelta(hours=1)
    # One address hammering, then a hundred addresses five times each (a botnet).
    for i in range(40):
        _fail(session, "chief", ATTACKER, at + dt.timedelta(seconds=i))
    for n in range(100):
        for i in range(5):
            _fail(session, "chief", f"198.51.{n // 250}.{n % 250}", at + dt.timedelta(seconds=60 + i))
    # The administrator, from the office, logs in at once with the right password.
    user = service.authenticate(session, username="chief", password=GOOD, ip=OFFICE,
                                now=at + dt.timedelta(minutes=2))
    assert user.username == "chief"


def test_guessing_from_one_address_is_slowed_progressively(session: Session) -> None:
    _admin(session)
    at = T0 + dt.timedelta(hours=1)
    kinds = [_fail(session, "chief", OFFICE, at) for _ in range(5)]
    assert kinds == ["LoginFailed"] * 4 + ["AccountLocked"]
    # Even from the known address the next try must wait; the wait doubles with each further failure.
    with pytest.raises(service.AccountLocked, match="秒后再试"):
        service.authenticate(session, username="chief", password=GOOD, ip=OFFICE, now=at + dt.timedelta(seconds=10))
    assert _fail(session, "chief", OFFICE, at + dt.timedelta(seconds=31)) == "AccountLocked"  # 6th: waits 60 s
    with pytest.raises(service.AccountLocked):
        service.authenticate(session, username="chief", password=GOOD, ip=OFFICE, now=at + dt.timedelta(seconds=80))
    user = service.authenticate(session, username="chief", password=GOOD, ip=OFFICE, now=at + dt.timedelta(seconds=95))
    assert user.failed_logins == 0


def test_an_unknown_address_still_meets_the_account_lock(session: Session) -> None:
    _admin(session)
    at = T0 + dt.timedelta(hours=1)
    for i in range(5):
        _fail(session, "chief", f"198.51.100.{i}", at)
    with pytest.raises(service.AccountLocked, match="锁定"):
        service.authenticate(session, username="chief", password=GOOD, ip="192.0.2.77",
                             now=at + dt.timedelta(minutes=1))


def test_an_administrator_unlocks_an_account(session: Session) -> None:
    _admin(session)
    at = T0 + dt.timedelta(hours=1)
    for _ in range(8):
        _fail(session, "chief", None, at)
    with pytest.raises(service.AccountLocked):
        service.authenticate(session, username="chief", password=GOOD, now=at + dt.timedelta(seconds=1))
    service.unlock_user(session, actor=ACTOR, username="chief")
    assert service.authenticate(session, username="chief", password=GOOD, now=at + dt.timedelta(seconds=2))


@pytest.mark.parametrize("password", ["password1234", "Qwerty123456", "1qaz2wsx3edc", "woaini5201314",
                                      "iloveyou2025", "a1234567890", "Aaaaaaaaaa11", "abc11111111x"])
def test_common_and_repeated_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationFailed, match="密码"):
        service.check_password_policy(password)


def test_good_passwords_still_pass() -> None:
    for good in (GOOD, "hejin2024abc", "Xiaodi2025test", "another2025x", "Shanxi2025univ"):
        service.check_password_policy(good)
    for _ in range(200):
        service.check_password_policy(service.generate_password())


def test_the_common_password_list_is_a_short_data_file() -> None:
    words = service.common_passwords()
    assert 100 <= len(words) <= 500
    assert {"123456", "password", "qwerty", "111111", "woaini1314"} <= words


@pytest.fixture
def db(tmp_path: Path) -> str:
    return initialised_ledger(tmp_path / "acc.db")


def test_the_console_prints_a_token_on_one_line_and_unlocks_an_administrator(db: str) -> None:
    from xiaodi.cli import app
    from xiaodi.core.db import make_engine, transaction

    runner = CliRunner()
    r = runner.invoke(app, ["user", "add", "chief", "--role", "admin", "--password", GOOD, "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "token", "chief", "--db", db], env={"COLUMNS": "30"})
    assert r.exit_code == 0, r.output
    found = re.search(r"^(xd_[A-Za-z0-9_-]{40,})$", r.output, re.M)
    assert found, r.output
    engine = make_engine(db)
    try:
        with transaction(engine) as session:
            assert service.user_for_token(session, found.group(1)) is not None
            for _ in range(6):
                _fail(session, "chief", ATTACKER, dt.datetime.now(dt.UTC))
        r = runner.invoke(app, ["user", "unlock", "chief", "--db", db])
        assert r.exit_code == 0 and "已解除" in r.output, r.output
        with transaction(engine) as session:
            assert service.authenticate(session, username="chief", password=GOOD, ip=ATTACKER)
    finally:
        engine.dispose()
