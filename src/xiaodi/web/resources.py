"""The areas the web serves, named one by one, in menu order: their lists (``specs()``) and their routes.

An area's ``pages`` module gives its lists (``specs()``) and, when it has form posts, a module-level ``router``;
its ``api`` module a module-level ``router`` of JSON actions. An area is added here with one line in each tuple
it has a module for; a missing module is an import error, never a silently absent area.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import APIRouter

from xiaodi.accounts import pages as accounts_pages
from xiaodi.assessment import api as assessment_api
from xiaodi.assessment import pages as assessment_pages
from xiaodi.bases import api as bases_api
from xiaodi.bases import pages as bases_pages
from xiaodi.briefing import api as briefing_api
from xiaodi.briefing import pages as briefing_pages
from xiaodi.budgets import api as budgets_api
from xiaodi.budgets import pages as budgets_pages
from xiaodi.catalog import pages as catalog_pages
from xiaodi.demands import api as demands_api
from xiaodi.demands import pages as demands_pages
from xiaodi.directory import pages as directory_pages
from xiaodi.dispatch import api as dispatch_api
from xiaodi.dispatch import pages as dispatch_pages
from xiaodi.events import api as events_api
from xiaodi.events import pages as events_pages
from xiaodi.figures import pages as figures_pages
from xiaodi.ingest import api as ingest_api
from xiaodi.ingest import pages as ingest_pages
from xiaodi.intents import api as intents_api
from xiaodi.intents import pages as intents_pages
from xiaodi.jobs import api as jobs_api
from xiaodi.jobs import pages as jobs_pages
from xiaodi.matching import api as matching_api
from xiaodi.matching import pages as matching_pages
from xiaodi.notifications import api as notifications_api
from xiaodi.notifications import pages as notifications_pages
from xiaodi.orders import api as orders_api
from xiaodi.orders import pages as orders_pages
from xiaodi.projects import api as projects_api
from xiaodi.projects import pages as projects_pages
from xiaodi.talent import api as talent_api
from xiaodi.talent import pages as talent_pages
from xiaodi.talent import support_pages as talent_support_pages
from xiaodi.web.listing import ResourceSpec

PAGES: tuple[ModuleType, ...] = (
    demands_pages, intents_pages, orders_pages, projects_pages, budgets_pages, bases_pages, events_pages,
    directory_pages, catalog_pages, matching_pages, ingest_pages, accounts_pages, figures_pages, assessment_pages,
    briefing_pages, notifications_pages, talent_pages, talent_support_pages, jobs_pages, dispatch_pages,
)
APIS: tuple[ModuleType, ...] = (demands_api, intents_api, orders_api, projects_api, budgets_api, bases_api, events_api,
                                matching_api, ingest_api, assessment_api, briefing_api, notifications_api, talent_api,
                                jobs_api, dispatch_api)


def load_specs() -> dict[str, ResourceSpec]:
    specs: dict[str, ResourceSpec] = {}
    for module in PAGES:
        for spec in getattr(module, "specs", list)():  # an area may have pages but no lists (figures)
            specs[spec.name] = spec
    return specs


def area_routers(kind: str) -> list[APIRouter]:
    """Each area's extra routes: its pages' ``router`` (form posts) or its API's ``router`` (JSON actions)."""
    out: list[APIRouter] = []
    for module in APIS if kind == "api" else PAGES:
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):  # declared at module level (the pattern every area follows)
            out.append(router)
        elif router is not None:  # a factory still (demands, until it is moved to the pattern)
            out.append(router())
    return out
