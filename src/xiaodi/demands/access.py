"""Who may see and do what with demands and 揭榜 claims (需求清单的数据权限): the one place that decides it.

The viewer is the accounts ``Viewer`` (``xiaodi.accounts.scope``) with all of its organisations and its office
regions; the service, the pages, the API and the command line ask the functions below and never re-state a rule.

* **reading** — ``readable(viewer)`` is the SQL condition of the demands a viewer sees (lists, counts, detail
  pages); ``readable_claims(viewer)`` the same for claims;
* **the parts a viewer plays** for one demand — office (办公室), lead unit (牵头单位), owner (需求单位) —
  ``parts(demand, viewer)``; every step of the state machine names the parts that may take it;
* **actions** — ``may_edit`` (修改内容/可见范围), ``may_decide`` (形式审查、入围、选定), ``may_score`` (专家打分),
  ``may_invite`` (邀请评审专家),
  ``may_act_for`` (以本单位名义填报/揭榜), ``may_claim`` (揭榜按钮), ``may_see_candidates`` (匹配候选).

``viewer=None`` in a rule is the trusted caller (command line, demo loader, an office script): it plays the office.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer, in_office_regions, of_own_organisations, register_readable
from xiaodi.core.errors import Forbidden
from xiaodi.demands.models import Claim, Demand, DemandAudience, DemandState, ReviewInvitation, Visibility

if TYPE_CHECKING:
    from xiaodi.directory.models import Organisation

S = DemandState

# The parts a viewer plays for a demand: the office, the demand's lead unit (牵头单位), its owner, or the system
# (a side effect of another service: the first claim, an agreement).
OFFICE, LEAD, OWNER, SYSTEM = "office", "lead", "owner", "system"
DECIDERS = frozenset({OFFICE, LEAD, OWNER})
EDITORS = frozenset({OWNER, OFFICE})

# States in which a demand has been published (发榜) and may be shown beyond its owner, lead unit and office.
PUBLISHED_STATES = frozenset({S.PUBLISHED, S.CLAIMED, S.SHORTLISTED, S.SELECTED, S.CONTRACTED, S.CLOSED})
# States in which a demand's content may still change (before it is published).
EDITABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.REJECTED})
# States in which a demand takes claims (揭榜期).
CLAIMABLE_STATES = frozenset({S.PUBLISHED, S.CLAIMED})

# The roles that write in their own unit's name (填报、揭榜); an expert or a talent only works there.
UNIT_ROLES = (Role.ENTERPRISE, Role.UNIVERSITY, Role.LEAD_UNIT)

# Who sees a demand's matching candidates: those who choose for it (offices, lead units, the owner).
MATCH_ROLES = (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE, Role.LEAD_UNIT, Role.ENTERPRISE)


# ── reading ─────────────────────────────────────────────────────────────────────────────────────────────────


def readable(viewer: Viewer) -> ColumnElement[bool]:
    """The SQL condition for "``viewer`` may see this demand"; the single source of the visibility rules.

    * an account without a role sees nothing; an administrator sees every live demand;
    * an office sees every demand in its jurisdiction (its regions and those below), in every state;
    * each organisation the viewer acts for sees its own demands in every state, and — as lead unit — the
      demands it leads once submitted for review;
    * anyone sees a published public demand (公开发榜);
    * a directed (定向) or confidential (保密) published demand is seen by the organisations named for it;
    * an organisation that has claimed (揭榜) a demand keeps seeing it;
    * an expert invited to review its claims (邀请评审) sees it.
    """
    if not viewer.has_access:
        return false()
    conds: list[ColumnElement[bool]] = [
        and_(Demand.visibility == Visibility.PUBLIC, Demand.state.in_(PUBLISHED_STATES)),
    ]
    if viewer.is_admin:
        conds.append(true())
    elif viewer.is_office:
        conds.append(in_office_regions(Demand.region_id, viewer))
    orgs = sorted(viewer.organisation_ids)
    if orgs:
        named = exists().where(DemandAudience.demand_id == Demand.id, DemandAudience.organisation_id.in_(orgs))
        claimed = exists().where(Claim.demand_id == Demand.id, Claim.claimant_org_id.in_(orgs),
                                 Claim.retired_at.is_(None))
        conds += [
            Demand.owner_id.in_(orgs),
            and_(Demand.lead_unit_id.in_(orgs), Demand.state != S.DRAFT),
            and_(Demand.state.in_(PUBLISHED_STATES), named),
            claimed,
        ]
    if viewer.user_id is not None:
        conds.append(_invited(Demand.id, viewer.user_id))
    return and_(Demand.retired_at.is_(None), or_(*conds))


def _invited(demand_id: Any, user_id: int) -> ColumnElement[bool]:
    """The account was invited to review the demand's claims (邀请评审专家)."""
    return exists().where(ReviewInvitation.demand_id == demand_id, ReviewInvitation.reviewer_user_id == user_id)


def can_read(session: Session, demand_id: int, viewer: Viewer) -> bool:
    """Whether ``viewer`` may see the demand (the same rule as the lists, evaluated by the database)."""
    return bool(session.scalar(select(exists().where(Demand.id == demand_id, readable(viewer)))))






def taken_part_in(viewer: Viewer) -> ColumnElement[bool]:
    """The demands a unit's own work is about (本单位的需求): its own, those it leads and those it has claimed — not
    every published demand it may read (a unit's dashboard counted the whole province's under 本单位)."""
    claimed = select(Claim.demand_id).where(of_own_organisations(Claim.claimant_org_id, viewer=viewer))
    return or_(of_own_organisations(Demand.owner_id, Demand.lead_unit_id, viewer=viewer), Demand.id.in_(claimed))


def readable_claims(viewer: Viewer) -> ColumnElement[bool]:
    """A claim is seen by its claimant, by the demand's owner and lead unit, by the demand's office and by the
    experts invited to review the demand's claims.

    How the demand is tested depends on how many demands the viewer sees (SQLite follows the statement's
    shape). An organisation or a city/county office sees few: their demands are a subquery, found once through
    their indexes, and their claims through ``ix_claim_demand_id`` (an enterprise's claims list 65 → 6 ms, a
    city's 40 → 24 ms, measured). A province office sees nearly all: reading the claims and looking up each
    one's demand (``EXISTS``) is cheaper than looking up the claims of every demand (34 against 117 ms)."""
    if viewer.is_admin:
        return true()
    seen = or_(in_office_regions(Demand.region_id, viewer),
               of_own_organisations(Demand.owner_id, Demand.lead_unit_id, viewer=viewer))
    if Role.PROVINCE_OFFICE in viewer.roles:
        on_demand: ColumnElement[bool] = exists().where(Demand.id == Claim.demand_id, seen)
    else:
        on_demand = Claim.demand_id.in_(select(Demand.id).where(seen))
    conds = [of_own_organisations(Claim.claimant_org_id, viewer=viewer), on_demand]
    if viewer.user_id is not None:
        conds.append(_invited(Claim.demand_id, viewer.user_id))
    return or_(*conds)


register_readable(Demand, readable)
register_readable(Claim, readable_claims)


def sees_all_claims(demand: Demand, viewer: Viewer | None) -> bool:
    """A demand's deciders and its invited reviewers see every claim on it; a claimant sees only its own
    (``claims_of``)."""
    return viewer is None or bool(parts(demand, viewer) & DECIDERS) or is_invited(viewer, demand)


def is_invited(viewer: Viewer, demand: Demand) -> bool:
    """The viewer's account was invited to review this demand's claims (邀请评审专家)."""
    return viewer.user_id is not None and any(i.reviewer_user_id == viewer.user_id for i in demand.invitations)


# ── the parts a viewer plays ────────────────────────────────────────────────────────────────────────────────


def parts(demand: Demand, viewer: Viewer | None) -> set[str]:
    """The parts ``viewer`` plays for ``demand``; ``None`` is a trusted caller (command line, demo, office script).

    The office part belongs to an administrator and to an office whose region (with those below) holds the
    demand; owner and lead unit to a viewer acting for that organisation — any of its organisations."""
    if viewer is None:
        return {OFFICE, SYSTEM}
    found: set[str] = set()
    if viewer.manages_region(demand.region_id):
        found.add(OFFICE)
    if viewer.acts_for(demand.owner_id):
        found.add(OWNER)
    if viewer.acts_for(demand.lead_unit_id):
        found.add(LEAD)
    return found


# ── actions ─────────────────────────────────────────────────────────────────────────────────────────────────


def speaks_for(viewer: Viewer, organisation_id: int | None) -> bool:
    """The viewer writes in this organisation's name as the unit itself (企业、高校院所、牵头单位 accounts). An
    expert's membership names the university they work at so that they review and serve orders, not so that they
    answer a demand or publish one in its name (an expert's 揭榜 was filed as 山西大学's)."""
    return viewer.has_role(*UNIT_ROLES) and viewer.acts_for(organisation_id)


def may_act_for(viewer: Viewer | None, organisation_id: int | None) -> bool:
    """Write in an organisation's name (发布需求、揭榜): the unit itself (``speaks_for``), any office, an
    administrator or the trusted caller."""
    return viewer is None or viewer.is_admin or viewer.is_office or speaks_for(viewer, organisation_id)


def may_draft(viewer: Viewer) -> bool:
    """填报需求: enterprises and other units write their own demands; offices write them for units of their
    region (``web.access.may_write_for`` checks the unit named)."""
    return viewer.is_admin or viewer.is_office or (viewer.has_role(*UNIT_ROLES) and bool(viewer.organisation_ids))


def may_draft_for(viewer: Viewer, organisation_id: int | None, region_id: int | None) -> bool:
    """Write a demand in an organisation's name: its own, or — for an office — a unit of its region (办公室代填);
    ``region_id`` is the organisation's region."""
    return viewer.is_admin or speaks_for(viewer, organisation_id) or viewer.manages_region(region_id)


def may_edit(demand: Demand, viewer: Viewer | None) -> bool:
    """Change a demand's content or its audience: its owner or its office (``EDITABLE_STATES`` says until when)."""
    return bool(parts(demand, viewer) & EDITORS)


def may_decide(viewer: Viewer, demand: Demand) -> bool:
    """Screen, shortlist and select (形式审查、入围、选定): the office of the demand's region, its lead unit or its
    owner."""
    return viewer.is_admin or bool(parts(demand, viewer) & DECIDERS)


def may_register_agreement(viewer: Viewer, demand: Demand) -> bool:
    """签订协议 on the selected claim: the office of the demand's region (or the administrator), as the projects area
    registers agreements (``projects.actions``) — the enterprise that chose the claim does not."""
    return viewer.manages_region(demand.region_id)


def may_score(viewer: Viewer, demand: Demand) -> bool:
    """Score (专家打分): the deciders themselves and the experts they invited to review this demand (an expert
    account that was not invited does not score, however public the demand)."""
    return viewer.user_id is not None and (may_decide(viewer, demand) or is_invited(viewer, demand))


def may_invite(viewer: Viewer, demand: Demand) -> bool:
    """Invite an expert to review (邀请评审专家): the demand's deciders."""
    return may_decide(viewer, demand)


def may_see_candidates(viewer: Viewer) -> bool:
    """A demand's matching candidates (匹配候选): for those who choose for it."""
    return viewer.has_role(*MATCH_ROLES)


def may_claim(demand: Demand, viewer: Viewer, claimant: Organisation | None) -> bool:
    """The 揭榜 button: a university or institute answers a published demand that is not its own."""
    from xiaodi.directory.models import OrgKind

    if demand.state not in CLAIMABLE_STATES or claimant is None or not speaks_for(viewer, claimant.id):
        return False
    if demand.owner_id in viewer.organisation_ids:
        return False
    return claimant.kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def require(allowed: bool, doing: str) -> None:
    """403 with the action's name when a rule above says no."""
    if not allowed:
        raise Forbidden(f"您无权{doing}")


def require_decider(demand: Demand, viewer: Viewer | None, doing: str) -> None:
    """The service's check for review steps (a trusted caller passes ``None``)."""
    if not parts(demand, viewer) & DECIDERS:
        raise Forbidden(f"您无权对需求“{demand.title}”{doing}")
