"""Issue #16, item 7 in the browser: the administrator unlocks an account, and ``X-Forwarded-For`` is believed only
from a proxy configured in ``XIAODI_TRUSTED_PROXIES``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from xiaodi.accounts.models import LoginAttempt
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import Settings

from .conftest import PASSWORD, csrf_for, csrf_of


def _try_login(c: TestClient, password: str, **headers: str) -> int:
    token = csrf_of(c.get("/login").text)
    return c.post("/login", data={"username": "hejin", "password": password, "csrf_token": token},
                  headers=headers, follow_redirects=False).status_code


def _last_ip(session: Session) -> str | None:
    session.expire_all()
    return session.scalars(select(LoginAttempt.ip).where(LoginAttempt.username == "hejin")
                           .order_by(LoginAttempt.id.desc()).limit(1)).one()


def test_the_administrator_unlocks_a_locked_account(app, login: Callable[[str], TestClient]) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app, raise_server_exceptions=False)
    assert [_try_login(c, "wrong-password-9") for _ in range(5)][-1] == 429
    assert _try_login(c, PASSWORD) == 429
    admin = login("admin")
    page = admin.get("/admin/users", params={"q": "hejin"}).text
    user_path = re.search(r'href="(/admin/users/\d+)"', page).group(1)  # type: ignore[union-attr]
    assert "锁定" in admin.get(user_path).text
    r = admin.post(f"{user_path}/unlock", data={"csrf_token": csrf_for(admin)}, follow_redirects=False)
    assert r.status_code == 303
    assert _try_login(c, PASSWORD) == 303
    # nobody else may unlock
    office = login("province")
    r = office.post(f"{user_path}/unlock", data={"csrf_token": csrf_for(office)})
    assert r.status_code == 403 and "管理员" in r.text


def _app(session: Session, tmp_path: Path, trusted: str):  # type: ignore[no-untyped-def]
    from xiaodi.web.app import create_app

    factory = sessionmaker(bind=session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    return create_app(session_factory=factory, settings=Settings(data_dir=tmp_path, trusted_proxies=trusted,
                                                                 secret_key="test-secret-key-0123456789"))


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(session: Session, tmp_path: Path,
                                                               personas: dict[str, int]) -> None:
    spoof = {"x-forwarded-for": "10.20.30.40"}
    untrusted = TestClient(_app(session, tmp_path, ""), client=("203.0.113.9", 40000))
    assert _try_login(untrusted, "wrong-password-9", **spoof) == 401
    assert _last_ip(session) == "203.0.113.9"

    # Behind a proxy the cookies are Secure: the browser speaks HTTPS to the proxy.
    app = _app(session, tmp_path, "192.0.2.1, 192.0.2.0/28")
    stranger = TestClient(app, client=("198.51.100.99", 40000), base_url="https://testserver")
    assert _try_login(stranger, "wrong-password-9", **spoof) == 401
    assert _last_ip(session) == "198.51.100.99"
    proxy = TestClient(app, client=("192.0.2.5", 40000), base_url="https://testserver")
    assert _try_login(proxy, "wrong-password-9", **{"x-forwarded-for": "198.51.100.7"}) == 401
    assert _last_ip(session) == "198.51.100.7"


def test_trusted_proxies_must_be_addresses() -> None:
    """The rule in Chinese; read from the environment, the variable is named with it (tests/test_settings_errors.py)."""
    with pytest.raises(ValueError, match="须为反向代理的 IP 地址或网段"):
        Settings(trusted_proxies="*")
    with pytest.raises(ValueError, match=r"“proxy\.example”不是"):
        Settings(trusted_proxies="proxy.example")


def test_serve_with_proxy_headers_needs_trusted_proxies() -> None:
    from xiaodi.web.cli import uvicorn_options

    with pytest.raises(ValidationFailed, match="XIAODI_TRUSTED_PROXIES"):
        uvicorn_options(Settings(secret_key="a-real-secret-0123456789"), proxy_headers=True)
    options = uvicorn_options(Settings(secret_key="a-real-secret-0123456789", trusted_proxies="127.0.0.1"),
                              proxy_headers=True)
    assert options["proxy_headers"] is False  # the application itself reads the headers, from trusted proxies only
