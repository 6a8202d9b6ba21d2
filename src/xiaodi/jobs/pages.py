"""The jobs pages: ``/admin/jobs`` (administrator: pending, running and failed jobs with the reason) and
``/jobs/{id}`` (a job's progress bar for the user who started it; ``app.js`` polls ``/api/jobs/{id}``), with the
result file at ``/jobs/{id}/download``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import undefer

from xiaodi.core import jobs
from xiaodi.core.errors import NotFound
from xiaodi.jobs import access
from xiaodi.jobs.api import parse_states
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.templating import render

router = APIRouter(include_in_schema=False)


def specs() -> list[Any]:
    return []  # no list of the programme: the pages below


@router.get("/admin/jobs")
def jobs_page(request: Request, session: SessionDep, viewer: MemberUser,
              state: Annotated[str | None, Query(max_length=80)] = None) -> Response:
    access.require_admin(viewer)
    states = parse_states(state) or (*jobs.OPEN_STATES, jobs.JobState.FAILED)
    return render(request, "jobs.html", {"runs": jobs.runs(session, states=states), "states": jobs.JobState,
                                         "state": state or ""})


@router.get("/jobs/{run_id}")
def job_page(request: Request, session: SessionDep, viewer: MemberUser, run_id: RecordId) -> Response:
    run = access.visible_run(session, viewer, run_id)
    return render(request, "job.html", {"run": run, "state_label": jobs.JobState(run.state).label})


@router.get("/jobs/{run_id}/download")
def job_download(session: SessionDep, viewer: MemberUser, run_id: RecordId) -> Response:
    access.visible_run(session, viewer, run_id)
    run = session.scalars(select(jobs.JobRun).where(jobs.JobRun.id == run_id)
                          .options(undefer(jobs.JobRun.output_data))).one()
    if run.output_data is None or not run.output_name:
        raise NotFound("该任务没有可下载的文件")
    return Response(run.output_data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(run.output_name)}"})
