"""揭榜评审 through the web: screen (形式审查), conflict-of-interest declaration, weighted scoring (专家打分), ranking,
finalists (入围) and selection (选定) — as JSON routes and as the forms of the demand page.

The review rules are the claims service's (``service_claims``); who may take part — the demand's deciders (the
office of its region, its lead unit, its owner) and experts who can see the demand score; everyone else gets
403 — is ``demands.access``'s. Here: the translation of forms and JSON into service calls. Page and API share
every function below.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import User
from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed
from xiaodi.demands import access
from xiaodi.demands import service_claims as claims
from xiaodi.demands.models import (
    Claim,
    ClaimReview,
    ClaimState,
    ConflictDeclaration,
    Demand,
    ReviewInvitation,
    ReviewStage,
)
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import JsonBool, JsonInt, plain_int
from xiaodi.web.templating import flash


def _demand(session: Session, viewer: Viewer, demand_id: int) -> Demand:
    return get_visible(session, Demand, demand_id, viewer, "需求")


def _claim(session: Session, demand: Demand, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None or claim.demand_id != demand.id or claim.retired_at is not None:
        raise NotFound(f"该需求下没有编号为 {claim_id} 的揭榜方案")
    return claim


# ── the steps (shared by page and API) ─────────────────────────────────────────────────────────────────


def screen(session: Session, viewer: Viewer, demand_id: int, claim_id: int, *, passed: bool,
           comment: str | None) -> Claim:
    demand = _demand(session, viewer, demand_id)
    access.require(access.may_decide(viewer, demand), "进行形式审查")
    claim = _claim(session, demand, claim_id)
    return claims.screen_claim(session, actor=viewer.actor, claim_id=claim.id, reviewer_user_id=_user(viewer),
                               passed=passed, comment=comment, viewer=viewer)


def declare(session: Session, viewer: Viewer, demand_id: int, *, has_conflict: bool, statement: str | None,
            claim_id: int | None = None) -> ConflictDeclaration:
    demand = _demand(session, viewer, demand_id)
    access.require(access.may_score(viewer, demand), "参加该需求的评审")
    if claim_id is not None:
        _claim(session, demand, claim_id)
    return claims.declare_conflict(session, actor=viewer.actor, demand_id=demand.id, reviewer_user_id=_user(viewer),
                                   has_conflict=has_conflict, statement=statement, claim_id=claim_id)


def score(session: Session, viewer: Viewer, demand_id: int, claim_id: int, *, scores: dict[str, Any],
          comment: str | None, stage: ReviewStage = ReviewStage.ASSESS) -> ClaimReview:
    demand = _demand(session, viewer, demand_id)
    access.require(access.may_score(viewer, demand), "为该需求的揭榜方案打分")
    claim = _claim(session, demand, claim_id)
    return claims.score_claim(session, actor=viewer.actor, claim_id=claim.id, reviewer_user_id=_user(viewer),
                              scores=scores, comment=comment, stage=stage)


def choose_finalists(session: Session, viewer: Viewer, demand_id: int, *, finalist_ids: list[int],
                     feedback: dict[int, str], expected_version: int | None) -> Demand:
    demand = _demand(session, viewer, demand_id)
    access.require(access.may_decide(viewer, demand), "确定入围名单")
    return claims.shortlist(session, actor=viewer.actor, demand_id=demand.id, finalist_ids=finalist_ids,
                            feedback=feedback, expected_version=expected_version, viewer=viewer)


def choose_winner(session: Session, viewer: Viewer, demand_id: int, *, claim_id: int, feedback: dict[int, str],
                  reason: str | None, expected_version: int | None) -> Claim:
    demand = _demand(session, viewer, demand_id)
    access.require(access.may_decide(viewer, demand), "选定揭榜方")
    return claims.select_claim(session, actor=viewer.actor, demand_id=demand.id, claim_id=claim_id,
                               feedback=feedback, reason=reason, expected_version=expected_version,
                               viewer=viewer)


def withdraw(session: Session, viewer: Viewer, demand_id: int, claim_id: int, *, reason: str,
             expected_version: int | None) -> Claim:
    demand = _demand(session, viewer, demand_id)
    claim = _claim(session, demand, claim_id)
    return claims.withdraw_claim(session, actor=viewer.actor, claim_id=claim.id, reason=reason,
                                 expected_version=expected_version, viewer=viewer)


def invite(session: Session, viewer: Viewer, demand_id: int, *, reviewer_user_id: int) -> ReviewInvitation:
    demand = _demand(session, viewer, demand_id)
    access.require(access.may_invite(viewer, demand), "邀请评审专家")
    return claims.invite_reviewer(session, actor=viewer.actor, demand_id=demand.id,
                                  reviewer_user_id=reviewer_user_id, viewer=viewer)


def _user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise Forbidden("请使用个人账号参加评审")
    return viewer.user_id


# ── what the demand page shows ─────────────────────────────────────────────────────────────────────────


def review_context(session: Session, viewer: Viewer, demand: Demand, visible: list[Claim]) -> dict[str, Any]:
    """The review panel of a demand page: criteria, ranking, my declaration and what I may do next."""
    decide, can_score = access.may_decide(viewer, demand), access.may_score(viewer, demand)
    if not (decide or can_score) or not visible:
        return {"review": None}
    ids = [c.id for c in visible]
    mine = session.scalars(select(ClaimReview.claim_id).where(
        ClaimReview.reviewer_user_id == viewer.user_id, ClaimReview.claim_id.in_(ids),
        ClaimReview.stage != ReviewStage.SCREEN)).all() if viewer.user_id else []
    declared = session.scalars(select(ConflictDeclaration).where(
        ConflictDeclaration.demand_id == demand.id, ConflictDeclaration.reviewer_user_id == viewer.user_id,
        ConflictDeclaration.claim_id.is_(None))).first() if viewer.user_id else None
    seen = set(ids)  # the ranking shows only the claims this viewer may see, like the list above it
    ranked = {r.claim_id: r for r in claims.ranking(session, demand_id=demand.id) if r.claim_id in seen}
    final = {r.claim_id: r for r in claims.ranking(session, demand_id=demand.id, stage=ReviewStage.FINAL)
             if r.claim_id in seen}
    invited = claims.invitations_of(session, demand_id=demand.id) if decide else []
    experts = claims.expert_accounts(session) if decide else []
    # who belongs to a claimant recuses from scoring it: said on the invitation and beside the claim itself
    recuse = claims.recusals(session, visible, [uid for uid, _ in experts])
    own = claims.recusals(session, visible, [viewer.user_id]).get(viewer.user_id, []) if viewer.user_id else []
    return {"review": {
        "invited": invited, "reviewer_names": _names(session, [i.reviewer_user_id for i in invited]),
        "experts": [(uid, name + (f"（与{'、'.join(c.claimant.name for c in recuse[uid])}同单位，须回避其方案）"
                                  if recuse.get(uid) else "")) for uid, name in experts],
        "recused": {c.id for c in own},
        "may_decide": decide, "may_score": can_score and declared is not None and not declared.has_conflict,
        "must_declare": can_score and declared is None, "conflicted": declared is not None and declared.has_conflict,
        "criteria": claims.criteria_for(session, demand_id=demand.id), "ranked": ranked, "final": final,
        "scored": set(mine), "submitted": [c for c in visible if c.state == ClaimState.SUBMITTED],
        "under_review": [c for c in visible if c.state == ClaimState.UNDER_REVIEW],
        "finalists": [c for c in visible if c.state == ClaimState.FINALIST],
    }}


def _names(session: Session, user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()
    return {uid: name for uid, name in rows}


# ── JSON ───────────────────────────────────────────────────────────────────────────────────────────────


class ScreenIn(BaseModel):
    passed: JsonBool
    comment: str | None = Field(default=None, max_length=4000, description="不通过时必填：反馈意见")


class DeclarationIn(BaseModel):
    has_conflict: JsonBool
    statement: str | None = Field(default=None, max_length=4000)
    claim_id: JsonInt | None = Field(default=None, ge=1, le=2**31 - 1, description="只就某个方案声明时填写")


class InvitationIn(BaseModel):
    reviewer_user_id: JsonInt = Field(ge=1, le=2**31 - 1, description="被邀请的专家账号编号")


class ScoresIn(BaseModel):
    scores: dict[str, Decimal] = Field(max_length=30, description="评审指标 → 得分")
    comment: str | None = Field(default=None, max_length=4000)
    stage: ReviewStage = ReviewStage.ASSESS


class ShortlistIn(BaseModel):
    finalist_ids: list[JsonInt] = Field(min_length=1, max_length=200)
    feedback: dict[int, str] = Field(default_factory=dict, max_length=500, description="未入围方案 → 反馈意见")
    expected_version: JsonInt | None = Field(default=None, ge=1, le=2**31 - 1)


class SelectionIn(BaseModel):
    claim_id: JsonInt = Field(ge=1, le=2**31 - 1)
    feedback: dict[int, str] = Field(default_factory=dict, max_length=500, description="其他入围方案 → 反馈意见")
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: JsonInt | None = Field(default=None, ge=1, le=2**31 - 1)


class WithdrawIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    expected_version: JsonInt | None = Field(default=None, ge=1, le=2**31 - 1)


def _claim_out(claim: Claim) -> dict[str, Any]:
    return {"id": claim.id, "demand_id": claim.demand_id, "claimant": claim.claimant.name, "state": str(claim.state),
            "feedback": claim.feedback, "version": claim.version}


def _ranked_out(r: claims.RankedClaim) -> dict[str, Any]:
    return {"claim_id": r.claim_id, "claimant": r.claimant, "state": r.state,
            "score": None if r.score is None else float(r.score), "reviewers": r.reviewers}


api_router = APIRouter(prefix="/api/demands/{demand_id}", tags=["揭榜评审"])


@api_router.post("/claims/{claim_id}/screen", summary="形式审查：通过进入评审，不通过须写反馈")
def api_screen(demand_id: RecordId, claim_id: RecordId, body: ScreenIn, session: SessionDep,
               viewer: MemberUser) -> dict[str, Any]:
    return _claim_out(screen(session, viewer, demand_id, claim_id, passed=body.passed, comment=body.comment))


@api_router.post("/conflict-declarations", status_code=201, summary="利益冲突声明（打分前必交）")
def api_declare(demand_id: RecordId, body: DeclarationIn, session: SessionDep, viewer: MemberUser
                ) -> dict[str, Any]:
    row = declare(session, viewer, demand_id, has_conflict=body.has_conflict, statement=body.statement,
                  claim_id=body.claim_id)
    return {"id": row.id, "demand_id": row.demand_id, "claim_id": row.claim_id, "has_conflict": row.has_conflict}


@api_router.post("/reviewers", status_code=201, summary="邀请评审专家（需求的审核方）")
def api_invite(demand_id: RecordId, body: InvitationIn, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    row = invite(session, viewer, demand_id, reviewer_user_id=body.reviewer_user_id)
    return {"id": row.id, "demand_id": row.demand_id, "reviewer_user_id": row.reviewer_user_id}


@api_router.post("/claims/{claim_id}/scores", status_code=201, summary="专家按评审指标打分（加权满分 100）")
def api_score(demand_id: RecordId, claim_id: RecordId, body: ScoresIn, session: SessionDep,
              viewer: MemberUser) -> dict[str, Any]:
    row = score(session, viewer, demand_id, claim_id, scores=dict(body.scores), comment=body.comment,
                stage=body.stage)
    return {"id": row.id, "claim_id": row.claim_id, "stage": str(row.stage),
            "total": None if row.total is None else float(row.total)}


@api_router.get("/ranking", summary="评审排名（加权平均分）")
def api_ranking(demand_id: RecordId, session: SessionDep, viewer: MemberUser,
                stage: Annotated[ReviewStage, Query()] = ReviewStage.ASSESS) -> list[dict[str, Any]]:
    demand = _demand(session, viewer, demand_id)
    access.require(access.may_score(viewer, demand), "查看评审排名")
    seen = {c.id for c in claims.claims_of(session, demand_id=demand.id, viewer=viewer)}
    return [_ranked_out(x) for x in claims.ranking(session, demand_id=demand.id, stage=stage) if x.claim_id in seen]


@api_router.post("/shortlist", summary="确定入围名单（未入围方案须逐一反馈）")
def api_shortlist(demand_id: RecordId, body: ShortlistIn, session: SessionDep, viewer: MemberUser
                  ) -> dict[str, Any]:
    demand = choose_finalists(session, viewer, demand_id, finalist_ids=body.finalist_ids,
                              feedback=body.feedback, expected_version=body.expected_version)
    return {"id": demand.id, "state": str(demand.state), "version": demand.version}


@api_router.post("/selection", summary="选定揭榜方（其他入围方案须逐一反馈）")
def api_select(demand_id: RecordId, body: SelectionIn, session: SessionDep, viewer: MemberUser
               ) -> dict[str, Any]:
    return _claim_out(choose_winner(session, viewer, demand_id, claim_id=body.claim_id, feedback=body.feedback,
                                    reason=body.reason, expected_version=body.expected_version))


@api_router.post("/claims/{claim_id}/withdraw", summary="揭榜方撤回方案")
def api_withdraw(demand_id: RecordId, claim_id: RecordId, body: WithdrawIn, session: SessionDep,
                 viewer: MemberUser) -> dict[str, Any]:
    return _claim_out(withdraw(session, viewer, demand_id, claim_id, reason=body.reason,
                               expected_version=body.expected_version))


# ── forms ──────────────────────────────────────────────────────────────────────────────────────────────


def _feedback(form: dict[str, str]) -> dict[int, str]:
    """``feedback_<claim id>`` fields → {claim id: text} (empty ones left out: the service names what is missing)."""
    out: dict[int, str] = {}
    for key, value in form.items():
        claim_id = plain_int(key[9:]) if key.startswith("feedback_") else None
        if claim_id is not None and value.strip():
            out[claim_id] = value.strip()[:4000]
    return out


def _version(form: dict[str, str]) -> int | None:
    text = form.get("version") or ""
    return plain_int(text, high=999_999_999)


def _back(request: Request, demand_id: int, message: str) -> Response:
    flash(request, message)
    return RedirectResponse(f"/demands/{demand_id}#review", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


pages_router = APIRouter(prefix="/demands/{demand_id}", include_in_schema=False)


@pages_router.post("/claims/{claim_id}/screen")
async def page_screen(request: Request, demand_id: RecordId, claim_id: RecordId, session: SessionDep,
                      viewer: MemberUser) -> Response:
    form = await _form(request)
    passed = form.get("decision") == "pass"
    claim = screen(session, viewer, demand_id, claim_id, passed=passed, comment=form.get("comment") or None)
    verdict = "通过形式审查" if passed else "未通过形式审查"
    return _back(request, demand_id, f"“{claim.claimant.name}”的方案{verdict}")


@pages_router.post("/conflict-declarations")
async def page_declare(request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser
                       ) -> Response:
    form = await _form(request)
    has_conflict = form.get("has_conflict") == "yes"
    declare(session, viewer, demand_id, has_conflict=has_conflict, statement=form.get("statement") or None)
    return _back(request, demand_id, "已声明存在利益冲突，您将回避本需求的评审" if has_conflict
                 else "利益冲突声明已提交，可以开始打分")


@pages_router.post("/reviewers")
async def page_invite(request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    form = await _form(request)
    chosen = plain_int(form.get("reviewer_user_id"))
    if chosen is None:
        raise ValidationFailed("请选择要邀请的评审专家")
    invite(session, viewer, demand_id, reviewer_user_id=chosen)
    return _back(request, demand_id, "已邀请评审专家，对方会在站内消息中收到邀请")


@pages_router.post("/claims/{claim_id}/scores")
async def page_score(request: Request, demand_id: RecordId, claim_id: RecordId, session: SessionDep,
                     viewer: MemberUser) -> Response:
    form = await _form(request)
    values: dict[str, Any] = {}
    for key, value in form.items():
        if key.startswith("score_"):
            try:
                values[key[6:]] = Decimal(value.strip())
            except InvalidOperation as exc:
                raise ValidationFailed(f"“{key[6:]}”的得分“{value}”不是数字") from exc
    stage = ReviewStage.FINAL if form.get("stage") == "final" else ReviewStage.ASSESS
    row = score(session, viewer, demand_id, claim_id, scores=values, comment=form.get("comment") or None,
                stage=stage)
    return _back(request, demand_id, f"评分已提交，加权得分 {row.total}")


@pages_router.post("/shortlist")
async def page_shortlist(request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser
                         ) -> Response:
    form = await request.form()
    finalists = [n for v in form.getlist("finalist") if (n := plain_int(str(v))) is not None]
    fields = {k: str(v) for k, v in form.items()}
    answered = _not_selected(session, demand_id)
    demand = choose_finalists(session, viewer, demand_id, finalist_ids=finalists, feedback=_feedback(fields),
                              expected_version=_version(fields))
    left_out = _not_selected(session, demand.id) - answered
    told = f"，{left_out} 个未入围方案已收到反馈" if left_out else ""  # nobody left out: nothing to say
    return _back(request, demand.id, f"已确定 {len(set(finalists))} 个入围方案{told}")


def _not_selected(session: Session, demand_id: int) -> int:
    return len(session.scalars(select(Claim.id).where(Claim.demand_id == demand_id,
                                                      Claim.state == ClaimState.NOT_SELECTED)).all())


@pages_router.post("/selection")
async def page_select(request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser
                      ) -> Response:
    form = await _form(request)
    chosen = plain_int(form.get("claim_id"))
    if chosen is None:
        raise ValidationFailed("请选择中选方案")
    claim = choose_winner(session, viewer, demand_id, claim_id=chosen, feedback=_feedback(form),
                          reason=form.get("reason") or None, expected_version=_version(form))
    signs = "可以签订协议" if access.may_register_agreement(viewer, claim.demand) else "签约协议由校地合作办公室登记"
    return _back(request, demand_id, f"已选定“{claim.claimant.name}”，{signs}")


@pages_router.post("/claims/{claim_id}/withdraw")
async def page_withdraw(request: Request, demand_id: RecordId, claim_id: RecordId, session: SessionDep,
                        viewer: MemberUser) -> Response:
    form = await _form(request)
    withdraw(session, viewer, demand_id, claim_id, reason=form.get("reason") or "",
             expected_version=_version(form))
    return _back(request, demand_id, "揭榜方案已撤回")
