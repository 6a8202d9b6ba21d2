"""The administrator opens an account for a new county official in the browser, hands over the one-time password,
later resets it and disables the account; nobody else may manage accounts."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from .conftest import World, change_initial_password, csrf_for


def _one_time_password(html: str) -> str:
    found = re.search(r'<p class="secret"><code>([^<]+)</code>', html)
    assert found, "the page shows no generated password"
    return found.group(1)


def _login(app, username: str, password: str) -> TestClient:  # type: ignore[no-untyped-def]
    from .conftest import csrf_of

    c = TestClient(app, raise_server_exceptions=False)
    r = c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_of(c.get("/login").text)},
               follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    return c


def test_the_administrator_opens_resets_and_disables_an_account(
        app, login: Callable[[str], TestClient], world: World) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    assert "新建账号" in admin.get("/admin/users").text
    r = admin.post("/admin/users", data={"username": "hejin.zhang", "display_name": "张敏", "role": "county_office",
                                         "scope": "河津市", "phone": "13912340000", "csrf_token": csrf_for(admin)})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert "139****0000" in r.text and "13912340000" not in r.text
    first = _one_time_password(r.text)
    user_path = re.search(r'action="(/admin/users/\d+)/password"', r.text).group(1)  # type: ignore[union-attr]
    # the password is shown once: the account page does not show it again
    assert first not in admin.get(user_path).text

    official = _login(app, "hejin.zhang", first)
    # a password the administrator chose is changed first: every page leads to the account page until then
    r = official.get("/demands", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/account")
    assert "请先修改" in official.get("/account").text
    assert official.get("/api/me").json()["error"] == "password_change_required"
    change_initial_password(official, first)
    assert official.get("/api/me").json()["roles"]
    assert official.get(f"/api/demands/{world.demand_id}").status_code == 200  # a 河津 demand: in scope

    r = admin.post(f"{user_path}/password", data={"csrf_token": csrf_for(admin)})
    second = _one_time_password(r.text)
    assert second != first
    # the old session ends with the old password
    assert official.get("/api/me").status_code == 401
    official = _login(app, "hejin.zhang", second)
    assert official.get("/demands", follow_redirects=False).status_code == 303  # a reset password: changed again
    change_initial_password(official, second, "Changed2025second")
    assert official.get("/demands").status_code == 200

    admin.post(f"{user_path}/active", data={"active": "no", "reason": "调离", "csrf_token": csrf_for(admin)})
    assert official.get("/api/me").status_code == 401
    c = TestClient(app, raise_server_exceptions=False)
    from .conftest import csrf_of

    r = c.post("/login", data={"username": "hejin.zhang", "password": second,
                               "csrf_token": csrf_of(c.get("/login").text)}, follow_redirects=False)
    assert r.status_code != 303


def test_a_bad_account_form_is_refused_with_the_reason(login: Callable[[str], TestClient], world: World) -> None:
    admin = login("admin")
    r = admin.post("/admin/users", data={"username": "x1", "display_name": "某", "role": "enterprise",
                                         "scope": "", "csrf_token": csrf_for(admin)})
    assert r.status_code == 422 and "所属单位" in r.text
    r = admin.post("/admin/users", data={"username": "abc", "display_name": "某", "role": "county_office",
                                         "scope": "太原市", "csrf_token": csrf_for(admin)})
    assert r.status_code == 422 and "县级" in r.text
    assert "abc" not in admin.get("/admin/users?q=abc").text.split("<tbody>")[1].split("</tbody>")[0]


def test_roles_are_granted_and_revoked(login: Callable[[str], TestClient], personas: dict[str, int],
                                       world: World) -> None:
    admin = login("admin")
    path = f"/admin/users/{personas['outsider']}"
    assert "尚未授权" in admin.get(path).text
    r = admin.post(f"{path}/memberships", data={"role": "enterprise", "scope": world.enterprise.name,
                                                "csrf_token": csrf_for(admin)}, follow_redirects=False)
    assert r.status_code == 303
    assert login("outsider").get(f"/api/demands/{world.draft_id}").status_code == 200  # now acts for the company
    page = admin.get(path).text
    revoke = re.search(r'action="(/admin/users/\d+/memberships/\d+/revoke)"', page).group(1)  # type: ignore[union-attr]
    admin.post(revoke, data={"csrf_token": csrf_for(admin)})
    assert login("outsider").get(f"/api/demands/{world.draft_id}").status_code == 403


def test_only_the_administrator_manages_accounts(login: Callable[[str], TestClient], personas: dict[str, int],
                                                 world: World) -> None:
    target = f"/admin/users/{personas['enterprise']}"
    for persona in ("province", "hejin", "enterprise", "university", "outsider"):
        c = login(persona)
        assert c.get("/admin/users").status_code == 403, persona
        assert c.get(target).status_code == 403, persona
        r = c.post(f"{target}/password", data={"csrf_token": csrf_for(c)})
        assert r.status_code == 403, persona
        assert "/admin/users" not in c.get("/account").text
    admin = login("admin")
    r = admin.post(f"/admin/users/{personas['admin']}/active", data={"active": "no", "csrf_token": csrf_for(admin)})
    assert r.status_code == 422  # not yourself
