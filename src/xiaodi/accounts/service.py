"""Account rules (账号与权限): users, memberships, passwords, logins with lock-out, API tokens.

Passwords are hashed with Argon2id; API tokens are stored as a SHA-256 hash only, the secret is shown once.
Every change to an account is audited (留痕); login attempts are kept in ``login_attempt``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import OFFICE_ROLES, ApiToken, LoginAttempt, Membership, Role, User
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.db import become_writer
from xiaodi.core.errors import Conflict, NotFound, ValidationFailed, XiaodiError
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.directory.models import Organisation, Person, Region, RegionLevel

MIN_PASSWORD_LENGTH = 10
MAX_REPEAT = 3  # a character repeated more often than this in a row (aaaa, 1111) is refused
MAX_FAILED_LOGINS = 5  # consecutive failures before an account, or an account at one address, must wait
LOCKOUT = dt.timedelta(minutes=15)  # the account's first wait for unknown addresses; doubles, up to a day
MAX_LOCKOUT = dt.timedelta(hours=24)
ADDRESS_DELAY = dt.timedelta(seconds=30)  # the first wait of one account at one address; doubles, up to LOCKOUT
KNOWN_ADDRESS_DAYS = 90  # an address the user logged in from within this time is not held by the account lock
IP_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_IP = 30  # throttles password guessing across many accounts from one address
FAILURES = ("bad_password", "bad_password_locked")  # attempts that count; refused-while-waiting ones do not
UNLOCKED = "unlocked"  # the login_attempt row an unlock leaves: failures before it no longer count
TOKEN_PREFIX = "xd_"

_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,60}$")
# Roles that act for an organisation, and roles that act for a region (an office); experts/talents are people.
ORG_ROLES: frozenset[Role] = frozenset({Role.LEAD_UNIT, Role.ENTERPRISE, Role.UNIVERSITY})
REGION_ROLES: frozenset[Role] = OFFICE_ROLES
_OFFICE_LEVELS: dict[Role, RegionLevel] = {
    Role.PROVINCE_OFFICE: RegionLevel.PROVINCE, Role.CITY_OFFICE: RegionLevel.CITY,
    Role.COUNTY_OFFICE: RegionLevel.COUNTY,
}


class LoginFailed(XiaodiError):
    """Wrong user name or password — deliberately one message for both (不泄露账号是否存在)."""

    status = 401
    code = "login_failed"


class AccountLocked(XiaodiError):
    """Too many failures: the account (or the address) must wait (账号已锁定)."""

    status = 429
    code = "account_locked"


_hasher: PasswordHasher | None = None


def _ph() -> PasswordHasher:
    # Created on first use, not at import time.
    global _hasher
    if _hasher is None:
        _hasher = PasswordHasher()
    return _hasher


def hash_password(password: str) -> str:
    return _ph().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _ph().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common-password list shipped in ``accounts/data/common_passwords.txt`` (lower case)."""
    text = (Path(__file__).resolve().parent / "data" / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _is_common(password: str) -> bool:
    """One of the common passwords, or one with digits added before or after it (password2025, 2025qwerty)."""
    lowered = password.lower()
    words = common_passwords()
    return any(c in words for c in (lowered, lowered.rstrip("0123456789"), lowered.lstrip("0123456789")))


def check_password_policy(password: str, *, username: str | None = None) -> None:
    """密码规则: at least 10 characters with both letters and digits, not the user name, not a common
    password, and no character repeated four times in a row."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"至少 {MIN_PASSWORD_LENGTH} 个字符")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        problems.append("须同时包含字母和数字")
    if username and username.lower() in password.lower():
        problems.append("不能包含用户名")
    if _is_common(password):
        problems.append("不能使用常见弱密码（如 password123、qwerty123456、woaini1314）")
    if re.search(rf"(.)\1{{{MAX_REPEAT},}}", password, re.IGNORECASE):
        problems.append(f"同一字符不能连续出现 {MAX_REPEAT + 1} 次以上")
    if problems:
        raise ValidationFailed("密码不符合要求：" + "；".join(problems))


def generate_password() -> str:
    """A random password that satisfies the policy (for resets and demo accounts)."""
    while True:
        candidate = secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
        try:
            check_password_policy(candidate)
        except ValidationFailed:
            continue
        return candidate


# ---- users and memberships --------------------------------------------------------------------------------


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFound(f"用户“{username}”不存在")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    role: Role | None = None,
    organisation_id: int | None = None,
    region_id: int | None = None,
    person_id: int | None = None,
    phone: str | None = None,
    email: str | None = None,
    must_change_password: bool = False,
) -> User:
    """Create an account (新建账号), optionally with its first membership (role + scope)."""
    username = username.strip()
    if not _USERNAME_RE.match(username):
        raise ValidationFailed("用户名须为 3–60 位字母、数字或 _ . @ -")
    if not display_name.strip():
        raise ValidationFailed("姓名不能为空")
    check_password_policy(password, username=username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名“{username}”已被使用")
    if person_id is not None and session.get(Person, person_id) is None:
        raise NotFound(f"人员（编号 {person_id}）不存在")
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
        must_change_password=must_change_password,
        person_id=person_id,
        phone=phone,
        email=email,
        memberships=[],
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="create", obj=user, after=_user_snapshot(user))
    if role is not None:
        add_membership(session, actor=actor, user_id=user.id, role=role, organisation_id=organisation_id,
                       region_id=region_id)
    return user


def add_membership(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    role: Role,
    organisation_id: int | None = None,
    region_id: int | None = None,
) -> Membership:
    """Let a user act with ``role`` for an organisation or a region (授权)."""
    role = Role(role)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户（编号 {user_id}）不存在")
    label = role.label
    if role in REGION_ROLES:
        if region_id is None:
            raise ValidationFailed(f"{label}账号必须指定辖区（行政区划）")
        region = session.get(Region, region_id)
        if region is None:
            raise NotFound(f"行政区（编号 {region_id}）不存在")
        expected = _OFFICE_LEVELS[role]
        if region.level != expected:
            raise ValidationFailed(f"{label}的辖区必须是{expected.label}行政区")
    if role in ORG_ROLES and organisation_id is None:
        raise ValidationFailed(f"{label}账号必须指定所属单位")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise NotFound(f"单位（编号 {organisation_id}）不存在")
    if role in (Role.EXPERT, Role.TALENT) and user.person_id is None and organisation_id is None:
        raise ValidationFailed(f"{label}账号必须关联人员或单位")
    for m in user.memberships:
        if (m.retired_at is None and m.role == role and m.organisation_id == organisation_id
                and m.region_id == region_id):
            raise Conflict(f"用户“{user.username}”已有该角色")
    membership = Membership(user_id=user.id, role=role, organisation_id=organisation_id, region_id=region_id)
    user.memberships.append(membership)
    session.flush()
    audit.record(session, actor=actor, action="grant", obj=user,
                 after={"role": str(role), "organisation_id": organisation_id, "region_id": region_id})
    return membership


def revoke_membership(session: Session, *, actor: Actor, membership_id: int) -> None:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.retired_at is not None:
        raise NotFound(f"授权（编号 {membership_id}）不存在")
    membership.retired_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="revoke", obj=membership.user,
                 after={"role": str(membership.role), "organisation_id": membership.organisation_id,
                        "region_id": membership.region_id})


def set_active(session: Session, *, actor: Actor, username: str, active: bool, reason: str | None = None) -> User:
    """Disable (停用) or re-enable an account. A disabled account cannot log in, and its tokens stop working."""
    user = get_user(session, username)
    if user.is_active == active:
        return user
    before = _user_snapshot(user)
    user.is_active = active
    session.flush()
    audit.record(session, actor=actor, action="enable" if active else "disable", obj=user, before=before,
                 after=_user_snapshot(user), reason=reason)
    return user


def disable_user(session: Session, *, actor: Actor, username: str, reason: str | None = None) -> User:
    return set_active(session, actor=actor, username=username, active=False, reason=reason)


def reset_password(
    session: Session, *, actor: Actor, username: str, password: str | None = None
) -> tuple[User, str]:
    """Set a new password (重置密码) — generated when not given; the user must change it at next login.

    Existing sessions end: the session cookie carries ``password_changed_at`` and is refused when it differs.
    """
    user = get_user(session, username)
    new = password or generate_password()
    check_password_policy(new, username=user.username)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.must_change_password = password is None
    user.session_generation = (user.session_generation or 0) + 1  # every session of the account ends
    _clear_failures(session, user)
    session.flush()
    audit.record(session, actor=actor, action="reset_password", obj=user, after={"username": user.username})
    return user, new


def unlock_user(session: Session, *, actor: Actor, username: str) -> User:
    """解除锁定: the account's and every address's failures stop counting (an administrator or the console)."""
    user = get_user(session, username)
    _clear_failures(session, user)
    session.flush()
    audit.record(session, actor=actor, action="unlock", obj=user, after={"username": user.username})
    return user


def _clear_failures(session: Session, user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    session.add(LoginAttempt(at=utcnow(), username=user.username, user_id=user.id, success=False, reason=UNLOCKED))


def change_password(session: Session, *, user_id: int, old_password: str, new_password: str) -> User:
    """A user changes their own password (修改密码)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    if not verify_password(user.password_hash, old_password):
        raise ValidationFailed("原密码不正确")
    if old_password == new_password:
        raise ValidationFailed("新密码不能与原密码相同")
    check_password_policy(new_password, username=user.username)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    user.session_generation = (user.session_generation or 0) + 1  # every session ends; the caller starts anew
    session.flush()
    audit.record(session, actor=Actor(name=user.display_name, user_id=user.id), action="change_password",
                 obj=user, after={"username": user.username})
    return user


def _user_snapshot(user: User) -> dict[str, object]:
    snap = model_snapshot(user)
    snap.pop("password_hash", None)  # never in the audit trail
    return snap


def end_sessions(session: Session, *, user_id: int) -> None:
    """登出: every session cookie issued to the user so far stops working, wherever a copy of it is."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_generation = (user.session_generation or 0) + 1
        session.flush()


# ---- login --------------------------------------------------------------------------------------------------

_DUMMY_HASH: str | None = None


def _dummy_verify(password: str) -> None:
    """Spend the time of a real verification so that response times do not reveal unknown user names."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("dummy-password-0")
    verify_password(_DUMMY_HASH, password)


@dataclass(frozen=True)
class PasswordCheck:
    """A password verified before the login's write transaction (``check_password``): the hash it was checked
    against (None: no such account) and the answer."""

    password_hash: str | None
    correct: bool


def check_password(session: Session, *, username: str, password: str) -> PasswordCheck:
    """Verify a password in a read-only session, before the login writes. The verification is the login's
    costly part (argon2, 0.1–0.5 s); done inside the write transaction it would hold the database's write lock
    that long (on SQLite every other writer waits: 16 logins at once overran the 10 s busy timeout)."""
    username = (username or "").strip()[:60]
    password_hash = session.scalar(select(User.password_hash).where(User.username == username)) if username else None
    if password_hash is None:
        _dummy_verify(password)
        return PasswordCheck(None, False)
    return PasswordCheck(password_hash, verify_password(password_hash, password))


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str | None = None,
    user_agent: str | None = None,
    now: dt.datetime | None = None,
    checked: PasswordCheck | None = None,
) -> User:
    """Log in (登录). Every attempt is recorded. Raises ``LoginFailed`` or ``AccountLocked``.

    Guessing is slowed, never answered with a lock anyone could set off for someone else:
    - one account at one address: after 5 failures in a row each try waits 30 s, doubling up to 15 minutes;
    - one account from addresses it has not logged in from (within 90 days): after 5 failures the account is
      locked for them for 15 minutes, doubling up to a day — its own user, at a known address, is not held;
    - one address over all accounts: 30 failures in 15 minutes throttle that address.
    An administrator (or ``xiaodi user unlock``) clears the failures. Attempts refused while waiting do not count.
    ``checked`` is the password verified beforehand (``check_password``); it counts when the account's hash is
    still the one it was checked against, else the password is verified here.
    """
    now = now or utcnow()
    username = (username or "").strip()[:60]

    def attempt(user: User | None, success: bool, reason: str | None) -> None:
        session.add(LoginAttempt(at=now, username=username, user_id=user.id if user else None, success=success,
                                 ip=ip, user_agent=(user_agent or "")[:300] or None, reason=reason))
        session.flush()

    if ip:
        recent = session.scalar(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.ip == ip, LoginAttempt.success.is_(False), LoginAttempt.at > now - IP_WINDOW
            )
        )
        if (recent or 0) >= MAX_FAILURES_PER_IP:
            attempt(None, False, "throttled")
            raise AccountLocked("登录失败次数过多，请 15 分钟后再试")

    user = session.scalar(select(User).where(User.username == username)) if username else None
    if user is None:
        if checked is None:
            _dummy_verify(password)
        attempt(None, False, "unknown_user")
        raise LoginFailed("用户名或密码不正确")
    wait = _address_wait(session, user, ip, now)
    if wait is not None:
        attempt(user, False, "delayed")
        raise AccountLocked(f"该账号在此地址密码错误次数过多，请 {wait} 秒后再试")
    if user.locked_until is not None and user.locked_until > now and not _known_address(session, user, ip, now):
        attempt(user, False, "locked")
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AccountLocked(f"账号因多次密码错误已锁定，请 {minutes} 分钟后再试或联系管理员")
    correct = (checked.correct if checked is not None and checked.password_hash == user.password_hash
               else verify_password(user.password_hash, password))
    if not correct:
        return _failed(session, user, now, attempt)
    if not user.is_active:
        attempt(user, False, "inactive")
        raise LoginFailed("账号已停用，请联系管理员")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _ph().check_needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    attempt(user, True, None)
    return user


def _failed(session: Session, user: User, now: dt.datetime, attempt: Callable[[User, bool, str], None]) -> NoReturn:
    """A wrong password: count it for the account; from the fifth in a row, lock it for unknown addresses."""
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + min(LOCKOUT * 2 ** (user.failed_logins - MAX_FAILED_LOGINS), MAX_LOCKOUT)
        attempt(user, False, "bad_password_locked")
        minutes = int((user.locked_until - now).total_seconds() // 60)
        raise AccountLocked(f"密码连续错误 {user.failed_logins} 次，账号已锁定 {minutes} 分钟"
                            "（在常用地址登录不受影响）")
    attempt(user, False, "bad_password")
    raise LoginFailed("用户名或密码不正确")


def _recent_attempts(session: Session, user: User, now: dt.datetime) -> list[LoginAttempt]:
    """The user's attempts of the last day since the latest success or unlock, newest first."""
    rows = session.scalars(
        select(LoginAttempt).where(LoginAttempt.user_id == user.id, LoginAttempt.at > now - dt.timedelta(days=1))
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc()).limit(200)
    )
    out = []
    for row in rows:
        if row.success or row.reason == UNLOCKED:
            break
        out.append(row)
    return out


def _address_wait(session: Session, user: User, ip: str | None, now: dt.datetime) -> int | None:
    """Seconds this account must still wait at this address, or None."""
    failures = [a for a in _recent_attempts(session, user, now) if a.ip == ip and a.reason in FAILURES]
    if len(failures) < MAX_FAILED_LOGINS:
        return None
    delay = min(ADDRESS_DELAY * 2 ** (len(failures) - MAX_FAILED_LOGINS), LOCKOUT)
    last = failures[0].at if failures[0].at.tzinfo else failures[0].at.replace(tzinfo=dt.UTC)
    left = (last + delay - now).total_seconds()
    return int(left) + 1 if left > 0 else None


def _known_address(session: Session, user: User, ip: str | None, now: dt.datetime) -> bool:
    """True when the user logged in successfully from ``ip`` within the last 90 days."""
    if not ip:
        return False
    return session.scalar(
        select(LoginAttempt.id).where(
            LoginAttempt.user_id == user.id, LoginAttempt.ip == ip, LoginAttempt.success.is_(True),
            LoginAttempt.at > now - dt.timedelta(days=KNOWN_ADDRESS_DAYS),
        ).limit(1)
    ) is not None


# ---- API tokens (接口令牌) -----------------------------------------------------------------------------------


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


def create_api_token(
    session: Session, *, actor: Actor, user_id: int, name: str, expires_at: dt.datetime | None = None
) -> IssuedToken:
    """Issue a personal API token (生成接口令牌)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户（编号 {user_id}）不存在")
    if not name.strip():
        raise ValidationFailed("令牌名称不能为空")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:120], prefix=secret[:10], token_hash=_token_hash(secret),
                     expires_at=expires_at)
    session.add(token)
    session.flush()
    audit.record(session, actor=actor, action="create_token", obj=user,
                 after={"token_id": token.id, "name": token.name, "prefix": token.prefix})
    return IssuedToken(token=token, secret=secret)


def revoke_api_token(session: Session, *, actor: Actor, token_id: int, user_id: int | None = None) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or (user_id is not None and token.user_id != user_id) or token.revoked_at is not None:
        raise NotFound(f"令牌（编号 {token_id}）不存在")
    token.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="revoke_token", obj=token.user, after={"token_id": token.id})


def list_api_tokens(session: Session, *, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def user_for_token(session: Session, secret: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, expired, or user disabled)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret)))
    if token is None or not token.is_valid(now) or not token.user.is_active:
        return None
    # Recording use at most once a minute keeps reads from writing on every request.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        become_writer(session)  # an API read writes this stamp: on SQLite it must wait for the lock
        token.last_used_at = now
    return token.user
