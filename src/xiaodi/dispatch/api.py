"""The dispatch list's API: ``GET /api/dispatch`` — the lines the page shows (``dispatch.pages``), as JSON, by the
same rule of whose list it is (``dispatch.access``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from xiaodi.dispatch.service import viewer_list
from xiaodi.web.deps import MemberUser, SessionDep
from xiaodi.web.params import DayQuery, RegionQuery

router = APIRouter(prefix="/api/dispatch", tags=["调度"])


@router.get("", summary="调度清单：本辖区或本单位逾期、临期的节点、停滞项目和逾期未办的人才事项")
def dispatch(session: SessionDep, viewer: MemberUser, region: RegionQuery = None,
             as_of: DayQuery = None) -> dict[str, Any]:
    _scope, listing = viewer_list(session, viewer, region=region, as_of=as_of)
    return {"scope": listing.label, "as_of": listing.as_of.isoformat(),
            "entries": [{**e.as_json(), "kind_label": e.kind.label} for e in listing.entries]}
