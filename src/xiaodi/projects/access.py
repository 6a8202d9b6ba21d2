"""Who may see and write the closed loop (闭环台账): the one place that decides it for the projects area.

Reading: ``readable(viewer)`` — a project is seen by the office of its region and by its responsible unit, partner
and enterprise; ``readable_agreements(viewer)`` — an agreement by the office of its region and by its parties.

Agreements, projects, milestones, funds in place and 调度会 are office work: the cooperation office (省/市/县级
办公室) of the record's region — which includes every region below its own — or an administrator. Anyone else is
refused with 403 before any record is looked up; a record outside the office's scope answers 404 (``get_visible``),
so that its existence does not leak. Every page form, API route and import asks the functions below.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, true
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer, in_office_regions, of_own_organisations, register_readable
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.projects.models import Agreement, AgreementParty, FundRecord, Milestone, Project
from xiaodi.web.access import get_visible

# ── reading ─────────────────────────────────────────────────────────────────────────────────────────────────






def readable(viewer: Viewer) -> ColumnElement[bool]:
    """The projects ``viewer`` may see: its region's (an office) and those its organisations take part in."""
    if viewer.is_admin:
        return true()
    return or_(in_office_regions(Project.region_id, viewer),
               of_own_organisations(Project.responsible_unit_id, Project.partner_id, Project.enterprise_id,
                                    viewer=viewer))


def readable_agreements(viewer: Viewer) -> ColumnElement[bool]:
    """The agreements ``viewer`` may see: its region's (an office) and those its organisations are parties to."""
    if viewer.is_admin:
        return true()
    party = exists().where(AgreementParty.agreement_id == Agreement.id,
                           of_own_organisations(AgreementParty.organisation_id, viewer=viewer))
    return or_(in_office_regions(Agreement.region_id, viewer), party if viewer.organisation_ids else false())


register_readable(Project, readable)
register_readable(Agreement, readable_agreements)


# ── writing the loop ────────────────────────────────────────────────────────────────────────────────────────


def may_manage(viewer: Viewer, region_id: int | None) -> bool:
    """THE rule: an administrator, or an office whose region (with the regions below it) holds ``region_id``."""
    return viewer.manages_region(region_id)


def may_manage_project(viewer: Viewer, project: Project) -> bool:
    return may_manage(viewer, project.region_id)


def require_office(viewer: Viewer, doing: str) -> None:
    """403 for a role that never does this work (enterprise, university, expert …), before any lookup."""
    if not (viewer.is_admin or viewer.is_office):
        raise Forbidden(f"只有校地合作办公室或管理员可以{doing}")


def require_region(viewer: Viewer, region_id: int | None, doing: str) -> None:
    """403 for an office acting outside its region (a visible record of another place, or a new one there)."""
    require_office(viewer, doing)
    if not may_manage(viewer, region_id):
        if region_id is None:
            raise Forbidden(f"未注明地区的记录只有管理员可以{doing}")
        raise Forbidden(f"只有所在地的校地合作办公室可以{doing}")


def managed_project(session: Session, viewer: Viewer, project_id: int, doing: str) -> Project:
    """The project, when ``viewer`` may write its loop: 403 wrong role, 404 outside the scope, 403 other region."""
    require_office(viewer, doing)
    project = get_visible(session, Project, project_id, viewer, "项目")
    require_region(viewer, project.region_id, doing)
    return project


def managed_milestone(session: Session, viewer: Viewer, milestone_id: int, doing: str) -> tuple[Milestone, Project]:
    """A milestone is reached through its project's scope; an unknown id answers like an invisible one (404)."""
    require_office(viewer, doing)
    ms = session.get(Milestone, milestone_id)
    if ms is None:
        raise NotFound(f"节点（编号 {milestone_id}）不存在或您无权查看")
    return ms, managed_project(session, viewer, ms.project_id, doing)


def managed_fund(session: Session, viewer: Viewer, fund_id: int, doing: str) -> tuple[FundRecord, Project]:
    require_office(viewer, doing)
    row = session.get(FundRecord, fund_id)
    if row is None:
        raise NotFound(f"到位资金记录（编号 {fund_id}）不存在或您无权查看")
    return row, managed_project(session, viewer, row.project_id, doing)
