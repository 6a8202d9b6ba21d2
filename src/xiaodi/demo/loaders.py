"""The demo's loader: turns programme facts into records through the areas' services (名称 → 记录).

Names are resolved once and cached: organisations through the directory index (exact name, then alias), regions
through their full names. A fact naming something that does not resolve stops the build with the name in the
message — the facts are ours to fix, never silently guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role, User
from xiaodi.accounts.scope import Viewer
from xiaodi.assessment.models import AssessmentPeriod, Indicator, IndicatorSet, ScoringRule, SetState
from xiaodi.bases.models import ActivityKind, BaseState, BaseType
from xiaodi.catalog.service import create_achievement, create_platform
from xiaodi.core.audit import Actor
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.models import utcnow
from xiaodi.core.records import create, next_code, update_fields
from xiaodi.core.settings import local_today
from xiaodi.demands.models import ClaimState, Demand, DemandState, ReviewStage
from xiaodi.demands.service import create_demand, transition
from xiaodi.demands.service_claims import (
    criteria_for,
    declare_conflict,
    score_claim,
    screen_claim,
    select_claim,
    shortlist,
    submit_claim,
)
from xiaodi.demo.schema import (
    AchievementFact,
    AgreementFact,
    ApartmentFact,
    BaseFact,
    BenefitFact,
    CardFact,
    DemandFact,
    EventFact,
    IndicatorSetFact,
    OrderFact,
    OrgFact,
    PairingFact,
    PersonFact,
    PlatformFact,
    ProjectFact,
    RegionFact,
    ReportFact,
    ServiceTeamFact,
    StationFact,
    TierFact,
    UniversityAliases,
    resolve_when,
)
from xiaodi.directory.models import Region, RegionLevel
from xiaodi.directory.service import OrganisationIndex, add_alias, create_organisation, create_person
from xiaodi.dispatch.meetings import hold_meeting
from xiaodi.events.models import Event, EventOutcome, EventParticipant, EventState
from xiaodi.ingest.models import FigureState, IngestedReport, ReportState, StatedFigure
from xiaodi.orders.models import OrderState, ServiceTeam
from xiaodi.orders.service import assign_order, place_order, record_service, respond_to_assignment
from xiaodi.projects.dispatch import Decision
from xiaodi.projects.models import Agreement, Milestone, MilestoneState, Project, ProjectStage
from xiaodi.projects.service import (
    PartySpec,
    add_milestone,
    complete_milestone,
    create_agreement,
    create_project,
    move_project,
    record_funds,
)
from xiaodi.talent.models import (
    Apartment,
    ApplicationState,
    Benefit,
    ServiceApplication,
    TalentCard,
    TalentStation,
    TalentTier,
)

# How far each demand state lies along the service's steps (draft → submit → review → publish → claims …).
_STEPS_TO: dict[DemandState, tuple[str, ...]] = {
    DemandState.DRAFT: (),
    DemandState.SUBMITTED: ("submit",),
    DemandState.REVIEWED: ("submit", "review"),
    DemandState.PUBLISHED: ("submit", "review", "publish"),
    DemandState.CLAIMED: ("submit", "review", "publish"),
    DemandState.SELECTED: ("submit", "review", "publish"),
    DemandState.CONTRACTED: ("submit", "review", "publish"),
}
_ORDER_RANK = {OrderState.PLACED: 0, OrderState.ASSIGNED: 1, OrderState.ACCEPTED: 2, OrderState.IN_SERVICE: 3}


class Loader:
    """Writes facts into one session; caches every name it resolves or creates."""

    def __init__(self, session: Session, *, actor: Actor, today: dt.date) -> None:
        self.session = session
        self.actor = actor
        self.today = today
        self._regions: dict[str, Region] = {}
        self._orgs: OrganisationIndex | None = None
        self._created_orgs: dict[str, int] = {}
        self._people: dict[str, int] = {}
        self._demands: dict[str, Demand] = {}
        self._selected_claims: dict[str, int] = {}
        self._events: dict[str, int] = {}
        self._bases: dict[str, int] = {}
        self._base_types: dict[str, int] = {}
        self._tiers: dict[str, int] = {}
        self._benefits: dict[tuple[str, str], int] = {}
        self._teams: dict[str, int] = {}
        self._reviewer_id: int | None = None
        self._agreements: dict[str, int] = {}  # fact key → agreement id (the record's code is the ledger's own)
        self._projects: dict[str, int] = {}  # fact key → project id

    # ── names ────────────────────────────────────────────────────────────────────────────────────────────

    def regions(self, facts: Iterable[RegionFact]) -> None:
        for f in facts:
            region = self.session.scalar(select(Region).where(Region.full_name == f.full_name))
            if region is None:
                raise ValidationFailed(f"演示数据：行政区“{f.full_name}”不在区划参考数据中")
            self._regions[f.key] = region

    def region(self, key: str) -> Region:
        try:
            return self._regions[key]
        except KeyError:
            raise ValidationFailed(f"演示数据：未登记的行政区“{key}”") from None

    def region_id(self, key: str | None) -> int | None:
        return self.region(key).id if key else None

    def org_id(self, name: str) -> int:
        if name in self._created_orgs:
            return self._created_orgs[name]
        if self._orgs is None:
            self._orgs = OrganisationIndex(self.session)
        found = self._orgs.resolve(name)
        if found.record_id is None:
            hint = f"（相近：{'、'.join(found.suggestions)}）" if found.suggestions else ""
            raise ValidationFailed(f"演示数据：单位“{name}”未找到{hint}")
        return found.record_id

    def opt_org(self, name: str | None) -> int | None:
        return self.org_id(name) if name else None

    def person_id(self, name: str) -> int:
        try:
            return self._people[name]
        except KeyError:
            raise ValidationFailed(f"演示数据：人员“{name}”未登记") from None

    def opt_person(self, name: str | None) -> int | None:
        return self.person_id(name) if name else None

    def when(self, value: dt.date | object | None) -> dt.date | None:
        return resolve_when(value, self.today)  # type: ignore[arg-type]

    def _place(self, region: Region) -> tuple[str | None, str | None]:
        """(province, city) names of a region, as organisation records carry them."""
        chain = [region]
        while chain[-1].parent_id is not None:
            chain.append(self.session.get_one(Region, chain[-1].parent_id))
        province = chain[-1].name
        city = next((r.name for r in chain if r.level == RegionLevel.CITY), None)
        return province, city

    # ── directory ────────────────────────────────────────────────────────────────────────────────────────

    def reference_aliases(self, facts: Iterable[UniversityAliases]) -> None:
        for f in facts:
            oid = self.org_id(f.name)
            for alias in f.aliases:
                add_alias(self.session, actor=self.actor, organisation_id=oid, alias=alias)
        self._orgs = None  # rebuild with the new aliases

    def organisations(self, facts: Iterable[OrgFact]) -> None:
        for f in facts:
            fields: dict[str, object] = {}
            if f.region:
                region = self.region(f.region)
                fields["region_id"] = region.id
                fields["province"], fields["city"] = self._place(region)
            org = create_organisation(
                self.session, actor=self.actor, kind=f.kind, name=f.name, aliases=f.aliases,
                industry_code=f.industry_code, tags=list(f.tags), level=f.level, description=f.description,
                note=f.note, **fields,
            )
            self._created_orgs[f.name] = org.id
            for alias in f.aliases:
                self._created_orgs[alias] = org.id

    def people(self, facts: Iterable[PersonFact]) -> None:
        for f in facts:
            person = create_person(
                self.session, actor=self.actor, kind=f.kind, name=f.name, organisation_id=self.opt_org(f.org),
                department=f.department, title=f.title, position=f.position, honours=list(f.honours),
                disciplines=list(f.disciplines), research_interests=f.interests, region_id=self.region_id(f.region),
                note=f.note,
            )
            self._people[f.name] = person.id

    # ── catalog ──────────────────────────────────────────────────────────────────────────────────────────

    def achievements(self, facts: Iterable[AchievementFact]) -> None:
        for f in facts:
            create_achievement(
                self.session, actor=self.actor, title=f.title, owner_id=self.org_id(f.owner),
                leader_id=self.opt_person(f.leader), field=f.field, keywords=list(f.keywords), maturity=f.maturity,
                transfer_mode=f.transfer_mode, summary=f.summary, published_on=f.published_on,
                industry_code=f.industry_code, ip_kind=f.ip_kind,
            )

    def platforms(self, facts: Iterable[PlatformFact]) -> None:
        for f in facts:
            create_platform(
                self.session, actor=self.actor, name=f.name, kind=f.kind, level=f.level, host_id=self.org_id(f.host),
                host_name=f.host_name or f.host, field=f.field, city=f.city, established_year=f.established_year,
                source="演示数据（据报道整理）", note=f.note,
            )

    # ── events ───────────────────────────────────────────────────────────────────────────────────────────

    def events(self, facts: Iterable[EventFact]) -> None:
        for f in facts:
            event = create(self.session, Event(
                name=f.name, kind=f.kind, state=EventState.HELD, region_id=self.region_id(f.region),
                organiser_id=self.opt_org(f.organiser), starts_on=f.starts_on, ends_on=f.ends_on, venue=f.venue,
                description=f.description, source=f.source,
            ), actor=self.actor)
            self._events[f.key] = event.id
            for p in f.participants:
                create(self.session, EventParticipant(
                    event_id=event.id, organisation_id=self.opt_org(p.org), person_id=self.opt_person(p.person),
                    label=p.label, role=p.role, count=p.count,
                ), actor=self.actor)
            for o in f.outcomes:
                create(self.session, EventOutcome(event_id=event.id, metric=o.metric, value=o.value, unit=o.unit,
                                                  note=o.note), actor=self.actor)

    # ── demands, claims, orders ─────────────────────────────────────────────────────────────────────────────

    def reviewer(self) -> None:
        """The reviewing expert who screens and scores 揭榜 claims. Has no password: the demo never logs in as it."""
        user = create(self.session, User(username="demo-reviewer", display_name="评审专家（演示）", password_hash=None,
                                         is_active=True), actor=self.actor)
        self._reviewer_id = user.id

    def demands(self, facts: Iterable[DemandFact]) -> None:
        for f in facts:
            deadline = self.when(f.deadline)
            if deadline is not None and deadline < local_today():
                deadline = None  # a built-in "today" before the real date must not close the 揭榜 window (nor
                # refuse 提交审核 and 发榜, which need a deadline not yet past)
            demand = create_demand(
                self.session, actor=self.actor, owner_id=self.org_id(f.owner), title=f.title, kind=f.kind,
                code=self.code(Demand.code, "XQ", f.code), region_id=self.region_id(f.region),
                lead_unit_id=self.opt_org(f.lead_unit),
                industry_code=f.industry_code, description=f.description, keywords=list(f.keywords),
                headcount=f.headcount, qualifications=f.qualifications, budget=f.budget, deadline=deadline,
                source=f.source,
            )
            self._demands[f.code] = demand
            for step in _STEPS_TO.get(f.state, ()):
                transition(self.session, actor=self.actor, demand_id=demand.id, step=step)
            self._claims(f, demand)

    def _claims(self, f: DemandFact, demand: Demand) -> None:
        if not f.claims:
            return
        ids: dict[int, ClaimState] = {}
        for c in f.claims:
            claim = submit_claim(
                self.session, actor=self.actor, demand_id=demand.id, claimant_org_id=self.org_id(c.claimant),
                approach=c.approach, claimant_person_id=self.opt_person(c.person),
            )
            ids[claim.id] = c.outcome
        reviewed = [cid for cid, outcome in ids.items() if outcome != ClaimState.SUBMITTED]
        if not reviewed:
            return
        assert self._reviewer_id is not None
        declare_conflict(self.session, actor=self.actor, demand_id=demand.id, reviewer_user_id=self._reviewer_id,
                         has_conflict=False)
        names = [c.name for c in criteria_for(self.session, demand_id=demand.id)]
        for cid in reviewed:
            screen_claim(self.session, actor=self.actor, claim_id=cid, reviewer_user_id=self._reviewer_id, passed=True)
            score_claim(self.session, actor=self.actor, claim_id=cid, reviewer_user_id=self._reviewer_id,
                        scores={n: 85 for n in names}, stage=ReviewStage.ASSESS)
        chosen = [cid for cid in reviewed if ids[cid] == ClaimState.SELECTED]
        if not chosen:
            return
        others = {cid: "方案与需求匹配度不及中选方案，欢迎继续关注后续发榜" for cid in ids if cid not in chosen}
        shortlist(self.session, actor=self.actor, demand_id=demand.id, finalist_ids=chosen, feedback=others)
        select_claim(self.session, actor=self.actor, demand_id=demand.id, claim_id=chosen[0], feedback={},
                     reason="专家评审确定")
        self._selected_claims[f.code] = chosen[0]

    def code(self, column: Any, prefix: str, key: str) -> str:
        """The ledger's code of a demo record (the one scheme of new records, ``core.records.next_code``), in the
        year its fact key names (HJ-XQ-2021-001 → XQ-2021-000001); the key stays the facts' own reference."""
        found = re.search(r"-((?:19|20)\d\d)-", key)
        return next_code(self.session, column, prefix, int(found.group(1)) if found else self.today.year)

    def agreement_id(self, key: str) -> int:
        return self._agreements[key]

    def project_id(self, key: str) -> int:
        return self._projects[key]

    def demand_id(self, key: str) -> int:
        return self._demands[key].id

    def check_demand_states(self, facts: Iterable[DemandFact]) -> None:
        """Each demand must have reached the state its fact describes — through the services' own steps."""
        for f in facts:
            demand = self._demands[f.code]
            self.session.refresh(demand)
            if demand.state != f.state:
                raise ValidationFailed(f"演示数据：需求“{f.title}”应为{f.state}，实际为{demand.state}")

    def demand_state_counts(self) -> dict[str, int]:
        return dict(Counter(str(d.state) for d in self._demands.values()))

    def service_teams(self, facts: Iterable[ServiceTeamFact]) -> None:
        for f in facts:
            members = [{"person_id": self.person_id(m), "name": m} for m in f.members]
            team = create(self.session, ServiceTeam(
                name=f.name, organisation_id=self.org_id(f.organisation), leader_person_id=self.opt_person(f.leader),
                members=members, fields=list(f.fields),
            ), actor=self.actor)
            self._teams[f.name] = team.id

    def orders(self, facts: Iterable[OrderFact]) -> None:
        for f in facts:
            demand = self._demands[f.demand] if f.demand else None
            order = place_order(self.session, actor=self.actor, enterprise_id=self.org_id(f.enterprise), title=f.title,
                                university_id=self.org_id(f.university), kind=f.kind, description=f.description,
                                demand_id=demand.id if demand else None)
            rank = _ORDER_RANK[f.state]
            if rank >= 1 and f.team:
                row = assign_order(self.session, actor=self.actor, order_id=order.id, team_id=self._teams[f.team])
                if rank >= 2:
                    respond_to_assignment(self.session, actor=self.actor, assignment_id=row.id, accept=True)
                if rank >= 3:
                    served_on = self.when(f.service_on) or self.today
                    record_service(self.session, actor=self.actor, order_id=order.id, served_on=served_on,
                                   summary=f.service_summary or f.title)

    # ── agreements, projects, milestones, funds ─────────────────────────────────────────────────────────────

    def agreements(self, facts: Iterable[AgreementFact]) -> None:
        for f in facts:
            parties = [PartySpec(name=name, role=role, organisation_id=self.org_id(name)) for name, role in f.parties]
            demand = self._demands[f.demand] if f.demand else None
            agreement = create_agreement(
                self.session, actor=self.actor, title=f.title, kind=f.kind, parties=parties, signed_on=f.signed_on,
                amount=f.amount, region_id=self.region_id(f.region), demand_id=demand.id if demand else None,
                claim_id=self._selected_claims.get(f.demand) if f.demand else None,
                event_id=self._events[f.event] if f.event else None, code=self.code(Agreement.code, "XY", f.code),
                source=f.source,
            )
            self._agreements[f.code] = agreement.id
            if f.note:
                update_fields(self.session, agreement, {"note": f.note}, actor=self.actor, allowed={"note"},
                              label=f"协议“{agreement.title}”")
            for p in f.projects:
                self._project(p, agreement_id=agreement.id, source=f.source)

    def projects(self, facts: Iterable[ProjectFact]) -> None:
        for f in facts:
            self._project(f, agreement_id=None, source="演示数据（据报道整理）")

    def _project(self, f: ProjectFact, *, agreement_id: int | None, source: str) -> None:
        project = create_project(
            self.session, actor=self.actor, name=f.name, agreement_id=agreement_id, region_id=self.region_id(f.region),
            responsible_unit_id=self.opt_org(f.responsible_unit), partner_id=self.opt_org(f.partner),
            enterprise_id=self.opt_org(f.enterprise), leader_in_charge=f.leader_in_charge,
            leader_person_id=self.opt_person(f.leader_person), pledged_amount=f.pledged_amount,
            industry_code=f.industry_code, is_key_project=f.is_key_project, code=self.code(Project.code, "XM", f.code),
            source=source,
        )
        self._projects[f.code] = project.id
        update_fields(self.session, project, {"description": f.description}, actor=self.actor,
                      allowed={"description"}, label=f"项目“{project.name}”")
        for stage, when in f.stage_dates:
            if stage != ProjectStage.SIGNED:
                move_project(self.session, actor=self.actor, project_id=project.id, to=stage,
                             reached_on=self.when(when))
        for m in f.milestones:
            first_due = self.when(m.original_due or m.due)
            assert first_due is not None
            ms = add_milestone(self.session, actor=self.actor, project_id=project.id, title=m.title, due_on=first_due,
                               target_stage=m.target_stage, responsible_unit_id=self.opt_org(m.responsible))
            due = self.when(m.due)
            if m.original_due is not None and due is not None and due != first_due:
                hold_meeting(self.session, actor=self.actor, held_on=first_due + dt.timedelta(days=7),
                             region_id=project.region_id, title=f"{project.name}推进调度会",
                             decisions=[Decision(decision=f"“{m.title}”未按期完成，限期整改", milestone_id=ms.id,
                                                 new_due_on=due)])
            done = self.when(m.done)
            if done is not None:
                complete_milestone(self.session, actor=self.actor, milestone_id=ms.id, done_on=done)
        for fund in f.funds:
            arrived = self.when(fund.arrived)
            assert arrived is not None
            record_funds(self.session, actor=self.actor, project_id=project.id, amount=fund.amount, arrived_on=arrived,
                         source=fund.source, note=fund.note)

    def overdue_count(self, region_id: int | None = None) -> int:
        from xiaodi.directory.regions import region_subtree_ids

        stmt = (select(func.count()).select_from(Milestone).join(Project, Project.id == Milestone.project_id)
                .where(Milestone.state == MilestoneState.PENDING, Milestone.due_on < self.today))
        if region_id is not None:
            stmt = stmt.where(Project.region_id.in_(region_subtree_ids(self.session, region_id)))
        return int(self.session.scalar(stmt) or 0)

    # ── bases and 1+1+N pairings ──────────────────────────────────────────────────────────────────────────

    def base_types(self) -> None:
        """The 12 base types (12大基地) of the 2021 实施方案, unless the ledger already has them."""
        from xiaodi.bases.service import seed_base_types

        seed_base_types(self.session, actor=self.actor)
        self._base_types = {code: id_ for code, id_ in self.session.execute(select(BaseType.code, BaseType.id))}

    def _viewer(self) -> Viewer:
        """The demo acts as an administrator through the bases service (its rules and audit, not raw rows)."""
        return Viewer(user_id=None, name=self.actor.name, roles=frozenset({Role.ADMIN}))

    def bases(self, facts: Iterable[BaseFact]) -> None:
        """Each base proposed (申报) and taken along its life to the fact's state, with its activities."""
        from xiaodi.bases import service as bases

        viewer = self._viewer()
        path = {BaseState.PROPOSED: (), BaseState.REVIEWED: ("review",),
                BaseState.RECOGNISED: ("review", "recognise"), BaseState.PLAQUED: ("review", "recognise", "plaque"),
                BaseState.OPERATING: ("review", "recognise", "plaque", "operate"),
                BaseState.REVOKED: ("review", "revoke")}
        for f in facts:
            base = bases.propose_base(self.session, viewer, bases.BaseInput(
                name=f.name, base_type_id=self._base_types[f.type_code], region_id=self.region_id(f.region),
                host_org_id=self.opt_org(f.host), partner_org_id=self.opt_org(f.partner),
                lead_unit_id=self.opt_org(f.lead_unit), capacity=f.capacity, note=f.note))
            for step in path[f.state]:
                bases.take_step(self.session, viewer, base.id, step, on=f.plaque_on,
                                ceremony=f.ceremony or "挂牌仪式（演示）", reason="演示数据：据报道所述")
            self._bases[f.name] = base.id
            for held_on, kind, participants, summary in f.activities:
                k = _activity_kind(kind)
                days = f.batch_days if k in (ActivityKind.INTERNSHIP, ActivityKind.TRAINING) else None
                bases.record_activity(self.session, viewer, base.id, kind=k, held_on=held_on,
                                      participants=participants, days=days, summary=summary)

    def pairings(self, facts: Iterable[PairingFact]) -> None:
        """Pairings with their member units, duties (some done, one overdue) and 领导包联, through the service."""
        from xiaodi.bases import service as bases

        viewer = self._viewer()
        for f in facts:
            region_id = self.region(f.region).id
            pairing = bases.create_pairing(
                self.session, viewer, university_id=self.org_id(f.university), lead_unit_id=self.org_id(f.lead_unit),
                region_id=region_id, started_on=f.started_on, note=f.note,
                base_ids=[self._bases[name] for name in f.bases], member_ids=[self.org_id(m) for m in f.members])
            for d in f.duties:
                due = resolve_when(d.due, self.today)
                assert due is not None
                duty = bases.add_duty(self.session, viewer, pairing.id, bases.DutyInput(
                    unit_id=self.org_id(d.unit), title=d.title, due_on=due,
                    milestones=[bases.MilestoneIn(t, resolve_when(w, self.today) or due) for t, w in d.milestones]))
                if d.done is not None:
                    day, note, evidence = d.done
                    bases.report_duty(self.session, viewer, duty.id, note=note, evidence=evidence, done=True,
                                      reported_on=resolve_when(day, self.today))
            if f.leader is not None:
                bases.assign_leader(self.session, viewer, university_id=self.org_id(f.university),
                                    region_id=region_id, leader=f.leader[0], post=f.leader[1],
                                    started_on=f.started_on)

    # ── talent services ───────────────────────────────────────────────────────────────────────────────────

    def talent_tiers(self, facts: Iterable[TierFact]) -> None:
        existing = {code: id_ for code, id_ in self.session.execute(select(TalentTier.code, TalentTier.id))}
        for f in facts:
            if f.code not in existing:
                existing[f.code] = create(self.session, TalentTier(code=f.code, name=f.name, rank=f.rank,
                                                                   criteria=f.criteria), actor=self.actor).id
        self._tiers = existing

    def benefits(self, facts: Iterable[BenefitFact]) -> None:
        for f in facts:
            provider = self._created_orgs.get(f.provider_name)
            row = create(self.session, Benefit(
                code=f.code, name=f.name, kind=f.kind, min_tier_id=self._tiers[f.min_tier] if f.min_tier else None,
                description=f.description, provider_unit_id=provider, provider_name=f.provider_name,
                region_id=self.region(f.region).id, amount=f.amount,
            ), actor=self.actor)
            self._benefits[(f.region, f.code)] = row.id

    def cards(self, facts: Iterable[CardFact]) -> None:
        for f in facts:
            card = create(self.session, TalentCard(
                person_id=self.person_id(f.person), card_no=f.card_no, tier_id=self._tiers[f.tier],
                region_id=self.region(f.region).id, employer_id=self.opt_org(f.employer), issued_on=f.issued_on,
                expires_on=f.expires_on or f.issued_on.replace(year=f.issued_on.year + 5),
            ), actor=self.actor)
            for kind, benefit_code, state, summary in f.applications:
                decided = state not in (ApplicationState.SUBMITTED,)
                benefit_id = self._benefits.get((f.region, benefit_code)) if benefit_code else None
                if benefit_id is None and benefit_code:
                    # a card of a county holds the benefits its city publishes (太行英才卡 in 黎城县)
                    benefit_id = next((v for (_r, c), v in self._benefits.items() if c == benefit_code), None)
                create(self.session, ServiceApplication(
                    card_id=card.id, region_id=card.region_id, kind=kind, benefit_id=benefit_id, state=state,
                    details={"事项": summary},
                    decided_at=utcnow() if decided else None, decided_by=self.actor.name if decided else None,
                ), actor=self.actor)

    def apartments(self, facts: Iterable[ApartmentFact]) -> None:
        for f in facts:
            create(self.session, Apartment(name=f.name, region_id=self.region(f.region).id, address=f.address,
                                           units=f.units, note=f.note), actor=self.actor)

    def stations(self, facts: Iterable[StationFact]) -> None:
        for f in facts:
            create(self.session, TalentStation(
                name=f.name, kind=f.kind, region_id=self.region(f.region).id, host_org_id=self.opt_org(f.host),
                partner_org_id=self.opt_org(f.partner), set_up_on=f.set_up_on, address=f.address, note=f.note,
            ), actor=self.actor)

    # ── assessment and reports ────────────────────────────────────────────────────────────────────────────

    def indicator_sets(self, facts: Iterable[IndicatorSetFact]) -> None:
        for f in facts:
            indicator_set = create(self.session, IndicatorSet(
                name=f.name, year=f.year, region_id=self.region(f.region).id, subject=f.subject, state=SetState.ACTIVE,
                description=f.description,
            ), actor=self.actor)
            for order, i in enumerate(f.indicators, start=1):
                create(self.session, Indicator(
                    set_id=indicator_set.id, code=i.code, name=i.name, metric=i.metric, weight=i.weight,
                    target=i.target, unit=i.unit, description=i.description, sort_order=order,
                    scoring_rule=ScoringRule.LINEAR if i.metric else ScoringRule.MANUAL,
                    rule_params={"cap": 1.2} if i.metric else {},
                ), actor=self.actor)
            name, starts_on, ends_on = f.period
            create(self.session, AssessmentPeriod(set_id=indicator_set.id, name=name, starts_on=starts_on,
                                                  ends_on=ends_on), actor=self.actor)

    def report(self, f: ReportFact) -> None:
        """A report read by hand (人工摘录): its figures, accepted, so reconciliation compares them with the ledger.

        The record is not the report file: its hash is derived from the file's so that ingesting the real file
        later (xiaodi ingest) stores the text and machine-read figures beside it instead of being refused.
        """
        import hashlib

        region = self.region(f.region)
        report = create(self.session, IngestedReport(
            filename=f"{f.filename}（人工摘录）", sha256=hashlib.sha256(f"xiaodi-demo:{f.sha256}".encode()).hexdigest(),
            content_type="text/plain", title=f.title, published_on=f.published_on, source=f.source, author=f.author,
            region_id=region.id, raw_size=f.raw_size, clean_text="",
            warnings=["演示数据：数字由人工从报道摘录，原文未随演示库保存；导入原文请用 xiaodi ingest"],
            state=ReportState.ACCEPTED, uploaded_by=self.actor.name, note=f"原文件 sha256：{f.sha256}",
        ), actor=self.actor)
        for fig in f.figures:
            create(self.session, StatedFigure(
                report_id=report.id, metric=fig.metric, value=fig.value, value_text=fig.value_text, unit=fig.unit,
                approx=fig.approx, quote=fig.summary, region_id=self.region_id(fig.region), region_name=fig.region,
                period_from=fig.period_from, period_to=fig.period_to, period_text=fig.period_text, is_plan=False,
                state=FigureState.ACCEPTED, review_note="人工摘录并核对", reviewed_by=self.actor.name,
                reviewed_at=utcnow(),
            ), actor=self.actor)

    def stated_figures(self, region_id: int) -> list[StatedFigure]:
        return list(self.session.scalars(select(StatedFigure).where(StatedFigure.region_id == region_id)
                                         .order_by(StatedFigure.id)))

    def event_outcomes(self, region_id: int) -> list[tuple[str, dict[str, Decimal]]]:
        """Per event of the region (in date order), the outcomes it recorded."""
        rows = self.session.execute(
            select(Event.name, EventOutcome.metric, EventOutcome.value).join(Event, Event.id == EventOutcome.event_id)
            .where(Event.region_id == region_id).order_by(Event.starts_on, Event.id, EventOutcome.id)
        ).all()
        out: dict[str, dict[str, Decimal]] = {}
        for name, metric, value in rows:
            out.setdefault(name, {})[metric] = Decimal(value)
        return list(out.items())


def _activity_kind(text: str) -> ActivityKind:
    """A demo fact's activity, written as people say it (实习实训, 技术服务 …), as one of the four kinds."""
    try:
        return ActivityKind.from_label(text)
    except ValueError:
        words = {ActivityKind.INTERNSHIP: ("实习", "实训", "见习"), ActivityKind.TRAINING: ("培训", "研学"),
                 ActivityKind.SERVICE: ("服务", "攻关", "咨询")}
        return next((k for k, w in words.items() if any(x in text for x in w)), ActivityKind.EVENT)
