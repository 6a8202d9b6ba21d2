"""The access matrix: every role × every page and API route — allowed (200), forbidden (403), or 404 outside the
user's scope. A route added to the app without a row here fails ``test_every_route_is_in_the_matrix``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from .conftest import PERSONAS, World

OK, NO, GONE = 200, 403, 404
MEMBERS = {p: OK for p in PERSONAS if p != "outsider"} | {"outsider": NO}
LISTS = ("demands", "claims", "orders", "agreements", "projects", "bases", "events", "organisations", "experts",
         "achievements", "platforms")


def only(allowed: set[str], otherwise: int = GONE) -> dict[str, int]:
    out = {p: (OK if p in allowed else otherwise) for p in PERSONAS}
    out["outsider"] = NO  # an account without a role is refused everything, before any lookup
    return out


def matrix(w: World) -> list[tuple[str, str, dict[str, int]]]:
    """(route template, concrete path, expected status per persona) for GET routes."""
    rows: list[tuple[str, str, dict[str, int]]] = []
    for name in LISTS:
        rows.append((f"/{name}", f"/{name}", MEMBERS))
        rows.append((f"/{name}/export.xlsx", f"/{name}/export.xlsx", MEMBERS))
        rows.append((f"/api/{name}", f"/api/{name}", MEMBERS))
    everyone_office = {"province", "hejin", "admin"}
    details = [
        ("demands", w.demand_id, {"province", "hejin", "enterprise", "university", "admin"}),
        ("demands", w.draft_id, {"province", "hejin", "enterprise", "admin"}),
        ("demands", w.other_demand_id, {"province", "admin"}),
        ("projects", w.project_id, {"province", "hejin", "enterprise", "university", "admin"}),
        ("projects", w.other_project_id, {"province", "admin"}),
        ("agreements", w.agreement_id, {"province", "hejin", "enterprise", "university", "admin"}),
        ("organisations", w.other_enterprise.id, {"province", "admin"}),
        ("organisations", w.enterprise.id, everyone_office | {"enterprise"}),
        ("organisations", w.university.id, set(PERSONAS)),
        ("experts", w.expert_id, set(PERSONAS)),
        ("claims", 999_999, set()),
        ("orders", 999_999, set()),
        ("bases", 999_999, set()),
        ("events", 999_999, set()),
        ("achievements", 999_999, set()),
        ("platforms", 999_999, set()),
    ]
    for name, rid, allowed in details:
        rows.append((f"/{name}/{{record_id}}", f"/{name}/{rid}", only(allowed)))
        rows.append((f"/api/{name}/{{record_id}}", f"/api/{name}/{rid}", only(allowed)))
        rows.append((f"/api/{name}/{{record_id}}/history", f"/api/{name}/{rid}/history", only(allowed)))
    choosers = {"province", "hejin", "enterprise", "admin"}
    unit_refused = {"enterprise": NO, "university": NO}
    rows += [
        ("/", "/", MEMBERS | {"outsider": OK}),  # an outsider sees "no role yet", not an error
        ("/account", "/account", {p: OK for p in PERSONAS}),
        ("/api/me", "/api/me", {p: OK for p in PERSONAS}),
        ("/api/figures", "/api/figures", MEMBERS),
        ("/figures", "/figures", MEMBERS),
        ("/figures/export.xlsx", "/figures/export.xlsx?year=2025", MEMBERS),
        # 太原's figures: for the province and the administrator; 河津's office finds no such region of
        # its own (404); units may not choose regions at all (403)
        ("/api/figures", f"/api/figures?region={w.taiyuan.code}", only({"province", "admin"}) | unit_refused),
        ("/figures", f"/figures?region={w.taiyuan.code}", only({"province", "admin"}) | unit_refused),
        ("/import", "/import", only(everyone_office, NO)),
        ("/import/template/{table}.xlsx", "/import/template/demands.xlsx", only(everyone_office, NO)),
        ("/api/demands/{demand_id}/steps", f"/api/demands/{w.demand_id}/steps", only(set(PERSONAS))),
        ("/api/demands/{demand_id}/claims", f"/api/demands/{w.other_demand_id}/claims", only({"province", "admin"})),
        ("/api/demands/{demand_id}/candidates", f"/api/demands/{w.demand_id}/candidates",
         only(choosers) | {"university": NO}),
        ("/login", "/login", {p: 303 for p in PERSONAS}),  # logged in: straight to the dashboard
        ("/healthz", "/healthz", {p: OK for p in PERSONAS}),
        ("/api/openapi.json", "/api/openapi.json", {p: OK for p in PERSONAS}),
        ("/api/docs", "/api/docs", {p: OK for p in PERSONAS}),
        ("/api/docs/openapi.json", "/api/docs/openapi.json", {p: OK for p in PERSONAS}),
        ("/favicon.ico", "/favicon.ico", {p: 204 for p in PERSONAS}),
        ("/api/match", "/api/match?text=铝合金材料&target=university&top=3", MEMBERS),
        ("/match", "/match", MEMBERS),
        ("/match", f"/match?demand={w.other_demand_id}", only({"province", "admin"})),
        # report review is office work: others are refused before any lookup
        ("/reports", "/reports", only(everyone_office, NO)),
        ("/reports/export.xlsx", "/reports/export.xlsx", only(everyone_office, NO)),
        ("/api/reports", "/api/reports", only(everyone_office, NO)),
        ("/reports/upload", "/reports/upload", only(everyone_office, NO)),
        ("/reports/{record_id}", "/reports/999999", only(set(), NO) | {p: GONE for p in everyone_office}),
        ("/api/reports/{record_id}", "/api/reports/999999", only(set(), NO) | {p: GONE for p in everyone_office}),
        ("/api/reports/{record_id}/history", "/api/reports/999999/history",
         only(set(), NO) | {p: GONE for p in everyone_office}),
        ("/api/reconciliation", "/api/reconciliation?region=河津市", only(everyone_office, NO)),
        ("/reconciliation", "/reconciliation?region=河津市", only(everyone_office, NO)),
    ]
    # ── closed loop (projects area): 新建协议 form, a project's milestones and funds ─────────────────────────
    # The form is office work (others 403 before any lookup); the loop reads like the project it belongs to.
    rows += [
        ("/agreements/new", "/agreements/new", only(everyone_office, NO)),
        ("/api/projects/{project_id}/milestones", f"/api/projects/{w.project_id}/milestones",
         only({"province", "hejin", "enterprise", "university", "admin"})),
        ("/api/projects/{project_id}/funds", f"/api/projects/{w.other_project_id}/funds", only({"province", "admin"})),
    ]
    # ── end of closed loop ────────────────────────────────────────────────────────────────────────────────────
    # ── orders (点单派单): the 我要点单 form is for enterprises and offices; others 403 before any lookup ────────
    rows += [
        ("/orders/new", "/orders/new", only({"province", "hejin", "enterprise", "admin"}, NO)),
    ]
    # ── end of orders ─────────────────────────────────────────────────────────────────────────────────────────
    # ── demands: drafting (填报) and 揭榜评审, checked by tests/web/test_claim_review.py ──────────────────────────
    rows += [
        ("/demands/new", "/demands/new", MEMBERS),
        ("/demands/{demand_id}/edit", f"/demands/{w.draft_id}/edit",
         only({"province", "hejin", "enterprise", "admin"})),
        ("/api/demands/{demand_id}/ranking", f"/api/demands/{w.demand_id}/ranking",
         only({"province", "hejin", "enterprise", "admin"}) | {"university": NO}),
    ]
    # ── end of demands ────────────────────────────────────────────────────────────────────────────────────────
    # ── accounts (账号管理): the administrator only, checked by tests/web/test_user_admin.py ─────────────────────
    rows += [
        ("/admin/users", "/admin/users", only({"admin"}, NO)),
        ("/admin/users/{user_id}", "/admin/users/999999", only(set(), NO) | {"admin": GONE}),
    ]
    # ── end of accounts ───────────────────────────────────────────────────────────────────────────────────────
    # ── talent services (人才服务), checked by tests/web/test_talent_pages.py and tests/talent ───────────────────────
    for name in ("talents", "talent-cards", "talent-applications", "internships"):
        rows.append((f"/{name}", f"/{name}", MEMBERS))
        rows.append((f"/{name}/export.xlsx", f"/{name}/export.xlsx", MEMBERS))
        rows.append((f"/api/{name}", f"/api/{name}", MEMBERS))
        for template in (f"/{name}/{{record_id}}", f"/api/{name}/{{record_id}}", f"/api/{name}/{{record_id}}/history"):
            rows.append((template, template.replace("{record_id}", "999999"), only(set())))
    rows += [
        ("/talent/me", "/talent/me", MEMBERS),
        ("/talent/steps", "/talent/steps", MEMBERS),
        ("/api/talent/cards/{card_id}", "/api/talent/cards/999999", only(set())),
        ("/api/talent/applications/{application_id}", "/api/talent/applications/999999", only(set())),
        ("/api/talent/subsidy-totals", "/api/talent/subsidy-totals", MEMBERS),
    ]
    # ── end of talent services ────────────────────────────────────────────────────────────────────────────────
    return rows


# State-changing routes: checked by the workflow and CSRF tests (tests/web/test_workflow.py, test_security.py).
POST_ROUTES = {
    "/login", "/logout", "/account/password", "/account/tokens", "/account/tokens/{token_id}/revoke", "/import",
    "/import/confirm", "/demands/{demand_id}/transition", "/demands/{demand_id}/claims",
    "/projects/{project_id}/stage", "/api/demands/{demand_id}/transition", "/api/demands/{demand_id}/claims",
    "/api/projects/{project_id}/stage", "/api/reports", "/api/reports/{record_id}/accept",
    "/api/reports/figures/{record_id}/review", "/reports/upload", "/reports/{record_id}/accept",
    "/reports/figures/{record_id}/review",
}
# ── matching feedback (已对接/不合适): checked by tests/web/test_match_page.py ─────────────────────────────────────
POST_ROUTES |= {"/match/feedback", "/api/match/feedback"}
# ── closed loop (projects area): checked by tests/web/test_loop_forms.py ─────────────────────────────────────
POST_ROUTES |= {
    "/agreements/new", "/agreements/{agreement_id}/projects", "/projects/{project_id}/milestones",
    "/projects/milestones/{milestone_id}/complete", "/projects/{project_id}/funds",
    "/projects/funds/{fund_id}/correct", "/projects/{project_id}/dispatch-meetings",
    "/api/agreements", "/api/projects", "/api/projects/{project_id}/milestones",
    "/api/projects/milestones/{milestone_id}/complete", "/api/projects/{project_id}/funds",
    "/api/projects/funds/{fund_id}/correct", "/api/projects/{project_id}/dispatch-meetings",
}
# ── end of closed loop ────────────────────────────────────────────────────────────────────────────────────────

# ── orders (点单派单): checked by tests/web/test_orders.py ────────────────────────────────────────────────────
POST_ROUTES |= {
    "/orders/new", "/orders/{order_id}/dispatch", "/orders/{order_id}/respond", "/orders/{order_id}/record",
    "/orders/{order_id}/finish", "/orders/{order_id}/rate", "/orders/{order_id}/cancel",
    "/api/orders", "/api/orders/{order_id}/dispatch", "/api/orders/{order_id}/respond",
    "/api/orders/{order_id}/record", "/api/orders/{order_id}/finish", "/api/orders/{order_id}/rate",
    "/api/orders/{order_id}/cancel",
}
# ── end of orders ─────────────────────────────────────────────────────────────────────────────────────────────

# ── demands: drafting and 揭榜评审, checked by tests/web/test_claim_review.py ──────────────────────────────────────
POST_ROUTES |= {
    "/api/demands", "/api/demands/{demand_id}", "/demands/new", "/demands/{demand_id}/edit",
    *[f"{base}/demands/{{demand_id}}/{step}" for base in ("", "/api") for step in (
        "claims/{claim_id}/screen", "conflict-declarations", "claims/{claim_id}/scores", "shortlist", "selection",
        "claims/{claim_id}/withdraw")],
}
# ── end of demands ────────────────────────────────────────────────────────────────────────────────────────────

# ── accounts (账号管理), checked by tests/web/test_user_admin.py ─────────────────────────────────────────────────
POST_ROUTES |= {"/admin/users", "/admin/users/{user_id}/memberships",
                "/admin/users/{user_id}/memberships/{membership_id}/revoke", "/admin/users/{user_id}/active",
                "/admin/users/{user_id}/password", "/admin/users/{user_id}/unlock"}
# ── end of accounts ───────────────────────────────────────────────────────────────────────────────────────────

# ── talent services (人才服务), checked by tests/web/test_talent_pages.py and tests/talent ───────────────────────────
POST_ROUTES |= {
    "/talent/cards/apply", "/talent/cards/{card_id}/decide", "/talent/applications", "/talent/steps/{step_id}/answer",
    *[f"/api/talent/{p}" for p in (
        "talents", "cards", "cards/{card_id}/issue", "cards/{card_id}/refuse", "cards/{card_id}/renew",
        "cards/{card_id}/revoke", "benefits", "applications", "steps/{step_id}/answer",
        "apartments/{apartment_id}/units", "allocations", "allocations/{allocation_id}/check-out", "subsidies",
        "subsidies/{grant_id}/payments", "internship-posts", "internships")],
}
# ── end of talent services ────────────────────────────────────────────────────────────────────────────────────


def api_routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every API route of the app with its full path, also inside included routers (FastAPI ≥ 0.16x keeps an
    included router as one entry of ``app.routes``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes, prefix + route.include_context.prefix)


def test_every_route_is_in_the_matrix(app, world: World) -> None:  # type: ignore[no-untyped-def]
    covered = {template for template, _, _ in matrix(world)}
    seen = list(api_routes(app.routes))
    assert len(seen) > 60 and any(path == "/demands/{record_id}" for path, _ in seen)
    for path, route in seen:
        if "GET" in route.methods:
            assert path in covered, f"GET {path} has no row in the access matrix"
        else:
            assert path in POST_ROUTES, f"{route.methods} {path} is not covered by a test"


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(persona: str, login: Callable[[str], TestClient], world: World) -> None:
    c = login(persona)
    wrong = []
    for _template, path, expected in matrix(world):
        r = c.get(path, follow_redirects=False)
        if r.status_code != expected[persona]:
            wrong.append(f"{path}: {r.status_code} (expected {expected[persona]})")
        if path.startswith("/api/") and r.status_code >= 400:
            body = r.json()
            assert set(body) == {"error", "detail"}, (path, body)
        assert r.status_code < 500, (path, r.text[:300])
    assert not wrong, f"{persona}: " + "; ".join(wrong)


def test_anonymous_gets_nothing(client: TestClient, world: World) -> None:
    public = {"/login", "/healthz", "/api/openapi.json", "/api/docs", "/api/docs/openapi.json", "/favicon.ico"}
    for _template, path, _expected in matrix(world):
        r = client.get(path, follow_redirects=False)
        if path in public:
            assert r.status_code in (200, 204), path
        elif path.startswith("/api/"):
            assert r.status_code == 401 and r.json()["error"] == "not_authenticated", path
        else:
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path


def test_project_stage_is_for_the_office_of_the_region(login: Callable[[str], TestClient], world: World) -> None:
    from .conftest import csrf_for

    for persona, expected in (("enterprise", NO), ("university", NO), ("outsider", NO), ("hejin", OK)):
        c = login(persona)
        r = c.post(f"/api/projects/{world.project_id}/stage", json={"to": "started", "reached_on": "2024-07-01"},
                   headers={"X-CSRF-Token": csrf_for(c)})
        assert r.status_code == expected, (persona, r.text)
    assert r.json()["stage"] == "started"
    c = login("hejin")
    r = c.post(f"/api/projects/{world.other_project_id}/stage", json={"to": "started"},
               headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == GONE  # 太原's project lies outside 河津's scope
