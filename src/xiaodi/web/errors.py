"""One error handler: an ``XiaodiError`` becomes a Chinese page, or ``{"error": code, "detail": message}`` under
/api/; anything unexpected becomes a plain 500 without a traceback (the traceback goes to the log only)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from xiaodi.core.errors import XiaodiError
from xiaodi.web.deps import LoginRequired

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


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": code, "detail": message}, status_code=status, headers=headers)
    from xiaodi.web.templating import render

    try:
        return render(request, "error.html", {"status": status, "code": code, "message": message}, status=status)
    except Exception:
        log.exception("error page failed")
        return Response(f"{status} {message}", status_code=status, media_type="text/plain; charset=utf-8")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "form"))
        parts.append(f"{where or '参数'}：{err.get('msg', '无效')}")
    return "参数校验失败：" + "；".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(XiaodiError)
    async def xiaodi_error(request: Request, exc: XiaodiError) -> Response:
        if isinstance(exc, LoginRequired) and not wants_json(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return error_response(request, exc.status, exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code, message = HTTP_MESSAGES.get(exc.status_code, (f"http_{exc.status_code}", "请求失败"))
        if isinstance(exc.detail, str) and exc.detail and exc.status_code not in (404, 405):
            message = exc.detail
        return error_response(request, exc.status_code, code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "validation_failed", _validation_message(exc))

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
