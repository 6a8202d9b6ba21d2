"""The matching page (精准匹配, ``/match``): free text or a demand → universities, experts, achievements and
platforms side by side, each with its 0–100 score, 强/中/弱 label, reasons and a link to its page.

Who may ask: every member may match free text against the public resource lists (高校/院所、专家、成果、平台);
a demand is matched only by those who may see it (the demands area's access rule decides, 404 otherwise).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from xiaodi.core.errors import ValidationFailed, XiaodiError
from xiaodi.demands.models import Demand
from xiaodi.matching import service
from xiaodi.matching.access import may_judge_candidates
from xiaodi.matching.engine import NO_RESULTS, EmptyIndex, NoKnownTerms
from xiaodi.matching.feedback import record_feedback
from xiaodi.matching.profiles import TARGETS
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, SessionDep
from xiaodi.web.listing import ResourceSpec
from xiaodi.web.templating import flash, render

# The columns of the page, in the order a programme officer reads them.
PAGE_TARGETS = ("university", "expert", "achievement", "platform")
PER_TARGET = 8


def specs() -> list[ResourceSpec]:
    return []


def _ask(session: SessionDep, text: str, demand: Demand | None, place: str | None,
         filters: dict[str, str]) -> tuple[dict[str, service.MatchAnswer], str]:
    """One answer per column; for a demand, its text and place are the demand's own."""
    answers: dict[str, service.MatchAnswer] = {}
    if demand is not None:
        for target in PAGE_TARGETS:
            answers[target] = service.answer_for_demand(session, demand_id=demand.id, limit=PER_TARGET,
                                                        targets=(target,))
        return answers, demand.title
    failure: XiaodiError | None = None
    for target in PAGE_TARGETS:
        column_filters = filters if target == "university" else {k: v for k, v in filters.items() if k == "region"}
        try:
            answers[target] = service.match_answer(session, text, target, PER_TARGET, column_filters, place=place)
        except (EmptyIndex, NoKnownTerms) as exc:  # nothing of this kind yet, or nothing in common: others answer
            failure = failure or exc
            answers[target] = service.MatchAnswer()
    if failure is not None and not any(a.candidates for a in answers.values()):
        raise failure
    return answers, text


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(include_in_schema=False)  # pages, not the JSON API


@router.get("/match")
def match_page(
    request: Request,
    session: SessionDep,
    viewer: MemberUser,
    text: Annotated[str, Query(max_length=2000)] = "",
    demand: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    place: Annotated[str, Query(max_length=60)] = "",
    region: Annotated[str, Query(max_length=60)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    level: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    filters = {k: v for k, v in {"region": region, "kind": kind, "level": level}.items() if v}
    context: dict[str, Any] = {"page_title": "精准匹配", "text": text, "demand_id": demand, "place": place,
                               "region": region, "kind": kind, "level": level, "targets": TARGETS,
                               "columns": PAGE_TARGETS, "answers": {}, "error": None}
    asked = get_visible(session, Demand, demand, viewer, "需求") if demand is not None else None  # 404 outside
    if text.strip() or asked is not None:
        try:
            context["answers"], context["asked"] = _ask(session, text, asked, place, filters)
        except XiaodiError as exc:
            if exc.status == 404:
                raise
            context["error"] = exc.message
    context["may_judge"] = asked is not None and may_judge_candidates(viewer, asked)
    answers = context["answers"]
    context["routes"] = next((a.routes for a in answers.values() if a.routes), [])
    context["warnings"], context["column_notes"] = split_notes(answers)
    return render(request, "match.html", context)


def split_notes(answers: dict[str, service.MatchAnswer]) -> tuple[list[str], dict[str, list[str]]]:
    """The notes every column shares (语义索引建立中) go above the columns; a column's own notes in that column —
    one column's "没有与资源库相同的关键词" or "没有找到…结果" above a page of another column's results misled. A
    column's "no result" note is its empty list already."""
    own = {t: [w for w in a.warnings if w != NO_RESULTS] for t, a in answers.items()}
    shared = [w for w in dict.fromkeys(w for ws in own.values() for w in ws) if all(w in ws for ws in own.values())]
    return shared, {t: [w for w in ws if w not in shared] for t, ws in own.items()}


@router.post("/match/feedback")
def feedback(
    request: Request,
    session: SessionDep,
    viewer: MemberUser,
    demand_id: Annotated[int, Form(ge=1, le=2**62)],
    target: Annotated[str, Form(max_length=16)],
    record_id: Annotated[int, Form(ge=1, le=2**62)],
    verdict: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    demand = get_visible(session, Demand, demand_id, viewer, "需求")
    try:
        record_feedback(session, viewer=viewer, actor=viewer.actor, demand=demand, target=target,
                        record_id=record_id, verdict=verdict, reason=reason)
    except ValidationFailed as exc:  # a missing reason: say so on the page it came from
        flash(request, exc.message, "error")
    else:
        session.commit()
        if target == "university":
            service.update_record(session, "university", record_id)
        flash(request, "已记录对接结论")
    return RedirectResponse(f"/match?demand={demand.id}#col-{target}", status_code=303)
