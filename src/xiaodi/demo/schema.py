"""The shapes of the programme facts (演示数据的结构) that ``xiaodi.demo.facts`` fills in.

Facts name things the way an office does — organisations, regions and people by name, never by id — and the
builder resolves the names against the reference data (高校名单, 行政区划) and the records it has created.

Dates: a fact that happened (a signing, an event) carries its calendar date. Follow-up work (milestones, funds
arriving, 揭榜 deadlines) is written as a ``Rel`` — a number of days relative to the build's "today" — so that a
demo built on any day has overdue milestones on its 调度 list and recent money on its funds list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from xiaodi.bases.models import BaseState
from xiaodi.catalog.models import Maturity, PlatformKind, TransferMode
from xiaodi.demands.models import ClaimState, DemandKind, DemandState
from xiaodi.directory.models import OrgKind, PersonKind
from xiaodi.events.models import EventKind
from xiaodi.orders.models import OrderState, ServiceKind
from xiaodi.projects.models import AgreementKind, FundSource, PartyRole, ProjectStage
from xiaodi.talent.models import ApplicationKind, ApplicationState


@dataclass(frozen=True)
class Rel:
    """A day relative to the build's today: ``Rel(-30)`` is thirty days ago, ``Rel(45)`` in six weeks."""

    days: int

    def on(self, today: dt.date) -> dt.date:
        return today + dt.timedelta(days=self.days)


When = dt.date | Rel


def resolve_when(when: When | None, today: dt.date) -> dt.date | None:
    if when is None:
        return None
    return when.on(today) if isinstance(when, Rel) else when


@dataclass(frozen=True)
class RegionFact:
    key: str  # the short name used throughout the facts: 河津市
    full_name: str  # 山西省运城市河津市 — unambiguous in the reference list


@dataclass(frozen=True)
class UniversityAliases:
    """Short names (简称) the reports use for a university already on the reference list."""

    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class OrgFact:
    name: str
    kind: OrgKind
    region: str | None
    aliases: tuple[str, ...] = ()
    industry_code: str | None = None
    tags: tuple[str, ...] = ()
    level: str | None = None
    description: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PersonFact:
    name: str
    kind: PersonKind
    org: str | None
    region: str | None = None
    department: str | None = None
    title: str | None = None
    position: str | None = None
    honours: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()
    interests: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class AchievementFact:
    title: str
    owner: str
    leader: str | None
    field: str
    keywords: tuple[str, ...]
    maturity: Maturity
    transfer_mode: TransferMode | None
    summary: str
    published_on: dt.date
    industry_code: str | None = None
    ip_kind: str | None = None


@dataclass(frozen=True)
class PlatformFact:
    name: str
    kind: PlatformKind
    host: str
    level: str | None
    field: str
    city: str
    established_year: int | None = None
    host_name: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ClaimFact:
    claimant: str
    approach: str
    person: str | None = None
    outcome: ClaimState = ClaimState.SUBMITTED  # submitted / under_review / selected


@dataclass(frozen=True)
class DemandFact:
    """A demand on the 需求清单 and how far it has come; ``state`` is reached through the demand service's steps."""

    code: str
    title: str
    kind: DemandKind
    owner: str
    region: str
    state: DemandState
    description: str
    keywords: tuple[str, ...]
    source: str
    lead_unit: str | None = None
    industry_code: str | None = None
    headcount: int | None = None
    qualifications: str | None = None
    budget: Decimal | None = None
    deadline: When | None = None
    claims: tuple[ClaimFact, ...] = ()


@dataclass(frozen=True)
class MilestoneFact:
    title: str
    due: When
    done: When | None = None
    original_due: When | None = None  # the first deadline; a 调度会 moved it to ``due`` (one slip)
    target_stage: ProjectStage | None = None
    responsible: str | None = None


@dataclass(frozen=True)
class FundFact:
    amount: Decimal
    arrived: When
    source: FundSource
    note: str | None = None


@dataclass(frozen=True)
class ProjectFact:
    code: str
    name: str
    region: str
    stage: ProjectStage
    description: str
    responsible_unit: str | None = None
    partner: str | None = None
    enterprise: str | None = None
    leader_person: str | None = None
    leader_in_charge: str | None = None
    pledged_amount: Decimal | None = None
    industry_code: str | None = None
    is_key_project: bool = False
    # the dates at which each stage was reached, in order (signed → started → landed …)
    stage_dates: tuple[tuple[ProjectStage, When], ...] = ()
    milestones: tuple[MilestoneFact, ...] = ()
    funds: tuple[FundFact, ...] = ()


@dataclass(frozen=True)
class AgreementFact:
    code: str
    title: str
    kind: AgreementKind
    region: str
    signed_on: dt.date | None
    parties: tuple[tuple[str, PartyRole], ...]
    source: str
    amount: Decimal | None = None
    demand: str | None = None  # a DemandFact code: the agreement answers that demand (签约 step)
    event: str | None = None  # an EventFact key
    projects: tuple[ProjectFact, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ParticipantFact:
    role: str
    org: str | None = None
    person: str | None = None
    label: str | None = None
    count: int = 1


@dataclass(frozen=True)
class OutcomeFact:
    metric: str  # a xiaodi.ingest.models.Metric key
    value: Decimal
    unit: str
    note: str | None = None


@dataclass(frozen=True)
class EventFact:
    key: str
    name: str
    kind: EventKind
    region: str | None
    starts_on: dt.date
    description: str
    source: str
    organiser: str | None = None
    ends_on: dt.date | None = None
    venue: str | None = None
    participants: tuple[ParticipantFact, ...] = ()
    outcomes: tuple[OutcomeFact, ...] = ()


@dataclass(frozen=True)
class BaseFact:
    name: str
    type_code: str  # a BaseType code (DEFAULT_BASE_TYPES)
    region: str
    state: BaseState
    host: str | None = None
    partner: str | None = None
    lead_unit: str | None = None
    plaque_on: dt.date | None = None  # the day its steps (审核, 认定, 挂牌) are dated; never today for a reported base
    capacity: int | None = None
    note: str | None = None
    activities: tuple[tuple[dt.date, str, int | None, str], ...] = ()  # (held_on, kind, participants, summary)
    ceremony: str | None = None  # 挂牌仪式
    batch_days: int | None = None  # how many days each internship or training batch lasted


@dataclass(frozen=True)
class DutyFact:
    """A duty (职责任务) of a pairing's lead or member unit, with its work plan; ``done`` = (day, note, evidence)."""

    unit: str
    title: str
    due: When
    milestones: tuple[tuple[str, When], ...] = ()
    done: tuple[When, str, str] | None = None


@dataclass(frozen=True)
class PairingFact:
    """A 1+1+N pairing: one university, one lead unit (牵头单位), N bases, in one region."""

    university: str
    lead_unit: str
    region: str
    started_on: dt.date
    bases: tuple[str, ...]
    note: str
    members: tuple[str, ...] = ()  # 成员单位
    duties: tuple[DutyFact, ...] = ()
    leader: tuple[str, str] | None = None  # 领导包联: (name, post)


@dataclass(frozen=True)
class ServiceTeamFact:
    name: str
    organisation: str
    leader: str | None
    members: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class OrderFact:
    enterprise: str
    title: str
    kind: ServiceKind
    university: str
    state: OrderState  # placed / dispatched / in_service
    description: str
    team: str | None = None
    demand: str | None = None
    service_on: When | None = None
    service_summary: str | None = None


@dataclass(frozen=True)
class TierFact:
    code: str
    name: str
    rank: int
    criteria: str


@dataclass(frozen=True)
class BenefitFact:
    region: str
    code: str
    name: str
    kind: ApplicationKind
    provider_name: str
    description: str
    min_tier: str | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class CardFact:
    card_no: str
    person: str
    tier: str
    region: str
    issued_on: dt.date
    employer: str | None = None
    expires_on: dt.date | None = None
    applications: tuple[tuple[ApplicationKind, str | None, ApplicationState, str], ...] = ()  # kind, benefit code


@dataclass(frozen=True)
class ApartmentFact:
    name: str
    region: str
    units: int
    address: str | None
    note: str | None = None


@dataclass(frozen=True)
class StationFact:
    name: str
    kind: str  # 人才驿站 / 人才工作站 / 专家工作站
    region: str
    set_up_on: dt.date | None
    host: str | None = None
    partner: str | None = None
    address: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class IndicatorFact:
    code: str
    name: str
    weight: Decimal
    metric: str | None
    target: Decimal | None
    unit: str | None
    description: str


@dataclass(frozen=True)
class IndicatorSetFact:
    name: str
    year: int
    region: str
    subject: str
    description: str
    indicators: tuple[IndicatorFact, ...]
    period: tuple[str, dt.date, dt.date]


@dataclass(frozen=True)
class FigureFact:
    """A figure a report states, in the metric's base unit (元 for money), with our own one-line summary."""

    metric: str
    value: Decimal
    value_text: str
    unit: str
    summary: str  # our wording of what the report says, never the report's sentence
    region: str | None
    approx: bool = False
    period_text: str | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None


@dataclass(frozen=True)
class ReportFact:
    filename: str
    sha256: str  # of the seed file as published; the same file ingested later is recognised as this report
    raw_size: int
    title: str
    region: str
    published_on: dt.date | None
    source: str | None
    author: str | None
    figures: tuple[FigureFact, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RegionProgramme:
    """Everything the facts say about one region's programme."""

    region: str
    organisations: tuple[OrgFact, ...] = ()
    people: tuple[PersonFact, ...] = ()
    achievements: tuple[AchievementFact, ...] = ()
    platforms: tuple[PlatformFact, ...] = ()
    demands: tuple[DemandFact, ...] = ()
    events: tuple[EventFact, ...] = ()
    agreements: tuple[AgreementFact, ...] = ()
    projects: tuple[ProjectFact, ...] = ()  # projects without an agreement on record
    bases: tuple[BaseFact, ...] = ()
    pairings: tuple[PairingFact, ...] = ()
    service_teams: tuple[ServiceTeamFact, ...] = ()
    orders: tuple[OrderFact, ...] = ()
    benefits: tuple[BenefitFact, ...] = ()
    cards: tuple[CardFact, ...] = ()
    apartments: tuple[ApartmentFact, ...] = ()
    stations: tuple[StationFact, ...] = ()
    indicator_sets: tuple[IndicatorSetFact, ...] = ()
    report: ReportFact | None = None


@dataclass(frozen=True)
class IntentFact:
    """A cooperation intent (合作意向) and what became of it: signed as ``agreement`` or closed with ``closed``."""

    topic: str
    enterprise: str
    university: str
    region: str
    agreed_on: When
    event: str | None = None  # an EventFact key
    demand: str | None = None  # a DemandFact code
    agreement: str | None = None  # an AgreementFact code: the intent was signed
    closed: str | None = None  # the reason it was closed
    source: str | None = None


@dataclass(frozen=True)
class AllocationFact:
    """Money paid from a budget line: to a project (code), a base (name) or other work (its description)."""

    amount: Decimal
    days_ago: int  # paid this many days before the build, within the budget's year
    project: str | None = None
    base: str | None = None
    other: str | None = None
    override: str | None = None


@dataclass(frozen=True)
class BudgetFact:
    """A budget line of a region for the build's year (人才工作经费, 引导基金, 专项扶持资金)."""

    name: str
    kind: str  # a budgets.models.BudgetKind value
    region: str
    amount: Decimal
    source_document: str
    allocations: tuple[AllocationFact, ...] = ()
    note: str | None = None
