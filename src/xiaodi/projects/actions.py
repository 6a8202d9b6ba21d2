"""The closed loop's writes as the web does them (签约 → 立项 → 节点 → 到位资金 → 调度), shared by the page forms
(``pages.py``) and the JSON API (``api.py``, ``agreements_api.py``).

Each function checks the one permission rule (``access``), resolves what people type (names of places and
organisations, amounts such as "120万元") into ids and Decimal yuan, and calls the projects service, which keeps the
rules of the ledger. Nothing here commits: the request's transaction does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import parse_day
from xiaodi.core.errors import Ambiguous, NotFound, ValidationFailed
from xiaodi.core.records import get_live
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Claim, ClaimState, Demand, DemandState
from xiaodi.directory.models import Organisation, Region
from xiaodi.directory.service import clean_name, resolve_organisation, resolve_region
from xiaodi.projects import service
from xiaodi.projects.access import (
    managed_fund,
    managed_milestone,
    managed_project,
    require_office,
    require_region,
)
from xiaodi.projects.models import (
    Agreement,
    AgreementKind,
    FundRecord,
    FundSource,
    Milestone,
    PartyRole,
    Project,
    ProjectStage,
)
from xiaodi.web.access import get_visible, scope_of

MAX_PARTIES = 10
MAX_MILESTONES = 50


# ── what people type ─────────────────────────────────────────────────────────────────────────────────────────


def parse_money(text: str | None, label: str) -> Decimal | None:
    """An amount as people write it — "120万元", "1.2亿", "3000" (yuan) — as Decimal yuan; empty is None."""
    text = (text or "").strip()
    if not text:
        return None
    from xiaodi.core.numbers import beyond_reason, parse_amount_yuan

    try:
        value = parse_amount_yuan(text if not text.replace(".", "", 1).isdigit() else text + "元")
    except (ValueError, InvalidOperation) as exc:
        raise ValidationFailed(f"{label}“{text[:40]}”不是有效金额，可写作 1200000、120万元 或 1.2亿元") from exc
    problem = beyond_reason(value, money=True)
    if problem is not None:
        raise ValidationFailed(f"{label}“{text[:40]}”{problem}")
    return value


def find_organisation(session: Session, viewer: Viewer, name: str) -> tuple[Organisation | None, list[str]]:
    """The one organisation called ``name`` (exact or alias) that ``viewer`` may see, else close names to suggest."""
    key = clean_name(name)
    exact = list(session.scalars(select(Organisation).where(Organisation.name == key,
                                                            Organisation.retired_at.is_(None)).limit(2)))
    suggestions: list[str] = []
    if len(exact) == 1:
        found: Organisation | None = exact[0]
    else:
        try:
            found = resolve_organisation(session, key)
        except Ambiguous as exc:
            found, suggestions = None, exc.suggestions
        except NotFound:
            found = None
    if found is not None and not _sees(session, viewer, found.id):
        found = None
    if suggestions:  # only names the viewer could open: a suggestion must not reveal another place's enterprise
        visible = set(session.scalars(select(Organisation.name).where(
            Organisation.name.in_([s.split("（编号")[0] for s in suggestions]), scope_of(Organisation, viewer))))
        suggestions = [s for s in suggestions if s.split("（编号")[0] in visible]
    return found, suggestions


def _sees(session: Session, viewer: Viewer, organisation_id: int) -> bool:
    return session.scalar(select(Organisation.id).where(
        Organisation.id == organisation_id, scope_of(Organisation, viewer))) is not None


def organisation_id(session: Session, viewer: Viewer, *, org_id: int | None, name: str | None,
                    label: str) -> int | None:
    """An organisation given by id (404 when invisible) or by name (422 with suggestions when not found)."""
    if org_id is not None:
        return get_visible(session, Organisation, org_id, viewer, label).id
    name = (name or "").strip()
    if not name:
        return None
    found, suggestions = find_organisation(session, viewer, name)
    if found is None:
        hint = f"，您是否要找：{'、'.join(suggestions)}？" if suggestions else "，请核对名称或先在单位名录中登记"
        raise ValidationFailed(f"未找到{label}“{name[:60]}”{hint}")
    return found.id


def region_id_of(session: Session, viewer: Viewer, *, region_id: int | None, name: str | None,
                 default: int | None) -> int | None:
    """A region given by id or name; else ``default``; else an office's only region."""
    if region_id is not None:
        return get_live(session, Region, region_id, "行政区").id
    name = (name or "").strip()
    if name:
        try:
            return resolve_region(session, name[:60]).id
        except (NotFound, Ambiguous) as exc:
            raise ValidationFailed(exc.message) from exc
    if default is not None:
        return default
    if len(viewer.office_region_ids) == 1:
        return next(iter(viewer.office_region_ids))
    return None


# ── agreements (签约) ─────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PartyIn:
    """A party as a form or a request names it: an organisation id, or a name (linked when it resolves). When both
    are given and disagree, the name wins: a pre-filled form whose party was renamed means the party now named."""

    role: PartyRole
    organisation_id: int | None = None
    name: str | None = None


@dataclass(frozen=True)
class ClaimDraft:
    """What signing for a selected 揭榜 claim pre-fills: the demand's owner, the claimant, ids and a title."""

    claim: Claim
    demand: Demand
    title: str
    kind: AgreementKind
    parties: tuple[PartyIn, ...]
    region: Region | None
    amount: Decimal | None
    selected: bool
    signed: Agreement | None = None  # already registered for this claim: the page links it instead of a form


KIND_FOR_DEMAND = {"technology": AgreementKind.TECH_DEVELOPMENT, "talent": AgreementKind.TALENT_SUPPLY,
                   "project": AgreementKind.PROJECT_COOPERATION}


def claim_draft(session: Session, viewer: Viewer, claim_id: int) -> ClaimDraft:
    require_office(viewer, "登记签约协议")
    claim = get_visible(session, Claim, claim_id, viewer, "揭榜方案")
    demand = claim.demand
    require_region(viewer, demand.region_id, "登记签约协议")
    parties = (PartyIn(PartyRole.PARTY_A, demand.owner_id, demand.owner.name),
               PartyIn(PartyRole.PARTY_B, claim.claimant_org_id, claim.claimant.name))
    region = session.get(Region, demand.region_id) if demand.region_id is not None else None
    return ClaimDraft(claim=claim, demand=demand, title=f"{demand.title}合作协议"[:300],
                      kind=KIND_FOR_DEMAND.get(str(demand.kind), AgreementKind.PROJECT_COOPERATION),
                      parties=parties, region=region, amount=claim.budget,
                      selected=claim.state == ClaimState.SELECTED and demand.state == DemandState.SELECTED,
                      signed=service.agreement_of_claim(session, claim.id))


def _parties(session: Session, viewer: Viewer, parties: Sequence[PartyIn]) -> list[service.PartySpec]:
    if len(parties) > MAX_PARTIES:
        raise ValidationFailed(f"签约方最多 {MAX_PARTIES} 个")
    out: list[service.PartySpec] = []
    seen: set[tuple[object, str]] = set()
    for p in parties:
        name = (p.name or "").strip()
        org = get_visible(session, Organisation, p.organisation_id, viewer, "签约方") \
            if p.organisation_id is not None else None
        if org is not None and (not name or clean_name(name) == org.name):
            spec = service.PartySpec(name=org.name, role=p.role, organisation_id=org.id)
        elif name:  # (a pre-filled party whose name was changed on the form is the party now named)
            found, _ = find_organisation(session, viewer, name)
            # A party not in the directory is kept as written (the agreement names it so), never guessed.
            spec = service.PartySpec(name=found.name if found else name[:200], role=p.role,
                                     organisation_id=found.id if found else None)
        else:
            continue
        key = (spec.organisation_id or spec.name, str(spec.role))
        if key in seen:
            raise ValidationFailed(f"签约方“{spec.name}”重复")
        seen.add(key)
        out.append(spec)
    return out


def sign_agreement(
    session: Session, viewer: Viewer, *, title: str, kind: AgreementKind | str, parties: Sequence[PartyIn],
    signed_on: dt.date | None = None, amount: Decimal | None = None, region_id: int | None = None,
    region: str | None = None, demand_id: int | None = None, claim_id: int | None = None,
) -> tuple[Agreement, Demand | None]:
    """签约: an office registers an agreement of its region; for a selected claim its demand becomes 已签约.

    Returns the agreement and, when it answers a demand, that demand (to tell what became of it).
    """
    doing = "登记签约协议"
    require_office(viewer, doing)
    demand: Demand | None = None
    if demand_id is not None:
        demand = get_visible(session, Demand, demand_id, viewer, "需求")
    if claim_id is not None:
        claim = get_visible(session, Claim, claim_id, viewer, "揭榜方案")
        if demand is None:
            # create_agreement does not record the claim's demand by itself: name it, so the agreement links it.
            demand, demand_id = claim.demand, claim.demand_id
    place = region_id_of(session, viewer, region_id=region_id, name=region,
                         default=demand.region_id if demand is not None else None)
    require_region(viewer, place, doing)
    if demand is not None:
        require_region(viewer, demand.region_id, doing)
    try:
        kind = AgreementKind(kind)
    except ValueError as exc:
        raise ValidationFailed("协议类别无效") from exc
    agreement = service.create_agreement(
        session, actor=viewer.actor, title=title, kind=kind, parties=_parties(session, viewer, parties),
        signed_on=signed_on, amount=amount, region_id=place, demand_id=demand_id, claim_id=claim_id)
    return agreement, demand


# ── projects (立项) and stages ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class OrgRef:
    """An organisation of a project by id or by name."""

    id: int | None = None
    name: str | None = None


def start_project(
    session: Session, viewer: Viewer, *, name: str, agreement_id: int | None = None, region_id: int | None = None,
    region: str | None = None, partner: OrgRef = OrgRef(), enterprise: OrgRef = OrgRef(),
    responsible_unit: OrgRef = OrgRef(), leader_in_charge: str | None = None,
    pledged_amount: Decimal | None = None, industry_code: str | None = None, is_key_project: bool = False,
    milestones: Sequence[service.MilestoneSpec] = (),
) -> Project:
    """立项: a project of the office's region, usually under an agreement, with its 倒排工期 milestones."""
    doing = "新建项目"
    require_office(viewer, doing)
    default_region: int | None = None
    if agreement_id is not None:
        default_region = get_visible(session, Agreement, agreement_id, viewer, "协议").region_id
    place = region_id_of(session, viewer, region_id=region_id, name=region, default=default_region)
    require_region(viewer, place, doing)
    if len(milestones) > MAX_MILESTONES:
        raise ValidationFailed(f"节点最多 {MAX_MILESTONES} 个")
    ids = {label: organisation_id(session, viewer, org_id=ref.id, name=ref.name, label=label)
           for label, ref in (("合作高校", partner), ("合作企业", enterprise), ("责任单位", responsible_unit))}
    return service.create_project(
        session, actor=viewer.actor, name=name, agreement_id=agreement_id, region_id=place,
        partner_id=ids["合作高校"], enterprise_id=ids["合作企业"], responsible_unit_id=ids["责任单位"],
        leader_in_charge=(leader_in_charge or "").strip() or None, pledged_amount=pledged_amount,
        industry_code=(industry_code or "").strip() or None, is_key_project=is_key_project, milestones=milestones)


def move_stage(session: Session, viewer: Viewer, project_id: int, *, to: str, reason: str | None,
               reached_on: str | None, version: int | None) -> Project:
    """节点推进: check scope and role, then let the projects service move the project (page and API)."""
    managed_project(session, viewer, project_id, "变更项目阶段")
    try:
        stage = ProjectStage(to)
    except ValueError as exc:
        raise ValidationFailed("阶段无效") from exc
    day = parse_day(reached_on, "日期")
    return service.move_project(session, actor=viewer.actor, project_id=project_id, to=stage, reached_on=day,
                                reason=reason, expected_version=version)


# ── milestones (倒排工期) ──────────────────────────────────────────────────────────────────────────────────────


def add_milestone(session: Session, viewer: Viewer, project_id: int, *, title: str, due_on: dt.date,
                  target_stage: ProjectStage | None = None) -> Milestone:
    managed_project(session, viewer, project_id, "设置项目节点")
    return service.add_milestone(session, actor=viewer.actor, project_id=project_id, title=title, due_on=due_on,
                                 target_stage=target_stage)


def complete_milestone(session: Session, viewer: Viewer, milestone_id: int, *, done_on: dt.date | None,
                       version: int | None) -> Milestone:
    managed_milestone(session, viewer, milestone_id, "确认节点完成")
    return service.complete_milestone(session, actor=viewer.actor, milestone_id=milestone_id,
                                      done_on=done_on or local_today(), expected_version=version)


# ── funds in place (到位资金) ────────────────────────────────────────────────────────────────────────────────


def record_funds(session: Session, viewer: Viewer, project_id: int, *, amount: Decimal | None,
                 arrived_on: dt.date | None, source: FundSource | str = FundSource.SELF_RAISED,
                 note: str | None = None) -> FundRecord:
    managed_project(session, viewer, project_id, "登记到位资金")
    if amount is None:
        raise ValidationFailed("请填写到位金额")
    try:
        source = FundSource(source)
    except ValueError as exc:
        raise ValidationFailed("资金来源无效") from exc
    return service.record_funds(session, actor=viewer.actor, project_id=project_id, amount=amount,
                                arrived_on=arrived_on or local_today(), source=source,
                                note=(note or "").strip() or None)


def correct_funds(session: Session, viewer: Viewer, fund_id: int, *, amount: Decimal | None, reason: str,
                  arrived_on: dt.date | None = None) -> FundRecord:
    managed_fund(session, viewer, fund_id, "更正到位资金")
    if amount is None:
        raise ValidationFailed("请填写更正后的金额（撤销该笔记录填 0）")
    return service.correct_funds(session, actor=viewer.actor, fund_record_id=fund_id, amount=amount,
                                 reason=reason, arrived_on=arrived_on)
