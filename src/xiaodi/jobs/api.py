"""The jobs API: ``GET /api/jobs`` (administrator: every job, filtered by state), ``POST /api/jobs/{id}/retry|cancel``
(administrator) and ``GET /api/jobs/{id}`` (the progress the page of the user who started it polls)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from xiaodi.core import jobs
from xiaodi.core.errors import ValidationFailed
from xiaodi.jobs import access, service
from xiaodi.web.deps import MemberUser, RecordId, SessionDep, reads_first

router = APIRouter(prefix="/api/jobs", tags=["后台任务"])


def parse_states(state: str | None) -> tuple[jobs.JobState, ...] | None:
    if not state:
        return None
    try:
        return tuple(jobs.JobState(s.strip()) for s in state.split(",") if s.strip())
    except ValueError:
        raise ValidationFailed(f"未知的任务状态“{state}”，可选：{'、'.join(jobs.JobState.labels())}") from None


@router.get("", summary="后台任务列表（管理员）")
def list_jobs(session: SessionDep, viewer: MemberUser,
              state: Annotated[str | None, Query(max_length=80, description="状态，逗号分隔：queued,running,"
                                                                             "retrying,done,failed")] = None,
              ) -> dict[str, Any]:
    access.require_admin(viewer)
    items = [jobs.as_dict(r) for r in jobs.runs(session, states=parse_states(state))]
    return {"items": items, "total": len(items)}


@router.get("/{run_id}", summary="后台任务进度")
def job_progress(session: SessionDep, viewer: MemberUser, run_id: RecordId) -> dict[str, Any]:
    return jobs.as_dict(access.visible_run(session, viewer, run_id))


@router.post("/{run_id}/retry", summary="重新运行失败或已取消的后台任务（管理员）")
def retry_job(session: SessionDep, viewer: MemberUser, run_id: RecordId) -> dict[str, Any]:
    return jobs.as_dict(service.retry(session, viewer, run_id))


@router.post("/{run_id}/cancel", summary="取消排队中的后台任务，或请运行中的任务停止（管理员）")
@reads_first
def cancel_job(session: SessionDep, viewer: MemberUser, run_id: RecordId) -> dict[str, Any]:
    return jobs.as_dict(service.cancel(session, viewer, run_id))
