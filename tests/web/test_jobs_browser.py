"""Browser (headless Chromium via Playwright): the administrator watches a running import on the embedded SQLite
ledger, stops it with the page's 停止 button, and a job page left open shows the run's end by itself — 已取消 and
重新运行, no stop button any more.

Skipped when /usr/bin/chromium or the playwright package is missing (no browser is ever downloaded).
"""

from __future__ import annotations

from typing import Any

from tests.browser import login, serving, submit
from xiaodi.core import jobs
from xiaodi.web.app import create_app

from .conftest import PASSWORD
from .sqlite_running_import import SQLITE_ONLY, Ledger, ended, ledger, nothing_written, running_import

pytestmark = SQLITE_ONLY
__all__ = ["ledger"]  # the fixture: a file database with an administrator


def _accept_confirm(page: Any) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # 确定取消该任务？已写入的数据将回滚。


def test_the_administrator_stops_a_running_import_with_the_pages_button(ledger: Ledger, browser: Any) -> None:
    with serving(create_app(ledger.engine, settings=ledger.settings)) as base:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        _accept_confirm(page)
        login(page, base, "admin", PASSWORD)
        run_id = running_import(ledger)
        page.goto(f"{base}/jobs/{run_id}")
        button = page.locator(f"form[action='/jobs/{run_id}/cancel'] button")
        assert button.inner_text() == "停止"
        submit(page, f"form[action='/jobs/{run_id}/cancel'] button")
        assert page.url == f"{base}/admin/jobs"
        assert f"任务（编号 {run_id}）" in page.locator(".flash").inner_text()
        assert ended(ledger, run_id).state == jobs.JobState.CANCELLED and nothing_written(ledger, run_id)


def test_a_job_page_left_open_shows_the_end_of_the_run_by_itself(ledger: Ledger, browser: Any) -> None:
    with serving(create_app(ledger.engine, settings=ledger.settings)) as base:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        login(page, base, "admin", PASSWORD)
        run_id = running_import(ledger)
        page.goto(f"{base}/jobs/{run_id}")
        assert page.locator("[data-job-stop]").inner_text() == "停止"
        jobs.ask_to_stop(ledger.engine, run_id)  # stopped elsewhere (another administrator, another worker)
        page.wait_for_selector(f"form[action='/jobs/{run_id}/retry']", timeout=20_000)  # the page reloaded
        assert page.locator("[data-job-state]").inner_text() == "已取消"
        assert page.locator("[data-job-stop]").count() == 0
