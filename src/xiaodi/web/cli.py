"""``xiaodi serve`` — run the web application with uvicorn (one process per core behind a reverse proxy)."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from xiaodi.cli_options import engine_for, require_initialised
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import Settings

PROXY_HELP = "部署在反向代理（HTTPS）之后：相信 XIAODI_TRUSTED_PROXIES 所列代理转发的客户端地址与协议"


def uvicorn_options(settings: Settings, *, proxy_headers: bool) -> dict[str, Any]:
    """What uvicorn is told, checked before it starts. Forwarded headers are read by the application itself and
    only from ``XIAODI_TRUSTED_PROXIES`` — uvicorn's own reading would believe 127.0.0.1 without being asked."""
    from xiaodi.web.secret import session_secret

    session_secret(settings)  # refuses the well-known development key outside the demo
    if proxy_headers and not settings.proxy_list():
        raise ValidationFailed("使用 --proxy-headers 时须用 XIAODI_TRUSTED_PROXIES 指定反向代理的地址"
                               "（如 XIAODI_TRUSTED_PROXIES=127.0.0.1），否则任何人都能伪造 X-Forwarded-For")
    return {"proxy_headers": False, "server_header": False, "log_level": "info"}


# ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

app = typer.Typer()  # unnamed: its commands and groups sit at the top level of ``xiaodi``


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="进程数（建议每核一个）")] = 1,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL（默认读取 XIAODI_DATABASE_URL）")] = None,
    reload: Annotated[bool, typer.Option("--reload", help="开发时代码修改后自动重启")] = False,
    proxy_headers: Annotated[bool, typer.Option("--proxy-headers", help=PROXY_HELP)] = False,
) -> None:
    """启动网页与接口服务（浏览器打开 http://HOST:PORT/ ，接口文档在 /api/docs）。"""
    import uvicorn

    from xiaodi.core.settings import get_settings

    if db:
        os.environ["XIAODI_DATABASE_URL"] = db  # each worker process builds its own engine from it
        get_settings.cache_clear()
    options = uvicorn_options(get_settings(), proxy_headers=proxy_headers)
    require_initialised(engine_for(db)).dispose()  # fail early, in Chinese: a wrong URL, a database never set up
    typer.echo(f"校地合作平台：http://{host}:{port}/  （接口文档 /api/docs，Ctrl+C 停止）")
    uvicorn.run("xiaodi.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                reload=reload, **options)


def load_jobs() -> None:
    """Import every module that registers a background job, so the worker knows them all (one line each)."""
    from xiaodi.briefing import jobs as _briefing  # noqa: F401  生成工作简报
    from xiaodi.matching import jobs as _matching  # noqa: F401  语义编码
    from xiaodi.notifications import jobs as _notifications  # noqa: F401  发送通知邮件
    from xiaodi.tables import jobs as _tables  # noqa: F401  导入信息表（控制台）
    from xiaodi.web import imports as _imports  # noqa: F401  导入信息表
    from xiaodi.web import pages as _pages  # noqa: F401  导出列表


@app.command("worker")
def worker(
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL（默认读取 XIAODI_DATABASE_URL）")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=32, help="同时运行的任务数")] = 1,
    fold: Annotated[bool, typer.Option("--fold/--no-fold", help="同时把新增和修改的记录并入关键词检索索引"
                                                                  "（每 XIAODI_SEARCH_FOLD_SECONDS 秒）")] = True,
) -> None:
    """运行后台任务（PostgreSQL 任务队列）：导入、通知邮件等；任务中断后自动重新排队，Ctrl+C 停止。"""
    import asyncio
    import logging

    from xiaodi.core import queue
    from xiaodi.core.search import SearchFolder
    from xiaodi.core.settings import get_settings

    if db:
        os.environ["XIAODI_DATABASE_URL"] = db
        get_settings.cache_clear()
    settings = get_settings()
    engine = engine_for(db)
    if engine.dialect.name != "postgresql":
        raise ValidationFailed("后台任务队列只在 PostgreSQL 上运行；"
                               "SQLite 上任务在网页服务进程内完成，无需 xiaodi worker")
    require_initialised(engine)
    load_jobs()
    from xiaodi.figures import cache as figures_cache

    figures_cache.install()  # a job's counted changes make every host's dashboards compute their figures again
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The keyword index's queue is its own table (search_pending, written by triggers): folding it needs no job,
    # only one process that folds — the worker, on the queue.
    folder = SearchFolder(engine, settings.search_fold_seconds) if fold and settings.search_fold_seconds else None
    if folder is not None:
        folder.start()
    typer.echo(f"后台任务进程已启动（并发 {concurrency}），Ctrl+C 停止。")
    try:
        asyncio.run(queue.work(engine.url.render_as_string(hide_password=False), concurrency=concurrency,
                               stalled_seconds=settings.worker_stalled_seconds))
    finally:
        if folder is not None:
            folder.stop()
        engine.dispose()
