"""Dates are picked in Chinese: every date field of the demo carries ``lang="zh-CN"`` (#18 item 8).

A browser draws a date field's picker in the field's language. Each demo account — offices of the province, the
city and the county, the lead unit, the enterprise, the university, the expert, the talent and the administrator —
opens the pages it can reach from its dashboard, and every ``<input type="date"`` on them must say ``lang="zh-CN"``
in the page the server sends, not only once a script has run. The templates write a date field only through
``date_input`` (``web.templating``), the one place that says so; a template that types one by hand is named.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from xiaodi.web.templating import date_input

from .conftest import demo_app, demo_login

SOURCE = Path(__file__).resolve().parents[2] / "src" / "xiaodi"
SKIPPED = ("/logout", "/api", "/static", "/files", "/export", "/download", "/template", "/login")
PER_SHAPE = 2  # pages of one kind (/projects/{id}) opened per account: records in other states show other forms
MAX_PAGES = 160

_LINK = re.compile(r'href="(/[^"#?]*)')
_DATE_INPUT = re.compile(r"<input\b[^>]*\btype=[\"']?date\b[^>]*>", re.I)


def _shape(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


def _walk(client: TestClient) -> Iterator[tuple[str, str]]:
    """(page, HTML) of every page reachable from the dashboard, a few of each kind."""
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = ["/"]
    while queue and len(seen) < MAX_PAGES:
        page = queue.pop(0)
        if page in seen or shapes[_shape(page)] >= PER_SHAPE:
            continue
        seen.add(page)
        shapes[_shape(page)] += 1
        r = client.get(page)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        yield page, r.text
        queue.extend(p for p in (html.unescape(link) for link in _LINK.findall(r.text))
                     if p not in seen and not p.startswith(SKIPPED))


def test_every_date_field_an_account_of_the_demo_sees_is_picked_in_chinese(
    demo: tuple[Engine, dict[str, str]], tmp_path: Path,
) -> None:
    engine, passwords = demo
    app = demo_app(engine, tmp_path)
    fields: set[tuple[str, str]] = set()
    wrong: list[str] = []
    for account, password in passwords.items():
        client = demo_login(app, account, password)
        for page, body in _walk(client):
            for tag in _DATE_INPUT.findall(body):
                name = re.search(r'name="([^"]*)"', tag)
                fields.add((_shape(page), name.group(1) if name else ""))
                if not re.search(r"""\blang=["']?zh-CN\b""", tag):
                    wrong.append(f"{account} {page}: {tag}")
    assert not wrong, "date fields not in Chinese:\n" + "\n".join(wrong)
    # the walk reached the forms that ask for dates, those that lacked the language among them
    pages = {shape for shape, _ in fields}
    for expected in ("/projects/{id}", "/agreements/new", "/events/new", "/figures", "/bases/{id}", "/pairings/{id}",
                     "/talent/apartments", "/talent/subsidies"):
        assert expected in pages, f"the walk did not reach {expected}: {sorted(pages)}"
    assert len(fields) >= 20, sorted(fields)


def test_templates_write_date_fields_only_through_date_input() -> None:
    by_hand = [f"{path.relative_to(SOURCE)}:{n}" for path in sorted(SOURCE.rglob("*.html"))
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if _DATE_INPUT.search(line)]
    assert not by_hand, "date fields typed by hand (use {{ date_input(...) }}): " + ", ".join(by_hand)
    assert str(date_input("due_on", required=True)) == '<input type="date" lang="zh-CN" name="due_on" required>'


def test_a_date_field_shows_its_date_and_escapes_what_it_is_given() -> None:
    import datetime as dt

    field = str(date_input("paid_on", dt.date(2026, 3, 1), aria_label="发放日期", required=False))
    assert field == '<input type="date" lang="zh-CN" name="paid_on" value="2026-03-01" aria-label="发放日期">'
    assert 'value="&#34;&gt;&lt;script&gt;"' in str(date_input("to", '"><script>'))
