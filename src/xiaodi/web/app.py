"""The web application factory (``create_app``): pages, JSON API, local docs and assets, one error handler.

Nothing is created at import time: the engine, the session factory and the templates belong to the app that
``create_app`` returns. ``uvicorn --factory xiaodi.web.app:create_app`` serves it (``xiaodi serve``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import JSONResponse, Response

from xiaodi import __version__
from xiaodi.core.db import make_engine, make_sessionmaker
from xiaodi.core.jobs import queue_enabled
from xiaodi.core.migrate import head_revisions
from xiaodi.core.queue import reachable as queue_reachable
from xiaodi.core.search import SearchFolder
from xiaodi.core.settings import Settings, get_settings
from xiaodi.figures import cache as figures_cache
from xiaodi.matching.sync import install as sync_indexes
from xiaodi.reference.curated import install as name_directions
from xiaodi.tables.registry import field_labels as table_field_labels
from xiaodi.web import docs, errors, openapi, security
from xiaodi.web.admission import Admission, admitted_limit
from xiaodi.web.deps import SESSION_MAX_AGE, SessionDep, verify_csrf
from xiaodi.web.resources import area_routers, load_specs
from xiaodi.web.secret import session_secret
from xiaodi.web.templating import make_templates

STATIC = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "xiaodi_session"

DESCRIPTION = """校地合作平台的 JSON 接口。

认证：在请求头中携带 `Authorization: Bearer <令牌>`（在“我的账号”页面生成），或使用网页登录后的会话
（此时修改数据的请求须带 `X-CSRF-Token` 请求头）。

列表接口支持 `page`、`size`（最大 200）、`q`（关键词）、`sort`（字段名，前加 `-` 为倒序）及各列表自己的筛选参数，
返回 `{"items": [...], "total": 总数, "page": 页码, "size": 每页条数}`。

出错时返回 `{"error": 错误代码, "detail": 中文说明}`，只返回您数据范围内的记录，范围外的记录一律为 404。
"""


# The operator's routes: liveness, readiness, and the icon browsers ask for.
health = APIRouter(include_in_schema=False)


@health.get("/healthz")
def healthz(session: SessionDep) -> dict[str, str]:
    session.execute(text("select 1"))
    return {"status": "ok"}


@health.get("/readyz")
def readyz(request: Request, session: SessionDep) -> Response:
    """Readiness, for a load balancer or an orchestrator: the database answers and its schema is the one this
    code expects (after an upgrade of the code, before ``xiaodi db upgrade``, a node takes no traffic)."""
    current = set(session.scalars(text("select version_num from alembic_version")))
    heads = request.app.state.schema_heads
    if current != heads:
        return JSONResponse({"status": "schema_outdated", "database": sorted(current), "code": sorted(heads)},
                            status_code=503)
    connection = session.connection()
    if queue_enabled(connection.engine, request.app.state.settings.jobs) and not queue_reachable(connection):
        # the jobs this node defers would be lost: out of the pool until the queue's tables answer
        return JSONResponse({"status": "queue_unreachable"}, status_code=503)
    return JSONResponse({"status": "ready"})


@health.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)  # browsers ask for it; nothing to fetch, nothing logged as missing


def create_app(
    engine: Engine | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    settings: Settings | None = None,
    secure_cookies: bool | None = None,
) -> FastAPI:
    """Build the application. ``engine`` defaults to ``XIAODI_DATABASE_URL``; tests pass a ``session_factory``
    bound to their own connection so that every request's work is rolled back with the test. It refuses to
    start with the well-known development key (``web.secret``)."""
    settings = settings or get_settings()
    secret = session_secret(settings)
    secure = settings.secure_cookies() if secure_cookies is None else secure_cookies
    folder: SearchFolder | None = None
    admit: int | None = None
    if session_factory is None:
        engine = engine or make_engine(settings.database_url)
        admit = admitted_limit(engine, settings.web_max_requests)
        session_factory = make_sessionmaker(engine)
        if settings.search_fold_seconds and not queue_enabled(engine, settings.jobs):
            # on the queue (PostgreSQL) `xiaodi worker` folds; the web processes only serve
            folder = SearchFolder(engine, settings.search_fold_seconds)

    warm = engine if engine is not None and settings.match_warm_up else None  # a server's own engine, not a test's

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if folder is not None:
            folder.start()  # new and changed records reach the keyword search index
        if warm is not None:
            from xiaodi.matching.service import warm_up

            _app.state.warm_up = warm_up(warm)
        yield
        if folder is not None:
            folder.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="xiaodi 校地合作平台",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(verify_csrf)],
    )
    app.state.session_factory = session_factory
    app.state.settings = settings
    app.state.schema_heads = head_revisions()  # the schema this code expects (/readyz)
    app.state.templates = make_templates()
    app.state.figures_cache = figures_cache.FiguresCache(settings.dashboard_cache_seconds)
    figures_cache.install()  # a change to a counted record makes the dashboards compute their figures again

    if admit is not None:
        # innermost of the middleware: a request waits for its turn before it can hold a connection, and a 503
        # still carries the security headers
        app.add_middleware(Admission, limit=admit, wait_seconds=settings.web_queue_seconds)
    app.state.admission_limit = admit
    security.install(app, hsts=secure)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=secure,
    )
    errors.install(app)
    errors.register_field_labels(table_field_labels())
    if settings.proxy_list():
        # Outermost: the client address and scheme are known before sessions, logins and throttling read them.
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxy_list())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.include_router(health)
    docs.install(app)
    sync_indexes()  # a committed change to an indexed record reaches the matching indexes
    name_directions()  # a registered, renamed or merged school's names keep its 办学方向 current
    specs = load_specs()
    app.state.specs = specs

    from xiaodi.web import api, pages

    for r in area_routers("api"):
        app.include_router(r)
    app.include_router(api.router)
    app.include_router(api.resource_router(specs))
    for r in area_routers("pages"):
        app.include_router(r)
    app.include_router(pages.router)
    app.include_router(pages.resource_router(specs))
    openapi.install(app)  # the schema declares the error body and statuses the API really answers with
    return app
