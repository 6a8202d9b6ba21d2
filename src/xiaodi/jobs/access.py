"""Who sees a background job (后台任务): an administrator every job; a user the jobs they started."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.core.jobs import JobRun


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
