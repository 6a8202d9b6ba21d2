"""Issue #16, item 6 — sessions: no server with the well-known secret, secure cookies and HSTS behind HTTPS, a
copied cookie dies with logout and password change, an API token never rides in a cookie, and a form posted
from another site is refused even with a valid CSRF token."""

from __future__ import annotations

import base64
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import Settings

from .conftest import PASSWORD, csrf_for, csrf_of

SECRET = "test-secret-key-0123456789"


def _cookie_payloads(set_cookies: list[str]) -> str:
    """What the signed (not encrypted) session cookies carry, decoded: anyone holding the cookie can read it."""
    out = []
    for header in set_cookies:
        value = header.split(";", 1)[0].split("=", 1)[1]
        data = value.split(".", 1)[0]
        out.append(base64.b64decode(data + "=" * (-len(data) % 4)).decode("utf-8", "replace"))
    return "\n".join(out)


def _app(session: Session, tmp_path: Path, **settings: object):  # type: ignore[no-untyped-def]
    from xiaodi.web.app import create_app

    factory = sessionmaker(bind=session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    return create_app(session_factory=factory, settings=Settings(data_dir=tmp_path, secret_key=SECRET, **settings))


def _log_in(c: TestClient, name: str = "hejin"):  # type: ignore[no-untyped-def]
    token = csrf_of(c.get("/login").text)
    return c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token},
                  follow_redirects=False)


# ---- the secret ---------------------------------------------------------------------------------------------


def test_serve_refuses_the_well_known_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.bootstrap import init_database
    from xiaodi.cli import app
    from xiaodi.core.db import make_engine
    from xiaodi.core.settings import get_settings

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    init_database(engine)
    engine.dispose()
    monkeypatch.delenv("XIAODI_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["serve", "--db", url])
    finally:
        get_settings.cache_clear()
    assert r.exit_code != 0
    assert isinstance(r.exception, ValidationFailed) and "XIAODI_SECRET_KEY" in r.exception.message


def test_the_demo_keeps_its_own_secret_beside_the_database(tmp_path: Path) -> None:
    from xiaodi.core.db import make_engine
    from xiaodi.demo.builder import build_demo
    from xiaodi.web.secret import ensure_demo_secret, session_secret

    path = tmp_path / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    build_demo(engine, accounts=False)
    engine.dispose()
    secret = ensure_demo_secret(path)
    kept = path.with_name("demo.db.secret")
    assert kept.read_text(encoding="utf-8").strip() == secret and len(secret) >= 32
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert ensure_demo_secret(path) == secret  # the same on the next run: logins survive a restart
    assert session_secret(Settings(database_url=f"sqlite:///{path}")) == secret
    # the same file beside a database that is not a demo does not count
    own = tmp_path / "own.db"
    own.write_bytes(b"")
    own.with_name("own.db.secret").write_text(secret, encoding="utf-8")
    with pytest.raises(ValidationFailed, match="XIAODI_SECRET_KEY"):
        session_secret(Settings(database_url=f"sqlite:///{own}"))


# ---- cookies and HSTS -----------------------------------------------------------------------------------------


def test_cookies_are_secure_with_hsts_behind_an_https_proxy(session: Session, tmp_path: Path,
                                                            personas: dict[str, int]) -> None:
    plain = TestClient(_app(session, tmp_path))
    r = _log_in(plain)
    assert "secure" not in r.headers["set-cookie"].lower() and "strict-transport-security" not in r.headers
    proxied = TestClient(_app(session, tmp_path, trusted_proxies="127.0.0.1"), base_url="https://testserver",
                         client=("127.0.0.1", 5000))
    r = _log_in(proxied)
    assert "; secure" in r.headers["set-cookie"].lower()
    assert r.headers["strict-transport-security"].startswith("max-age=")
    forced = TestClient(_app(session, tmp_path, cookie_secure=True), base_url="https://testserver")
    assert "; secure" in _log_in(forced).headers["set-cookie"].lower()
    off = TestClient(_app(session, tmp_path, cookie_secure=False, trusted_proxies="127.0.0.1"),
                     client=("127.0.0.1", 5000))
    assert "secure" not in _log_in(off).headers["set-cookie"].lower()


# ---- a copied cookie ------------------------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_after_logout(app, login: Callable[[str], TestClient]) -> None:  # type: ignore[no-untyped-def]
    c = login("hejin")
    stolen = dict(c.cookies)
    r = c.post("/logout", data={"csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 303
    thief = TestClient(app, cookies=stolen)
    assert thief.get("/api/me").status_code == 401


def test_a_copied_cookie_stops_working_after_a_password_change(app, login: Callable[[str], TestClient]) -> None:  # type: ignore[no-untyped-def]
    c = login("hejin")
    stolen = dict(c.cookies)
    r = c.post("/account/password", data={"old_password": PASSWORD, "new_password": "Changed2025pass",
                                          "confirm": "Changed2025pass", "csrf_token": csrf_for(c)},
               follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/api/me").status_code == 200  # the session that changed it goes on
    assert TestClient(app, cookies=stolen).get("/api/me").status_code == 401


# ---- API tokens -----------------------------------------------------------------------------------------------


def test_a_new_api_token_is_shown_once_and_never_put_in_a_cookie(login: Callable[[str], TestClient]) -> None:
    c = login("hejin")
    r = c.post("/account/tokens", data={"name": "报表系统", "csrf_token": csrf_for(c)}, follow_redirects=False)
    found = re.search(r'<code class="secret">(xd_[^<]+)</code>', r.text)
    assert r.status_code == 200 and found, r.text[:300]
    assert r.headers["cache-control"] == "no-store"
    secret = found.group(1)
    assert secret not in _cookie_payloads(r.headers.get_list("set-cookie"))
    assert secret not in c.get("/account").text  # once
    assert c.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


# ---- Origin and Referer ---------------------------------------------------------------------------------------


def test_a_form_posted_from_another_site_is_refused(login: Callable[[str], TestClient], world) -> None:  # type: ignore[no-untyped-def]
    c = login("enterprise")
    path = f"/demands/{world.draft_id}/transition"
    for headers in ({"origin": "https://evil.example"}, {"origin": "null"},
                    {"referer": "https://evil.example/xiaodi.html"}):
        r = c.post(path, data={"step": "submit", "csrf_token": csrf_for(c)}, headers=headers,
                   follow_redirects=False)
        assert r.status_code == 403 and "来源" in r.text, headers
    r = c.post(path, data={"step": "submit", "csrf_token": csrf_for(c)}, follow_redirects=False,
               headers={"origin": "http://testserver", "referer": "http://testserver/demands"})
    assert r.status_code == 303
