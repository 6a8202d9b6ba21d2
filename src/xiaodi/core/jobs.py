"""Background jobs (后台任务): the work a request or a command should not wait for, run where it survives restarts.

A job is a named function registered here by the area that owns the work (``@job("tables.import", "导入信息表")``)
and one row in ``job_run``: who started it, its arguments and input file, its state (排队中 → 运行中 → 已完成, or
重试中 / 失败 with the reason), its progress (done of total) and its result (a summary, an output file).

Where it runs is the deployment's choice (``XIAODI_JOBS``, ``queue_enabled``): on PostgreSQL the run is deferred to
the procrastinate queue in the same database and ``xiaodi worker`` runs it (``core.queue``); on SQLite — the
embedded default — the callers keep doing the work in-process exactly as before, and a submitted run executes in
a thread of the process.

**Exactly once.** The function does its writes in the session it is given, and the run is marked 已完成 in that
same transaction: a worker killed mid-run leaves nothing half-written and the run not done, so the retry does it
again from the start; a run already done is skipped. Progress is written on a connection of its own so that the
page of the user who started it sees it move while the work's transaction is still open.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Engine, ForeignKey, Index, LargeBinary, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from xiaodi.core.db import after_outer_commit, engine_of
from xiaodi.core.errors import XiaodiError
from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # the first run and four retries, waiting 2, 4, 8, 16 s (procrastinate's exponential wait)


class JobState(Labelled):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    RETRYING = "retrying", "等待重试"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    CANCELLING = "cancelling", "正在停止"
    CANCELLED = "cancelled", "已取消"


OPEN_STATES = (JobState.QUEUED, JobState.RUNNING, JobState.RETRYING, JobState.CANCELLING)
ENDED_STATES = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class JobCancelled(XiaodiError):
    """An administrator asked the run to stop (停止任务); the job stops where it checks, leaving nothing written."""

    code = "job_cancelled"

    def __init__(self) -> None:
        super().__init__("任务已被管理员取消，数据未作任何修改")


# Where a run stands while its work's transaction is open, for this process's pages. On SQLite the database has one
# writer: a progress row written beside an import's open transaction would wait for it (and time out), so there the
# progress lives in memory — SQLite is one host, and its jobs run in the process that serves their pages.
_LIVE: dict[int, tuple[int, int | None]] = {}
# Runs an administrator of this process asked to stop: seen at the job's next check without reading the database.
_STOP: set[int] = set()


def _stop_marker(engine: Engine, run_id: int) -> Path | None:
    """Where a stop asked in another process of the same host (``xiaodi serve --workers 2`` on a SQLite file) is
    left for the job: a file beside the database, as SQLite keeps its own -wal and -shm there. The run's row cannot
    carry it: the job holds the write lock until it ends. None for PostgreSQL (the row carries it) and in-memory
    databases (one process)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{database}-stop-{run_id}")


def ask_to_stop(engine: Engine, run_id: int) -> None:
    """Tell the running job to stop at its next progress check (``JobContext.progress``) without writing its row:
    in this process at once, in another process of the host through the marker file."""
    _STOP.add(run_id)
    marker = _stop_marker(engine, run_id)
    if marker is not None:
        marker.touch()


def stop_asked(engine: Engine, run_id: int) -> bool:
    marker = _stop_marker(engine, run_id)
    return run_id in _STOP or (marker is not None and marker.exists())


def _forget_stop(engine: Engine, run_id: int) -> None:
    _STOP.discard(run_id)
    marker = _stop_marker(engine, run_id)
    if marker is not None:
        marker.unlink(missing_ok=True)


class JobRun(IdMixin, Base):
    """One run of a background job (后台任务): what, for whom, how far, and how it ended."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_state", "state", "id"), Index("ix_job_run_user_id", "user_id", "id"))

    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    state: Mapped[JobState] = mapped_column(String(12), default=JobState.QUEUED)
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    input_name: Mapped[str | None] = mapped_column(String(255), default=None)
    input_data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    output_name: Mapped[str | None] = mapped_column(String(255), default=None)
    output_data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    queue_job_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def percent(self) -> int:
        return progress_of(self)[2]


@dataclass
class JobContext:
    """What a job function receives besides its session: its run, its arguments and input, and a progress callback."""

    engine: Engine
    run_id: int
    args: dict[str, Any]
    user_id: int | None
    input_name: str | None = None
    input_data: bytes | None = None
    output_name: str | None = None
    output_data: bytes | None = None
    _last: float = field(default=0.0, repr=False)

    def progress(self, done: int, total: int | None = None) -> None:
        """Record how far the run is, at most about twice a second (its own short transaction, seen at once), and
        stop the run when an administrator asked it to (``JobCancelled``)."""
        if self.run_id in _STOP:
            raise JobCancelled()
        now = time.monotonic()
        if now - self._last < 0.5 and (total is None or done < total):
            return
        self._last = now
        _LIVE[self.run_id] = (done, total)
        if self.engine.dialect.name == "sqlite":  # the page reads _LIVE (see above); a stop is a marker file
            if stop_asked(self.engine, self.run_id):
                raise JobCancelled()
            return
        with self.engine.begin() as conn:
            state = conn.scalar(update(JobRun).where(JobRun.id == self.run_id).values(done=done, total=total)
                                .returning(JobRun.state))
        if state == JobState.CANCELLING:
            raise JobCancelled()

    def output(self, name: str, data: bytes) -> None:
        """The run's result file (an export, a briefing), kept with the run for the user who started it."""
        self.output_name, self.output_data = name, data


JobFunction = Callable[[Session, JobContext], str | None]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    function: JobFunction


REGISTRY: dict[str, JobKind] = {}


def job(name: str, label: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``function`` as the job ``name`` (任务名称 ``label``); it returns the run's summary or None."""

    def register(function: JobFunction) -> JobFunction:
        REGISTRY[name] = JobKind(name, label, function)
        return function

    return register


# ---- where jobs run ------------------------------------------------------------------------------------------


def queue_enabled(engine: Engine, mode: str | None = None) -> bool:
    """Whether jobs go to the PostgreSQL queue: ``XIAODI_JOBS=queue``, or ``auto`` on PostgreSQL; SQLite never."""
    if mode is None:
        from xiaodi.core.settings import get_settings

        mode = get_settings().jobs
    return engine.dialect.name == "postgresql" and mode in ("auto", "queue")


Deferrer = Callable[[Engine, int], int | None]
_deferrer: Deferrer | None = None


def set_deferrer(deferrer: Deferrer | None) -> None:
    """``core.queue`` installs how a run is handed to the queue (kept out of this module: no procrastinate import
    for the embedded default)."""
    global _deferrer
    _deferrer = deferrer


def submit_with(session: Session, kind: str, *, user_id: int | None, args: dict[str, Any] | None = None,
                label: str | None = None, input_name: str | None = None, input_data: bytes | None = None) -> int:
    """Record a run of ``kind`` in the caller's transaction and start it once that commits (a request's job exists
    exactly when the request succeeded); its id."""

    run = JobRun(kind=kind, label=label or REGISTRY[kind].label, user_id=user_id, args=args or {},
                 input_name=input_name, input_data=input_data)
    session.add(run)
    session.flush()
    _start_after_commit(session, run.id)
    return run.id


def _start_after_commit(session: Session, run_id: int) -> None:
    """Start the run once the caller's transaction commits (never for a transaction that rolls back, nor at a
    savepoint's release, when the run's row is not yet visible to the thread or worker that runs it)."""
    engine = engine_of(session)
    after_outer_commit(session, f"xiaodi.jobs.start.{run_id}", lambda: start(engine, run_id))


def start(engine: Engine, run_id: int, *, inline: bool | None = None) -> None:
    """Hand a recorded run to the queue (PostgreSQL) or to a thread of this process (SQLite)."""
    if inline is None:
        inline = not queue_enabled(engine)
    if inline:
        threading.Thread(target=run_with_retries, args=(engine, run_id), daemon=True,
                         name=f"xiaodi-job-{run_id}").start()
        return
    from xiaodi.core import queue

    queue_job_id = (_deferrer or queue.defer)(engine, run_id)
    with engine.begin() as conn:
        conn.execute(update(JobRun).where(JobRun.id == run_id).values(queue_job_id=queue_job_id))


def submit(engine: Engine, kind: str, *, user_id: int | None, args: dict[str, Any] | None = None,
           label: str | None = None, input_name: str | None = None, input_data: bytes | None = None,
           inline: bool | None = None) -> int:
    """Record a run of ``kind`` and start it: deferred to the queue, or in a thread of this process; its id."""
    spec = REGISTRY[kind]
    with Session(engine) as session:
        run = JobRun(kind=kind, label=label or spec.label, user_id=user_id, args=args or {},
                     input_name=input_name, input_data=input_data)
        session.add(run)
        session.commit()
        run_id = run.id
    start(engine, run_id, inline=inline)
    return run_id


def run(engine: Engine, run_id: int, *, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Run ``run_id`` once; True when it is done (now or before). A failure is recorded on the run and raised,
    except a ``XiaodiError`` (bad input, refused access: another attempt cannot mend it), which ends the run."""
    with Session(engine) as session:
        found = session.get(JobRun, run_id)
        if found is None or found.state in ENDED_STATES:
            return found is not None and found.state == JobState.DONE  # done already: running it again does nothing
        if found.state == JobState.CANCELLING or stop_asked(engine, run_id):  # asked to stop before it began
            found.state, found.finished_at, found.error = JobState.CANCELLED, utcnow(), str(JobCancelled())
            session.commit()
            return False
        found.state, found.started_at, found.attempts = JobState.RUNNING, utcnow(), found.attempts + 1
        found.error = None
        ctx = JobContext(engine, run_id, dict(found.args or {}), found.user_id, found.input_name, found.input_data)
        kind = REGISTRY[found.kind]
        final_attempt = found.attempts >= max_attempts
        session.commit()
    try:
        with Session(engine) as session:
            summary = kind.function(session, ctx)
            live = _LIVE.get(run_id)  # SQLite: the progress known only to memory until now
            total = live[1] if live else JobRun.total
            # the run is marked done in the work's own transaction: both commit, or neither
            session.execute(update(JobRun).where(JobRun.id == run_id).values(
                state=JobState.DONE, summary=summary, finished_at=utcnow(), output_name=ctx.output_name,
                output_data=ctx.output_data, total=total,
                done=func.coalesce(total, live[0] if live else JobRun.done)))
            session.commit()
        return True
    except JobCancelled as exc:
        _failed(engine, run_id, exc, final=True, state=JobState.CANCELLED)
        return False
    except XiaodiError as exc:
        _failed(engine, run_id, exc, final=True)
        return False
    except Exception as exc:
        _failed(engine, run_id, exc, final=final_attempt)
        raise
    finally:
        _LIVE.pop(run_id, None)
        _forget_stop(engine, run_id)


def _failed(engine: Engine, run_id: int, exc: BaseException, *, final: bool, state: JobState | None = None) -> None:
    reason = str(exc) if isinstance(exc, XiaodiError) else f"{type(exc).__name__}: {exc}"
    with engine.begin() as conn:
        conn.execute(update(JobRun).where(JobRun.id == run_id).values(
            state=state or (JobState.FAILED if final else JobState.RETRYING), error=reason[:4000],
            finished_at=utcnow() if final else None))


def backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` (1, 2, …): 2, 4, 8, 16 — as the queue's ``RetryStrategy(exponential_wait=2)``
    waits ``2 ** (attempts before + 1)``."""
    return float(2**attempt)


def run_with_retries(engine: Engine, run_id: int, *, sleep: Callable[[float], None] = time.sleep) -> bool:
    """In-process (SQLite): the same run and the same back-off as the queue's worker."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return run(engine, run_id)
        except Exception:
            log.exception("后台任务 %s 第 %s 次运行失败", run_id, attempt)
            if attempt < MAX_ATTEMPTS:
                sleep(backoff(attempt))
    return False


# ---- an administrator's actions (the rules and the audit are the jobs area's: ``xiaodi.jobs.service``) ----------


def retry(session: Session, run: JobRun) -> None:
    """Put a failed or cancelled run back in the queue from its first attempt (重新运行); it starts once the caller
    commits. Its work is idempotent, as every run's: a run is done at most once."""
    run.state, run.attempts, run.error, run.finished_at = JobState.QUEUED, 0, None, None
    run.done, run.total, run.started_at = 0, None, None
    session.flush()
    _start_after_commit(session, run.id)


def cancel(session: Session, run: JobRun) -> None:
    """Cancel a waiting run (取消: it will never start) or ask a running one to stop (停止: it stops at its next
    progress check, its transaction rolled back, and ends 已取消). A run that ended meanwhile keeps its end."""
    engine = engine_of(session)
    if run.state == JobState.RUNNING:
        ask_to_stop(engine, run.id)
        # only if still running: a run that stopped meanwhile (已取消, 已完成) keeps its end
        session.execute(update(JobRun).where(JobRun.id == run.id, JobRun.state == JobState.RUNNING)
                        .values(state=JobState.CANCELLING).execution_options(synchronize_session=False))
        session.refresh(run)
    elif run.state in (JobState.QUEUED, JobState.RETRYING):
        run.state, run.finished_at, run.error = JobState.CANCELLED, utcnow(), str(JobCancelled())
    elif run.state in ENDED_STATES:
        _forget_stop(engine, run.id)  # it ended before the stop reached it: no marker is left behind
    session.flush()


def progress_of(run: JobRun) -> tuple[int, int | None, int]:
    """Rows done, total and percent of a run, as this process knows them best (a SQLite run in flight: memory)."""
    done, total = _LIVE.get(run.id, (run.done, run.total)) if run.state == JobState.RUNNING else (run.done, run.total)
    if run.state == JobState.DONE:
        return done, total, 100
    percent = max(0, min(99, int(100 * done / total))) if total else 0
    return done, total, percent


# ---- reading ---------------------------------------------------------------------------------------------------


def runs(session: Session, *, states: tuple[JobState, ...] | None = None, user_id: int | None = None,
         limit: int = 200) -> list[JobRun]:
    """The newest runs first, optionally of some states or one user."""
    stmt = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
    if states:
        stmt = stmt.where(JobRun.state.in_([s.value for s in states]))
    if user_id is not None:
        stmt = stmt.where(JobRun.user_id == user_id)
    return list(session.scalars(stmt))


def as_dict(run: JobRun) -> dict[str, Any]:
    """The run as the API and the progress bar read it."""
    done, total, percent = progress_of(run)
    return {"id": run.id, "kind": run.kind, "label": run.label, "state": run.state.value if isinstance(
        run.state, JobState) else run.state, "state_label": JobState(run.state).label, "done": done,
        "total": total, "percent": percent, "attempts": run.attempts, "error": run.error,
        "summary": run.summary, "user_id": run.user_id, "output": run.output_name,
        "created_at": run.created_at.isoformat(), "finished_at": run.finished_at.isoformat()
        if run.finished_at else None}
