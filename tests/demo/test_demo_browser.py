"""Browser story on the demo itself (#15 "the stories work from `make demo`"): the demo is built as `xiaodi demo`
builds it, with its printed logins; 河津's housing bureau (住建局, `hj-zhujian`) logs in for the first time, changes
its printed password, finds the talent's 人才公寓 application waiting on its desk and answers it; the demo's talent
logs in and sees the step answered on their own page.

Skipped when /usr/bin/chromium or the playwright package is missing (no browser is ever downloaded).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import DESKTOP, serving
from tests.browser import submit as _submit

NEW_PASSWORD = "Changed2025demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    from xiaodi.core.db import make_engine
    from xiaodi.core.settings import Settings
    from xiaodi.demo.builder import build_demo
    from xiaodi.web.app import create_app

    folder = tmp_path_factory.mktemp("demo-browser")
    engine = make_engine(f"sqlite:///{folder / 'xiaodi-demo.db'}")
    summary = build_demo(engine)
    app = create_app(engine, settings=Settings(data_dir=folder, secret_key="demo-browser-key-0123456789"))
    with serving(app) as url:
        yield url, {name: password for name, password, _ in summary.accounts}
    engine.dispose()


def first_login(browser: Any, base: str, username: str, printed: str) -> Any:
    """A newcomer with a printed demo login: logs in, is sent to change the password, changes it."""
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", printed)
    _submit(page, "button[type=submit]")
    assert "请先修改密码" in page.content()  # every demo account changes its printed password first
    page.fill("input[name=old_password]", printed)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    _submit(page, "button:has-text('修改密码')")
    return page


def test_a_department_answers_the_demo_talents_application_in_the_browser(
        demo: tuple[str, dict[str, str]], browser: Any) -> None:
    base, printed = demo
    housing = first_login(browser, base, "hj-zhujian", printed["hj-zhujian"])
    housing.goto(f"{base}/")
    assert "一件事待办理" in housing.content()
    housing.goto(f"{base}/talent/steps")
    assert "人才公寓拎包入住" in housing.content()
    _submit(housing, "tr:has-text('人才公寓拎包入住') >> a:has-text('一件事申请')")
    form = "#steps form:has(button:has-text('提交答复'))"
    assert housing.locator(form).count() == 1  # only its own step is answerable here
    housing.fill(f"{form} input[name=answer]", "已安排人才公寓 2-501，拎包入住")
    _submit(housing, f"{form} button:has-text('提交答复')")
    assert "已答复" in housing.content()

    me = first_login(browser, base, "talent", printed["talent"])
    me.goto(f"{base}/")
    row = me.locator("tr:has-text('人才公寓拎包入住')").first
    assert "已办结" in row.inner_text() and "已安排人才公寓 2-501" in row.inner_text()
