"""Jinja2 templates: the layout in ``web/templates``, each area's pages in ``<area>/templates``.

Autoescaping is on; pages carry no inline script (the CSP forbids it) — behaviour lives in ``static/app.js``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape
from starlette.responses import Response

from xiaodi.core.audit import action_label
from xiaodi.core.numbers import format_yuan
from xiaodi.core.settings import local_minute
from xiaodi.web.deps import csrf_token
from xiaodi.web.listing import display

PACKAGE = Path(__file__).resolve().parent.parent
WEB = Path(__file__).resolve().parent

# The main menu: (path, label, which viewers see it). Lists every member may open come first.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "工作台"),
    ("/figures", "工作数据"),
    ("/demands", "需求清单"),
    ("/claims", "揭榜方案"),
    ("/match", "精准匹配"),
    ("/orders", "点单派单"),
    ("/intents", "合作意向"),
    ("/agreements", "签约协议"),
    ("/projects", "项目清单"),
    ("/bases", "基地"),
    ("/pairings", "1+1+N结对"),
    ("/events", "活动"),
    ("/talents", "人才服务"),
    ("/organisations", "单位名录"),
    ("/experts", "专家教授"),
    ("/achievements", "科技成果"),
    ("/platforms", "科研平台"),
)

# A talent's menu (人才账号): their own services and the events they may join — the programme's lists are not
# their work, and an enterprise's menu made the talent account look like one.
TALENT_NAV: tuple[tuple[str, str], ...] = (
    ("/", "我的人才服务"),
    ("/talent-cards", "人才卡"),
    ("/talent-applications", "一件事申请"),
    ("/events", "活动"),
)


def _local(value: dt.datetime | None) -> str:
    return local_minute(value) if value else ""


def _yuan(value: Decimal | int | float | None) -> str:
    return format_yuan(Decimal(str(value))) if value is not None else ""


def date_input(name: str, value: object = None, **attrs: object) -> Markup:
    """A date field picked in Chinese (日期输入框): ``<input type="date" lang="zh-CN">``, the one place that says so.

    Browsers show a date input's picker in the field's language, and a page rendered without script must still be
    in Chinese. ``value`` is a date or its ISO text (empty: no value); other attributes are given as keywords,
    ``aria_label="发放日期"`` for ``aria-label``, ``required=True`` for a bare ``required``."""
    parts = ['type="date"', 'lang="zh-CN"', f'name="{escape(name)}"']
    if value:  # None, "" and a name the page does not define (Jinja's Undefined) leave the field empty
        parts.append(f'value="{escape(value.isoformat() if isinstance(value, dt.date) else value)}"')
    for key, given in attrs.items():
        attribute = key.replace("_", "-")
        if given is True:
            parts.append(attribute)
        elif given not in (None, False):
            parts.append(f'{attribute}="{escape(given)}"')
    return Markup(f"<input {' '.join(parts)}>")


def flash(request: Request, message: str, level: str = "ok") -> None:
    """A message shown once on the next page (操作结果提示)."""
    messages = list(request.session.get("flash", []))
    messages.append([level, message])
    request.session["flash"] = messages[-5:]


def make_templates() -> Jinja2Templates:
    areas = sorted(str(p) for p in PACKAGE.glob("*/templates") if p.is_dir() and p.parent.name != "web")
    dirs = [str(WEB / "templates"), *areas]
    templates = Jinja2Templates(directory=dirs)
    env = templates.env
    env.loader = ChoiceLoader([FileSystemLoader(dirs)])
    env.filters["localtime"] = _local
    env.filters["yuan"] = _yuan
    env.filters["show"] = display
    env.globals["action_label"] = action_label  # the trail's actions in Chinese, from core.audit
    env.globals["NAV"] = NAV
    env.globals["TALENT_NAV"] = TALENT_NAV
    env.globals["urlencode"] = urlencode
    env.globals["date_input"] = date_input
    return templates


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> Response:
    """Render a page with the layout's context: the viewer, the CSRF token and any flashed messages."""
    templates: Jinja2Templates = request.app.state.templates
    ctx: dict[str, Any] = dict(context or {})
    ctx.setdefault("viewer", getattr(request.state, "viewer", None))
    ctx["csrf_token"] = csrf_token(request) if "session" in request.scope else ""
    ctx["flashes"] = request.session.pop("flash", []) if "session" in request.scope else []
    return templates.TemplateResponse(request, name, ctx, status_code=status)
