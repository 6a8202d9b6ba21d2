"""Who may see and do what in talent services and internships (人才服务、实习实训的数据权限) — the one place.

* A talent (人才, the account's ``person_id``) sees their own register entry, cards, applications and every step,
  applies for a card and for one-stop services on their own card.
* A department (职能部门: 公安/教育/卫健/住建/人社 …) is an ``Organisation`` of kind 政府部门 whose staff hold a
  membership of it; its accounts see the applications with a step routed to it and answer those steps only.
* The offices (省/市/县级办公室) of the talent's region see everything there, register talents, review, issue,
  renew and revoke cards, keep the benefits catalogue, allocate apartments and decide and pay subsidies.
* A talent's employer sees its talents (without their personal data); internships are seen by the host unit,
  the university that sent the student and the offices of the region.

Lists use the ``*_scope`` conditions; actions the ``can_*`` checks; services call ``require_*``.
ID numbers and phones are shown in full only to the talent, the offices of the region and a department that
handles one of the talent's steps (``sees_personal``); everyone else sees them masked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer, in_office_regions, is_own_person, of_own_organisations, register_readable
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.events.models import Internship
from xiaodi.talent.models import (
    Apartment,
    ApartmentAllocation,
    ApplicationStep,
    ServiceApplication,
    SubsidyGrant,
    Talent,
    TalentCard,
)


def _step_for_me(viewer: Viewer) -> ColumnElement[bool]:
    """An application with a step routed to one of the viewer's departments: the applications are collected
    from the department's steps (index ``ix_application_step_dept_application``), not every application
    tested for a step — a department's list of 200k applications read in 1 s that way (docs/benchmarks_web.md)."""
    if not viewer.organisation_ids:
        return false()
    return ServiceApplication.id.in_(select(ApplicationStep.application_id).where(
        ApplicationStep.department_id.in_(sorted(viewer.organisation_ids))))


# ---- lists --------------------------------------------------------------------------------------------------


def talent_scope(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    return or_(in_office_regions(Talent.region_id, viewer), is_own_person(Talent.person_id, viewer),
               of_own_organisations(Talent.employer_id, viewer=viewer))


def card_scope(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    return or_(in_office_regions(TalentCard.region_id, viewer), is_own_person(TalentCard.person_id, viewer))


def application_scope(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    # the offices by the region the application carries (its card's), the holder by their cards, a department
    # by its steps — each through its own index
    conds = [in_office_regions(ServiceApplication.region_id, viewer), _step_for_me(viewer)]
    if viewer.person_id is not None:
        conds.append(ServiceApplication.card_id.in_(select(TalentCard.id).where(
            TalentCard.person_id == viewer.person_id)))
    return or_(*conds)


def grant_scope(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    mine = select(Talent.id).where(is_own_person(Talent.person_id, viewer))
    return or_(in_office_regions(SubsidyGrant.region_id, viewer), SubsidyGrant.talent_id.in_(mine))


def apartment_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Talent apartments (人才公寓) are the offices' of their region: they keep the units and allocate them."""
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    return in_office_regions(Apartment.region_id, viewer)


def allocation_scope(viewer: Viewer) -> ColumnElement[bool]:
    """A stay is seen by the offices of the apartment's region and by the talent who lives there."""
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    apartments = select(Apartment.id).where(in_office_regions(Apartment.region_id, viewer))
    mine = select(Talent.id).where(is_own_person(Talent.person_id, viewer))
    return or_(ApartmentAllocation.apartment_id.in_(apartments), ApartmentAllocation.talent_id.in_(mine))


def internship_scope(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    return or_(in_office_regions(Internship.region_id, viewer),
               of_own_organisations(Internship.host_org_id, Internship.university_id, viewer=viewer))


SCOPES: dict[type[Any], Any] = {
    Talent: talent_scope,
    TalentCard: card_scope,
    ServiceApplication: application_scope,
    SubsidyGrant: grant_scope,
    Apartment: apartment_scope,
    ApartmentAllocation: allocation_scope,
    Internship: internship_scope,
}


def get_visible(session: Session, model: type[Any], record_id: int, viewer: Viewer, label: str) -> Any:
    """The record when ``viewer`` may see it; otherwise 404, so that existence does not leak."""
    found = session.scalar(select(model).where(model.id == record_id, SCOPES[model](viewer)))
    if found is None or getattr(found, "retired_at", None) is not None:
        raise NotFound(f"{label}（编号 {record_id}）不存在或您无权查看")
    return found


# ---- actions ------------------------------------------------------------------------------------------------


def is_talent(viewer: Viewer, talent: Talent) -> bool:
    return viewer.person_id is not None and viewer.person_id == talent.person_id


def can_register(viewer: Viewer, region_id: int | None) -> bool:
    """Registering a talent (人才登记) and deciding about them is the work of the offices of the region."""
    return viewer.manages_region(region_id)


def can_apply_card(viewer: Viewer, talent: Talent) -> bool:
    """The talent applies; an office of the region may apply on their behalf (代办)."""
    return is_talent(viewer, talent) or viewer.manages_region(talent.region_id)


def can_decide_card(viewer: Viewer, card: TalentCard) -> bool:
    """Review, issue, renew, revoke (审核、发卡、续期、撤销): the offices of the issuing region."""
    return viewer.manages_region(card.region_id)


def can_apply_service(viewer: Viewer, card: TalentCard) -> bool:
    """A one-stop application is made by the card's holder (or an office of the region for them)."""
    return (viewer.person_id is not None and viewer.person_id == card.person_id) or viewer.manages_region(
        card.region_id)


def can_answer_step(viewer: Viewer, step: ApplicationStep) -> bool:
    """A step is answered by the department it was routed to (and an administrator), nobody else."""
    return viewer.is_admin or viewer.acts_for(step.department_id)


def can_keep_tiers(viewer: Viewer) -> bool:
    """The talent tiers are the province's classification: a province office, or the administrator."""
    return viewer.has_role(Role.PROVINCE_OFFICE)


def can_keep_catalogue(viewer: Viewer, region_id: int | None) -> bool:
    return viewer.manages_region(region_id)


def can_manage_apartments(viewer: Viewer, region_id: int | None) -> bool:
    return viewer.manages_region(region_id)


def can_decide_subsidy(viewer: Viewer, region_id: int | None) -> bool:
    return viewer.manages_region(region_id)


def keeps_talent_services(viewer: Viewer) -> bool:
    """Whether the apartments and subsidies pages offer their forms: an office (of some region) or an
    administrator; each action still asks the rule of its own record's region."""
    return viewer.is_admin or (viewer.is_office and bool(viewer.region_ids))


def can_offer_post(viewer: Viewer, host_org_id: int | None, region_id: int | None) -> bool:
    """An internship post is offered by its host unit, or recorded by an office of its region."""
    return viewer.acts_for(host_org_id) or viewer.manages_region(region_id)


def can_place(viewer: Viewer, host_org_id: int | None, university_id: int | None, region_id: int | None) -> bool:
    """A student is placed by the host unit, the sending university or an office of the region."""
    return viewer.acts_for(host_org_id, university_id) or viewer.manages_region(region_id)


def require(allowed: bool, doing: str) -> None:
    """Refuse (403) an action the viewer may not take, saying which."""
    if not allowed:
        raise Forbidden(f"您无权{doing}")


def sees_personal(session: Session | None, viewer: Viewer, talent: Talent) -> bool:
    """ID number and phone in full: the talent, the offices of the region, a department handling their step."""
    if viewer.is_admin or is_talent(viewer, talent) or (viewer.is_office and viewer.in_region(talent.region_id)):
        return True
    if session is None or not viewer.organisation_ids:
        return False
    handled = (select(ApplicationStep.id)
               .join(ServiceApplication, ServiceApplication.id == ApplicationStep.application_id)
               .join(TalentCard, TalentCard.id == ServiceApplication.card_id)
               .where(TalentCard.person_id == talent.person_id,
                      ApplicationStep.department_id.in_(sorted(viewer.organisation_ids))).limit(1))
    return session.scalar(handled) is not None


def steps_to_do(viewer: Viewer) -> ColumnElement[bool] | None:
    """A department's to-do list (待办事项): the steps routed to the viewer's departments (an administrator: every
    department's); None for a viewer acting for no department, who has no list."""
    if viewer.is_admin:
        return true()
    if not viewer.organisation_ids:
        return None
    return of_own_organisations(ApplicationStep.department_id, viewer=viewer)


# The area's reading rules are THE rules every list, page, API route and export asks (accounts.scope.readable).
for _model, _rule in SCOPES.items():
    register_readable(_model, _rule)
