"""Build the demo ledger (构建演示数据): reference data, then the programme facts, in one transaction.

Every record goes through the areas' own services where they exist (directory, catalog, demands, projects, ingest,
accounts), so the demo obeys the same rules and leaves the same audit trail (留痕) as real work. Areas without a
service yet (events, bases, talent, assessment) are written through ``core.records.create``, which audits each row.

"Today" is the day of the build (``date.today()`` unless given): facts that happened keep their calendar dates,
follow-up work (milestones, funds, 揭榜 deadlines) is placed relative to today, so a demo built on any day has overdue
milestones on its 调度 list. The summary separates ledger records from figures the reports state.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xiaodi.assessment import demo as assessment_demo
from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.core.db import transaction
from xiaodi.core.models import Base
from xiaodi.core.settings import local_today
from xiaodi.demo import talent_services
from xiaodi.demo.facts import PROGRAMME_REGIONS, PROGRAMMES, REGIONS, TALENT_TIERS, UNIVERSITY_ALIASES
from xiaodi.demo.facts.intents_money import BUDGETS, INTENTS
from xiaodi.demo.loaders import Loader
from xiaodi.demo.loop_gaps import load_budgets, load_intents

Progress = Callable[[str, int, int], None]

ACTOR = Actor.system("demo")
MARKER_ACTION = "demo_build"  # the audit entry that marks a database as a demo database (xiaodi demo may replace it)
MARKER_ENTITY = "demo"
STEPS = ("参考数据", "名录", "资源清单", "活动", "需求清单", "项目清单", "基地", "人才服务", "考核与报道", "演示账号")
# Figures shown per region in the summary: ledger (台账) beside reported (报道).
SUMMARY_METRICS: tuple[str, ...] = (
    "universities", "agreements", "projects_signed", "projects_landed", "amount_signed", "funds_in_place", "bases",
    "tech_demand", "talent_demand", "project_demand",
)  # fmt: skip


@dataclass(frozen=True)
class ReportedFigure:
    metric: str
    value: Decimal
    value_text: str
    summary: str


@dataclass
class RegionFigures:
    """One region's figures: what the ledger holds (computed) and what its report states (人工摘录, 已采信)."""

    region: str
    full_name: str
    ledger: dict[str, int | Decimal] = field(default_factory=dict)
    reported: list[ReportedFigure] = field(default_factory=list)
    event_outcomes: list[tuple[str, dict[str, Decimal]]] = field(default_factory=list)  # per event
    overdue_milestones: int = 0


@dataclass
class DemoSummary:
    """What ``build_demo`` wrote: rows per table, figures per region, the demo accounts, and how long it took."""

    today: dt.date
    reference: dict[str, int]
    tables: dict[str, int]  # rows the programme facts added, per table
    first_ids: dict[str, int]  # per table, the first id the demo wrote (lower ids are reference data)
    regions: list[RegionFigures]
    demand_states: dict[str, int]
    overdue_milestones: int
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (username, password, role)
    seconds: float = 0.0

    def render_summary(self) -> list[str]:
        """The summary as Chinese lines, for the command line."""
        from xiaodi.demo.render import render_lines

        return render_lines(self)


def build_demo(
    engine: Engine, *, progress: Progress | None = None, today: dt.date | None = None, accounts: bool = True
) -> DemoSummary:
    """Migrate, load the reference data, then the programme facts in one transaction; return what was written.

    Meant for a fresh database (the command line deletes a previous demo file first). ``today`` defaults to the
    day of the build; it should not lie before the real date, or 揭榜 deadlines placed after it may have passed.
    ``accounts`` adds one login per role (the accounts area's demo accounts) and one per department that answers
    one-stop applications (一件事); hashing their passwords takes a few seconds, so tests leave them out.
    """
    from xiaodi.bootstrap import init_database

    started = time.perf_counter()
    today = today or local_today()
    step = _stepper(progress)
    step(0)
    reference = init_database(engine)
    with transaction(engine) as session:
        before = _table_state(session)
        session.add(AuditEntry(actor=ACTOR.name, action=MARKER_ACTION, entity=MARKER_ENTITY, entity_id=None,
                               after={"today": today.isoformat()}, reason="构建演示数据库（xiaodi demo）"))
        loader = Loader(session, actor=ACTOR, today=today)
        step(1)
        loader.regions(REGIONS)
        loader.reference_aliases(UNIVERSITY_ALIASES)
        loader.base_types()
        loader.talent_tiers(TALENT_TIERS)
        for p in PROGRAMMES:
            loader.organisations(p.organisations)
        for p in PROGRAMMES:
            loader.people(p.people)
        step(2)
        for p in PROGRAMMES:
            loader.achievements(p.achievements)
            loader.platforms(p.platforms)
        step(3)
        for p in PROGRAMMES:
            loader.events(p.events)
        step(4)
        loader.reviewer()
        for p in PROGRAMMES:
            loader.demands(p.demands)
        for p in PROGRAMMES:
            loader.service_teams(p.service_teams)
            loader.orders(p.orders)
        step(5)
        for p in PROGRAMMES:
            loader.agreements(p.agreements)
            loader.projects(p.projects)
        loader.check_demand_states(d for p in PROGRAMMES for d in p.demands)
        step(6)
        for p in PROGRAMMES:
            loader.bases(p.bases)
            loader.pairings(p.pairings)
        load_intents(loader, INTENTS)  # 合作意向 and 经费预算 (#18 items 11, 12), through their services
        load_budgets(loader, BUDGETS)
        step(7)
        for p in PROGRAMMES:
            loader.benefits(p.benefits)
            loader.apartments(p.apartments)
            loader.stations(p.stations)
            loader.cards(p.cards)
        # the one-stop departments' logins are made with them, so their inboxes hold the applications routed to them
        department_logins: list[tuple[str, str, str]] | None = [] if accounts else None
        talent_services.load(session, actor=ACTOR, today=today, logins=department_logins)
        step(8)
        for p in PROGRAMMES:
            loader.indicator_sets(p.indicator_sets)
            if p.report is not None:
                loader.report(p.report)
        assessment_demo.load(session, today=today)  # scored, published, an appeal answered
        step(9)
        logins = _demo_accounts(session) if accounts else []
        if logins:
            invite_demo_expert(session, [loader.demand_id(k) for k in REVIEWED_BY_DEMO_EXPERT])
        logins += department_logins or []
        from xiaodi.demo import event_stories  # events, 挂职, contacts and inboxes, through the services

        event_stories.load(session, today=today)
        after = _table_state(session)
        summary = DemoSummary(
            today=today,
            reference={k: v for k, v in reference.items() if k not in {"inserted", "updated"}},
            tables={t: after[t][0] - before[t][0] for t in after if after[t][0] != before[t][0]},
            first_ids={t: before[t][1] + 1 for t in after if after[t][0] != before[t][0]},
            regions=_region_figures(session, loader, today),
            demand_states=loader.demand_state_counts(),
            overdue_milestones=loader.overdue_count(),
            accounts=logins,
        )
    summary.seconds = round(time.perf_counter() - started, 1)
    return summary


def _stepper(progress: Progress | None) -> Callable[[int], None]:
    def step(index: int) -> None:
        if progress is not None:
            progress(STEPS[index], index + 1, len(STEPS))

    return step


def _table_state(session: Session) -> dict[str, tuple[int, int]]:
    """Per table: (row count, highest id). Tables without an ``id`` column report 0 as their highest id."""
    state: dict[str, tuple[int, int]] = {}
    for table in Base.metadata.sorted_tables:
        if "id" in table.c:
            row: Any = session.execute(select(func.count(), func.coalesce(func.max(table.c.id), 0))).one()
            count, top = row
        else:
            count, top = session.execute(select(func.count()).select_from(table)).scalar_one(), 0
        state[table.name] = (int(count), int(top))
    return state


def _demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """One login per role (accounts area), when that area provides its demo accounts."""
    try:
        from xiaodi.accounts.demo import create_demo_accounts
    except ImportError:  # the accounts area is not installed: the demo still builds
        return []
    return [(username, password, role.label) for username, password, role in create_demo_accounts(session)]


# The demands (fact keys) whose claims the demo's expert account is invited to review (揭榜评审).
REVIEWED_BY_DEMO_EXPERT = ("RC-XQ-2021-002",)


def invite_demo_expert(session: Session, demand_ids: list[int]) -> None:
    """The demo's expert account is invited to review (邀请评审专家) the claims of these demands."""
    from xiaodi.accounts.models import User
    from xiaodi.demands.service_claims import invite_reviewer

    expert = session.scalar(select(User).where(User.username == "expert"))
    if expert is None:
        return
    for demand_id in demand_ids:
        invite_reviewer(session, actor=ACTOR, demand_id=demand_id, reviewer_user_id=expert.id)


def _region_figures(session: Session, loader: Loader, today: dt.date) -> list[RegionFigures]:
    from xiaodi.figures.compute import compute_figures

    out: list[RegionFigures] = []
    for key in PROGRAMME_REGIONS:
        region = loader.region(key)
        ledger = compute_figures(session, region_id=region.id).values
        figures = RegionFigures(region=key, full_name=region.full_name, ledger=dict(ledger))
        figures.reported = [ReportedFigure(f.metric, f.value, f.value_text or "", f.quote)
                            for f in loader.stated_figures(region.id)]
        figures.event_outcomes = loader.event_outcomes(region.id)
        figures.overdue_milestones = loader.overdue_count(region.id)
        out.append(figures)
    return out

