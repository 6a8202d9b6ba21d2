"""Who may see and do what with bases (基地), base types, 1+1+N pairings (结对) and duties (职责任务) — the one place.

* Reading: an office sees the bases, pairings and duties of its region and every region below; a host unit,
  partner university or lead unit sees its own bases; a lead unit or member unit sees its pairings, their duties
  and bases; an administrator sees everything.
* A base is proposed (申报) by its host unit, partner university, lead unit or an office of its region; reviewed
  (审核), recognised (认定), plaqued (挂牌), put in operation, reviewed yearly (年度评估) and revoked (撤销) by an
  office of its region or above. Activities are recorded by that office or by the base's own units.
* Pairings, duties and 领导包联 are office work in the pairing's region; a duty's progress (进展) is reported by
  its unit (the lead-unit or member-unit account) or that office.
* The list of base types is the province office's (or an administrator's).

Outside the scope a record answers 404 (its existence does not leak); inside it, a wrong role answers 403.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer, in_office_regions, of_own_organisations, register_readable
from xiaodi.bases.models import BaseActivity, Duty, Pairing, PairingBase, PairingMember, ProgrammeBase
from xiaodi.core.errors import Forbidden, NotFound

PROPOSER_ROLES = (Role.ENTERPRISE, Role.UNIVERSITY, Role.LEAD_UNIT)  # plus offices and administrators


def pairing_units(viewer: Viewer) -> ColumnElement[bool]:
    """Pairings the viewer's organisation leads or is a member unit of."""
    if not viewer.organisation_ids:
        return false()
    member = exists().where(PairingMember.pairing_id == Pairing.id,
                            of_own_organisations(PairingMember.organisation_id, viewer=viewer))
    return or_(of_own_organisations(Pairing.lead_unit_id, viewer=viewer), member)


def readable_bases(viewer: Viewer) -> ColumnElement[bool]:
    """The bases ``viewer`` may see (SQL condition on ``ProgrammeBase``)."""
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    conds = [in_office_regions(ProgrammeBase.region_id, viewer)]
    if viewer.organisation_ids:
        conds += [of_own_organisations(ProgrammeBase.host_org_id, ProgrammeBase.partner_org_id,
                                       ProgrammeBase.lead_unit_id, viewer=viewer),
                  ProgrammeBase.id.in_(select(PairingBase.base_id).join(Pairing, Pairing.id == PairingBase.pairing_id)
                                       .where(pairing_units(viewer)))]
    return or_(*conds)


def readable_pairings(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    return or_(in_office_regions(Pairing.region_id, viewer), pairing_units(viewer),
               of_own_organisations(Pairing.university_id, viewer=viewer))


def readable_duties(viewer: Viewer) -> ColumnElement[bool]:
    """Duties of the pairings the viewer sees (a member unit sees the pairing's plan, not only its own lines)."""
    if viewer.is_admin:
        return true()
    return Duty.pairing_id.in_(select(Pairing.id).where(readable_pairings(viewer)))


def readable_activities(viewer: Viewer) -> ColumnElement[bool]:
    """Activities (基地活动) of the bases the viewer sees."""
    if viewer.is_admin:
        return true()
    return BaseActivity.base_id.in_(select(ProgrammeBase.id).where(readable_bases(viewer)))


# ── checks ───────────────────────────────────────────────────────────────────────────────────────────────────


def manages(viewer: Viewer, region_id: int | None) -> bool:
    """Office work on a record of ``region_id``: an office of that region or above, or an administrator."""
    return viewer.manages_region(region_id)


def can_propose(viewer: Viewer, *, region_id: int | None, unit_ids: tuple[int | None, ...]) -> bool:
    """申报: the office of the base's region, or one of its own units (host, partner university, lead unit)."""
    if manages(viewer, region_id):
        return True
    return bool(viewer.roles & set(PROPOSER_ROLES)) and viewer.acts_for(*unit_ids)


def can_decide(viewer: Viewer, base: ProgrammeBase) -> bool:
    """审核、认定、挂牌、运行、年度评估、撤销 and edits: an office of the base's region or above."""
    return manages(viewer, base.region_id)


def can_record_activity(viewer: Viewer, base: ProgrammeBase) -> bool:
    return can_decide(viewer, base) or viewer.acts_for(base.host_org_id, base.partner_org_id, base.lead_unit_id)


def does_office_work(viewer: Viewer) -> bool:
    """The area's office work — the base types (基地类型), setting up 1+1+N pairings (建立结对), the leaders' list
    (领导包联) — is offered to offices and administrators."""
    return viewer.is_admin or viewer.is_office


def can_manage_pairing(viewer: Viewer, pairing: Pairing) -> bool:
    return manages(viewer, pairing.region_id)


def can_report_duty(viewer: Viewer, duty: Duty, pairing: Pairing) -> bool:
    """进展报告: the duty's own unit (its lead-unit or member-unit account), or the office of the pairing."""
    return can_manage_pairing(viewer, pairing) or (viewer.has_role(Role.LEAD_UNIT) and viewer.acts_for(duty.unit_id))


def can_manage_types(viewer: Viewer) -> bool:
    """The list of base types (基地类型) is the province office's."""
    return viewer.has_role(Role.PROVINCE_OFFICE)


def require(allowed: bool, doing: str, who: str = "所在地区（或上级）的校地合作办公室") -> None:
    if not allowed:
        raise Forbidden(f"只有{who}可以{doing}")


def visible_base(session: Session, viewer: Viewer, base_id: int) -> ProgrammeBase:
    """The base, or 404 when it does not exist, was retired or lies outside ``viewer``'s scope."""
    base = session.scalars(select(ProgrammeBase).where(ProgrammeBase.id == base_id, ProgrammeBase.retired_at.is_(None),
                                                       readable_bases(viewer))).unique().one_or_none()
    if base is None:
        raise NotFound(f"基地（编号 {base_id}）不存在或您无权查看")
    return base


def visible_pairing(session: Session, viewer: Viewer, pairing_id: int) -> Pairing:
    pairing = session.scalars(select(Pairing).where(Pairing.id == pairing_id, readable_pairings(viewer))
                              ).unique().one_or_none()
    if pairing is None:
        raise NotFound(f"结对（编号 {pairing_id}）不存在或您无权查看")
    return pairing


def visible_duty(session: Session, viewer: Viewer, duty_id: int) -> tuple[Duty, Pairing]:
    duty = session.get(Duty, duty_id)
    missing = NotFound(f"职责任务（编号 {duty_id}）不存在或您无权查看")
    if duty is None:
        raise missing
    try:
        return duty, visible_pairing(session, viewer, duty.pairing_id)
    except NotFound:
        raise missing from None  # name the duty asked for, not its pairing


# The area's reading rules are THE rules every list, page, API route and export asks (accounts.scope.readable).
register_readable(ProgrammeBase, readable_bases)
register_readable(Pairing, readable_pairings)
register_readable(Duty, readable_duties)
register_readable(BaseActivity, readable_activities)
