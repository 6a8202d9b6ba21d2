"""Every area's models in one import, so that ``Base.metadata`` is complete.

Areas refer to each other's tables by name (``ForeignKey("event.id")``) to avoid circular imports; a table is only
known once its module is imported. Alembic's ``env.py``, the test fixtures and anything else that needs the whole
schema import this module — the one place that knows every area.
"""

from __future__ import annotations

from xiaodi.accounts import models as accounts
from xiaodi.assessment import models as assessment
from xiaodi.bases import models as bases
from xiaodi.budgets import models as budgets
from xiaodi.catalog import models as catalog
from xiaodi.core import audit, counters, jobs, search
from xiaodi.core.models import Base
from xiaodi.demands import models as demands
from xiaodi.directory import models as directory
from xiaodi.events import models as events
from xiaodi.ingest import models as ingest
from xiaodi.intents import models as intents
from xiaodi.matching import models as matching
from xiaodi.notifications import models as notifications
from xiaodi.orders import models as orders
from xiaodi.projects import models as projects
from xiaodi.talent import models as talent

AREAS = (audit, counters, jobs, search, accounts, directory, catalog, demands, orders, projects, bases, events, talent,
         assessment, ingest, matching, notifications, intents, budgets)

__all__ = ["AREAS", "Base"]
