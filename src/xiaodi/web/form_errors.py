"""A form that failed keeps what was typed (表单出错不丢内容).

When a page form's post is refused for its content — an unknown 责任单位 with a suggestion, a bad date, a stale
version — the person sees the same form again, filled with what they typed and the message above it, instead of
an error page and an empty form. This is done once, here, for every form of every area: the error handler asks
the application for the page the form was on (the ``Referer``, which the same-origin policy of ``security``
sends; else the post's own path when it also answers GET), and fills that page's form with the posted values.

Only visible fields are filled. Hidden fields (CSRF token, record version, the claim or demand the form is about)
keep the fresh page's values, so a corrected form posts with a current version. File inputs cannot be refilled
(browsers forbid it) and passwords are never echoed.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match
from starlette.types import Message

from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed

T = TypeVar("T")

# Errors about what was typed; 401/403/404 are about who asks or what exists, and keep the error page.
REFILL_STATUSES = frozenset({400, 409, 422})
NEVER_REFILLED = frozenset({"hidden", "password", "file", "submit", "button", "reset", "image"})
MAX_PAGE_BYTES = 2_000_000  # a form page is small; anything larger is not re-rendered

_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
_FIELD = re.compile(r"<input\b([^>]*)>|<(textarea|select)\b([^>]*)>(.*?)</\2>", re.S | re.I)
_OPTION = re.compile(r"<option\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def typed_name(resolve: Callable[[], T], label: str) -> T:
    """A name typed into a page form (单位、地区), resolved by ``resolve``. An unknown name is the typist's mistake —
    422, so the form comes back filled with the message and its suggestion — not a missing record: a 404 kept the
    error page, and a typo in 服务高校 or 所在地区 threw away the whole form."""
    try:
        return resolve()
    except NotFound as exc:
        raise ValidationFailed(f"{label}：{exc.message}") from exc


@contextmanager
def refused_for_what_was_typed() -> Iterator[None]:
    """Around the service call of a create form the person may open: a refusal there can only be about the places and
    units typed into it (申报基地 with 所在地区 outside the office's region, a 结对 in another city), so it comes back
    as 422 — the form again, filled, with the refusal above it — instead of a 403 page that threw the typing away.
    The refusal itself is the service's, by the area's one access rule; only how the page answers it changes."""
    try:
        yield
    except Forbidden as exc:
        raise ValidationFailed(exc.message) from exc


async def refilled_form(request: Request, status: int, message: str) -> Response | None:
    """The form page again with the posted values and ``message``, or None when this post is not a page form's."""
    if request.method != "POST" or status not in REFILL_STATUSES or request.url.path.startswith("/api"):
        return None
    page = _form_page(request)
    if page is None:
        return None
    try:
        values = _posted_values(await request.form())
    except Exception:  # an unreadable body is reported by the error page, not here
        return None
    body = await _get(request, page)
    if body is None:
        return None
    filled = fill_form(body, action=request.url.path, values=values, message=message)
    if filled is None:
        return None
    return HTMLResponse(filled, status_code=status)


def _form_page(request: Request) -> str | None:
    """Path and query of the page the form was on: the same-origin ``Referer``, else the post's own path."""
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        host = request.headers.get("host", request.url.netloc)
        if parts.netloc.lower() == host.lower() and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return None
    probe = {**request.scope, "method": "GET"}
    if any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes):
        return request.url.path
    return None


def _posted_values(form: Mapping[str, object]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for key, value in form.multi_items():  # type: ignore[attr-defined]
        if isinstance(value, str):
            values[key].append(value)
    return values


async def _get(request: Request, target: str) -> str | None:
    """Ask the application for ``target`` as the same person (their cookies), without leaving the process."""
    path, _, query = target.partition("?")
    headers = [(k, v) for k, v in request.scope["headers"] if k not in (b"content-type", b"content-length")]
    scope = {**request.scope, "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "headers": headers}
    scope.pop("router", None)
    scope.pop("endpoint", None)
    scope.pop("route", None)
    chunks: list[bytes] = []
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await request.app(scope, receive, send)
    body = b"".join(chunks)
    if status != 200 or len(body) > MAX_PAGE_BYTES:
        return None
    return body.decode("utf-8", errors="replace")


def fill_form(page: str, *, action: str, values: Mapping[str, Sequence[str]], message: str) -> str | None:
    """``page`` with the form posting to ``action`` filled from ``values`` and ``message`` shown above it.

    The nth field of a name takes the nth posted value of that name (rows of 签约方, 里程碑 …)."""
    for match in _FORM.finditer(page):
        attrs = _attrs(match.group(0)[: match.group(0).find(">") + 1])
        if urlsplit(html.unescape(attrs.get("action", ""))).path != action:
            continue
        if attrs.get("method", "get").lower() != "post":
            continue
        form = _fill_fields(match.group(0), values)
        alert = f'<p class="flash flash-error" role="alert">{html.escape(message)}</p>'
        return _opened(page[: match.start()]) + alert + form + page[match.end():]
    return None


_DETAILS = re.compile(r"<details\b[^>]*>|</details\s*>", re.I)


def _opened(before: str) -> str:
    """The page up to the refused form, with the folded sections (``<details>``) that hold the form unfolded: the
    message and the typed values sat in a closed 为“山西大学”打分, and the page seemed to have done nothing."""
    unclosed: list[re.Match[str]] = []
    for tag in _DETAILS.finditer(before):
        if tag.group(0).startswith("</"):
            if unclosed:
                unclosed.pop()
        else:
            unclosed.append(tag)
    for tag in reversed(unclosed):  # from the end, so earlier offsets stay true
        if not re.search(r"\sopen\b", tag.group(0), re.I):
            before = before[: tag.end() - 1] + " open" + before[tag.end() - 1:]
    return before


def _fill_fields(form: str, values: Mapping[str, Sequence[str]]) -> str:
    used: dict[str, int] = defaultdict(int)

    def fill(m: re.Match[str]) -> str:
        if m.group(2) is None:
            tag, raw_attrs, inner = "input", m.group(1), None
        else:
            tag, raw_attrs, inner = m.group(2).lower(), m.group(3), m.group(4)
        attrs = _attrs(raw_attrs)
        name = html.unescape(attrs.get("name", ""))
        kind = attrs.get("type", "text").lower() if tag == "input" else tag
        if not name or kind in NEVER_REFILLED:
            return m.group(0)
        if kind in ("checkbox", "radio"):  # an unticked box is simply absent from the post
            checked = html.unescape(attrs.get("value", "on")) in values.get(name, ())
            return f"<input{_without(raw_attrs, 'checked')}{' checked' if checked else ''}>"
        if name not in values:
            return m.group(0)
        index = used[name]
        used[name] += 1
        if index >= len(values[name]):
            return m.group(0)
        value = values[name][index]
        if tag == "textarea":
            return f"<textarea{raw_attrs}>{html.escape(value)}</textarea>"
        if tag == "select":
            return f"<select{raw_attrs}>{_select(inner or '', value)}</select>"
        return f'<input{_without(raw_attrs, "value")} value="{html.escape(value)}">'

    return _FIELD.sub(fill, form)


def _select(options: str, value: str) -> str:
    def choose(m: re.Match[str]) -> str:
        attrs = _attrs(m.group(1))
        chosen = html.unescape(attrs.get("value", "")) == value
        return f"<option{_without(m.group(1), 'selected')}{' selected' if chosen else ''}>"

    return _OPTION.sub(choose, options)


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(tag)}


def _without(raw_attrs: str, name: str) -> str:
    """The attributes of a tag without ``name`` (with or without a value), ready to take a new one."""
    cleaned = re.sub(rf"""\s{name}(\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?(?=[\s/>]|$)""", "", raw_attrs, flags=re.I)
    return cleaned.rstrip().removesuffix("/").rstrip()
