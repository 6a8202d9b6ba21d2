"""Matching API (/api/match): free text → ranked, explained candidates of one target (精准匹配).

Demand candidates are served by the demands area (``GET /api/demands/{id}/candidates``), which calls
``xiaodi.matching.service.candidates_for_demand``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from xiaodi.matching import service
from xiaodi.matching.profiles import TARGETS
from xiaodi.web.deps import MemberUser, SessionDep


def router() -> APIRouter:
    r = APIRouter(prefix="/api/match", tags=["精准匹配"])

    @r.get("", summary="文本匹配：高校、成果、专家、平台、企业或需求，附匹配理由")
    def match(
        session: SessionDep,
        viewer: MemberUser,
        text: Annotated[str, Query(min_length=1, max_length=2000, description="需求描述或关键词")],
        target: Annotated[str, Query(max_length=20, description="匹配对象：" + "、".join(TARGETS))] = "university",
        top: Annotated[int, Query(ge=1, le=service.MAX_TOP, description="返回条数")] = 10,
        region: Annotated[str | None, Query(max_length=60, description="地区，如 山西省")] = None,
        kind: Annotated[str | None, Query(max_length=20, description="类别，如 university / institute")] = None,
        level: Annotated[str | None, Query(max_length=40, description="层次/级别")] = None,
        discipline: Annotated[str | None, Query(max_length=120, description="学科")] = None,
        industry: Annotated[str | None, Query(max_length=120, description="行业代码或名称")] = None,
    ) -> dict[str, Any]:
        filters = {"region": region, "kind": kind, "level": level, "discipline": discipline, "industry": industry}
        items = service.match_text(session, text, target, top, {k: v for k, v in filters.items() if v})
        return {"target": target, "items": items}

    return r
