"""One error handler: an ``XiaodiError`` becomes a Chinese page, or ``{"error": code, "detail": message}`` under
/api/; anything unexpected becomes a plain 500 without a traceback (the traceback goes to the log only)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from xiaodi.core.errors import XiaodiError, pydantic_message
from xiaodi.web.deps import LoginRequired, PasswordChangeRequired
from xiaodi.web.form_errors import refilled_form

log = logging.getLogger("xiaodi.web")

HTTP_MESSAGES = {
    400: ("bad_request", "请求有误"),
    401: ("not_authenticated", "请先登录"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "页面不存在"),
    405: ("method_not_allowed", "不支持该请求方式"),
    413: ("too_large", "上传内容过大"),
    422: ("validation_failed", "参数校验失败"),
    429: ("too_many_requests", "请求过于频繁"),
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_response(request: Request, status: int, code: str, message: str,
                   headers: Mapping[str, str] | None = None) -> Response:
    """The error as JSON under /api/, as a Chinese page elsewhere; ``headers`` such as ``Allow`` go with it."""
    extra = dict(headers or {})
    if status == 401 and wants_json(request):
        extra["WWW-Authenticate"] = "Bearer"
    if wants_json(request):
        return JSONResponse({"error": code, "detail": message}, status_code=status, headers=extra or None)
    from xiaodi.web.templating import render

    try:
        response = render(request, "error.html", {"status": status, "code": code, "message": message}, status=status)
    except Exception:
        log.exception("error page failed")
        response = Response(f"{status} {message}", status_code=status, media_type="text/plain; charset=utf-8")
    response.headers.update(extra)
    return response


# Field name → its Chinese name, for the fields no route describes: filled by the application assembly from the
# information tables' column headers (``app.py``), so that an error names 签约金额, not ``pledged_amount``.
FIELD_LABELS: dict[str, str] = {
    "version": "版本号", "expected_version": "版本号", "reason": "理由", "note": "备注", "remark": "备注",
    "page": "页码", "per_page": "每页条数", "q": "关键词", "sort": "排序", "year": "年份",
    "name": "名称", "title": "名称", "code": "编号", "kind": "类别", "state": "状态", "amount": "金额",
    "description": "内容", "region_id": "地区", "date": "日期", "password": "密码", "username": "用户名",
    # record fields no page shows, still named when a trail (操作留痕) lists a change of them
    "created_at": "创建时间", "updated_at": "修改时间", "retired_at": "注销时间", "merged_into_id": "并入记录",
    "discipline_code": "学科代码", "agreement_id": "合作协议", "claim_id": "揭榜申请", "base_id": "基地",
    "benefit_id": "优惠事项", "claimant_org_id": "揭榜单位", "claimant_person_id": "揭榜专家", "attachments": "附件",
    "host_org_id": "依托单位", "leader_person_id": "项目负责人", "pairing_id": "结对", "post_id": "岗位",
    "talent_id": "人才", "unit_id": "挂职单位", "agenda": "议程", "details": "申请内容", "extra": "其他信息",
    "decided_by": "审核人", "decided_by_user_id": "审核人账号", "created_by_user_id": "创建人账号",
    "recorded_by_user_id": "记录人账号", "uploaded_by_user_id": "上传人账号", "clean_text": "清洗后正文",
    "content_type": "文件类型", "raw_size": "文件大小", "sha256": "文件指纹", "url": "原文链接", "warnings": "清洗提示",
}
_PARAM_LISTS = {"query": "query_params", "path": "path_params", "header": "header_params", "cookie": "cookie_params",
                "body": "body_params"}


def register_field_labels(labels: Mapping[str, str]) -> None:
    """Add Chinese names of fields (the first name registered for a field stays)."""
    for name, label in labels.items():
        FIELD_LABELS.setdefault(name, label)


def _short(text: str | None) -> str | None:
    """A field's description as a name: "完成日期（默认今天）" → "完成日期"; an English one is no name for users."""
    if not text:
        return None
    name = re.split(r"[（(，,；;。:：]", text, maxsplit=1)[0].strip()
    return name if name and re.search(r"[\u4e00-\u9fff]", name) else None


def _params(dependant: Any, kind: str) -> Iterator[Any]:
    """The route's parameters of one kind, its dependencies' included."""
    yield from getattr(dependant, kind, ())
    for sub in getattr(dependant, "dependencies", ()):
        yield from _params(sub, kind)


def _declared(request: Request, loc: Sequence[object]) -> str | None:
    """The title or description the route declares for the field at ``loc`` (a parameter, or a body model's field)."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None or len(loc) < 2 or str(loc[0]) not in _PARAM_LISTS:
        return None
    params = list(_params(dependant, _PARAM_LISTS[str(loc[0])]))
    name = str(loc[1])
    for param in params:
        if name in (param.alias, param.name):
            return _short(param.field_info.title) or _short(param.field_info.description)
    for param in params:  # a body model: loc is ("body", field, …)
        fields = getattr(param.field_info.annotation, "model_fields", {})
        if name in fields:
            return _short(fields[name].title) or _short(fields[name].description)
    return None


def _field_name(request: Request, loc: Sequence[object]) -> str:
    """The Chinese name of the field at ``loc``; its code name only when nothing names it."""
    named = [str(x) for x in loc if isinstance(x, str) and x not in _PARAM_LISTS and x != "form"]
    if not named:
        return "参数"
    label = _declared(request, loc) or FIELD_LABELS.get(named[-1]) or FIELD_LABELS.get(named[0])
    rows = [f"第{x + 1}项" for x in loc if isinstance(x, int)]
    return (label or ".".join(named)) + ("".join(rows) if label and rows else "")


def _validation_message(request: Request, exc: RequestValidationError) -> str:
    parts = [f"{_field_name(request, err.get('loc', ()))}：{pydantic_message(err)}" for err in exc.errors()[:5]]
    return "参数校验失败：" + "；".join(parts)


def allowed_methods(request: Request) -> str:
    """Every method some route of this path answers (RFC 9110's ``Allow``). Starlette names only the first
    route's, and a path often has several (``GET /api/demands`` lists, ``POST /api/demands`` drafts)."""
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def install(app: FastAPI) -> None:
    @app.exception_handler(XiaodiError)
    async def xiaodi_error(request: Request, exc: XiaodiError) -> Response:
        if isinstance(exc, LoginRequired) and not wants_json(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        if isinstance(exc, PasswordChangeRequired) and not wants_json(request):
            from xiaodi.web.templating import flash

            flash(request, exc.message, "warn")
            return RedirectResponse("/account#password", status_code=303)
        refilled = await refilled_form(request, exc.status, exc.message)
        return refilled or error_response(request, exc.status, exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code, message = HTTP_MESSAGES.get(exc.status_code, (f"http_{exc.status_code}", "请求失败"))
        if isinstance(exc.detail, str) and exc.detail and exc.status_code not in (404, 405):
            message = exc.detail
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
        return error_response(request, exc.status_code, code, message, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        message = _validation_message(request, exc)
        refilled = await refilled_form(request, 422, message)
        return refilled or error_response(request, 422, "validation_failed", message)

    @app.exception_handler(DataError)
    async def bad_value(request: Request, exc: DataError) -> Response:
        # The database refused a value the checks let through (a NUL byte, an out-of-range number): the
        # request is at fault, not the server, and nothing was written (the request's transaction rolls back).
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
        return error_response(request, 422, "validation_failed", "输入含有无法保存或查询的字符或数值，请检查后重试")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal_error", "服务器内部错误，请稍后重试或联系管理员")
