"""Who may do what in 精准匹配 (matching): one rule, asked by the service, the pages and the API alike.

Matching reads the records of other areas through their own reading rules (``visible_ids``: an index holds every
record, a viewer sees only some); what is its own is the feedback on a candidate (对接反馈: 已对接 / 不合适), which
offices and lead units give, and who is shown where an achievement may go (成果推介).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer, readable

if TYPE_CHECKING:
    from xiaodi.demands.models import Demand

FEEDBACK_ROLES = (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE, Role.LEAD_UNIT)


def may_give_feedback(viewer: Viewer) -> bool:
    """Whether ``viewer`` is of those who mark candidates 已对接 or 不合适 at all (the programme offices and lead
    units); on a given demand, ``may_judge_candidates`` says whether this one may."""
    return viewer.has_role(*FEEDBACK_ROLES)


def may_judge_candidates(viewer: Viewer, demand: Demand) -> bool:
    """Mark a demand's candidates 已对接 or 不合适 (对接反馈): the office whose region holds the demand (and those
    above it) or the demand's own lead unit — not every office and lead unit that may read it (a neighbouring
    county's verdict pushed a school down this county's list)."""
    from xiaodi.demands.access import LEAD, OFFICE, parts

    return may_give_feedback(viewer) and bool(parts(demand, viewer) & {OFFICE, LEAD})


def may_see_recommendations(viewer: Viewer, owner_id: int | None) -> bool:
    """成果推介: the enterprises and demands an achievement may serve are shown to those who take it to them — its
    own unit (学校派单), the programme offices and lead units — not to every member reading the resource list."""
    return viewer.acts_for(owner_id) or may_give_feedback(viewer)


# Candidates a viewer may see only in part (enterprises and demands by their areas' rules); the resource lists
# (高校、专家、成果、平台) are every member's.
SCOPED_TARGETS = ("enterprise", "demand")
# How many more of those to ask the index for than are shown, before the viewer's rule keeps what it may see.
SCOPED_ASK = 4


def asked_for(target: str, shown: int, most: int) -> int:
    """How many candidates of ``target`` to ask for so that ``shown`` remain after ``visible_ids`` (at most
    ``most``): an index holds every record, a viewer may see only part of the scoped targets."""
    return min(most, shown * SCOPED_ASK) if target in SCOPED_TARGETS else shown


def _models() -> dict[str, type[Any]]:
    from xiaodi.demands.models import Demand
    from xiaodi.directory.models import Organisation

    return dict(zip(SCOPED_TARGETS, (Organisation, Demand), strict=True))


def visible_ids(session: Session, viewer: Viewer, target: str, ids: Collection[int]) -> set[int]:
    """Of the candidates ``ids`` of ``target``, those ``viewer`` may read by their area's rule: enterprises and
    demands are not public to every member; the resource lists (高校、专家、成果、平台) are."""
    model = _models().get(target)
    if model is None or not ids:
        return set(ids)
    return set(session.scalars(select(model.id).where(model.id.in_(list(ids)), readable(model, viewer))))
