"""Browser end-to-end (headless Chromium via Playwright): the main stories as a person clicks through them, on a
desktop and on a phone-sized screen. Screenshots go to docs/screenshots/.

Skipped when /usr/bin/chromium or the playwright package is missing (no browser is ever downloaded).
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Xiaodi2025e2e"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on 127.0.0.1 over a fresh SQLite ledger with one story's data."""
    import uvicorn
    from sqlalchemy import select

    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.bootstrap import init_database
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine, transaction
    from xiaodi.core.settings import Settings
    from xiaodi.demands import service as demands
    from xiaodi.directory.models import Organisation, OrgKind, Region
    from xiaodi.directory.service import create_organisation
    from xiaodi.projects import service as projects
    from xiaodi.web.app import create_app

    folder = tmp_path_factory.mktemp("e2e")
    engine = make_engine(f"sqlite:///{folder / 'e2e.db'}")
    init_database(engine)
    actor = Actor.system("e2e")
    with transaction(engine) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        ent = create_organisation(s, actor=actor, kind=OrgKind.ENTERPRISE, name="山西河津示例铝业有限公司",
                                  region_id=hejin.id, contact_phone="13912345678")
        demands.create_demand(s, actor=actor, owner_id=ent.id, title="再生铝除杂提纯技术攻关", kind="technology",
                              description="提高再生铝锭纯度至99.7%以上", budget=Decimal("800000"))
        agreement = projects.create_agreement(
            s, actor=actor, title="再生铝技术开发合同", kind="tech_development", signed_on=dt.date(2024, 5, 10),
            amount=Decimal("1200000"), region_id=hejin.id,
            parties=[projects.PartySpec(organisation_id=ent.id, name=ent.name, role="party_a"),
                     projects.PartySpec(organisation_id=uni.id, name=uni.name, role="party_b")])
        p = projects.create_project(s, actor=actor, name="再生铝提纯中试线", agreement_id=agreement.id,
                                    region_id=hejin.id, partner_id=uni.id, enterprise_id=ent.id,
                                    pledged_amount=Decimal("5000000"))
        projects.add_milestone(s, actor=actor, project_id=p.id, title="中试线开工", due_on=dt.date(2024, 6, 30))
        accounts.create_user(s, actor=actor, username="enterprise", display_name="张经理", password=PASSWORD,
                             role=Role.ENTERPRISE, organisation_id=ent.id)
        accounts.create_user(s, actor=actor, username="hejin", display_name="王敏", password=PASSWORD,
                             role=Role.COUNTY_OFFICE, region_id=hejin.id)
        accounts.create_user(s, actor=actor, username="university", display_name="李老师", password=PASSWORD,
                             role=Role.UNIVERSITY, organisation_id=uni.id)
    app = create_app(engine, settings=Settings(data_dir=folder, secret_key="e2e-secret-key-0123456789"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _login(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/")  # type: ignore[attr-defined]


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_demand_story_in_the_browser(server: str, browser: object) -> None:
    """An enterprise submits its demand; the county office reviews and publishes it; a university claims it."""
    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, "enterprise")
    _shot(page, "dashboard-enterprise")
    page.click("text=需求清单")
    page.click("text=再生铝除杂提纯技术攻关")
    _shot(page, "demand-draft")
    page.click("button:has-text('提交审核')")
    assert "已提交审核" in page.content()
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, "hejin")
    _shot(page, "dashboard-county-office")
    page.goto(f"{server}/demands?state=submitted")
    page.click("text=再生铝除杂提纯技术攻关")
    page.click("button:has-text('审核通过')")
    page.click("button:has-text('发榜')")
    assert "已发榜" in page.content()
    _shot(page, "demand-published")
    page.goto(f"{server}/projects")
    page.click("text=再生铝提纯中试线")
    _shot(page, "project-detail")
    ctx.close()

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,  # type: ignore[attr-defined]
                              locale="zh-CN")
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, "university")
    page.click("button.nav-toggle")
    page.click("#mainnav >> text=需求清单")
    _shot(page, "phone-demand-list")
    page.click("text=再生铝除杂提纯技术攻关")
    page.fill("textarea[name=approach]", "材料学院团队采用熔体过滤与精炼联合工艺")
    page.fill("input[name=budget]", "60万元")
    page.click("button:has-text('提交揭榜方案')")
    assert "揭榜方案已提交" in page.content()
    _shot(page, "phone-demand-claimed")
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    ctx.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_api_docs_render_offline(server: str, browser: object) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = ctx.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    page.goto(f"{server}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    _shot(page, "api-docs")
    assert not outside, outside
    ctx.close()
