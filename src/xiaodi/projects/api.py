"""Project API (/api/projects/…): the stage move of the closed loop (节点推进), as JSON."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from xiaodi.projects.models import ProjectStage
from xiaodi.web.deps import MemberUser, RecordId, SessionDep


class StageIn(BaseModel):
    to: ProjectStage
    reached_on: dt.date | None = None
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class StageOut(BaseModel):
    id: int
    stage: str
    version: int


def router() -> APIRouter:
    r = APIRouter(prefix="/api/projects", tags=["项目清单"])

    @r.post("/{project_id}/stage", response_model=StageOut, summary="变更项目阶段（办公室）")
    def stage(project_id: RecordId, body: StageIn, session: SessionDep, viewer: MemberUser) -> StageOut:
        from xiaodi.projects.pages import move_stage

        project = move_stage(session, viewer, project_id, to=body.to.value, reason=body.reason,
                             reached_on=body.reached_on.isoformat() if body.reached_on else None,
                             version=body.expected_version)
        return StageOut(id=project.id, stage=str(project.stage), version=project.version)

    return r
