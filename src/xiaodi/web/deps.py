"""Request dependencies: one database session per request (one transaction), and who is asking.

``SessionDep`` commits when the route returns and rolls back when it raises; routes never commit. ``CurrentUser``
is the logged-in user's ``Viewer`` — from the signed session cookie (pages) or an ``Authorization: Bearer``
token (API) — or a 401 (a redirect to the login page for pages).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from xiaodi.accounts.models import User
from xiaodi.accounts.scope import ANONYMOUS, Viewer, viewer_for
from xiaodi.core.db import begin_write, read_first
from xiaodi.core.errors import Forbidden, XiaodiError
from xiaodi.core.models import utcnow

SESSION_MAX_AGE = 8 * 3600  # absolute: a login lasts one working day
SESSION_IDLE = 2 * 3600  # idle: two hours without a request ends the session
CSRF_FIELD = "csrf_token"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


class LoginRequired(XiaodiError):
    """Not logged in, or the session expired (请先登录)."""

    status = 401
    code = "not_authenticated"


class PasswordChangeRequired(XiaodiError):
    """The account must change its initial or reset password before anything else (请先修改初始密码)."""

    status = 403
    code = "password_change_required"


# What an account that must change its password may still open in the browser: the account page where it
# changes it, logging out, and the page assets.
PASSWORD_CHANGE_PATHS = ("/account", "/account/password", "/logout", "/login")


def get_session(request: Request) -> Iterator[Session]:
    """One request, one transaction: commit after the route returned, roll back on any error. A request that may
    write (every method but GET, HEAD and OPTIONS: a login, a form, an API change) begins its transaction for
    writing, so that on SQLite it waits for another process's write instead of failing ("database is locked") —
    except a route that reads first (``reads_first``)."""
    first_reads = getattr(request.scope.get("endpoint"), READS_FIRST, False)
    with request.app.state.session_factory() as session:
        if first_reads:
            read_first(session)
        elif request.method not in READ_METHODS:
            begin_write(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


READS_FIRST = "xiaodi_reads_first"


def reads_first(endpoint: Endpoint) -> Endpoint:
    """Mark a route that must act on what it reads before it may wait for the write lock: stopping a running job
    (``jobs.service.cancel``). On SQLite the job holds the one write lock until it ends, so such a request's
    transaction begins deferred and flushes nothing while it reads (who asks, which run); it tells the job to stop
    and only then asks for the lock (``core.db.write_after_reading``)."""
    setattr(endpoint, READS_FIRST, True)
    return endpoint


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use); every form carries it in a hidden field."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token (form field or X-CSRF-Token header), or
    sent from another site (``Origin``/``Referer``, a second layer should a token ever leak).

    Requests authenticated by a bearer token carry no cookie authority, so they need neither.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.url.path.startswith("/api/") and _bearer(request) is not None:
        return
    _same_site(request)
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise Forbidden("表单已过期或缺少安全校验码（CSRF），请刷新页面后重试", code="csrf_failed")


def _same_site(request: Request) -> None:
    """The browser says where a form came from: ``Origin`` (or, without it, ``Referer``) must name this host.

    Only the host and port are compared: behind a reverse proxy the scheme the application sees may differ from
    the browser's. A request with neither header (old clients, privacy tools) still needs the CSRF token.
    """
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return
    host = request.headers.get("host", request.url.netloc).lower()
    if sent == "null" or urlsplit(sent).netloc.lower() != host:
        raise Forbidden("请求来源不是本平台（跨站提交），已拒绝；请在本平台页面上操作", code="csrf_failed")


def login_session(request: Request, user: User) -> None:
    """Start a fresh session for ``user``: a new CSRF token, absolute and idle expiry, password stamp and the
    account's session generation (``accounts.service.end_sessions``)."""
    request.session.clear()
    now = int(utcnow().timestamp())
    request.session.update({
        "uid": user.id,
        "csrf": secrets.token_urlsafe(32),
        "iat": now,
        "seen": now,
        "pwd": _stamp(user.password_changed_at),
        "gen": user.session_generation or 0,
    })


def _stamp(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _user_from_cookie(request: Request, session: Session) -> User | None:
    data: dict[str, Any] = request.session
    uid = data.get("uid")
    if not uid:
        return None
    now = int(utcnow().timestamp())
    if now - int(data.get("iat", 0)) > SESSION_MAX_AGE or now - int(data.get("seen", 0)) > SESSION_IDLE:
        data.clear()
        return None
    user = session.get(User, int(uid))
    # Logout, a password change or a reset moves the generation on: every earlier cookie of the account ends.
    if (user is None or not user.is_active or data.get("pwd") != _stamp(user.password_changed_at)
            or data.get("gen") != (user.session_generation or 0)):
        data.clear()
        return None
    if now - int(data.get("seen", 0)) > 60:
        data["seen"] = now
    return user


# What an area adds to every page request of a logged-in person (the header's unread count: ``notifications``).
# The kit knows no area: an area registers its hook when its pages module is imported.
PAGE_HOOKS: list[Callable[[Request, Session, User], None]] = []


def optional_viewer(request: Request, session: SessionDep) -> Viewer:
    """The viewer, or ``ANONYMOUS`` when nobody is logged in."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return, unused-ignore]
    user: User | None = None
    token = _bearer(request)
    if token is not None:
        from xiaodi.accounts.service import user_for_token

        user = user_for_token(session, token)
        if user is None:
            raise LoginRequired("接口令牌无效、已过期或已撤销")
    elif "session" in request.scope:
        user = _user_from_cookie(request, session)
    if user is not None and token is None and user.must_change_password:
        _require_changed_password(request)
    viewer = viewer_for(session, user) if user is not None else ANONYMOUS
    if user is not None and token is None:  # a page: what the header shows (the inbox's unread count …)
        for hook in PAGE_HOOKS:
            hook(request, session, user)
    request.state.viewer = viewer
    request.state.user = user
    return viewer


def _require_changed_password(request: Request) -> None:
    """A logged-in person whose password was set by someone else (a demo account, one created or reset by the
    administrator) changes it before doing anything else; API tokens, issued by the person, are not affected."""
    path = request.url.path
    if path in PASSWORD_CHANGE_PATHS or path.startswith("/static/"):
        return
    raise PasswordChangeRequired("请先修改初始密码：该密码由他人设置，修改后才能继续使用平台")


# The two checks below are ``async``: they do no I/O, and a sync dependency costs a hop through the thread pool while
# the request holds its connection (the hops were half of issue 19's deadlock, ``web.admission``).
async def current_viewer(viewer: Annotated[Viewer, Depends(optional_viewer)]) -> Viewer:
    if viewer.user_id is None:
        raise LoginRequired("请先登录")
    return viewer


async def member_viewer(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    """A logged-in user with at least one role; an account without a role (an outsider) is refused."""
    if not viewer.has_access:
        raise Forbidden("您的账号尚未分配角色，请联系管理员")
    return viewer


OptionalUser = Annotated[Viewer, Depends(optional_viewer)]
CurrentUser = Annotated[Viewer, Depends(current_viewer)]
MemberUser = Annotated[Viewer, Depends(member_viewer)]

# Record ids in paths: positive and within a 32-bit INTEGER, so no database sees an out-of-range number.
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647, description="记录编号")]
