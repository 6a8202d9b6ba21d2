"""API documentation at /api/docs, served entirely from this app: Swagger UI's files come from the installed
``swagger-ui-bundle`` package and its start-up script is a static file (the CSP forbids inline script)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles


def swagger_dir() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    return Path(str(swagger_ui_path))


_BAR_CSS = (
    ".xiaodi-bar{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1rem;background:#0b3d75;color:#fff;"
    "font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif}.xiaodi-bar a{color:#fff}"
    ".xiaodi-home{font-weight:700;margin-right:auto}"
)


router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def docs(request: Request) -> Response:
    if swagger_dir() is None:
        from xiaodi.web.templating import render

        return render(request, "api_reference.html", {"schema": request.app.openapi()})
    return HTMLResponse(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>xiaodi 接口文档</title>"
        "<link rel=\"stylesheet\" href=\"/api/docs/assets/swagger-ui.css\">"
        f"<style>{_BAR_CSS}</style>"
        "</head><body>"
        # The way back: the docs are reached from the platform's pages and should not be a dead end.
        "<header class=\"xiaodi-bar\"><a class=\"xiaodi-home\" href=\"/\">← 返回校地合作平台</a>"
        "<span>接口文档</span><a href=\"/account\">API 令牌</a></header>"
        "<div id=\"swagger-ui\" data-url=\"/api/docs/openapi.json\"></div>"
        "<script src=\"/api/docs/assets/swagger-ui-bundle.js\"></script>"
        "<script src=\"/static/docs.js\"></script></body></html>"
    )


@router.get("/api/docs/openapi.json")
def docs_schema(request: Request) -> JSONResponse:
    """The schema as Swagger UI 4 reads it: it renders nothing for version 3.1, and 3.0 fits what we use."""
    schema = dict(request.app.openapi())
    schema["openapi"] = "3.0.3"
    return JSONResponse(schema)


def install(app: FastAPI) -> None:
    """Serve Swagger UI's files (when the package is installed) and the two documentation routes."""
    folder = swagger_dir()
    if folder is not None and folder.is_dir():
        app.mount("/api/docs/assets", StaticFiles(directory=folder), name="swagger")
    app.include_router(router)
