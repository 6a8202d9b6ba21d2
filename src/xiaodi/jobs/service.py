"""An administrator's actions on background jobs (后台任务): retry a failed or cancelled run (重新运行), cancel a
waiting one or ask a running one to stop (取消), each checked by ``jobs.access`` and written to the run's audit
trail (留痕) in the same transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit, jobs
from xiaodi.core.db import engine_of, write_after_reading
from xiaodi.core.models import model_snapshot
from xiaodi.jobs import access


def retry(session: Session, viewer: Viewer, run_id: int, reason: str | None = None) -> jobs.JobRun:
    """Put the run back in the queue; it starts after the caller's commit."""
    return _act(session, viewer, run_id, reason, "retry", access.require_retryable, jobs.retry)


def cancel(session: Session, viewer: Viewer, run_id: int, reason: str | None = None) -> jobs.JobRun:
    """Cancel a waiting run, or ask a running one to stop where it checks (正在停止 → 已取消).

    A running job is told to stop before this unit of work asks for the write lock: on SQLite the job holds that
    lock until it ends, so a cancel that waited for it first would time out ("database is locked") and the job would
    run on to its end. The route reads first (``web.deps.reads_first``); the audit is written once the job let go."""
    access.require_manage(viewer)
    run = access.visible_run(session, viewer, run_id)
    access.require_cancellable(run)
    before = _snapshot(run)
    if run.state == jobs.JobState.RUNNING:
        jobs.ask_to_stop(engine_of(session), run.id)
    write_after_reading(session)
    run = access.visible_run(session, viewer, run_id)  # as it stands now: it may have stopped meanwhile
    jobs.cancel(session, run)
    audit.record(session, actor=viewer.actor, action="cancel", obj=run, before=before, after=_snapshot(run),
                 reason=reason)
    return run


def outcome(run: jobs.JobRun) -> str:
    """What the administrator is told after 取消: cancelled, stopping at the job's next check, or ended otherwise
    before the stop reached it (已完成: its work stands)."""
    if run.state == jobs.JobState.CANCELLING:
        return f"任务（编号 {run.id}）将在下一次进度检查时停止"
    if run.state == jobs.JobState.CANCELLED:
        return f"任务（编号 {run.id}）已取消"
    return f"任务（编号 {run.id}）在停止前已结束（{jobs.JobState.label_of(run.state)}），未能取消"


def _act(session: Session, viewer: Viewer, run_id: int, reason: str | None, action: str,
         allowed: Callable[[jobs.JobRun], None], do: Callable[[Session, jobs.JobRun], None]) -> jobs.JobRun:
    """An administrator's action on a run: who may, whether the run's state allows it, then the change, audited."""
    access.require_manage(viewer)
    run = access.visible_run(session, viewer, run_id)
    allowed(run)
    before = _snapshot(run)
    do(session, run)
    audit.record(session, actor=viewer.actor, action=action, obj=run, before=before, after=_snapshot(run),
                 reason=reason)
    return run


def _snapshot(run: jobs.JobRun) -> dict[str, object]:
    """What the trail keeps of a run: its state and counters, not its files (they may be megabytes)."""
    return model_snapshot(run, exclude=frozenset({"created_at", "input_data", "output_data", "args"}))
