"""Matching API (/api/match): free text → ranked, explained candidates of one target (精准匹配).

Demand candidates are served by the demands area (``GET /api/demands/{id}/candidates``), which calls
``xiaodi.matching.service.candidates_for_demand``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.catalog.models import Achievement
from xiaodi.core.errors import Forbidden
from xiaodi.demands.models import Demand
from xiaodi.matching import service
from xiaodi.matching.access import asked_for, may_see_recommendations, visible_ids
from xiaodi.matching.feedback import FEEDBACK_TARGETS, record_feedback
from xiaodi.matching.models import Verdict
from xiaodi.matching.prepare import prepare_typed
from xiaodi.matching.profiles import TARGETS
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, SessionDep


def visible_items(session: Session, viewer: Viewer, target: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop candidates outside the viewer's scope: an index holds every record, a viewer sees only some."""
    seen = visible_ids(session, viewer, target, [item["id"] for item in items])
    return [item for item in items if item["id"] in seen]


class FeedbackIn(BaseModel):
    """An office's verdict on one candidate of a demand (匹配反馈)."""

    demand_id: int = Field(ge=1, le=2**62, description="需求编号")
    target: str = Field(max_length=16, description="候选类别：" + "、".join(FEEDBACK_TARGETS))
    record_id: int = Field(ge=1, le=2**62, description="候选编号")
    verdict: str = Field(max_length=16, description="contacted（已对接）或 unsuitable（不合适）")
    reason: str = Field(min_length=1, max_length=500, description="理由")


class PrepareIn(BaseModel):
    """Text a user is still typing, to be encoded before the match is asked for (输入中预编码)."""

    text: str = Field(min_length=1, max_length=2000, description="需求描述或关键词（输入中的文字）")


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(prefix="/api/match", tags=["精准匹配"])


@router.get("", summary="文本匹配：高校、成果、专家、平台、企业或需求，附匹配理由")
def match(
    session: SessionDep,
    viewer: MemberUser,
    text: Annotated[str, Query(min_length=1, max_length=2000, description="需求描述或关键词")],
    target: Annotated[str, Query(max_length=20, description="匹配对象：" + "、".join(TARGETS))] = "university",
    top: Annotated[int, Query(ge=1, le=service.MAX_TOP, description="返回条数")] = 10,
    region: Annotated[str | None, Query(max_length=60, description="按地区筛选，如 山西省")] = None,
    place: Annotated[str | None, Query(max_length=60, description="需求所在地（就近加分，不筛选）")] = None,
    kind: Annotated[str | None, Query(max_length=20, description="类别，如 university / institute")] = None,
    level: Annotated[str | None, Query(max_length=40, description="层次/级别")] = None,
    discipline: Annotated[str | None, Query(max_length=120, description="学科")] = None,
    industry: Annotated[str | None, Query(max_length=120, description="行业代码或名称")] = None,
) -> dict[str, Any]:
    filters = {"region": region, "kind": kind, "level": level, "discipline": discipline, "industry": industry}
    wanted = {k: v for k, v in filters.items() if v}
    # Enterprises and demands are not public to every member: ask for more, keep what the viewer may see.
    ask = asked_for(target, top, service.MAX_TOP)
    answer = service.match_answer(session, text, target, ask, wanted, place=place).as_dict()
    answer["items"] = visible_items(session, viewer, target, answer["items"])[:top]
    return {"target": target, **answer}


@router.post("/prepare", summary="输入中预编码：先把正在输入的文字编码，随后的匹配不再等待模型", status_code=202)
def prepare(body: PrepareIn, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    """Every member may match free text (``GET /api/match``), so every member may have it encoded ahead. Nothing is
    stored but the text's vector in the embedding cache; the answer does not wait for the model."""
    prepare_typed(session, body.text)
    return {"accepted": True}


@router.get("/achievements/{achievement_id}", summary="成果推介：可能需要这项科技成果的企业与需求，附匹配理由")
def recommend(
    achievement_id: Annotated[int, Path(ge=1, le=2**62, description="科技成果编号")],
    session: SessionDep,
    viewer: MemberUser,
    top: Annotated[int, Query(ge=1, le=service.MAX_TOP, description="返回条数")] = 10,
) -> dict[str, Any]:
    achievement = get_visible(session, Achievement, achievement_id, viewer, "科技成果")
    if not may_see_recommendations(viewer, achievement.owner_id):
        raise Forbidden("成果推介对象仅对成果所属单位、各级办公室和牵头单位开放")
    found = service.recommendations_for(session, viewer, achievement_id=achievement.id, limit=top)
    return {"achievement_id": achievement.id, "items": [c.as_dict() for c in found]}


@router.post("/feedback", summary="标记匹配候选：已对接或不合适（附理由）", status_code=201)
def feedback(body: FeedbackIn, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    demand = get_visible(session, Demand, body.demand_id, viewer, "需求")
    row = record_feedback(session, viewer=viewer, actor=viewer.actor, demand=demand, target=body.target,
                          record_id=body.record_id, verdict=body.verdict, reason=body.reason)
    session.commit()
    if body.target == "university":
        service.update_record(session, "university", body.record_id)  # 已对接 is evidence from now on
    return {"id": row.id, "demand_id": row.demand_id, "target": row.target, "record_id": row.record_id,
            "verdict": str(row.verdict), "verdict_label": Verdict(row.verdict).label, "reason": row.reason}
