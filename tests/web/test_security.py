"""Sessions, CSRF, lock-out, tokens and masking (安全与个人信息保护)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import User

from .conftest import ACTOR, PASSWORD, World, csrf_for, csrf_of


def test_post_without_csrf_is_refused(login: Callable[[str], TestClient], world: World) -> None:
    c = login("enterprise")
    for path, data in ((f"/demands/{world.draft_id}/transition", {"step": "submit"}),
                       ("/account/tokens", {"name": "x"}), ("/logout", {})):
        r = c.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403 and "CSRF" in r.text, path
        r = c.post(path, data={**data, "csrf_token": "forged"}, follow_redirects=False)
        assert r.status_code == 403, path
    r = c.post(f"/api/demands/{world.draft_id}/transition", json={"step": "submit"})
    assert r.status_code == 403 and r.json()["error"] == "csrf_failed"


def test_login_without_csrf_is_refused(client: TestClient, personas: dict[str, int]) -> None:
    r = client.post("/login", data={"username": "hejin", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403


def test_session_cookie_is_httponly_and_lax(client: TestClient, personas: dict[str, int]) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "hejin", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=" in cookie


def test_lockout_after_five_failures(client: TestClient, personas: dict[str, int], session: Session) -> None:
    token = csrf_of(client.get("/login").text)
    statuses = []
    for _ in range(5):
        r = client.post("/login", data={"username": "hejin", "password": "wrong-password-9", "csrf_token": token})
        statuses.append(r.status_code)
    assert statuses == [401, 401, 401, 401, 429]
    r = client.post("/login", data={"username": "hejin", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 429 and "锁定" in r.text
    session.expire_all()
    user = session.scalars(select(User).where(User.username == "hejin")).one()
    assert user.locked_until is not None  # the failures were committed, not rolled back with the error


def test_logout_ends_the_session(login: Callable[[str], TestClient]) -> None:
    c = login("hejin")
    r = c.post("/logout", data={"csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/demands", follow_redirects=False).status_code == 303


def test_password_reset_ends_other_sessions(login: Callable[[str], TestClient], session: Session) -> None:
    c = login("hejin")
    assert c.get("/demands").status_code == 200
    accounts.reset_password(session, actor=ACTOR, username="hejin")
    session.flush()
    assert c.get("/demands", follow_redirects=False).status_code == 303


def test_disabled_user_is_logged_out(login: Callable[[str], TestClient], session: Session) -> None:
    c = login("enterprise")
    accounts.disable_user(session, actor=ACTOR, username="enterprise")
    session.flush()
    assert c.get("/api/me").status_code == 401


def test_bearer_token(app, personas: dict[str, int], session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    issued = accounts.create_api_token(session, actor=ACTOR, user_id=personas["hejin"], name="报表")
    session.flush()
    c = TestClient(app)
    h = {"Authorization": f"Bearer {issued.secret}"}
    assert c.get("/api/me", headers=h).json()["roles"] == ["county_office"]
    listing = c.get("/api/demands?size=1", headers=h).json()
    assert listing["size"] == 1 and listing["total"] >= 2 and len(listing["items"]) == 1
    # A bearer request needs no CSRF token: no cookie authority is involved.
    r = c.post(f"/api/projects/{world.project_id}/stage", json={"to": "started"}, headers=h)
    assert r.status_code == 200, r.text
    bad = c.get("/api/me", headers={"Authorization": "Bearer xd_not-a-token"})
    assert bad.status_code == 401 and bad.json()["error"] == "not_authenticated"


def test_personal_data_is_masked_outside_the_owner_and_office(login: Callable[[str], TestClient],
                                                              world: World) -> None:
    # The enterprise's own phone: visible to itself and to the office, masked for the university.
    path = f"/api/organisations/{world.enterprise.id}"
    assert login("enterprise").get(path).json()["contact_phone"] == "13912345678"
    assert login("hejin").get(path).json()["contact_phone"] == "13912345678"
    # An expert of 山西大学: the university sees its own; the enterprise sees masked data.
    expert = f"/api/experts/{world.expert_id}"
    mine = login("university").get(expert).json()
    assert mine["phone"] == "13700002222" and mine["id_number"] == "140102198001011234"
    theirs = login("enterprise").get(expert).json()
    assert theirs["phone"] == "137****2222"
    assert theirs["email"] == "l***@sxu.example"
    assert theirs["id_number"].startswith("1401") and "1980" not in theirs["id_number"]
    page = login("enterprise").get(f"/experts/{world.expert_id}").text
    assert "13700002222" not in page and "137****2222" in page
    export = login("enterprise").get("/experts/export.xlsx").content
    assert b"13700002222" not in export
    # Masked in the audit trail too.
    history = login("enterprise").get(f"/api/experts/{world.expert_id}/history").json()
    assert "13700002222" not in str(history)


def test_a_contact_phone_of_a_unit_without_a_region_is_no_offices(login: Callable[[str], TestClient],
                                                                   session: Session) -> None:
    """A university entered without a region: its contact phone used to be every office's (a county office far
    away read it in full); now it is its own and the administrator's, as a person without a region is."""
    from xiaodi.directory.models import OrgKind
    from xiaodi.directory.service import create_organisation

    uni = create_organisation(session, actor=ACTOR, kind=OrgKind.UNIVERSITY, name="某测试学院（未填地区）",
                              contact_phone="13611112222", contact_email="office@nowhere.example")
    session.flush()
    path = f"/api/organisations/{uni.id}"
    for office in ("hejin", "province"):
        seen = login(office).get(path).json()
        assert seen["contact_phone"] == "136****2222" and seen["contact_email"] == "o***@nowhere.example"
    assert login("admin").get(path).json()["contact_phone"] == "13611112222"
    export = login("hejin").get("/organisations/export.xlsx").content
    assert b"13611112222" not in export


def test_unexpected_error_is_a_plain_500(app, login: Callable[[str], TestClient]) -> None:  # type: ignore[no-untyped-def]
    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/boom")
    def boom_page() -> None:
        raise RuntimeError("secret internals")

    c = TestClient(app, raise_server_exceptions=False)
    r = c.get("/api/boom")
    assert r.status_code == 500 and r.json()["error"] == "internal_error"
    assert "secret" not in r.text and "Traceback" not in r.text
    r = c.get("/boom")
    assert r.status_code == 500 and "secret" not in r.text and "服务器" in r.text


def test_open_redirect_is_refused(client: TestClient, personas: dict[str, int]) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "hejin", "password": PASSWORD, "csrf_token": token,
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"
