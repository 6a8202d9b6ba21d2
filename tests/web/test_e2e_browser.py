"""Browser end-to-end (headless Chromium via Playwright): the main stories as a person clicks through them, on a
desktop and on a phone-sized screen. Screenshots go to docs/screenshots/.

Skipped when /usr/bin/chromium or the playwright package is missing (no browser is ever downloaded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser import PASSWORD, serving
from tests.browser import login as _login
from tests.browser import shot as _shot
from tests.browser import submit as _submit


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on 127.0.0.1 over a fresh SQLite ledger with one story's data."""
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
    with serving(app) as url:
        yield url
    engine.dispose()


def test_demand_story_in_the_browser(server: str, browser: object) -> None:
    """An enterprise submits its demand; the county office reviews and publishes it; a university claims it."""
    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, "enterprise")
    _shot(page, "dashboard-enterprise")
    _submit(page, "text=需求清单")
    _submit(page, "text=再生铝除杂提纯技术攻关")
    _shot(page, "demand-draft")
    _submit(page, "button:has-text('提交审核')")
    assert "已提交审核" in page.content()
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, "hejin")
    _shot(page, "dashboard-county-office")
    page.goto(f"{server}/demands?state=submitted")
    _submit(page, "text=再生铝除杂提纯技术攻关")
    _submit(page, "button:has-text('审核通过')")
    _submit(page, "button:has-text('发榜')")
    assert "已发榜" in page.content()
    _shot(page, "demand-published")
    page.goto(f"{server}/projects")
    _submit(page, "text=再生铝提纯中试线")
    _shot(page, "project-detail")
    _submit(page, "#mainnav >> text=工作数据")
    page.select_option("select[name=year]", "2024")
    _submit(page, "button:has-text('统计')")
    assert "2024年" in page.content() and "分年度" in page.content()
    _shot(page, "figures-county-office")
    _submit(page, "#mainnav >> text=调度清单")  # before the 调度会: what is late, linked to where it is decided
    assert "中试线开工" in page.content() and "已逾期" in page.content()
    _shot(page, "dispatch-county-office")
    _submit(page, "text=再生铝提纯中试线")
    assert "/projects/" in page.url
    ctx.close()

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,  # type: ignore[attr-defined]
                              locale="zh-CN")
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, "university")
    page.click("button.nav-toggle")
    _submit(page, "#mainnav >> text=需求清单")
    _shot(page, "phone-demand-list")
    _submit(page, "text=再生铝除杂提纯技术攻关")
    page.fill("textarea[name=approach]", "材料学院团队采用熔体过滤与精炼联合工艺")
    page.fill("input[name=budget]", "60万元")
    _submit(page, "button:has-text('提交揭榜方案')")
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
    _shot(page, "api-docs", full_page=False)
    assert not outside, outside
    ctx.close()


def _figure(page: object, label: str) -> str:
    """The value shown on the dashboard for one figure (工作数据), e.g. 签约协议."""
    loc = page.locator(f".figure:has(.figure-label:text-is('{label}')) .figure-value")  # type: ignore[attr-defined]
    return str(loc.first.inner_text())


def _as(browser: object, server: str, username: str, errors: list[str], phone: bool = False) -> tuple[object, object]:
    size = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True} if phone else {
        "viewport": {"width": 1280, "height": 900}}
    ctx = browser.new_context(locale="zh-CN", **size)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, username)
    return ctx, page


def test_the_whole_loop_in_the_browser(server: str, browser: object) -> None:
    """An enterprise writes and submits a new demand; the office reviews and publishes it; a university claims it;
    the office screens, scores, shortlists and selects; signs the agreement, opens the project, records funds;
    the office's dashboard figures change."""
    errors: list[str] = []
    title = "铝灰渣无害化与资源化技术"

    ctx, page = _as(browser, server, "hejin", errors)
    agreements_before, funds_before = _figure(page, "签约协议"), _figure(page, "到位资金")
    ctx.close()  # type: ignore[attr-defined]

    ctx, page = _as(browser, server, "enterprise", errors)
    _submit(page, "#mainnav >> text=需求清单")
    _submit(page, "text=填报需求")
    page.fill("input[name=title]", title)  # type: ignore[attr-defined]
    page.fill("textarea[name=description]", "铝灰渣含氮化铝，需无害化处置并回收氧化铝")  # type: ignore[attr-defined]
    page.fill("input[name=keywords]", "铝灰、无害化、资源化")  # type: ignore[attr-defined]
    page.fill("input[name=budget]", "150万元")  # type: ignore[attr-defined]
    _shot(page, "demand-new")
    _submit(page, "button:has-text('保存')")
    assert "已保存为草稿" in page.content()  # type: ignore[attr-defined]
    _submit(page, "button:has-text('提交审核')")
    ctx.close()  # type: ignore[attr-defined]

    ctx, page = _as(browser, server, "hejin", errors)
    page.goto(f"{server}/demands?state=submitted")  # type: ignore[attr-defined]
    _submit(page, f"text={title}")
    _submit(page, "button:has-text('审核通过')")
    _submit(page, "button:has-text('发榜')")
    demand_url = page.url  # type: ignore[attr-defined]
    ctx.close()  # type: ignore[attr-defined]

    ctx, page = _as(browser, server, "university", errors)
    page.goto(demand_url)  # type: ignore[attr-defined]
    page.fill("textarea[name=approach]", "火法预处理脱氮，湿法回收氧化铝")  # type: ignore[attr-defined]
    page.fill("input[name=budget]", "120万元")  # type: ignore[attr-defined]
    _submit(page, "button:has-text('提交揭榜方案')")
    ctx.close()  # type: ignore[attr-defined]

    ctx, page = _as(browser, server, "hejin", errors)
    page.goto(demand_url)  # type: ignore[attr-defined]
    _submit(page, "#review button[value=pass]")
    assert "通过形式审查" in page.content(), page.content()[-3000:]  # type: ignore[attr-defined]
    _submit(page, "#review button:has-text('提交声明')")
    page.click("#review summary:has-text('打分')")  # type: ignore[attr-defined]
    for field, value in (("技术先进性", "90"), ("实施方案可行性", "85"), ("团队实力", "80"), ("经费合理性", "75")):
        page.fill(f"input[name='score_{field}']", value)  # type: ignore[attr-defined]
    _submit(page, "#review button:has-text('提交评分')")
    assert "加权得分" in page.content()  # type: ignore[attr-defined]
    page.check("#review input[name=finalist]")  # type: ignore[attr-defined]
    _submit(page, "#review button:has-text('确定入围名单')")
    page.check("#review input[name=claim_id]")  # type: ignore[attr-defined]
    page.fill("#review input[name=reason]", "方案成熟，报价合理")  # type: ignore[attr-defined]
    _shot(page, "demand-review")
    _submit(page, "#review button:has-text('选定')")
    assert "可以签订协议" in page.content()  # type: ignore[attr-defined]

    _submit(page, "a:has-text('签订协议')")
    page.fill("input[name=signed_on]", "2025-03-18")  # type: ignore[attr-defined]
    page.fill("input[name=amount]", "120万元")  # type: ignore[attr-defined]
    _submit(page, "button:has-text('登记协议')")
    page.fill("input[name=name]", "铝灰渣资源化示范线")  # type: ignore[attr-defined]
    page.fill("input[name=milestone_title] >> nth=0", "示范线开工")  # type: ignore[attr-defined]
    page.fill("input[name=milestone_due] >> nth=0", "2025-06-30")  # type: ignore[attr-defined]
    _submit(page, "button:has-text('立项')")
    page.fill("#funds input[name=amount]", "60万元")  # type: ignore[attr-defined]
    page.fill("#funds input[name=arrived_on]", "2025-04-01")  # type: ignore[attr-defined]
    _submit(page, "#funds button:has-text('登记到位资金')")
    _shot(page, "project-funds")
    assert "60万元" in page.content()  # type: ignore[attr-defined]

    page.goto(f"{server}/")  # type: ignore[attr-defined]
    assert _figure(page, "签约协议") != agreements_before
    assert _figure(page, "到位资金") != funds_before
    _shot(page, "dashboard-after-loop")
    page.goto(demand_url)  # type: ignore[attr-defined]
    assert "已签约" in page.content()  # type: ignore[attr-defined]
    ctx.close()  # type: ignore[attr-defined]
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_report_review_in_the_browser(server: str, browser: object, tmp_path: Path) -> None:
    """The county office uploads a report, corrects one figure, accepts the rest and compares with the ledger."""
    errors: list[str] = []
    report = tmp_path / "河津进展.txt"
    report.write_text("河津市校地合作进展\n今年以来，河津市与8所高校签订合作协议5个，签约金额1.2亿元。\n",
                      encoding="utf-8")
    ctx, page = _as(browser, server, "hejin", errors)
    _submit(page, "#mainnav >> text=报道核对")
    _submit(page, "text=上传报道")
    page.set_input_files("input[name=file]", str(report))  # type: ignore[attr-defined]
    page.fill("input[name=region]", "河津市")  # type: ignore[attr-defined]
    _submit(page, "button:has-text('上传并提取')")
    assert "请逐项核对" in page.content()  # type: ignore[attr-defined]
    # figures are grouped by metric: the agreements' group holds the one agreement figure
    row = page.locator("tbody[data-metric='agreements'] tr.figure-row")  # type: ignore[attr-defined]
    row.locator("input[name=corrected_value]").fill("4个")
    with page.expect_navigation():  # type: ignore[attr-defined]
        row.locator("button[value=correct]").click()
    assert "更正为 4" in page.content()  # type: ignore[attr-defined]
    _submit(page, "button:has-text('采信全部待核对数字')")
    _shot(page, "report-review")
    _submit(page, "text=与河津市台账数据比对")
    assert "有差异" in page.content()  # type: ignore[attr-defined]
    _shot(page, "reconciliation")
    ctx.close()  # type: ignore[attr-defined]
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_matching_page_in_the_browser(server: str, browser: object) -> None:
    """The county office asks the matching page about a demand it has in mind, reads the candidates side by side
    with their scores and reasons, then opens a demand's candidates and marks one 不合适 with a reason."""
    errors: list[str] = []
    ctx, page = _as(browser, server, "hejin", errors)
    _submit(page, "#mainnav >> text=精准匹配")
    # what is typed is handed over at the first pause, to be encoded before 匹配 is pressed (输入中预编码)
    with page.expect_response(lambda r: r.url.endswith("/api/match/prepare")) as handed:  # type: ignore[attr-defined]
        page.fill("textarea[name=text]", "钢铁企业钢渣综合利用，转炉钢渣制备建材")  # type: ignore[attr-defined]
    assert handed.value.status == 202
    page.fill("input[name=place]", "山西运城")  # type: ignore[attr-defined]
    _submit(page, "button:has-text('匹配')")
    html = page.content()  # type: ignore[attr-defined]
    assert "需求涉及的学科" in html and "冶金工程" in html and "第四轮学科评估" in html
    assert page.locator("#col-university li").count() > 0  # type: ignore[attr-defined]
    _shot(page, "match")
    page.goto(f"{server}/demands")  # type: ignore[attr-defined]
    _submit(page, "text=再生铝除杂提纯技术攻关")
    _submit(page, "text=在精准匹配页查看")
    first = page.locator("#col-university li").first  # type: ignore[attr-defined]
    name = first.locator("strong").inner_text()
    first.locator("select[name=verdict]").select_option("unsuitable")
    first.locator("input[name=reason]").fill("该校无再生铝方向团队")
    with page.expect_navigation():  # type: ignore[attr-defined]
        first.locator("button:has-text('标记')").click()
    html = page.content()  # type: ignore[attr-defined]
    assert "已记录对接结论" in html and "不合适：该校无再生铝方向团队" in html and name in html
    _shot(page, "match-demand")
    ctx.close()  # type: ignore[attr-defined]
    assert not [e for e in errors if "Content Security Policy" in e], errors



def test_a_refused_form_keeps_what_was_typed(server: str, browser: object) -> None:
    """The county office opens 新建项目 under an agreement and mistypes the partner: the same page comes back with
    the message, the suggestion and everything it typed."""
    errors: list[str] = []
    ctx, page = _as(browser, server, "hejin", errors)
    page.goto(f"{server}/agreements")  # type: ignore[attr-defined]
    _submit(page, "text=再生铝技术开发合同")
    agreement_url = page.url  # type: ignore[attr-defined]
    form = page.locator("form[action$='/projects']")  # type: ignore[attr-defined]
    form.locator("input[name=name]").fill("再生铝提纯二期")
    form.locator("input[name=partner]").fill("山西大字")
    form.locator("input[name=leader_in_charge]").fill("王副市长")
    with page.expect_navigation():  # type: ignore[attr-defined]
        form.locator("button[type=submit]").click()
    alert = page.locator("[role=alert]").inner_text()  # type: ignore[attr-defined]
    assert "未找到合作高校“山西大字”" in alert and "山西大学" in alert
    form = page.locator("form[action$='/projects']")  # type: ignore[attr-defined]
    assert form.locator("input[name=name]").input_value() == "再生铝提纯二期"
    assert form.locator("input[name=leader_in_charge]").input_value() == "王副市长"
    _shot(page, "form-keeps-input")
    form.locator("input[name=partner]").fill("山西大学")  # corrected, the same form now saves
    with page.expect_navigation():  # type: ignore[attr-defined]
        form.locator("button[type=submit]").click()
    assert "已立项" in page.content() and page.url != agreement_url  # type: ignore[attr-defined]
    ctx.close()  # type: ignore[attr-defined]
