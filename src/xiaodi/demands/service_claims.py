"""揭榜 claims and their staged review: screen (形式审查) → assess with weighted criteria (专家评审) → finalists (入围)
→ selection (选定). Reviewers declare conflicts of interest (利益冲突声明) before they score; a reviewer with a
conflict cannot score. Every claimant that is not selected gets feedback (反馈意见): the service refuses a decision
that would leave one without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Membership, Role, User
from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.core.records import check_version, create, flush_or_conflict, get_live
from xiaodi.core.settings import local_today
from xiaodi.demands import access
from xiaodi.demands.models import (
    Claim,
    ClaimReview,
    ClaimState,
    ConflictDeclaration,
    Demand,
    DemandState,
    ReviewCriterion,
    ReviewInvitation,
    ReviewStage,
)
from xiaodi.demands.service import (
    IllegalTransition,
    _move,
    get_demand,
    state_label,
)
from xiaodi.directory.models import Organisation, OrgKind, Person

S = DemandState
CLAIMANT_KINDS = frozenset({OrgKind.UNIVERSITY, OrgKind.INSTITUTE})
OPEN_CLAIM_STATES = (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW, ClaimState.FINALIST)
ATTACHMENT_KEYS = frozenset({"name", "size", "sha256", "content_type"})

# The default weighted criteria (评审指标) when a demand names none of its own: shares that sum to 1.
DEFAULT_CRITERIA: tuple[tuple[str, Decimal], ...] = (
    ("技术先进性", Decimal("0.30")),
    ("实施方案可行性", Decimal("0.30")),
    ("团队实力", Decimal("0.25")),
    ("经费合理性", Decimal("0.15")),
)


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: Decimal
    max_score: Decimal = Decimal(100)
    description: str | None = None


@dataclass(frozen=True)
class RankedClaim:
    """A claim with its weighted mean score (0–100) over the assessing reviewers (评审排名)."""

    claim_id: int
    claimant: str
    state: str
    score: Decimal | None
    reviewers: int


def _decider(demand: Demand, viewer: Viewer | None, what: str) -> None:
    access.require_decider(demand, viewer, what)


def _claim_move(session: Session, claim: Claim, to: ClaimState, *, actor: Actor, feedback: str | None = None,
                reason: str | None = None) -> None:
    before = model_snapshot(claim)
    claim.state = to
    if feedback is not None:
        claim.feedback = feedback
    if to in (ClaimState.SELECTED, ClaimState.NOT_SELECTED, ClaimState.SCREENED_OUT):
        claim.decided_at = utcnow()
    flush_or_conflict(session, f"{claim.claimant.name}的揭榜方案")
    audit.record(session, actor=actor, action="transition", obj=claim, before=before, reason=reason or feedback)


# ── claims ───────────────────────────────────────────────────────────────────────────────────────────────────


def submit_claim(
    session: Session,
    *,
    actor: Actor,
    demand_id: int,
    claimant_org_id: int,
    approach: str,
    claimant_person_id: int | None = None,
    team: str | None = None,
    budget: Decimal | None = None,
    schedule: str | None = None,
    attachments: Sequence[Mapping[str, Any]] = (),
    viewer: Viewer | None = None,
) -> Claim:
    """揭榜: a university, institute, expert or team proposes to meet a published demand.

    The first claim moves the demand from 已发榜 to 已揭榜. A claimant must be able to see the demand, cannot claim
    its own demand, and holds at most one open claim per demand.
    """
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    org = get_live(session, Organisation, claimant_org_id, "揭榜单位")
    if not access.may_act_for(viewer, org.id):
        raise Forbidden("只能由本单位的账号以本单位名义揭榜（专家账号不代表所在单位揭榜）")
    if not access.can_read(session, demand.id, Viewer.acting_for(org.id, role=Role.UNIVERSITY, name=org.name)):
        raise Forbidden(f"“{org.name}”不在需求“{demand.title}”的定向范围内，不能揭榜")
    if org.id == demand.owner_id:
        raise ValidationFailed("需求单位不能揭自己的榜")
    if org.kind not in CLAIMANT_KINDS and claimant_person_id is None:
        raise ValidationFailed("揭榜方应为高校、科研院所，或注明负责的专家/团队")
    if demand.state not in (S.PUBLISHED, S.CLAIMED):
        raise IllegalTransition(f"需求“{demand.title}”当前为“{state_label(demand.state)}”，不在揭榜期，不能揭榜")
    if demand.deadline is not None and local_today() > demand.deadline:  # the deadline is a day in China
        raise IllegalTransition(f"需求“{demand.title}”的揭榜已于 {demand.deadline:%Y-%m-%d} 截止")
    if not (approach or "").strip():
        raise ValidationFailed("揭榜方案必须写明技术路线或实施方案")
    if budget is not None and Decimal(budget) < 0:
        raise ValidationFailed("预算不能为负数")
    if claimant_person_id is not None:
        get_live(session, Person, claimant_person_id, "团队负责人")
    duplicate = session.scalar(select(Claim.id).where(
        Claim.demand_id == demand.id, Claim.claimant_org_id == org.id, Claim.state.in_(OPEN_CLAIM_STATES),
        Claim.retired_at.is_(None)))
    if duplicate is not None:
        raise Conflict(f"“{org.name}”已揭此榜（方案编号 {duplicate}），如需修改请先撤回原方案")
    claim = Claim(demand_id=demand.id, claimant_org_id=org.id, claimant_person_id=claimant_person_id, team=team,
                  approach=approach.strip(), budget=budget, schedule=schedule,
                  attachments=[_attachment(a) for a in attachments], state=ClaimState.SUBMITTED)
    create(session, claim, actor=actor)
    if demand.state == S.PUBLISHED:
        _move(session, demand, "claim", actor=actor, reason=f"{org.name}揭榜")
    from xiaodi.notifications.service import notify

    notify(session, kind="demand_claimed", title=f"“{org.name}”揭榜了需求“{demand.title}”",
           link=f"/demands/{demand.id}", organisation_ids=[demand.owner_id, demand.lead_unit_id],
           region_ids=[demand.region_id], exclude_user_id=actor.user_id)
    return claim


def _attachment(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Attachment metadata only: the file itself lives in the data directory under its sha256."""
    unknown = set(meta) - ATTACHMENT_KEYS
    if unknown or not meta.get("name") or not meta.get("sha256"):
        raise ValidationFailed("附件信息应包含 name、sha256，可选 size、content_type")
    sha = str(meta["sha256"]).lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ValidationFailed(f"附件“{meta['name']}”的 sha256 不正确")
    size = meta.get("size")
    if size is not None and int(size) < 0:
        raise ValidationFailed(f"附件“{meta['name']}”的大小不正确")
    return {"name": str(meta["name"]), "size": size, "sha256": sha, "content_type": meta.get("content_type")}


def withdraw_claim(
    session: Session, *, actor: Actor, claim_id: int, reason: str, expected_version: int | None = None,
    viewer: Viewer | None = None,
) -> Claim:
    """The claimant withdraws its proposal (撤回揭榜) before a decision."""
    claim = get_live(session, Claim, claim_id, "揭榜方案")
    if not access.may_act_for(viewer, claim.claimant_org_id):
        raise Forbidden("只能撤回本单位的揭榜方案")
    check_version(claim, expected_version, "揭榜方案")
    if claim.state not in OPEN_CLAIM_STATES:
        raise IllegalTransition(f"揭榜方案当前为“{ClaimState(claim.state).label}”，不能撤回")
    if not (reason or "").strip():
        raise ValidationFailed("撤回揭榜方案必须说明原因")
    _claim_move(session, claim, ClaimState.WITHDRAWN, actor=actor, reason=reason)
    return claim


# ── criteria and conflicts of interest ────────────────────────────────────────────────────────────────────


def set_criteria(
    session: Session, *, actor: Actor, demand_id: int, criteria: Sequence[CriterionSpec], viewer: Viewer | None = None
) -> list[ReviewCriterion]:
    """Fix a demand's weighted review criteria (评审指标) before anyone scores; weights must add up to 1."""
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    _decider(demand, viewer, "设置评审指标")
    if not criteria:
        raise ValidationFailed("至少需要一项评审指标")
    total = sum((Decimal(c.weight) for c in criteria), Decimal(0))
    if abs(total - 1) > Decimal("0.001"):
        raise ValidationFailed(f"评审指标权重之和应为 1，现为 {total}")
    if any(Decimal(c.weight) <= 0 or Decimal(c.max_score) <= 0 for c in criteria):
        raise ValidationFailed("评审指标的权重和满分都应大于 0")
    if len({c.name for c in criteria}) != len(criteria):
        raise ValidationFailed("评审指标名称不能重复")
    scored = session.scalar(select(func.count()).select_from(ClaimReview).join(Claim).where(
        Claim.demand_id == demand.id, ClaimReview.stage != ReviewStage.SCREEN))
    if scored:
        raise Conflict("已有专家打分，不能再修改评审指标")
    existing = session.scalars(select(ReviewCriterion).where(ReviewCriterion.demand_id == demand.id)).all()
    if existing:
        raise Conflict("该需求的评审指标已设置")
    rows = [ReviewCriterion(demand_id=demand.id, name=c.name, weight=Decimal(c.weight),
                            max_score=Decimal(c.max_score), description=c.description, sort_order=i)
            for i, c in enumerate(criteria)]
    for row in rows:
        create(session, row, actor=actor)
    return rows


def criteria_for(session: Session, *, demand_id: int) -> list[CriterionSpec]:
    """The demand's own criteria, else the office's default set (demand_id NULL), else the built-in default."""
    for where in (ReviewCriterion.demand_id == demand_id, ReviewCriterion.demand_id.is_(None)):
        rows = session.scalars(select(ReviewCriterion).where(where).order_by(ReviewCriterion.sort_order)).all()
        if rows:
            return [CriterionSpec(r.name, Decimal(r.weight), Decimal(r.max_score), r.description) for r in rows]
    return [CriterionSpec(name, weight) for name, weight in DEFAULT_CRITERIA]


def declare_conflict(
    session: Session,
    *,
    actor: Actor,
    demand_id: int,
    reviewer_user_id: int,
    has_conflict: bool,
    statement: str | None = None,
    claim_id: int | None = None,
) -> ConflictDeclaration:
    """A reviewer's conflict-of-interest declaration (利益冲突声明) for a demand, or for one of its claims."""
    demand = get_demand(session, demand_id=demand_id)
    if claim_id is not None and get_live(session, Claim, claim_id, "揭榜方案").demand_id != demand.id:
        raise ValidationFailed("揭榜方案不属于该需求")
    if has_conflict and not (statement or "").strip():
        raise ValidationFailed("存在利益冲突时必须说明情况")
    row = ConflictDeclaration(demand_id=demand.id, claim_id=claim_id, reviewer_user_id=reviewer_user_id,
                              has_conflict=has_conflict, statement=statement)
    return create(session, row, actor=actor)


def invite_reviewer(session: Session, *, actor: Actor, demand_id: int, reviewer_user_id: int,
                    viewer: Viewer | None = None) -> ReviewInvitation:
    """邀请评审专家: a decider invites an expert account to review the demand's claims; the expert hears of it in
    the inbox. Inviting the same account twice keeps the first invitation."""
    demand = get_demand(session, demand_id=demand_id)
    _decider(demand, viewer, "邀请评审专家")
    user = session.get(User, reviewer_user_id)
    expert = session.scalar(select(Membership.id).where(
        Membership.user_id == reviewer_user_id, Membership.role == Role.EXPERT, Membership.retired_at.is_(None)))
    if user is None or not user.is_active or expert is None:
        raise ValidationFailed("只能邀请在用的专家账号参加评审")
    found = session.scalar(select(ReviewInvitation).where(ReviewInvitation.demand_id == demand.id,
                                                          ReviewInvitation.reviewer_user_id == user.id))
    if found is not None:
        return found
    row = create(session, ReviewInvitation(demand_id=demand.id, reviewer_user_id=user.id,
                                           invited_by_user_id=actor.user_id), actor=actor)
    session.expire(demand, ["invitations"])
    from xiaodi.notifications.service import notify

    notify(session, kind="review_invited", title=f"邀请您评审需求“{demand.title}”的揭榜方案",
           link=f"/demands/{demand.id}#review", user_ids=[user.id])
    return row


def invitations_of(session: Session, *, demand_id: int) -> list[ReviewInvitation]:
    """The experts invited to review a demand (评审专家名单), in the order they were invited."""
    return list(session.scalars(select(ReviewInvitation).where(ReviewInvitation.demand_id == demand_id)
                                .order_by(ReviewInvitation.id)))


def expert_accounts(session: Session, *, limit: int = 300) -> list[tuple[int, str]]:
    """The active expert accounts a decider may invite: (user id, display name and login)."""
    rows = session.execute(select(User.id, User.display_name, User.username).join(
        Membership, Membership.user_id == User.id).where(
        Membership.role == Role.EXPERT, Membership.retired_at.is_(None), User.is_active.is_(True))
        .distinct().order_by(User.display_name, User.id).limit(limit)).all()
    return [(uid, f"{name}（{login}）") for uid, name, login in rows]


def reviewer_organisations(session: Session, reviewer_user_id: int) -> set[int]:
    """The organisations a reviewer belongs to: those their account acts for and the one their expert record names."""
    return organisations_of_reviewers(session, [reviewer_user_id]).get(reviewer_user_id, set())


def organisations_of_reviewers(session: Session, user_ids: Sequence[int]) -> dict[int, set[int]]:
    """``reviewer_organisations`` of many reviewers in two statements (the invitation list names up to 300)."""
    from xiaodi.accounts.models import Membership, User
    from xiaodi.directory.models import Person

    found: dict[int, set[int]] = {uid: set() for uid in user_ids}
    if not user_ids:
        return found
    rows = [*session.execute(select(Membership.user_id, Membership.organisation_id).where(
                Membership.user_id.in_(user_ids), Membership.retired_at.is_(None))),
            *session.execute(select(User.id, Person.organisation_id).join(Person, User.person_id == Person.id)
                             .where(User.id.in_(user_ids)))]
    for uid, oid in rows:
        if oid is not None:
            found[uid].add(oid)
    return found


def recusals(session: Session, claims_on_demand: Sequence[Claim], user_ids: Sequence[int]) -> dict[int, list[Claim]]:
    """For each reviewer, the claims they must not score because they belong to the claimant (回避, the rule of
    ``_check_no_conflict``): said when they are invited and beside the claims they see, not only when the scores they
    had typed were refused."""
    units = organisations_of_reviewers(session, user_ids)
    return {uid: [c for c in claims_on_demand if c.claimant_org_id in units.get(uid, set())] for uid in user_ids}


def _check_no_conflict(session: Session, claim: Claim, reviewer_user_id: int) -> None:
    """A reviewer must have declared no conflict — and one of the claimant's own organisation recuses whatever they
    declared (回避): the demo's expert of 山西大学 could tick 不存在利益冲突 and score 山西大学's claim."""
    if claim.claimant_org_id in reviewer_organisations(session, reviewer_user_id):
        raise Forbidden(f"评审专家与揭榜单位“{claim.claimant.name}”属同一单位，应当回避，不能为其打分")
    rows = session.scalars(select(ConflictDeclaration).where(
        ConflictDeclaration.reviewer_user_id == reviewer_user_id,
        ConflictDeclaration.demand_id == claim.demand_id,
        or_(ConflictDeclaration.claim_id.is_(None), ConflictDeclaration.claim_id == claim.id),
    )).all()
    if not rows:
        raise Forbidden("评审专家须先提交利益冲突声明，才能打分")
    if any(r.has_conflict for r in rows):
        raise Forbidden(f"评审专家已声明与“{claim.claimant.name}”存在利益冲突，应当回避")


# ── staged review ─────────────────────────────────────────────────────────────────────────────────────────


def screen_claim(
    session: Session, *, actor: Actor, claim_id: int, reviewer_user_id: int, passed: bool, comment: str | None = None,
    viewer: Viewer | None = None,
) -> Claim:
    """形式审查: a claim that passes goes to review; one that fails is answered with the reason (``comment``)."""
    claim = get_live(session, Claim, claim_id, "揭榜方案")
    _decider(claim.demand, viewer, "进行形式审查")
    if claim.state != ClaimState.SUBMITTED:
        raise IllegalTransition(f"揭榜方案当前为“{ClaimState(claim.state).label}”，不在形式审查阶段")
    if not passed and not (comment or "").strip():
        raise ValidationFailed("形式审查不通过时必须写明反馈意见")
    session.add(ClaimReview(claim_id=claim.id, reviewer_user_id=reviewer_user_id, stage=ReviewStage.SCREEN,
                            passed=passed, comment=comment, scores={}))
    to = ClaimState.UNDER_REVIEW if passed else ClaimState.SCREENED_OUT
    _claim_move(session, claim, to, actor=actor, feedback=None if passed else comment)
    return claim


def score_claim(
    session: Session,
    *,
    actor: Actor,
    claim_id: int,
    reviewer_user_id: int,
    scores: Mapping[str, Decimal | int | float | str],
    comment: str | None = None,
    stage: ReviewStage = ReviewStage.ASSESS,
) -> ClaimReview:
    """One reviewer scores one claim on every criterion (专家打分); the total is the weighted score out of 100.

    ASSESS scores claims under review; FINAL (答辩) scores finalists. The reviewer must have declared no conflict.
    """
    claim = get_live(session, Claim, claim_id, "揭榜方案")
    wanted = {ReviewStage.ASSESS: ClaimState.UNDER_REVIEW, ReviewStage.FINAL: ClaimState.FINALIST}.get(stage)
    if wanted is None:
        raise ValidationFailed("形式审查请用 screen_claim")
    if claim.state != wanted:
        now = ClaimState(claim.state).label
        raise IllegalTransition(f"“{claim.claimant.name}”的揭榜方案当前为“{now}”，不能进行该阶段评分")
    _check_no_conflict(session, claim, reviewer_user_id)
    criteria = criteria_for(session, demand_id=claim.demand_id)
    names = {c.name for c in criteria}
    missing, unknown = names - set(scores), set(scores) - names
    if missing or unknown:
        parts = [f"{what} {'、'.join(sorted(names))}" for what, names in (("缺少", missing), ("多出", unknown))
                 if names]  # only the part that applies: never "多出 无"
        raise ValidationFailed(f"评分项与评审指标不符：{'，'.join(parts)}")
    total = Decimal(0)
    clean: dict[str, str] = {}
    for c in criteria:
        value = Decimal(str(scores[c.name]))
        if not 0 <= value <= c.max_score:
            raise ValidationFailed(f"“{c.name}”的得分应在 0 到 {c.max_score} 之间")
        clean[c.name] = str(value)
        total += c.weight * value / c.max_score * 100
    done = session.scalar(select(ClaimReview.id).where(ClaimReview.claim_id == claim.id, ClaimReview.stage == stage,
                                                       ClaimReview.reviewer_user_id == reviewer_user_id))
    if done is not None:
        raise Conflict("该专家已对此方案打过分")
    review = ClaimReview(claim_id=claim.id, reviewer_user_id=reviewer_user_id, stage=stage, scores=clean,
                         total=total.quantize(Decimal("0.01")), comment=comment)
    return create(session, review, actor=actor)


def ranking(session: Session, *, demand_id: int, stage: ReviewStage = ReviewStage.ASSESS) -> list[RankedClaim]:
    """Claims ranked by mean weighted score at ``stage`` (评审排名); unscored claims come last."""
    score = func.avg(ClaimReview.total)
    stmt = (
        select(Claim.id, Organisation.name, Claim.state, score, func.count(ClaimReview.id))
        .join(Organisation, Organisation.id == Claim.claimant_org_id)
        .outerjoin(ClaimReview, (ClaimReview.claim_id == Claim.id) & (ClaimReview.stage == stage))
        .where(Claim.demand_id == demand_id, Claim.retired_at.is_(None))
        .group_by(Claim.id, Organisation.name, Claim.state)
    )
    rows: Any = session.execute(stmt)
    out = [RankedClaim(cid, name, str(state), None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01")),
                       int(n)) for cid, name, state, avg, n in rows]
    return sorted(out, key=lambda r: (r.score is None, -(r.score or 0), r.claim_id))


def shortlist(
    session: Session,
    *,
    actor: Actor,
    demand_id: int,
    finalist_ids: Iterable[int],
    feedback: Mapping[int, str],
    expected_version: int | None = None,
    viewer: Viewer | None = None,
) -> Demand:
    """确定入围: the named claims become finalists; every other open claim is answered with its ``feedback``."""
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    _decider(demand, viewer, "确定入围名单")
    check_version(demand, expected_version, f"需求“{demand.title}”")
    claims = _open_claims(session, demand.id)
    finalists = set(finalist_ids)
    _check_ids(finalists, claims, "入围")
    if not finalists:
        raise ValidationFailed("至少需要一个入围方案")
    for cid in finalists:
        c = claims[cid]
        if c.state != ClaimState.UNDER_REVIEW:
            raise IllegalTransition(f"“{c.claimant.name}”的方案尚未通过形式审查，不能入围")
        assessed = session.scalar(select(func.count()).select_from(ClaimReview).where(
            ClaimReview.claim_id == cid, ClaimReview.stage == ReviewStage.ASSESS))
        if not assessed:
            raise ValidationFailed(f"“{c.claimant.name}”的方案还没有专家评分，不能入围")
    others = [c for cid, c in claims.items() if cid not in finalists]
    _require_feedback(others, feedback)
    _move(session, demand, "shortlist", actor=actor, reason=f"{len(finalists)}个方案入围")
    for cid in sorted(finalists):
        _claim_move(session, claims[cid], ClaimState.FINALIST, actor=actor)
    for c in others:
        _claim_move(session, c, ClaimState.NOT_SELECTED, actor=actor, feedback=feedback[c.id].strip())
    return demand


def select_claim(
    session: Session,
    *,
    actor: Actor,
    demand_id: int,
    claim_id: int,
    feedback: Mapping[int, str],
    reason: str | None = None,
    expected_version: int | None = None,
    viewer: Viewer | None = None,
) -> Claim:
    """选定揭榜方: one finalist is selected; every other finalist is answered with its ``feedback``."""
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    _decider(demand, viewer, "选定揭榜方")
    check_version(demand, expected_version, f"需求“{demand.title}”")
    claims = _open_claims(session, demand.id)
    _check_ids({claim_id}, claims, "选定")
    chosen = claims[claim_id]
    if chosen.state != ClaimState.FINALIST:
        raise IllegalTransition(f"“{chosen.claimant.name}”的方案未入围，不能选定")
    others = [c for cid, c in claims.items() if cid != claim_id]
    _require_feedback(others, feedback)
    _move(session, demand, "select", actor=actor, reason=reason or f"选定{chosen.claimant.name}")
    _claim_move(session, chosen, ClaimState.SELECTED, actor=actor, reason=reason)
    for c in others:
        _claim_move(session, c, ClaimState.NOT_SELECTED, actor=actor, feedback=feedback[c.id].strip())
    from xiaodi.notifications.service import notify

    notify(session, kind="claim_selected", title=f"您单位的揭榜方案已被需求“{demand.title}”选定",
           link=f"/claims/{chosen.id}", organisation_ids=[chosen.claimant_org_id], exclude_user_id=actor.user_id)
    return chosen


def _open_claims(session: Session, demand_id: int) -> dict[int, Claim]:
    rows = session.scalars(select(Claim).where(Claim.demand_id == demand_id, Claim.state.in_(OPEN_CLAIM_STATES),
                                               Claim.retired_at.is_(None)).order_by(Claim.id))
    return {c.id: c for c in rows.unique()}


def _check_ids(wanted: set[int], claims: Mapping[int, Claim], what: str) -> None:
    unknown = sorted(wanted - set(claims))
    if unknown:
        raise NotFound(f"以下揭榜方案不属于该需求或已有结果，不能{what}：{'、'.join(map(str, unknown))}")


def _require_feedback(claims: Iterable[Claim], feedback: Mapping[int, str]) -> None:
    lacking = [c.claimant.name for c in claims if not (feedback.get(c.id) or "").strip()]
    if lacking:
        raise ValidationFailed(f"每个未中选的揭榜方都应收到反馈意见，缺少：{'、'.join(lacking)}")


def claims_of(session: Session, *, demand_id: int, viewer: Viewer | None = None) -> list[Claim]:
    """The claims on a demand: all of them for its deciders, only the viewer's own for a claimant."""
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    stmt = select(Claim).where(Claim.demand_id == demand.id, Claim.retired_at.is_(None)).order_by(Claim.id)
    if viewer is not None and not access.sees_all_claims(demand, viewer):
        stmt = stmt.where(Claim.claimant_org_id.in_(sorted(viewer.organisation_ids)))
    return list(session.scalars(stmt).unique())
