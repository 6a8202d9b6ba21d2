"""Load the demo's intents and programme money through their services (``intents.service``, ``budgets.service``),
as the office's operator console does, so the demo keeps their rules and audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.bases.models import ProgrammeBase
from xiaodi.budgets import service as budgets
from xiaodi.budgets.models import AllocationTarget
from xiaodi.demo.loaders import Loader
from xiaodi.demo.schema import BudgetFact, IntentFact, resolve_when
from xiaodi.intents import service as intents


def _viewer(loader: Loader) -> Viewer:
    return Viewer(user_id=None, name=loader.actor.name, roles=frozenset({Role.ADMIN}))


def load_intents(loader: Loader, facts: Iterable[IntentFact]) -> None:
    session, viewer = loader.session, _viewer(loader)
    for f in facts:
        agreed_on = resolve_when(f.agreed_on, loader.today)
        assert agreed_on is not None
        demand_id = loader._demands[f.demand].id if f.demand else None
        intent = intents.record_intent(
            session, viewer, topic=f.topic, enterprise_id=loader.org_id(f.enterprise),
            university_id=loader.org_id(f.university), agreed_on=agreed_on, region_id=loader.region_id(f.region),
            event_id=loader._events[f.event] if f.event else None, demand_id=demand_id, source=f.source)
        if f.agreement:
            intents.convert_to_agreement(session, viewer, intent.id, loader.agreement_id(f.agreement))
        elif f.closed:
            intents.close_intent(session, viewer, intent.id, f.closed, closed_on=agreed_on + dt.timedelta(days=90))


def load_budgets(loader: Loader, facts: Iterable[BudgetFact]) -> None:
    session, viewer, today = loader.session, _viewer(loader), loader.today
    year_start = dt.date(today.year, 1, 1)
    for f in facts:
        line = budgets.create_line(session, viewer, name=f.name, kind=f.kind, region_id=loader.region(f.region).id,
                                   year=today.year, amount=f.amount, source_document=f.source_document, note=f.note)
        for a in f.allocations:
            project_id = loader.project_id(a.project) if a.project else None
            base_id = session.scalar(select(ProgrammeBase.id).where(ProgrammeBase.name == a.base)) if a.base else None
            target = (AllocationTarget.PROJECT if a.project else AllocationTarget.BASE if a.base
                      else AllocationTarget.OTHER)
            budgets.allocate(session, viewer, line.id, amount=a.amount,
                             paid_on=max(today - dt.timedelta(days=a.days_ago), year_start), target=target,
                             project_id=project_id, base_id=base_id, description=a.other, override_reason=a.override)
