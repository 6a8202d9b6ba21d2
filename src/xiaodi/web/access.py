"""Access helpers (数据权限): the getter that answers 404 outside a viewer's sight, and the generic role checks.

Every list page, detail page, export and API route asks ``scope_of`` / ``get_visible``; the rule of each record
type is its area's (``<area>/access.py`` registers it with ``accounts.scope.register_readable``: demands, claims,
orders, projects, agreements, bases, pairings, duties, events, 挂职, contacts, talents and their services,
intents, budget lines). The scopes below are the rules of the areas that have no access module yet (directory,
catalog, ingest); they move to their areas the same way.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session, object_session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer, readable, register_readable
from xiaodi.catalog.models import Achievement, Platform
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.core.models import Base
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind
from xiaodi.ingest.models import IngestedReport
from xiaodi.projects.models import Project

M = TypeVar("M", bound=Base)

RESOURCE_ORG_KINDS = (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def _region(column: Any, viewer: Viewer) -> ColumnElement[bool]:
    return column.in_(sorted(viewer.region_ids)) if viewer.is_office and viewer.region_ids else false()


def _orgs(*columns: Any, viewer: Viewer) -> ColumnElement[bool]:
    ids = sorted(viewer.organisation_ids)
    if not ids:
        return false()
    return or_(*[c.in_(ids) for c in columns])


def organisation_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Universities and institutes form the resource list every member sees, and so does any organisation that
    hosts a platform of that list (a hospital hosting a state key lab); other organisations (enterprises,
    government units) are seen by the offices of their region and by themselves."""
    if viewer.is_admin:
        return true()
    if not viewer.has_access:
        return false()
    hosts = select(Platform.host_id).where(Platform.retired_at.is_(None), Platform.host_id.is_not(None))
    return or_(Organisation.kind.in_(RESOURCE_ORG_KINDS), Organisation.id.in_(hosts),
               _region(Organisation.region_id, viewer), _orgs(Organisation.id, viewer=viewer))


def expert_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Experts (专家教授) are a resource: every member sees them; personal data stays masked."""
    base = Person.kind == PersonKind.EXPERT
    if viewer.is_admin:
        return base
    return and_(base, true() if viewer.has_access else false())


def catalog_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Achievements and platforms are the published resource list: every member sees them."""
    return true() if viewer.is_admin or viewer.has_access else false()


def sees_person_data(viewer: Viewer, person: Person) -> bool:
    """A person's phone, e-mail and ID number (个人信息): by the viewer's relation to the person — the person
    themself, their organisation, or the office of their own region, of their organisation's region or of a project
    they lead. A person without a region is nobody's by default (it used to be every office's)."""
    if viewer.is_admin or viewer.person_id == person.id or viewer.acts_for(person.organisation_id):
        return True
    if not viewer.is_office:
        return False
    org = person.organisation
    if viewer.in_region(person.region_id) or (org is not None and viewer.in_region(org.region_id)):
        return True
    return person.id in _project_leaders(object_session(person), viewer)


def _project_leaders(session: Session | None, viewer: Viewer) -> frozenset[int]:
    """The people who lead a project of the office's region — read once per request (an export asks per row)."""
    if session is None:
        return frozenset()
    key = ("project_leaders", viewer.user_id, viewer.region_ids)
    found: frozenset[int] | None = session.info.get(key)
    if found is None:
        found = frozenset(session.scalars(select(Project.leader_person_id).where(
            Project.leader_person_id.is_not(None), Project.retired_at.is_(None), _region(Project.region_id, viewer))))
        session.info[key] = found
    return found


def reviews_reports(viewer: Viewer) -> bool:
    """Report review (报道核对) is the cooperation offices' work."""
    return viewer.is_office or viewer.is_admin


def report_scope(viewer: Viewer) -> ColumnElement[bool]:
    """A report is seen by the offices of its region and by whoever uploaded it."""
    if viewer.is_admin:
        return true()
    if not reviews_reports(viewer):
        return false()
    mine = IngestedReport.uploaded_by_user_id == viewer.user_id if viewer.user_id is not None else false()
    return or_(_region(IngestedReport.region_id, viewer), mine)


for _model, _rule in ((Organisation, organisation_scope), (Person, expert_scope), (Achievement, catalog_scope),
                     (Platform, catalog_scope),
                     (IngestedReport, report_scope)):
    register_readable(_model, _rule)


def scope_of(model: type[Any], viewer: Viewer) -> ColumnElement[bool]:
    """The readable-records condition of ``model`` — the rule its area registered (``<area>/access.py``)."""
    return readable(model, viewer)


def get_visible(session: Session, model: type[M], record_id: int, viewer: Viewer, label: str) -> M:
    """The record when ``viewer`` may see it; otherwise 404 — never 403, so that existence does not leak."""
    pk = model.id  # type: ignore[attr-defined]
    found = session.scalar(select(model).where(pk == record_id, scope_of(model, viewer)))
    if found is None or getattr(found, "retired_at", None) is not None:
        raise NotFound(f"{label}（编号 {record_id}）不存在或您无权查看")
    return found


def may_write_for(viewer: Viewer, organisation_id: int | None, region_id: int | None) -> bool:
    """Whether ``viewer`` may write in the name of (or about) an organisation: its own, or — for an office — one of
    its region (办公室代填). Demand drafting and imports ask this; ``region_id`` is the organisation's region."""
    return viewer.acts_for(organisation_id) or viewer.manages_region(region_id)


def require_role(viewer: Viewer, *roles: Role, doing: str) -> None:
    """Refuse an action the user's role does not allow (403)."""
    if not viewer.has_role(*roles):
        raise Forbidden(f"您的角色无权{doing}")


def require_member(viewer: Viewer) -> None:
    if not viewer.has_access:
        raise Forbidden("您的账号尚未分配角色，请联系管理员")
