"""``xiaodi serve`` — run the web application with uvicorn (one process per core behind a reverse proxy)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated

import typer
from sqlalchemy import Engine


def register(app: typer.Typer, engine_for: Callable[[str | None], Engine]) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
        workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="进程数（建议每核一个）")] = 1,
        db: Annotated[str | None, typer.Option("--db", help="数据库 URL（默认读取 XIAODI_DATABASE_URL）")] = None,
        reload: Annotated[bool, typer.Option("--reload", help="开发时代码修改后自动重启")] = False,
    ) -> None:
        """启动网页与接口服务（浏览器打开 http://HOST:PORT/ ，接口文档在 /api/docs）。"""
        import uvicorn

        if db:
            os.environ["XIAODI_DATABASE_URL"] = db  # each worker process builds its own engine from it
            from xiaodi.core.settings import get_settings

            get_settings.cache_clear()
        engine_for(db).dispose()  # fail early with a clear message when the URL is wrong
        typer.echo(f"校地合作平台：http://{host}:{port}/  （接口文档 /api/docs，Ctrl+C 停止）")
        uvicorn.run("xiaodi.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                    reload=reload, proxy_headers=True, server_header=False, log_level="info")
