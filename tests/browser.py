"""The browser tests' harness (headless Chromium via Playwright): a real server on 127.0.0.1 in a thread, the
browser, logging in, submitting a form and screenshots — one copy for every browser story.

Importing this module skips the importing test module when /usr/bin/chromium or the playwright package is missing
(no browser is ever downloaded). The ``browser`` fixture (tests/conftest.py) launches ``chromium()`` once per
test module.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "Xiaodi2025e2e"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free port of 127.0.0.1 in a thread; the base URL while it runs."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def submit(page: Any, selector: str) -> None:
    """Click a link or a form's button and wait for the page it loads: reading the page or closing the browser
    while the request is still in flight would race the server."""
    with page.expect_navigation():
        page.click(selector)


def login(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Log ``page`` in as ``username`` and wait for the dashboard."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page, "button[type=submit]")
    page.wait_for_url(f"{base}/")


def logged_in(browser: Any, base: str, username: str, *, password: str = PASSWORD, **context: Any) -> Any:
    """A page of a new browser context (a desktop window in Chinese unless ``context`` says otherwise), logged in."""
    page = browser.new_context(**(context or DESKTOP)).new_page()
    login(page, base, username, password)
    return page


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    """A screenshot into docs/screenshots/: the whole page, or what the window shows (a page as long as the API
    reference would be megabytes of picture)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
