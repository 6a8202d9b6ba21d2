"""An administrator's actions on background jobs (后台任务): retry a failed or cancelled run (重新运行), cancel a
waiting one or ask a running one to stop (取消), each checked by ``jobs.access`` and written to the run's audit
trail (留痕) in the same transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit, jobs
from xiaodi.core.models import model_snapshot
from xiaodi.jobs import access


def retry(session: Session, viewer: Viewer, run_id: int, reason: str | None = None) -> jobs.JobRun:
    """Put the run back in the queue; it starts after the caller's commit."""
    return _act(session, viewer, run_id, reason, "retry", access.require_retryable, jobs.retry)


def cancel(session: Session, viewer: Viewer, run_id: int, reason: str | None = None) -> jobs.JobRun:
    """Cancel a waiting run, or ask a running one to stop where it checks (正在停止 → 已取消)."""
    return _act(session, viewer, run_id, reason, "cancel", access.require_cancellable, jobs.cancel)


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
