"""The job queue on PostgreSQL (任务队列): procrastinate, in the ledger's own database.

Why procrastinate: it keeps its jobs in PostgreSQL tables (``procrastinate_jobs``), so a province deployment needs
no other server, a job deferred survives any restart, and a worker picks jobs with ``SELECT … FOR UPDATE SKIP
LOCKED`` — several workers never take the same job. One task, ``xiaodi.run``, carries a ``job_run`` id; what it
does is the registered job of ``core.jobs`` (the run row is the truth about the work, the queue only decides when
and where it runs).

**Its schema is procrastinate's own**, applied by ``xiaodi db init`` / ``db upgrade`` after the Alembic
migrations (``ensure_schema``), not copied into a revision: it is the library's SQL (functions, triggers, types)
and follows the installed version — a fresh database gets ``schema.sql``, an older one the library's migration
scripts between the version recorded in the table comment and the installed one. PostgreSQL only; SQLite never
has a queue.

**A worker that dies mid-job** (killed, host lost) stops its heartbeat; every worker looks for such stalled jobs
at start and every ``STALLED_CHECK_SECONDS`` and puts them back in the queue (``rescue_stalled``). The run itself
is idempotent (``core.jobs.run``), so the retry finishes the work exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from xiaodi.core import jobs

log = logging.getLogger(__name__)

TASK = "xiaodi.run"
QUEUE = "xiaodi"
STALLED_CHECK_SECONDS = 10.0
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)_")


def is_queue_structure(name: str | None) -> bool:
    """Whether a database object is the queue's (built by procrastinate's SQL, not by the models)."""
    return bool(name) and str(name).startswith("procrastinate_")


def conninfo(database_url: str) -> str:
    """A libpq URI for psycopg from the SQLAlchemy URL (``postgresql+psycopg://`` → ``postgresql://``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


# ---- the schema ------------------------------------------------------------------------------------------------


def installed_version() -> str:
    from importlib.metadata import version

    return version("procrastinate")


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def ensure_schema(connection: Connection) -> str | None:
    """Create or bring procrastinate's tables to the installed version (PostgreSQL; nothing on SQLite); returns the
    version applied, or None when there was nothing to do."""
    if connection.dialect.name != "postgresql":
        return None
    from procrastinate.schema import SchemaManager

    exists = connection.scalar(text("select to_regclass('procrastinate_jobs') is not null"))
    have = connection.scalar(text("select obj_description(to_regclass('procrastinate_jobs'), 'pg_class')"))
    want = installed_version()
    raw = connection.connection.driver_connection
    assert raw is not None
    if not exists:
        raw.execute(SchemaManager.get_schema())
    else:
        recorded = str(have or "").removeprefix("procrastinate ")
        if recorded and _key(recorded) >= _key(want):
            return None
        for script in _migrations_after(recorded):
            raw.execute(script.read_text(encoding="utf-8"))  # the library's own SQL
    connection.execute(text(f"comment on table procrastinate_jobs is 'procrastinate {want}'"))
    return want


def _migrations_after(recorded: str) -> list[Path]:
    """procrastinate's migration scripts newer than ``recorded`` (all when unknown: they are written to apply on an
    older schema, so an unknown one is the oldest this code supports — 3.0)."""
    from procrastinate.schema import SchemaManager

    floor = _key(recorded) if recorded else (3, 0, 0)
    scripts = []
    for path in sorted(Path(SchemaManager.get_migrations_path()).glob("*.sql")):
        m = _VERSION_RE.match(path.name)
        if m and tuple(int(g) for g in m.groups()) > floor:
            scripts.append(path)
    return scripts


def reachable(connection: Connection) -> bool:
    """Readiness: the queue's jobs table answers (PostgreSQL in queue mode)."""
    try:
        connection.execute(text("select 1 from procrastinate_jobs limit 1"))
        return True
    except Exception:
        return False


# ---- deferring -------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _app(database_url: str, worker: bool = False) -> Any:
    """The procrastinate app of one database; a web process defers through a small synchronous pool, a worker runs
    on the asynchronous connector."""
    import procrastinate

    if worker:
        connector: Any = procrastinate.PsycopgConnector(conninfo=conninfo(database_url), min_size=1, max_size=4)
    else:
        connector = procrastinate.SyncPsycopgConnector(conninfo=conninfo(database_url), min_size=0, max_size=2)
    app = procrastinate.App(connector=connector)
    app.task(name=TASK, queue=QUEUE, pass_context=True,
             retry=procrastinate.RetryStrategy(max_attempts=jobs.MAX_ATTEMPTS - 1, exponential_wait=2))(_perform)
    return app


_engines: dict[str, Engine] = {}


def _perform(context: Any, run_id: int) -> None:
    """The worker's side of ``xiaodi.run``: run the job of ``run_id`` (a failure is raised for procrastinate's
    retry with back-off; ``core.jobs`` has recorded it on the run)."""
    url = context.additional_context["database_url"]
    engine = _engines.get(url)
    if engine is None:
        from xiaodi.core.db import make_engine

        engine = _engines[url] = make_engine(url)
    jobs.run(engine, run_id)


def defer(engine: Engine, run_id: int) -> int | None:
    """Hand run ``run_id`` to the queue; the queue's job id."""
    url = engine.url.render_as_string(hide_password=False)
    app = _app(url)
    app.open()  # idempotent: the pool is opened once per process
    return int(app.configure_task(TASK).defer(run_id=run_id))


# ---- the worker ------------------------------------------------------------------------------------------------


async def rescue_stalled(app: Any, stalled_seconds: float) -> int:
    """Put back in the queue the jobs of workers whose heartbeat stopped ``stalled_seconds`` ago; how many."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds))
    for job in stalled:
        log.warning("任务 %s 的工作进程已停止，重新排队", job.id)
        await app.job_manager.retry_job(job)
    return len(stalled)


async def _rescuer(app: Any, stalled_seconds: float) -> None:
    while True:
        try:
            await rescue_stalled(app, stalled_seconds)
        except Exception:  # a lost connection: try again at the next check
            log.exception("检查中断的任务失败")
        await asyncio.sleep(min(STALLED_CHECK_SECONDS, stalled_seconds))


async def work(database_url: str, *, concurrency: int = 1, stalled_seconds: float = 30.0) -> None:
    """Run jobs until cancelled (``xiaodi worker``): heartbeat every ``stalled_seconds / 3``."""
    app = _app(database_url, worker=True)
    async with app.open_async():
        rescuer = asyncio.create_task(_rescuer(app, stalled_seconds))
        try:
            await app.run_worker_async(queues=[QUEUE], concurrency=concurrency, install_signal_handlers=True,
                                       additional_context={"database_url": database_url},
                                       update_heartbeat_interval=max(1.0, stalled_seconds / 3),
                                       stalled_worker_timeout=stalled_seconds)
        finally:
            rescuer.cancel()
