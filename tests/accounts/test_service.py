"""Accounts: passwords, memberships, login lock-out, API tokens, scopes (账号与权限)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts import service
from xiaodi.accounts.models import ApiToken, LoginAttempt, Role, User
from xiaodi.accounts.scope import region_code_prefix, viewer_for
from xiaodi.core.audit import Actor, history
from xiaodi.core.errors import Conflict, ValidationFailed
from xiaodi.directory.models import Region

ACTOR = Actor.system("test")
GOOD = "hejin2024abc"


def region(session: Session, code: str) -> Region:
    return session.scalars(select(Region).where(Region.code == code)).one()


def test_password_policy_refuses_short_or_letter_only_passwords() -> None:
    for bad in ("short1", "abcdefghijkl", "123456789012"):
        with pytest.raises(ValidationFailed):
            service.check_password_policy(bad)
    service.check_password_policy(GOOD)
    with pytest.raises(ValidationFailed):
        service.check_password_policy("wangmin12345", username="wangmin")


def test_passwords_are_hashed_with_argon2(session: Session) -> None:
    user = service.create_user(session, actor=ACTOR, username="wangmin", display_name="王敏", password=GOOD,
                               role=Role.COUNTY_OFFICE, region_id=region(session, "140882").id)
    assert user.password_hash and user.password_hash.startswith("$argon2id$")
    assert GOOD not in user.password_hash
    assert service.verify_password(user.password_hash, GOOD)
    # The audit trail never carries the hash.
    entries = history(session, "user_account", user.id)
    assert entries and all("password_hash" not in (e.after or {}) for e in entries)


def test_membership_scope_is_checked(session: Session) -> None:
    with pytest.raises(ValidationFailed):
        service.create_user(session, actor=ACTOR, username="noregion", display_name="x", password=GOOD,
                            role=Role.COUNTY_OFFICE)
    with pytest.raises(ValidationFailed):  # a county office needs a county, not a city
        service.create_user(session, actor=ACTOR, username="wrongregion", display_name="x", password=GOOD,
                            role=Role.COUNTY_OFFICE, region_id=region(session, "140800").id)
    with pytest.raises(ValidationFailed):
        service.create_user(session, actor=ACTOR, username="noorg", display_name="x", password=GOOD,
                            role=Role.ENTERPRISE)


def test_duplicate_username_conflicts(session: Session) -> None:
    service.create_user(session, actor=ACTOR, username="dup", display_name="x", password=GOOD)
    with pytest.raises(Conflict):
        service.create_user(session, actor=ACTOR, username="dup", display_name="y", password=GOOD)


def test_login_locks_after_five_failures(session: Session) -> None:
    service.create_user(session, actor=ACTOR, username="locky", display_name="x", password=GOOD)
    now = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    for _ in range(4):
        with pytest.raises(service.LoginFailed):
            service.authenticate(session, username="locky", password="wrong-pass-1", now=now)
    with pytest.raises(service.AccountLocked):
        service.authenticate(session, username="locky", password="wrong-pass-1", now=now)
    # Even the right password is refused while locked …
    with pytest.raises(service.AccountLocked):
        service.authenticate(session, username="locky", password=GOOD, now=now + dt.timedelta(minutes=5))
    # … and accepted after 15 minutes.
    user = service.authenticate(session, username="locky", password=GOOD, now=now + dt.timedelta(minutes=16))
    assert user.failed_logins == 0
    attempts = session.scalars(select(LoginAttempt).where(LoginAttempt.username == "locky")).all()
    assert [a.success for a in attempts].count(False) == 6


def test_unknown_user_and_disabled_user_cannot_log_in(session: Session) -> None:
    with pytest.raises(service.LoginFailed):
        service.authenticate(session, username="nobody", password=GOOD)
    service.create_user(session, actor=ACTOR, username="gone", display_name="x", password=GOOD)
    service.disable_user(session, actor=ACTOR, username="gone")
    with pytest.raises(service.LoginFailed):
        service.authenticate(session, username="gone", password=GOOD)


def test_reset_password_unlocks_and_requires_change(session: Session) -> None:
    service.create_user(session, actor=ACTOR, username="forgot", display_name="x", password=GOOD)
    user, new = service.reset_password(session, actor=ACTOR, username="forgot")
    service.check_password_policy(new)
    assert user.must_change_password
    assert service.authenticate(session, username="forgot", password=new).id == user.id
    service.change_password(session, user_id=user.id, old_password=new, new_password="another2025x")
    assert not user.must_change_password


def test_api_token_stores_only_a_hash(session: Session) -> None:
    user = service.create_user(session, actor=ACTOR, username="api", display_name="x", password=GOOD)
    issued = service.create_api_token(session, actor=ACTOR, user_id=user.id, name="报表系统")
    stored = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert issued.secret not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64
    found = service.user_for_token(session, issued.secret)
    assert found is not None and found.id == user.id
    assert service.user_for_token(session, issued.secret + "x") is None
    service.revoke_api_token(session, actor=ACTOR, token_id=stored.id)
    assert service.user_for_token(session, issued.secret) is None


def test_office_viewer_sees_region_subtree(session: Session) -> None:
    assert region_code_prefix("140000") == "14"
    assert region_code_prefix("140800") == "1408"
    assert region_code_prefix("140882") == "140882"
    user = service.create_user(session, actor=ACTOR, username="yuncheng", display_name="运城", password=GOOD,
                               role=Role.CITY_OFFICE, region_id=region(session, "140800").id)
    viewer = viewer_for(session, user)
    assert viewer.is_office and not viewer.is_admin
    assert region(session, "140882").id in viewer.region_ids  # 河津市 lies in 运城市
    assert region(session, "140100").id not in viewer.region_ids  # 太原市 does not


def test_demo_accounts_cover_every_role(session: Session) -> None:
    from xiaodi.accounts.demo import create_demo_accounts

    accounts = create_demo_accounts(session)
    assert {role for _, _, role in accounts} == set(Role)
    for username, password, _role in accounts:
        assert service.authenticate(session, username=username, password=password).username == username
    again = create_demo_accounts(session)  # re-running resets the passwords
    assert len(again) == len(accounts)
    assert session.scalar(select(User).where(User.username == "hejin")) is not None
