"""Security headers on every response: a CSP without inline script, frame denial, nosniff, referrer policy, and
HSTS when the platform is served over HTTPS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from starlette.responses import Response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# Swagger UI sets element styles from its script; its page alone allows inline *styles* (never inline script).
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


HSTS = "max-age=31536000; includeSubDomains"


def install(app: FastAPI, *, hsts: bool = False) -> None:
    """Add the headers; ``hsts`` (served over HTTPS) also tells browsers never to use plain HTTP again."""
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if _has_nul(request):
            from xiaodi.web.errors import error_response

            response = error_response(request, 422, "validation_failed", "请求中含有非法字符（NUL），已拒绝")
        else:
            response = await call_next(request)
        h = response.headers
        h["Content-Security-Policy"] = DOCS_CSP if request.url.path == "/api/docs" else CSP
        h["X-Frame-Options"] = "DENY"
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "same-origin"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if hsts:
            h["Strict-Transport-Security"] = HSTS
        if not request.url.path.startswith("/static/"):
            h.setdefault("Cache-Control", "no-store")
        return response


def _has_nul(request: Request) -> bool:
    """No text field in the ledger may hold a NUL byte (PostgreSQL refuses it); refuse it at the door."""
    raw = request.scope.get("query_string", b"") + request.scope.get("raw_path", b"")
    return b"%00" in raw or b"\x00" in raw or "\x00" in request.url.path
