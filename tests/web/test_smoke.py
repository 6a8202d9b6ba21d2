"""The application starts, answers /healthz, serves its docs locally and sends its security headers."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_healthz_and_headers(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]


def test_docs_are_served_locally(client: TestClient) -> None:
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200 and "/api/demands" in schema.json()["paths"]
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
    for src in ("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css", "/static/docs.js"):
        assert src in page.text
        assert client.get(src).status_code == 200
    assert "<script>" not in page.text  # no inline script


def test_the_api_docs_lead_back_to_the_platform(client: TestClient) -> None:
    page = client.get("/api/docs").text
    assert '<a class="xiaodi-home" href="/">← 返回校地合作平台</a>' in page


def test_pages_use_no_remote_assets(login) -> None:  # type: ignore[no-untyped-def]
    c = login("province")
    for path in ("/", "/demands", "/login"):
        html = c.get(path).text
        assert not re.search(r'(src|href|action)="(https?:)?//', html)
        assert "<script>" not in html and " style=" not in html
    css = c.get("/static/app.css").text
    assert "@import" not in css and "url(http" not in css and "Microsoft YaHei" in css


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    r = client.get("/demands", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = client.get("/api/demands")
    assert r.status_code == 401 and r.json()["error"] == "not_authenticated"


def test_unknown_api_route_is_json(client: TestClient) -> None:
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json() == {"error": "not_found", "detail": "页面不存在"}
    r = client.get("/nothing-here")
    assert r.status_code == 404 and "找不到" in r.text


def test_readiness_says_whether_the_schema_is_the_codes(client, session) -> None:  # type: ignore[no-untyped-def]
    """A load balancer sends traffic to a node only when its database answers with the schema the code expects."""
    from sqlalchemy import text

    assert client.get("/readyz").json() == {"status": "ready"}
    session.execute(text("update alembic_version set version_num = 'older'"))
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["status"] == "schema_outdated" and r.json()["database"] == ["older"]
