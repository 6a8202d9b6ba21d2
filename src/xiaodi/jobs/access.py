"""Who sees a background job (后台任务): an administrator every job; a user the jobs they started. Only an
administrator retries or cancels one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import Conflict, Forbidden, NotFound
from xiaodi.core.jobs import JobRun, JobState


def require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise Forbidden("只有管理员可以查看全部后台任务")


def visible_run(session: Session, viewer: Viewer, run_id: int) -> JobRun:
    """The run, if ``viewer`` started it or administers the platform; 404 otherwise (another's job is not shown
    to exist)."""
    run = session.get(JobRun, run_id)
    if run is None or not (viewer.is_admin or (run.user_id is not None and run.user_id == viewer.user_id)):
        raise NotFound(f"后台任务（编号 {run_id}）不存在")
    return run


def require_manage(viewer: Viewer) -> None:
    """Retrying and cancelling a job (重新运行, 取消) is the administrator's: a job runs with its starter's rules, and
    another user's work is not theirs to repeat or stop."""
    if not viewer.is_admin:
        raise Forbidden("只有管理员可以重新运行或取消后台任务")


def require_retryable(run: JobRun) -> None:
    if run.state not in (JobState.FAILED, JobState.CANCELLED):
        raise Conflict(f"任务（编号 {run.id}）{JobState.label_of(run.state)}，只有失败或已取消的任务可以重新运行")


def require_cancellable(run: JobRun) -> None:
    if run.state not in (JobState.QUEUED, JobState.RETRYING, JobState.RUNNING):
        raise Conflict(f"任务（编号 {run.id}）{JobState.label_of(run.state)}，只有排队、等待重试或运行中的任务可以取消")
