"""Project rules (项目清单): agreements (签约) create projects, which move signed → started → landed (落地) →
in production → accepted, with milestones (节点) and funds arriving over time (到位资金).

Nothing is deleted or edited in place where the programme's figures depend on it: a fund correction is a new
``FundRecord`` pointing at the one it corrects, and a due date moves only by a 调度 decision (``dispatch``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Conflict, ValidationFailed
from xiaodi.core.models import model_snapshot, to_jsonable
from xiaodi.core.records import check_version, create, flush_or_conflict, get_live, next_code
from xiaodi.core.settings import local_today, not_after_today
from xiaodi.demands.models import Claim, ClaimState, Demand, DemandState
from xiaodi.demands.service import IllegalTransition
from xiaodi.demands.service import transition as demand_transition
from xiaodi.directory.models import Organisation, Region
from xiaodi.projects.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementState,
    FundRecord,
    FundSource,
    Milestone,
    MilestoneState,
    PartyRole,
    Project,
    ProjectStage,
    ProjectStageChange,
)

P = ProjectStage
# The regular path of a project; a project may move forward several steps at once (the ledger often learns late).
PATH: tuple[ProjectStage, ...] = (P.SIGNED, P.STARTED, P.LANDED, P.IN_PRODUCTION, P.ACCEPTED)
STAGE_DATE: dict[ProjectStage, str] = {
    P.STARTED: "started_on", P.LANDED: "landed_on", P.IN_PRODUCTION: "in_production_on", P.ACCEPTED: "accepted_on",
}  # fmt: skip
FINAL_STAGES = frozenset({P.ACCEPTED, P.CANCELLED})


@dataclass(frozen=True)
class PartySpec:
    """A party to an agreement (签约方): an organisation in the directory, or a name as written."""

    name: str
    role: PartyRole = PartyRole.PARTY_A
    organisation_id: int | None = None


@dataclass(frozen=True)
class MilestoneSpec:
    title: str
    due_on: dt.date
    target_stage: ProjectStage | None = None
    responsible_unit_id: int | None = None


# ── agreements ───────────────────────────────────────────────────────────────────────────────────────────


def create_agreement(
    session: Session,
    *,
    actor: Actor,
    title: str,
    kind: AgreementKind | str,
    parties: Sequence[PartySpec],
    signed_on: dt.date | None = None,
    amount: Decimal | None = None,
    region_id: int | None = None,
    demand_id: int | None = None,
    claim_id: int | None = None,
    event_id: int | None = None,
    code: str | None = None,
    source: str | None = None,
) -> Agreement:
    """签约: register a signed agreement with its parties. An agreement that answers a selected 揭榜 claim moves
    its demand to 已签约."""
    if not (title or "").strip():
        raise ValidationFailed("协议名称不能为空")
    try:
        kind = AgreementKind(kind)
    except ValueError as exc:
        raise ValidationFailed(f"协议类型应为：{'、'.join(k.value for k in AgreementKind)}") from exc
    if len(parties) < 2:
        raise ValidationFailed("协议至少应有两个签约方")
    if amount is not None and Decimal(amount) < 0:
        raise ValidationFailed("签约金额不能为负数")
    not_after_today(signed_on, "签约日期", "尚未签订的协议")
    if region_id is not None:
        get_live(session, Region, region_id, "行政区")
    demand = _answered_demand(session, demand_id, claim_id)
    seen = [(p.organisation_id or (p.name or "").strip(), p.role) for p in parties]
    if len(set(seen)) != len(seen):
        raise ValidationFailed("同一单位以同一身份重复列为签约方")
    _refuse_same_agreement(session, title.strip(), signed_on, parties)
    code = code or _next_code(session, Agreement, "XY", signed_on.year if signed_on else None)
    agreement = Agreement(code=code, title=title.strip(), kind=kind,
                          signed_on=signed_on, amount=amount, region_id=region_id,
                          demand_id=demand.id if demand is not None else None,
                          claim_id=claim_id, event_id=event_id, source=source)
    for p in parties:
        if p.organisation_id is not None:
            org = get_live(session, Organisation, p.organisation_id, "签约方")
            name = p.name or org.name
        else:
            name = (p.name or "").strip()
        if not name:
            raise ValidationFailed("签约方名称不能为空")
        agreement.parties.append(AgreementParty(organisation_id=p.organisation_id, name=name, role=p.role))
    create(session, agreement, actor=actor)
    if demand is not None and demand.state == DemandState.SELECTED:
        demand_transition(session, actor=actor, demand_id=demand.id, step="contract",
                          reason=f"签订协议“{agreement.title}”")
    return agreement


def _answered_demand(session: Session, demand_id: int | None, claim_id: int | None) -> Demand | None:
    if claim_id is not None:
        claim = get_live(session, Claim, claim_id, "揭榜方案")
        if demand_id is not None and claim.demand_id != demand_id:
            raise ValidationFailed("揭榜方案不属于所填需求")
        if claim.state != ClaimState.SELECTED:
            raise ValidationFailed("只有中选的揭榜方案可以据此签约")
        _refuse_second_agreement(session, claim)
        demand_id = claim.demand_id
    return get_live(session, Demand, demand_id, "需求") if demand_id is not None else None


def agreement_of_claim(session: Session, claim_id: int) -> Agreement | None:
    """The agreement that answers a selected claim (据揭榜方案签约), if one is registered. An agreement terminated
    (已终止) or retired no longer answers it, so the claim may be signed anew."""
    return session.scalars(select(Agreement).where(
        Agreement.claim_id == claim_id, Agreement.retired_at.is_(None),
        Agreement.state != AgreementState.TERMINATED).limit(1)).first()


def _refuse_second_agreement(session: Session, claim: Claim) -> None:
    """One selected claim, one agreement: a second one would count the same 签约 and its amount twice."""
    signed = agreement_of_claim(session, claim.id)
    if signed is not None:
        raise Conflict(f"该中选方案已登记协议“{signed.title}”（{signed.code}），不能重复登记；"
                       "如需更改，请修改该协议")


def _refuse_same_agreement(session: Session, title: str, signed_on: dt.date | None,
                           parties: Sequence[PartySpec]) -> None:
    """One agreement, one record (重复登记): the same title signed on the same day by the same parties is the agreement
    already registered — a second record (a form sent twice, the same signing typed in by the county and the city)
    would count its 签约 and amount twice. Another agreement of those parties that day has its own title."""
    def who(organisation_id: int | None, name: str | None) -> str:
        return str(organisation_id) if organisation_id is not None else (name or "").strip()

    names = {who(p.organisation_id, p.name) for p in parties}
    day = Agreement.signed_on.is_(None) if signed_on is None else Agreement.signed_on == signed_on
    same = session.scalars(select(Agreement).where(
        Agreement.title == title, day, Agreement.retired_at.is_(None),
        Agreement.state != AgreementState.TERMINATED)).all()
    for other in same:
        if {who(p.organisation_id, p.name) for p in other.parties} == names:
            raise Conflict(f"协议“{other.title}”（{other.code}）已登记，签约日期和签约方相同，不能重复登记；"
                           "如确为另一份协议，请在名称中加以区分")


def _next_code(session: Session, model: type[Agreement] | type[Project], prefix: str,
               year: int | None = None) -> str:
    """协议编号 XY-年份-序号, 项目编号 XM-…: the year the agreement was signed, else this year
    (``core.records.next_code``: the one scheme of new and demo records)."""
    return next_code(session, model.code, prefix, year or local_today().year)


# ── projects and stages ──────────────────────────────────────────────────────────────────────────────────


def create_project(
    session: Session,
    *,
    actor: Actor,
    name: str,
    agreement_id: int | None = None,
    region_id: int | None = None,
    responsible_unit_id: int | None = None,
    partner_id: int | None = None,
    enterprise_id: int | None = None,
    leader_in_charge: str | None = None,
    leader_person_id: int | None = None,
    pledged_amount: Decimal | None = None,
    industry_code: str | None = None,
    is_key_project: bool = False,
    milestones: Sequence[MilestoneSpec] = (),
    code: str | None = None,
    source: str | None = None,
) -> Project:
    """A project on the 项目清单, signed under an agreement, with its 责任单位, 包联领导 and milestones."""
    if not (name or "").strip():
        raise ValidationFailed("项目名称不能为空")
    if pledged_amount is not None and Decimal(pledged_amount) < 0:
        raise ValidationFailed("计划投资不能为负数")
    if agreement_id is not None:
        agreement = get_live(session, Agreement, agreement_id, "协议")
        region_id = region_id if region_id is not None else agreement.region_id
    for org_id, label in ((responsible_unit_id, "责任单位"), (partner_id, "合作高校"), (enterprise_id, "企业")):
        if org_id is not None:
            get_live(session, Organisation, org_id, label)
    project = Project(code=code or _next_code(session, Project, "XM"), name=name.strip(), agreement_id=agreement_id,
                      region_id=region_id, responsible_unit_id=responsible_unit_id, partner_id=partner_id,
                      enterprise_id=enterprise_id, leader_in_charge=leader_in_charge,
                      leader_person_id=leader_person_id, pledged_amount=pledged_amount, industry_code=industry_code,
                      is_key_project=is_key_project, stage=P.SIGNED, source=source)
    create(session, project, actor=actor)
    session.add(ProjectStageChange(project_id=project.id, from_stage=None, to_stage=P.SIGNED, actor=actor.name,
                                   actor_user_id=actor.user_id, reached_on=None))
    for spec in milestones:
        add_milestone(session, actor=actor, project_id=project.id, title=spec.title, due_on=spec.due_on,
                      target_stage=spec.target_stage, responsible_unit_id=spec.responsible_unit_id)
    return project


def stage_label(stage: str) -> str:
    return ProjectStage(stage).label


def move_project(
    session: Session,
    *,
    actor: Actor,
    project_id: int,
    to: ProjectStage | str,
    reached_on: dt.date | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Project:
    """Move a project along its closed loop (节点推进), or stall (停滞) / cancel (终止) it with a reason.

    Forward moves may skip stages: a skipped stage's date is the date reached (it happened no later than that).
    A stalled project resumes at the stage it stalled in or later. Nothing moves backward.
    """
    project = get_live(session, Project, project_id, "项目")
    check_version(project, expected_version, f"项目“{project.name}”")
    to = ProjectStage(to)
    here = ProjectStage(project.stage)
    reason = (reason or "").strip() or None
    base = stage_before_stall(session, project.id) if here == P.STALLED else here
    check_move(project.name, here, to, base=base, reason=reason)
    if to not in (P.STALLED, P.CANCELLED):
        reached_on = reached_on or local_today()
        for stage in PATH[PATH.index(base) + 1 : PATH.index(to) + 1]:
            if getattr(project, STAGE_DATE[stage]) is None:
                setattr(project, STAGE_DATE[stage], reached_on)
    before = model_snapshot(project)
    project.stage = to
    flush_or_conflict(session, f"项目“{project.name}”")
    session.add(ProjectStageChange(project_id=project.id, from_stage=here, to_stage=to, reached_on=reached_on,
                                   actor=actor.name, actor_user_id=actor.user_id, reason=reason))
    audit.record(session, actor=actor, action="transition", obj=project, before=before, reason=reason)
    return project


def check_move(name: str, here: ProjectStage, to: ProjectStage, *, base: ProjectStage, reason: str | None) -> None:
    """THE stage rule (used by 节点推进 and by imports): forward along ``PATH`` (``base``: where a stalled project
    stalled), never out of a final stage, and stalling or cancelling only with a reason."""
    if here in FINAL_STAGES:
        raise IllegalTransition(f"项目“{name}”已{stage_label(here)}，不能再变更阶段")
    if to in (P.STALLED, P.CANCELLED):
        if to == here:
            raise IllegalTransition(f"项目“{name}”已是“{stage_label(here)}”")
        if not reason:
            raise ValidationFailed(f"项目{stage_label(to)}必须说明原因")
    elif PATH.index(to) <= PATH.index(base):
        raise IllegalTransition(
            f"项目“{name}”当前为“{stage_label(here)}”，不能变更为“{stage_label(to)}”（项目阶段只能向前推进）"
        )


def stage_before_stall(session: Session, project_id: int) -> ProjectStage:
    """The stage a stalled project stalled in (where it may resume)."""
    last = session.scalar(select(ProjectStageChange.from_stage).where(
        ProjectStageChange.project_id == project_id, ProjectStageChange.to_stage == P.STALLED,
    ).order_by(ProjectStageChange.id.desc()).limit(1))
    return ProjectStage(last) if last in PATH else P.SIGNED


def stage_history(session: Session, *, project_id: int) -> list[ProjectStageChange]:
    stmt = select(ProjectStageChange).where(ProjectStageChange.project_id == project_id)
    return list(session.scalars(stmt.order_by(ProjectStageChange.id)))


# ── milestones ───────────────────────────────────────────────────────────────────────────────────────────


def add_milestone(
    session: Session,
    *,
    actor: Actor,
    project_id: int,
    title: str,
    due_on: dt.date,
    target_stage: ProjectStage | None = None,
    responsible_unit_id: int | None = None,
) -> Milestone:
    """A milestone (节点) with its deadline; the unit answerable for it defaults to the project's 责任单位."""
    project = get_live(session, Project, project_id, "项目")
    if project.stage in FINAL_STAGES:
        raise ValidationFailed(f"项目“{project.name}”已{stage_label(project.stage)}，不再设置节点")
    if not (title or "").strip():
        raise ValidationFailed("节点名称不能为空")
    if target_stage is not None and ProjectStage(target_stage) not in PATH[1:]:
        raise ValidationFailed("节点对应的阶段应为开工、落地、投产或验收")
    signed_on = session.scalar(select(Agreement.signed_on).where(Agreement.id == project.agreement_id)) \
        if project.agreement_id is not None else None
    if signed_on is not None and due_on < signed_on:  # a typo of the year: it would be overdue from the first day
        raise ValidationFailed(f"节点“{title.strip()}”的截止日期 {due_on.isoformat()} 早于协议签订日期 "
                               f"{signed_on.isoformat()}，请检查年份")
    unit = responsible_unit_id if responsible_unit_id is not None else project.responsible_unit_id
    row = Milestone(project_id=project.id, title=title.strip(), due_on=due_on, original_due_on=due_on,
                    responsible_unit_id=unit, target_stage=target_stage, state=MilestoneState.PENDING, slip_count=0)
    return create(session, row, actor=actor)


def complete_milestone(
    session: Session,
    *,
    actor: Actor,
    milestone_id: int,
    done_on: dt.date,
    expected_version: int | None = None,
) -> Milestone:
    """A milestone is reached (节点完成); one tied to a stage moves the project there if it is not yet further."""
    from xiaodi.projects.dispatch import resolve_items

    ms = session.get(Milestone, milestone_id)
    if ms is None:
        raise ValidationFailed(f"节点（编号 {milestone_id}）不存在")
    check_version(ms, expected_version, f"节点“{ms.title}”")
    if ms.state == MilestoneState.DONE:
        raise IllegalTransition(f"节点“{ms.title}”已于 {ms.done_on} 完成")
    before = model_snapshot(ms)
    ms.state = MilestoneState.DONE
    ms.done_on = done_on
    flush_or_conflict(session, f"节点“{ms.title}”")
    audit.record(session, actor=actor, action="complete", obj=ms, before=before)
    resolve_items(session, milestone_id=ms.id, resolved_on=done_on)
    project = get_live(session, Project, ms.project_id, "项目")
    target = ProjectStage(ms.target_stage) if ms.target_stage else None
    if target is not None and project.stage in PATH and PATH.index(target) > PATH.index(ProjectStage(project.stage)):
        move_project(session, actor=actor, project_id=project.id, to=target, reached_on=done_on,
                     reason=f"节点“{ms.title}”完成")
    return ms


# ── funds in place (到位资金) ────────────────────────────────────────────────────────────────────────────────


def record_funds(
    session: Session,
    *,
    actor: Actor,
    project_id: int,
    amount: Decimal,
    arrived_on: dt.date,
    source: FundSource | str = FundSource.SELF_RAISED,
    note: str | None = None,
) -> FundRecord:
    """资金到位: an amount that arrived for a project on a day."""
    project = get_live(session, Project, project_id, "项目")
    if project.stage == ProjectStage.CANCELLED:
        raise ValidationFailed(f"项目“{project.name}”已终止，不能再登记到位资金")
    if Decimal(amount) <= 0:
        raise ValidationFailed("到位资金应大于 0；更正已有记录请使用更正功能")
    not_after_today(arrived_on, "到位日期", "尚未到位的资金")
    row = FundRecord(project_id=project.id, amount=Decimal(amount), arrived_on=arrived_on, source=FundSource(source),
                     note=note, recorded_by=actor.name, recorded_by_user_id=actor.user_id)
    create(session, row, actor=actor)
    _funds_in_trail(session, actor, project, row, action="add_funds")
    return row


def _funds_in_trail(session: Session, actor: Actor, project: Project, row: FundRecord, *, action: str,
                    reason: str | None = None) -> None:
    """A fund record is a change of its project: the project's trail (操作留痕) says who recorded what, as a
    directory organisation's trail says who added an alias (the record itself keeps its own ``create`` entry)."""
    audit.record(session, actor=actor, action=action, obj=project, reason=reason, after={
        "fund_record_id": row.id, "fund_amount": to_jsonable(Decimal(row.amount).quantize(Decimal("0.01"))),
        "fund_arrived_on": to_jsonable(row.arrived_on), "fund_source": to_jsonable(row.source),
        **({"corrects_id": row.corrects_id} if row.corrects_id is not None else {})})


def correct_funds(
    session: Session,
    *,
    actor: Actor,
    fund_record_id: int,
    amount: Decimal,
    reason: str,
    arrived_on: dt.date | None = None,
) -> FundRecord:
    """更正到位资金: a new record replaces ``fund_record_id`` (0 cancels it); the old one stays in the trail."""
    old = session.get(FundRecord, fund_record_id)
    if old is None:
        raise ValidationFailed(f"到位资金记录（编号 {fund_record_id}）不存在")
    if not (reason or "").strip():
        raise ValidationFailed("更正到位资金必须说明原因")
    if Decimal(amount) < 0:
        raise ValidationFailed("更正后的金额不能为负数")
    not_after_today(arrived_on, "到位日期", "尚未到位的资金")
    newer = session.scalar(select(FundRecord.id).where(FundRecord.corrects_id == old.id))
    if newer is not None:
        raise Conflict(f"该记录已被更正（更正记录编号 {newer}），请在最新的记录上更正")
    row = FundRecord(project_id=old.project_id, amount=Decimal(amount), arrived_on=arrived_on or old.arrived_on,
                     source=old.source, note=reason, corrects_id=old.id, recorded_by=actor.name,
                     recorded_by_user_id=actor.user_id)
    try:
        create(session, row, actor=actor, reason=reason)
    except IntegrityError as exc:  # the unique constraint on corrects_id: corrected by someone at the same moment
        raise Conflict("该记录刚被他人更正，请刷新后重试") from exc
    project = session.get(Project, row.project_id)
    if project is not None:
        _funds_in_trail(session, actor, project, row, action="correct_funds", reason=reason)
    return row


def funds_in_place(session: Session, *, project_id: int) -> Decimal:
    """A project's funds in place: the sum over records no other record corrects (each correction counted once)."""
    newer = aliased(FundRecord)
    total = session.scalar(select(func.coalesce(func.sum(FundRecord.amount), 0)).where(
        FundRecord.project_id == project_id, ~exists().where(newer.corrects_id == FundRecord.id)))
    return Decimal(total or 0).quantize(Decimal("0.01"))


def fund_history(session: Session, *, project_id: int) -> list[FundRecord]:
    """Every fund record of a project, corrections included, in the order they were written."""
    return list(session.scalars(select(FundRecord).where(FundRecord.project_id == project_id)
                                .order_by(FundRecord.id)))


def projects_with_funds(session: Session, *, region_ids: Sequence[int] | None = None, limit: int = 20
                        ) -> list[tuple[Project, Decimal]]:
    """Projects and their funds in place, most money first (the demo's "资金到位" panel)."""
    newer = aliased(FundRecord)
    totals = (select(FundRecord.project_id, func.sum(FundRecord.amount).label("total"))
              .where(~exists().where(newer.corrects_id == FundRecord.id)).group_by(FundRecord.project_id)
              .subquery())
    stmt = (select(Project, totals.c.total).join(totals, totals.c.project_id == Project.id)
            .where(Project.retired_at.is_(None)).order_by(totals.c.total.desc(), Project.id).limit(limit))
    if region_ids is not None:
        stmt = stmt.where(Project.region_id.in_(list(region_ids)))
    rows: Any = session.execute(stmt).unique()
    return [(p, Decimal(t).quantize(Decimal("0.01"))) for p, t in rows]
