"""The access matrix: every role × every page and API route — allowed (200), forbidden (403), or 404 outside the
user's scope. A route added to the app without a row here fails ``test_every_route_is_in_the_matrix``; every
state-changing route is also tried by every persona without the right, and must change nothing
(``test_no_persona_changes_what_it_has_no_right_to``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from .conftest import PERSONAS, World

OK, NO, GONE = 200, 403, 404
MEMBERS = {p: OK for p in PERSONAS if p != "outsider"} | {"outsider": NO}
LISTS = ("demands", "claims", "orders", "agreements", "projects", "bases", "events", "organisations", "experts",
         "achievements", "platforms", "secondments", "contacts")


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
        ("secondments", 999_999, set()),
        ("contacts", 999_999, set()),
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
        # 调度清单: the same rule of whose work it is (dispatch.access, on figures.access)
        ("/dispatch", "/dispatch", MEMBERS),
        ("/dispatch/export.xlsx", "/dispatch/export.xlsx", MEMBERS),
        ("/api/dispatch", "/api/dispatch", MEMBERS),
        ("/dispatch", f"/dispatch?region={w.taiyuan.code}", only({"province", "admin"}) | unit_refused),
        ("/api/dispatch", f"/api/dispatch?region={w.taiyuan.code}", only({"province", "admin"}) | unit_refused),
        ("/import", "/import", only(everyone_office, NO)),
        ("/import/template/{table}.xlsx", "/import/template/demands.xlsx", only(everyone_office, NO)),
        ("/api/demands/{demand_id}/steps", f"/api/demands/{w.demand_id}/steps", only(set(PERSONAS))),
        ("/api/demands/{demand_id}/claims", f"/api/demands/{w.other_demand_id}/claims", only({"province", "admin"})),
        ("/api/demands/{demand_id}/candidates", f"/api/demands/{w.demand_id}/candidates",
         only(choosers) | {"university": NO}),
        ("/login", "/login", {p: 303 for p in PERSONAS}),  # logged in: straight to the dashboard
        ("/healthz", "/healthz", {p: OK for p in PERSONAS}),
        ("/readyz", "/readyz", {p: OK for p in PERSONAS}),
        ("/api/openapi.json", "/api/openapi.json", {p: OK for p in PERSONAS}),
        ("/api/docs", "/api/docs", {p: OK for p in PERSONAS}),
        ("/api/docs/openapi.json", "/api/docs/openapi.json", {p: OK for p in PERSONAS}),
        ("/favicon.ico", "/favicon.ico", {p: 204 for p in PERSONAS}),
        ("/api/match", "/api/match?text=铝合金材料&target=university&top=3", MEMBERS),
        ("/match", "/match", MEMBERS),
        # 成果推介 of an achievement: who sees it is tested in tests/web/test_match_page.py
        ("/api/match/achievements/{achievement_id}", "/api/match/achievements/999999", only(set())),
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
    # ── events, contacts and the inbox: checked by tests/events/test_events_web.py ──────────────────────────
    # Registering events and contacts is for offices, lead units and administrators (others 403 before any
    # lookup); the contact counts are office figures; every account, with or without a role, has an inbox.
    rows += [
        ("/events/new", "/events/new", only(everyone_office, NO)),
        ("/contacts/new", "/contacts/new", only(everyone_office, NO)),
        ("/api/events/{event_id}/outcomes", "/api/events/999999/outcomes", only(set())),
        ("/api/contact-counts", "/api/contact-counts", only(everyone_office, NO)),
        ("/inbox", "/inbox", {p: OK for p in PERSONAS}),
        ("/inbox/{notification_id}", "/inbox/999999", {p: GONE for p in PERSONAS}),
        ("/api/notifications", "/api/notifications", {p: OK for p in PERSONAS}),
    ]
    # ── end of events ─────────────────────────────────────────────────────────────────────────────────────────
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
    # ── background jobs (后台任务): the administrator's list; a job's page only for who started it (or the
    # administrator); checked by tests/web/test_jobs_pages.py ─────────────────────────────────────────────────
    rows += [
        ("/admin/jobs", "/admin/jobs", only({"admin"}, NO)),
        ("/jobs/{run_id}", "/jobs/999999", only(set())),
        ("/jobs/{run_id}/download", "/jobs/999999/download", only(set())),
        ("/api/jobs", "/api/jobs", only({"admin"}, NO)),
        ("/api/jobs/{run_id}", "/api/jobs/999999", only(set())),
    ]
    # ── end of background jobs ────────────────────────────────────────────────────────────────────────────────
    # ── 专项考核 and 工作简报: offices (and lead units) only; checked by tests/web/test_assessment_pages.py ──────────
    offices_only = only(everyone_office, NO)
    missing = only(set(), NO) | {p: GONE for p in everyone_office}
    rows += [
        ("/assessment", "/assessment", offices_only),
        ("/assessment/new", "/assessment/new", offices_only),
        ("/assessment/sets/{set_id}", "/assessment/sets/999999", missing),
        ("/assessment/periods/{period_id}", "/assessment/periods/999999", missing),
        ("/assessment/periods/{period_id}/export.xlsx", "/assessment/periods/999999/export.xlsx", missing),
        ("/api/assessment/periods", "/api/assessment/periods", offices_only),
        ("/api/assessment/periods/{period_id}", "/api/assessment/periods/999999", missing),
        ("/api/assessment/sets/{set_id}/trend", "/api/assessment/sets/999999/trend", missing),
        ("/figures/briefing.docx", "/figures/briefing.docx?year=2025", offices_only),
        ("/figures/briefing.xlsx", "/figures/briefing.xlsx?year=2025", offices_only),
        ("/figures/briefing.docx", f"/figures/briefing.docx?year=2025&region={w.taiyuan.code}",
         only({"province", "admin"}) | unit_refused),
        ("/api/briefing.docx", "/api/briefing.docx?year=2025", offices_only),
        ("/api/briefing.xlsx", "/api/briefing.xlsx?year=2025", offices_only),
        # the API names a region by its public code: outside the county office's it is refused (403), not hidden
        ("/api/briefing.docx", f"/api/briefing.docx?year=2025&region={w.taiyuan.code}",
         only({"province", "admin"}, NO)),
    ]
    # ── end of 专项考核 ────────────────────────────────────────────────────────────────────────────────────────
    # ── bases (12大基地, 1+1+N): checked by tests/bases/test_web_bases.py ──────────────────────────────────────────
    for name in ("pairings", "duties"):
        rows += [(f"/{name}", f"/{name}", MEMBERS), (f"/{name}/export.xlsx", f"/{name}/export.xlsx", MEMBERS),
                 (f"/api/{name}", f"/api/{name}", MEMBERS),
                 (f"/{name}/{{record_id}}", f"/{name}/999999", only(set())),
                 (f"/api/{name}/{{record_id}}/history", f"/api/{name}/999999/history", only(set()))]
    rows += [
        ("/bases/new", "/bases/new", MEMBERS),
        ("/base-types", "/base-types", MEMBERS),
        ("/pairings/new", "/pairings/new", only(everyone_office, NO)),
        ("/leaders", "/leaders", MEMBERS),
        ("/api/base-types", "/api/base-types", MEMBERS),
        ("/api/base-figures", "/api/base-figures", MEMBERS),
        ("/api/leaders", "/api/leaders", MEMBERS),
        ("/api/bases/{base_id}/activities", "/api/bases/999999/activities", only(set())),
        ("/bases/{base_id}/edit", "/bases/999999/edit", only(set())),  # checked by tests/bases/test_base_edit.py
        ("/api/pairings/{pairing_id}", "/api/pairings/999999", only(set())),
        ("/api/duties/{duty_id}", "/api/duties/999999", only(set())),
    ]
    # ── end of bases ──────────────────────────────────────────────────────────────────────────────────────────

    # ── intents (合作意向) and programme money (经费预算), checked by tests/intents and tests/budgets ─────────────
    # Intents: every member opens the list (a unit sees those it is party to); recording is office work.
    # Money: offices only, refused before any lookup.
    for name in ("intents", "budgets"):
        lists = MEMBERS if name == "intents" else only(everyone_office, NO)
        missing = only(set()) if name == "intents" else only(set(), NO) | {p: GONE for p in everyone_office}
        rows += [(f"/{name}", f"/{name}", lists), (f"/{name}/export.xlsx", f"/{name}/export.xlsx", lists),
                 (f"/api/{name}", f"/api/{name}", lists), (f"/{name}/new", f"/{name}/new", only(everyone_office, NO))]
        rows += [(f"{base}/{name}/{{record_id}}{tail}", f"{base}/{name}/999999{tail}", missing)
                 for base, tail in (("", ""), ("/api", ""), ("/api", "/history"))]
    rows += [("/api/figures/intents", "/api/figures/intents", only(everyone_office, NO)),
             ("/api/figures/budgets", "/api/figures/budgets", only(everyone_office, NO))]
    # ── end of intents and money ──────────────────────────────────────────────────────────────────────────────
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
        # apartments and subsidies: every member opens them and sees what its scope holds (an office its region's,
        # a talent their own stay and subsidies, others nothing); the forms are the offices'
        ("/talent/apartments", "/talent/apartments", MEMBERS),
        ("/talent/subsidies", "/talent/subsidies", MEMBERS),
        ("/api/talent/apartments", "/api/talent/apartments", MEMBERS),
        ("/api/talent/allocations", "/api/talent/allocations", MEMBERS),
        ("/api/talent/subsidies", "/api/talent/subsidies", MEMBERS),
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
POST_ROUTES |= {"/match/feedback", "/api/match/feedback", "/api/match/prepare"}
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
        "reviewers",
        "claims/{claim_id}/withdraw")],
}
# ── end of demands ────────────────────────────────────────────────────────────────────────────────────────────

# ── accounts (账号管理), checked by tests/web/test_user_admin.py ─────────────────────────────────────────────────
POST_ROUTES |= {"/admin/users", "/admin/users/{user_id}/memberships",
                "/admin/users/{user_id}/memberships/{membership_id}/revoke", "/admin/users/{user_id}/active",
                "/admin/users/{user_id}/password", "/admin/users/{user_id}/unlock"}
# ── end of accounts ───────────────────────────────────────────────────────────────────────────────────────────

# ── 专项考核: checked by tests/web/test_assessment_pages.py ─────────────────────────────────────────────────────
POST_ROUTES |= {
    "/assessment/new", "/assessment/sets/{set_id}/periods", "/assessment/periods/{period_id}/score",
    "/assessment/periods/{period_id}/publish", "/assessment/periods/{period_id}/evidence",
    "/assessment/evidence/{evidence_id}/check", "/assessment/periods/{period_id}/appeals",
    "/assessment/appeals/{appeal_id}/answer",
    "/api/assessment/sets", "/api/assessment/sets/{set_id}/periods", "/api/assessment/periods/{period_id}/score",
    "/api/assessment/periods/{period_id}/publish", "/api/assessment/periods/{period_id}/evidence",
    "/api/assessment/evidence/{evidence_id}/check", "/api/assessment/periods/{period_id}/appeals",
    "/api/assessment/appeals/{appeal_id}/answer",
}
# ── end of 专项考核 ────────────────────────────────────────────────────────────────────────────────────────────
# ── 工作简报 as a background job: offices only, checked by tests/web/test_jobs_pages.py ──────────────────────────
POST_ROUTES |= {"/figures/briefing/jobs", "/exports"}
# ── an administrator retries or cancels a job: checked by tests/web/test_jobs_pages.py ─────────────────────────────
POST_ROUTES |= {"/jobs/{run_id}/retry", "/jobs/{run_id}/cancel",
                "/api/jobs/{run_id}/retry", "/api/jobs/{run_id}/cancel"}
# ── bases (12大基地, 1+1+N), checked by tests/bases/test_web_bases.py and test_browser_bases.py ───────────────────
POST_ROUTES |= {"/bases/new", "/bases/{base_id}/steps", "/bases/{base_id}/activities", "/base-types",
                "/bases/{base_id}/edit",
                "/base-types/{type_id}", "/pairings/new", "/pairings/{pairing_id}", "/pairings/{pairing_id}/duties",
                "/duties/{duty_id}/reports", "/duties/{duty_id}/dispatch", "/api/duties/{duty_id}/dispatch",
                "/leaders", "/api/base-types", "/api/base-types/{type_id}", "/api/bases",
                "/api/bases/{base_id}", "/api/bases/{base_id}/steps", "/api/bases/{base_id}/activities",
                "/api/pairings", "/api/pairings/{pairing_id}", "/api/pairings/{pairing_id}/duties",
                "/api/duties/{duty_id}/reports", "/api/leaders"}
# ── end of bases ──────────────────────────────────────────────────────────────────────────────────────────────
# ── events, contacts and the inbox: checked by tests/events/test_events_web.py ─────────────────────────────────
POST_ROUTES |= {
    "/events/new", "/events/{event_id}/participants", "/events/{event_id}/outcomes", "/events/{event_id}/agreements",
    "/events/{event_id}/agreements/new", "/events/{event_id}/secondments", "/contacts/new", "/inbox/read",
    "/api/events", "/api/events/{event_id}/participants", "/api/events/{event_id}/outcomes",
    "/api/events/{event_id}/agreements", "/api/secondments", "/api/contacts", "/api/notifications/read",
}
# ── end of events ─────────────────────────────────────────────────────────────────────────────────────────────


# ── intents and programme money: checked by tests/intents/test_intents.py and tests/budgets/test_budgets.py ────
POST_ROUTES |= {"/intents/new", "/intents/{intent_id}/convert", "/intents/{intent_id}/close", "/api/intents",
                "/api/intents/{intent_id}", "/api/intents/{intent_id}/convert", "/api/intents/{intent_id}/close",
                "/budgets/new", "/budgets/{line_id}/allocations", "/budgets/allocations/{allocation_id}/withdraw",
                "/api/budgets", "/api/budgets/{line_id}/allocations", "/intents/{intent_id}/edit",
                "/budgets/{line_id}/edit", "/api/budgets/{line_id}"}
# ── end of intents and money ──────────────────────────────────────────────────────────────────────────────────
# ── talent services (人才服务), checked by tests/web/test_talent_pages.py and tests/talent ───────────────────────────
POST_ROUTES |= {
    "/talent/cards/apply", "/talent/cards/{card_id}/decide", "/talent/applications", "/talent/steps/{step_id}/answer",
    *[f"/api/talent/{p}" for p in (
        "talents", "cards", "cards/{card_id}/issue", "cards/{card_id}/refuse", "cards/{card_id}/renew",
        "cards/{card_id}/revoke", "benefits", "applications", "steps/{step_id}/answer",
        "apartments/{apartment_id}/units", "allocations", "allocations/{allocation_id}/check-out", "subsidies",
        "subsidies/{grant_id}/payments", "internship-posts", "internships", "apartments")],
    # apartments and subsidies on the pages (tests/web/test_talent_support_pages.py)
    "/talent/apartments/new", "/talent/apartments/allocate", "/talent/apartments/{apartment_id}/units",
    "/talent/allocations/{allocation_id}/check-out", "/talent/subsidies/decide", "/talent/subsidies/{grant_id}/pay",
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
    public = {"/login", "/healthz", "/readyz", "/api/openapi.json", "/api/docs", "/api/docs/openapi.json",
              "/favicon.ico"}
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


# ── every state-changing route, by behaviour ──────────────────────────────────────────────────────────────────
# Each POST route of the app (enumerated from ``app.routes``, so a new route is covered the day it is added) is
# tried by each persona against records that persona may not change: 太原's demand, project, agreement, order,
# milestone and funds (outside 河津's office, the 河津 enterprise and 山西大学), another account's token, a user
# administered only by the administrator. The answer must be a refusal (403, or 404 where existence must not
# leak) and nothing may change: no audit entry is written (every write is audited) and no table gains, loses or
# re-versions a row.

# The user's own account and inbox (every account has one, with or without a role).
ACCOUNT_ROUTES = {"/login", "/logout", "/account/password", "/account/tokens", "/inbox/read", "/api/notifications/read"}
ADMIN_ONLY = "/admin/"
# Routes that create a record in no one's scope yet: refused by role (403) for the roles that never do this work.
ROLE_REFUSED: dict[str, set[str]] = {
    "/agreements/new": {"enterprise", "university"},
    "/api/agreements": {"enterprise", "university"},
    "/api/projects": {"enterprise", "university"},
    "/import": {"enterprise", "university"},
    "/import/confirm": {"enterprise", "university"},
    "/api/reports": {"enterprise", "university"},
    "/reports/upload": {"enterprise", "university"},
    "/figures/briefing/jobs": {"enterprise", "university"},
    "/orders/new": {"university"},
    "/api/orders": {"university"},
    "/talent/apartments/allocate": {"enterprise", "university"},  # office work (talent.access)
    "/talent/subsidies/decide": {"enterprise", "university"},
}
# A body that every form and JSON model of the app accepts the fields of (extra fields are ignored), so that a
# refusal is the access rule's and not a validation error's.
FIELDS: dict[str, Any] = {
    "step": "withdraw", "reason": "测试", "title": "越权测试", "kind": "technology", "to": "started",
    "reached_on": "2024-07-01", "approach": "越权方案", "passed": True, "comment": "越权", "has_conflict": False,
    "statement": "无", "accept": True, "served_on": "2024-07-01", "summary": "越权", "rating": 5,
    "amount": "1000", "arrived_on": "2024-07-01", "due_on": "2024-07-01", "done_on": "2024-07-01",
    "held_on": "2024-07-01", "name": "越权", "target": "university", "verdict": "contacted", "record_id": 1,
    "current_password": "x", "new_password": "Xiaodi2025new!", "username": "intruder", "display_name": "越权",
    "password": "Xiaodi2025test", "role": "admin", "active": "0", "parties": [],
    "finalist_ids": [999_999], "feedback": {}, "scores": {}, "description": "越权", "claim_id": 999_999,
    "decisions": [{"decision": "越权"}], "decision": "reject", "table": "demands", "assignee": "team:999999",
    "upload_id": "越权", "party_role": "party_a", "party_name": "越权甲方", "party_org": "",
}
FIELDS_OF: dict[str, dict[str, Any]] = {
    "/api/agreements": {"kind": "tech_development", "parties": [{"role": "party_a", "name": "越权甲方"},
                                                                {"role": "party_b", "name": "越权乙方"}]},
    "/api/orders": {"kind": "consulting"}, "/orders/new": {"kind": "consulting"},
    "/api/demands/{demand_id}/reviewers": {"reviewer_user_id": 999_999},
    "/demands/{demand_id}/reviewers": {"reviewer_user_id": "999999"},
    # the areas of bases, assessment, events, talent, intents and budgets: a valid body, so the access rule answers
    "/api/intents/{intent_id}/convert": {"agreement_id": 999_999},
    "/api/budgets/{line_id}": {"kind": "other"},
    "/api/budgets/{line_id}/allocations": {"paid_on": "2024-07-01", "target": "other"},
    "/api/bases/{base_id}/activities": {"kind": "internship"},
    "/bases/{base_id}/edit": {"base_type_id": "1"},
    "/api/pairings/{pairing_id}/duties": {"unit_id": 999_999},
    "/pairings/{pairing_id}/duties": {"unit_id": "999999"},
    "/api/duties/{duty_id}/reports": {"note": "越权"}, "/duties/{duty_id}/reports": {"note": "越权"},
    "/api/duties/{duty_id}/dispatch": {"decisions": [{"milestone_id": 999_999, "decision": "越权"}]},
    "/duties/{duty_id}/dispatch": {"milestone_id": ["999999"], "decision": ["越权"], "new_due_on": [""]},
    "/api/events/{event_id}/participants": {"role": "guest"},
    "/api/events/{event_id}/outcomes": {"metric": "positions", "value": 1},
    "/events/{event_id}/outcomes": {"metric": "positions", "value": "1"},
    "/events/{event_id}/agreements": {"agreement": "999999"},
    "/events/{event_id}/agreements/new": {"party_a": "越权甲方", "party_b": "越权乙方"},
    "/events/{event_id}/secondments": {"person_name": "越权", "unit": "越权", "post": "越权",
                                       "starts_on": "2024-07-01"},
    "/api/events/{event_id}/agreements": {"agreement_id": 999_999},
    "/api/assessment/sets/{set_id}/periods": {"starts_on": "2024-01-01", "ends_on": "2024-12-31"},
    "/assessment/sets/{set_id}/periods": {"starts_on": "2024-01-01", "ends_on": "2024-12-31"},
    "/assessment/periods/{period_id}/evidence": {"subject": "999999", "indicator_id": "999999", "value": "1",
                                                 "evidence": "越权"},
    "/assessment/appeals/{appeal_id}/answer": {"answer": "越权"},
    "/talent/cards/{card_id}/decide": {"action": "revoke"},
    "/api/assessment/periods/{period_id}/evidence": {"indicator_id": 999_999, "value": "1", "evidence": "越权"},
    "/api/assessment/appeals/{appeal_id}/answer": {"uphold": False, "answer": "越权"},
    "/api/talent/steps/{step_id}/answer": {"approve": False},
    "/api/talent/apartments/{apartment_id}/units": {"unit_no": "101"},
    "/api/talent/allocations/{allocation_id}/check-out": {"on": "2024-07-01"},
    "/api/talent/subsidies/{grant_id}/payments": {"period": "2024-07", "paid_on": "2024-07-01"},
    "/talent/apartments/allocate": {"apartment_id": "999999", "unit_no": "101", "talent": "越权",
                                    "from_on": "2024-07-01"},
    "/talent/apartments/{apartment_id}/units": {"unit_no": "101"},
    "/talent/allocations/{allocation_id}/check-out": {"on": "2024-07-01"},
    "/talent/subsidies/decide": {"talent": "越权", "rule": "living"},
    "/talent/subsidies/{grant_id}/pay": {"period": "2024-07"},
}
UPLOADS = {"/import", "/api/reports", "/reports/upload"}  # multipart: the file is part of the request


def refusal(r: Any) -> bool:
    """403 or 404 — or a rule of the route that refuses in its own words with 422 (an office account answering
    a demand: 只有高校或院所账号可以揭榜), which is no parameter error (参数校验失败)."""
    if r.status_code in (NO, GONE):
        return True
    return r.status_code == 422 and "参数校验失败" not in r.text


@dataclass
class Targets:
    """Records of 太原 (outside the scope of 河津's office, enterprise and university) and of other accounts."""

    ids: dict[str, int]
    protected_user: int


def targets(session: Any, world: World, personas: dict[str, int]) -> Targets:
    from decimal import Decimal

    from xiaodi.accounts import service as accounts
    from xiaodi.orders import service as orders
    from xiaodi.projects import service as projects

    from .conftest import ACTOR

    milestone = projects.add_milestone(session, actor=ACTOR, project_id=world.other_project_id, title="太原节点",
                                       due_on=dt.date(2024, 9, 1))
    fund = projects.record_funds(session, actor=ACTOR, project_id=world.other_project_id, amount=Decimal(1000),
                                 arrived_on=dt.date(2024, 9, 1))
    agreement = projects.create_agreement(
        session, actor=ACTOR, title="太原焊接协议", kind="tech_development", region_id=world.taiyuan.id,
        parties=[projects.PartySpec(organisation_id=world.other_enterprise.id, name=world.other_enterprise.name,
                                    role="party_a"),
                 projects.PartySpec(organisation_id=None, name="太原某研究院", role="party_b")])
    order = orders.place_order(session, actor=ACTOR, enterprise_id=world.other_enterprise.id, title="太原焊接诊断")
    token = accounts.create_api_token(session, actor=ACTOR, user_id=personas["admin"], name="管理员令牌")
    session.flush()
    ids = {"demand_id": world.other_demand_id, "project_id": world.other_project_id, "milestone_id": milestone.id,
           "fund_id": fund.id, "agreement_id": agreement.id, "order_id": order.id, "token_id": token.token.id,
           "record_id": 999_999, "claim_id": 999_999, "user_id": personas["admin"], "membership_id": 999_999}
    return Targets(ids=ids, protected_user=personas["admin"])


def ledger_state(session: Any) -> dict[str, tuple[int, int]]:
    """Every table's row count and the sum of its versions (an edit bumps a version)."""
    from sqlalchemy import func, select

    from xiaodi.models import Base

    state = {}
    for table in Base.metadata.sorted_tables:
        version = func.coalesce(func.sum(table.c.version), 0) if "version" in table.c else 0
        count, versions = session.execute(select(func.count(), version).select_from(table)).one()
        state[table.name] = (int(count), int(versions))
    return state


def refused_posts(persona: str, app: Any, targets: Targets) -> Iterator[tuple[str, str, str]]:
    """(method, route template, concrete path) of every state-changing route ``persona`` must be refused on."""
    for template, route in api_routes(app.routes):
        if "GET" in route.methods or template in ACCOUNT_ROUTES:
            continue
        params = [p.split("}")[0] for p in template.split("{")[1:]]
        if template == "/account/tokens/{token_id}/revoke" or template.startswith(ADMIN_ONLY):
            refused = persona != "admin"  # the administrator's token; the administration of accounts
        elif persona == "outsider":
            refused = True  # an account without a role changes nothing
        elif persona in ("admin", "province"):
            refused = False  # 太原 lies in the province office's scope
        elif not params:
            refused = persona in ROLE_REFUSED.get(template, set())
        else:
            refused = True  # a record of 太原
        if refused:
            path = template
            for name in params:
                # A parameter of an area without a 太原 record here names no record: refused as absent, unchanged.
                path = path.replace("{" + name + "}", str(targets.ids.get(name, 999_999)))
            yield sorted(route.methods)[0], template, path


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_changes_what_it_has_no_right_to(  # type: ignore[no-untyped-def]
    persona: str, login: Callable[[str], TestClient], app, session, world: World, personas: dict[str, int]
) -> None:
    from sqlalchemy import func, select

    from xiaodi.core.audit import AuditEntry

    from .conftest import csrf_for

    goals = targets(session, world, personas)
    c = login(persona)
    token = csrf_for(c)
    before = ledger_state(session)
    tried, wrong = 0, []
    for method, template, path in refused_posts(persona, app, goals):
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
        body = FIELDS | FIELDS_OF.get(template, {})
        form = {k: v for k, v in body.items() if not isinstance(v, list | dict)} | {"csrf_token": token}
        if template in UPLOADS:
            r = c.request(method, path, data=form, files={"file": ("越权.txt", "越权上传".encode(), "text/plain")},
                          headers={"X-CSRF-Token": token}, follow_redirects=False)
        elif template.startswith("/api/"):
            r = c.request(method, path, json=body, headers={"X-CSRF-Token": token}, follow_redirects=False)
        else:
            r = c.request(method, path, data=form, follow_redirects=False)
        tried += 1
        if not refusal(r):
            wrong.append(f"{template}: {r.status_code} {r.text[:120]}")
        if session.scalar(select(func.count()).select_from(AuditEntry)) != audits:
            wrong.append(f"{template}: wrote to the audit trail")
    assert not wrong, f"{persona}: " + "; ".join(wrong)
    assert ledger_state(session) == before
    if persona != "admin":
        assert tried >= 7, f"{persona}: only {tried} routes tried"
