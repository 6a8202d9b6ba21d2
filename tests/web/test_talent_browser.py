"""Browser story (headless Chromium via Playwright): a talent applies for a card and a one-stop service and follows
it to the end — 河津's office issues the card, the police and the education bureau answer their steps, and the
talent's own page shows every step done. Screenshots go to docs/screenshots/.

Skipped when /usr/bin/chromium or the playwright package is missing (no browser is ever downloaded).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import PASSWORD, serving
from tests.browser import logged_in as _as
from tests.browser import shot as _shot
from tests.browser import submit as _submit


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.talent.conftest import ACTOR, build_talent_world
    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.bootstrap import init_database
    from xiaodi.core.db import make_engine, transaction
    from xiaodi.core.settings import Settings
    from xiaodi.web.app import create_app

    folder = tmp_path_factory.mktemp("e2e-talent")
    engine = make_engine(f"sqlite:///{folder / 'e2e.db'}")
    init_database(engine)
    with transaction(engine) as s:
        tw = build_talent_world(s)
        for username, display, kwargs in (
            ("talent", "王测才", {"role": Role.TALENT, "person_id": tw.talent.person_id}),
            ("hejin", "王敏", {"role": Role.COUNTY_OFFICE, "region_id": tw.hejin.id}),
            ("police", "公安局·李", {"role": Role.LEAD_UNIT, "organisation_id": tw.police.id}),
            ("schools", "教育局·张", {"role": Role.LEAD_UNIT, "organisation_id": tw.education.id}),
        ):
            accounts.create_user(s, actor=ACTOR, username=username, display_name=display, password=PASSWORD,
                                 **kwargs)  # type: ignore[arg-type]
    app = create_app(engine, settings=Settings(data_dir=folder, secret_key="e2e-secret-key-0123456789"))
    with serving(app) as url:
        yield url
    engine.dispose()


def test_talent_card_and_one_stop_to_the_end(server: str, browser: object) -> None:
    me = _as(browser, server, "talent")
    assert "我的人才服务" in me.content()  # type: ignore[attr-defined]
    me.fill("textarea[name=evidence]", "博士学位证书\n劳动合同")  # type: ignore[attr-defined]
    me.fill("input[name=card_name]", "太行英才卡")  # type: ignore[attr-defined]
    _submit(me, "button:has-text('申领人才卡')")
    assert "等待办公室审核" in me.content() and "待审核" in me.content()  # type: ignore[attr-defined]
    _shot(me, "talent-card-applied")

    office = _as(browser, server, "hejin")
    office.goto(f"{server}/talent-cards?state=applied")  # type: ignore[attr-defined]
    _submit(office, "a:has-text('王测才')")
    _submit(office, "#decide button:has-text('确定')")  # 审核通过并发卡 is the first choice
    assert "已发卡" in office.content()  # type: ignore[attr-defined]
    _shot(office, "talent-card-issued")

    me.goto(f"{server}/")  # type: ignore[attr-defined]
    # the talent sees the card issued: its number, 有效 and until when, and the benefits it grants
    card_row = me.locator("tr:has(td.card-state)").first  # type: ignore[attr-defined]
    assert card_row.locator("td.card-state").inner_text() == "有效"
    assert card_row.locator("td[data-label=卡号]").inner_text().strip()  # a number was given
    assert card_row.locator("td[data-label=有效期至]").inner_text().strip()
    assert "可享受" in me.content()  # type: ignore[attr-defined]
    me.check("label:has-text('落户') input[name=benefit]")  # type: ignore[attr-defined]
    me.check("label:has-text('子女入学') input[name=benefit]")  # type: ignore[attr-defined]
    _submit(me, "button:has-text('提交一件事申请')")
    assert "已分送 2 个部门" in me.content()  # type: ignore[attr-defined]

    for username in ("police", "schools"):
        dept = _as(browser, server, username)
        dept.goto(f"{server}/talent/steps")  # type: ignore[attr-defined]
        assert "王测才" in dept.content()  # type: ignore[attr-defined]
        _submit(dept, "a:has-text('一件事申请')")
        dept.fill("#steps input[name=answer]", f"{username} 已办结")  # type: ignore[attr-defined]
        _submit(dept, "#steps button:has-text('提交答复')")
        assert "已答复" in dept.content()  # type: ignore[attr-defined]

    me.goto(f"{server}/")  # type: ignore[attr-defined]
    page = me.content()  # type: ignore[attr-defined]
    assert "police 已办结" in page and "schools 已办结" in page and "待办理" not in page
    assert me.locator(".app-state").first.inner_text() == "已办结"  # type: ignore[attr-defined]  # the application
    _shot(me, "talent-home-done")
    # … and followed it from the header: the card's decision and each department's answer are in the inbox
    assert int(me.locator(".who .unread-count").inner_text()) >= 3  # type: ignore[attr-defined]
    _submit(me, ".who >> text=消息")
    inbox = me.content()  # type: ignore[attr-defined]
    assert "答复“落户”——已办结" in inbox and "答复“子女入学”——已办结" in inbox, inbox[-2000:]
    _submit(me, "text=答复“子女入学”")  # a message opens the talent's own page
    assert "schools 已办结" in me.content()  # type: ignore[attr-defined]


def test_office_allocates_an_apartment_in_the_browser(server: str, browser: object) -> None:
    """河津's office opens 人才公寓 from the talent register, registers a room, allocates it to 王测才 for a year,
    is refused an overlapping stay (the form keeps what was typed) and checks the talent out."""
    office = _as(browser, server, "hejin")
    office.goto(f"{server}/talents")  # type: ignore[attr-defined]
    _submit(office, "a.button:has-text('人才公寓')")
    assert "河津人才公寓测试" in office.content()  # type: ignore[attr-defined]
    office.fill("form[aria-label=登记房间] input[name=unit_no]", "5-1201")  # type: ignore[attr-defined]
    office.fill("form[aria-label=登记房间] input[name=layout]", "两室一厅")  # type: ignore[attr-defined]
    _submit(office, "form[aria-label=登记房间] button")
    assert "已登记房间 5-1201" in office.content()  # type: ignore[attr-defined]

    def allocate(from_on: str, to_on: str) -> None:
        office.fill("#allocate input[name=unit_no]", "5-1201")  # type: ignore[attr-defined]
        office.fill("#allocate input[name=talent]", "王测才")  # type: ignore[attr-defined]
        office.fill("#allocate input[name=from_on]", from_on)  # type: ignore[attr-defined]
        office.fill("#allocate input[name=to_on]", to_on)  # type: ignore[attr-defined]
        _submit(office, "#allocate button:has-text('分配')")

    allocate("2026-05-01", "2027-04-30")
    page = office.content()  # type: ignore[attr-defined]
    assert "已分配" in page and "5-1201" in page and "2027-04-30" in page
    _shot(office, "talent-apartment-allocated")

    allocate("2026-10-01", "2026-12-31")
    page = office.content()  # type: ignore[attr-defined]  # refused: the same page, the form as typed
    assert "分配时间重叠" in page
    assert office.input_value("#allocate input[name=from_on]") == "2026-10-01"  # type: ignore[attr-defined]
    assert office.input_value("#allocate input[name=talent]") == "王测才"  # type: ignore[attr-defined]
    _shot(office, "talent-apartment-overlap-refused")

    office.goto(f"{server}/talent/apartments")  # type: ignore[attr-defined]
    office.fill("#stays input[name=on]", "2026-09-30")  # type: ignore[attr-defined]
    _submit(office, "#stays button:has-text('办理退房')")
    assert "已办理退房" in office.content() and "已退房" in office.content()  # type: ignore[attr-defined]
