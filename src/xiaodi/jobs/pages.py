"""The jobs pages: ``/admin/jobs`` (administrator: pending, running and failed jobs with the reason) and
``/jobs/{id}`` (a job's progress bar for the user who started it; ``app.js`` polls ``/api/jobs/{id}``), with the
result file at ``/jobs/{id}/download``; an administrator retries a failed run or cancels a waiting or running one
(``POST /jobs/{id}/retry|cancel``, ``jobs.service``)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import undefer

from xiaodi.core import jobs
from xiaodi.core.errors import NotFound
from xiaodi.jobs import access, service
from xiaodi.jobs.api import parse_states
from xiaodi.web.deps import MemberUser, RecordId, SessionDep, reads_first
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)


def specs() -> list[Any]:
    return []  # no list of the programme: the pages below


@router.get("/admin/jobs")
def jobs_page(request: Request, session: SessionDep, viewer: MemberUser,
              state: Annotated[str | None, Query(max_length=80)] = None) -> Response:
    access.require_admin(viewer)
    states = parse_states(state) or (*jobs.OPEN_STATES, jobs.JobState.FAILED)
    return render(request, "jobs.html", {"runs": jobs.runs(session, states=states), "states": jobs.JobState,
                                         "progress": jobs.progress_of,
                                         "state": state or ""})


@router.get("/jobs/{run_id}")
def job_page(request: Request, session: SessionDep, viewer: MemberUser, run_id: RecordId) -> Response:
    run = access.visible_run(session, viewer, run_id)
    return render(request, "job.html", {"run": run, "state_label": jobs.JobState(run.state).label,
                                        "manage": viewer.is_admin, "states": jobs.JobState})


@router.get("/jobs/{run_id}/download")
def job_download(session: SessionDep, viewer: MemberUser, run_id: RecordId) -> Response:
    access.visible_run(session, viewer, run_id)
    run = session.scalars(select(jobs.JobRun).where(jobs.JobRun.id == run_id)
                          .options(undefer(jobs.JobRun.output_data))).one()
    if run.output_data is None or not run.output_name:
        raise NotFound("该任务没有可下载的文件")
    return Response(run.output_data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(run.output_name)}"})


@router.post("/jobs/{run_id}/retry")
def retry_job(request: Request, session: SessionDep, viewer: MemberUser, run_id: RecordId,
              reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """重新运行 (administrator): the failed or cancelled run goes back in the queue; its page shows it."""
    service.retry(session, viewer, run_id, reason.strip() or None)
    flash(request, f"任务（编号 {run_id}）已重新排队")
    return RedirectResponse(f"/jobs/{run_id}", status_code=303)


@router.post("/jobs/{run_id}/cancel")
@reads_first
def cancel_job(request: Request, session: SessionDep, viewer: MemberUser, run_id: RecordId,
               reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """取消 (administrator): a waiting run never starts; a running one stops at its next progress check."""
    run = service.cancel(session, viewer, run_id, reason.strip() or None)
    flash(request, service.outcome(run))
    return RedirectResponse("/admin/jobs", status_code=303)
