"""Every form of the web UI, refused for what was typed, comes back filled with a Chinese message (#18 item 6).

Each persona walks the pages it can reach from the dashboard, and every post form with fields to type in is sent
back with a date that does not exist, a number that is not one and a marked text in every field. Whatever the
form, a refusal for its content must be the same page again — the form there, the typed text still in it, the
message above it in Chinese — never a separate error page, a lost input or a server error. The walk itself is
checked too: a form added to a page later is covered without touching this test. A form whose page no longer
opens because an earlier form of the walk moved its record on (a withdrawn draft's edit form) has nothing left to
fill: it answers an error page that says why in Chinese, and never blames the typed values.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from .conftest import World

MARK = "审计输入甲"
BAD_DATE = "2025-13-45"
BAD_NUMBER = "十二点五"
SKIPPED_PATHS = ("/logout", "/api", "/static", "/files", "/export", "/download", "/template")
MAX_PAGES = 120

_LINK = re.compile(r'href="(/[^"#]*)"')
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_ASCII_WORDS = re.compile(r"\b(field required|value is not|input should|not a valid|unprocessable)\b", re.I)


@dataclass(frozen=True)
class Form:
    page: str
    action: str
    hidden: tuple[tuple[str, str], ...]
    typed: tuple[tuple[str, str], ...]  # what a person types: the marked text, the bad date, the bad number

    @property
    def data(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in self.hidden + self.typed:
            out.setdefault(name, []).append(value)
        return out


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v.strip("\"'")) for k, v in _ATTR.findall(tag)}


def _forms(page: str, body: str) -> Iterator[Form]:
    for attrs_text, inner in _FORM.findall(body):
        attrs = _attrs(attrs_text)
        if attrs.get("method", "get").lower() != "post":
            continue
        action = urlsplit(attrs.get("action") or page).path
        if action.startswith(SKIPPED_PATHS) or "multipart" in attrs.get("enctype", ""):
            continue  # uploads are checked by the import and report tests
        hidden: list[tuple[str, str]] = []
        typed: list[tuple[str, str]] = []
        for tag, raw in _FIELD.findall(inner):
            field = _attrs(raw)
            name, kind = field.get("name", ""), field.get("type", "text").lower()
            if not name or tag.lower() == "select" or kind in ("checkbox", "radio", "submit", "button", "file"):
                continue
            if kind == "hidden":
                hidden.append((name, field.get("value", "")))
            elif kind == "password":
                continue
            elif kind == "date":
                typed.append((name, BAD_DATE))
            elif kind == "number":
                typed.append((name, BAD_NUMBER))
            else:
                typed.append((name, MARK))
        if any(value == MARK for _, value in typed):
            yield Form(page=page, action=action, hidden=tuple(hidden), typed=tuple(typed))


def _walk(client: TestClient) -> list[Form]:
    """Every post form with text to type on the pages reachable from the dashboard, once per action."""
    seen: set[str] = set()
    queue = ["/"]
    forms: dict[str, Form] = {}
    while queue and len(seen) < MAX_PAGES:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        r = client.get(page)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        for form in _forms(page, r.text):
            forms.setdefault(form.action, form)
        for link in _LINK.findall(r.text):
            path = urlsplit(html.unescape(link)).path
            if path not in seen and not path.startswith(SKIPPED_PATHS):
                queue.append(path)
    return list(forms.values())


@pytest.mark.parametrize("persona", [
    "admin", "hejin", "university", "enterprise",
])
def test_every_form_refused_for_its_content_comes_back_filled_in_chinese(
    persona: str, login: Callable[[str], TestClient], world: World,
) -> None:
    client = login(persona)
    forms = _walk(client)
    assert len(forms) >= 2, f"{persona} found only {[f.action for f in forms]}"
    refused, problems = [], []
    for form in forms:
        r = client.post(form.action, data=form.data, headers={"Referer": f"http://testserver{form.page}"},
                        follow_redirects=False)
        problem = _problem(form, r) if client.get(form.page).status_code == 200 else _moved_on(r)
        if problem:
            problems.append(f"{persona}: {form.action} (from {form.page}) → {r.status_code}: {problem}")
        elif r.status_code in REFUSED:
            refused.append(form.action)
    assert not problems, "\n".join(problems)
    assert refused, f"{persona}: no form refused a date that does not exist"


REFUSED = (400, 409, 422)


def _problem(form: Form, r: httpx.Response) -> str | None:
    """What is wrong with the answer to a form sent back with bad input, or None."""
    if r.status_code in (200, 302, 303):
        return None  # accepted as typed (free text only); nothing to refuse
    if r.status_code in (403, 404):
        return None  # about who asks or what exists (an earlier form of the walk withdrew the record): error page
    if r.status_code not in REFUSED:
        return "not a refusal for the content: " + _title(r.text)
    page = r.text
    alert = re.search(r'role="alert">(.*?)</', page, re.S)
    if not alert:
        return "no message: " + _title(page)
    message = alert.group(1)
    if not re.search(r"[\u4e00-\u9fff]", message) or _ASCII_WORDS.search(message):
        return f"message not in Chinese: {message}"
    if f'action="{form.action}"' not in page:
        return "not the form again: " + _title(page)
    if MARK not in page:
        return "the typed text is lost"
    return None


def _moved_on(r: httpx.Response) -> str | None:
    """What is wrong with the answer to a form whose page no longer opens, or None.

    An earlier form of the walk moved the record on (the enterprise withdrew its draft, then sent the draft's
    edit form): there is no form left to fill, so the error page is right — but it must say why in Chinese, and
    it must not blame what was typed (422) for a record that can no longer be changed at all."""
    if r.status_code in (200, 302, 303):
        return None
    if r.status_code not in (403, 404, 409):
        return "refused for its content although the record can no longer be changed: " + _title(r.text)
    message = re.search(r'class="message">(.*?)</', r.text, re.S)
    if not message or not re.search(r"[\u4e00-\u9fff]", message.group(1)):
        return "no Chinese message: " + _title(r.text)
    return None


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    alert = re.search(r'class="[^"]*(?:flash|error)[^"]*"[^>]*>(.*?)</', page, re.S)
    return f"{found.group(1) if found else page[:80]!r} {alert.group(1) if alert else ''}"
