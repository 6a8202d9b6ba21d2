"""The dispatch list in the browser (调度清单): ``/dispatch`` — what is overdue, due soon or stalled in the
viewer's region or unit as of a day, each line linked to where it is dealt with (the project, the 1+1+N duty, the
talent's application; the project's and the duty's pages hold the 调度会) — and its workbook
``/dispatch/export.xlsx``. The JSON of the same list is ``GET /api/dispatch`` (``dispatch.api``); the console's
is ``xiaodi dispatch``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xiaodi.dispatch.service import COLUMNS, link_of, listing_xlsx, row_of, viewer_list
from xiaodi.figures.access import region_choices
from xiaodi.projects.dispatch import AT_RISK_DAYS, EntryKind
from xiaodi.web.deps import MemberUser, SessionDep
from xiaodi.web.params import DayQuery, RegionQuery
from xiaodi.web.responses import xlsx_response
from xiaodi.web.templating import render

router = APIRouter(include_in_schema=False)


def specs() -> list[object]:
    return []  # no list of records: the page below


@router.get("/dispatch")
def dispatch_page(request: Request, session: SessionDep, viewer: MemberUser, region: RegionQuery = None,
                  as_of: DayQuery = None) -> Response:
    scope, listing = viewer_list(session, viewer, region=region, as_of=as_of)
    return render(request, "dispatch.html", {
        "scope": scope, "listing": listing, "columns": COLUMNS,
        "params": {k: v for k, v in (("region", region), ("as_of", as_of)) if v},
        "lines": [(row_of(e), link_of(e)) for e in listing.entries],
        # a unit's list has no talents' steps (they are a region's): no tile that is always 0
        "counts": [(kind.label, listing.count(kind)) for kind in EntryKind
                   if not (scope.unit_id and kind == EntryKind.OVERDUE_STEP)],
        "regions": region_choices(session, viewer), "at_risk_days": AT_RISK_DAYS})


@router.get("/dispatch/export.xlsx")
def dispatch_export(session: SessionDep, viewer: MemberUser, region: RegionQuery = None,
                    as_of: DayQuery = None) -> Response:
    _scope, listing = viewer_list(session, viewer, region=region, as_of=as_of)
    day = listing.as_of.isoformat()
    data = listing_xlsx(listing, f"{listing.label} 调度清单（截至 {day}）")
    return xlsx_response(data, f"调度清单-{listing.label}-{day}.xlsx")
