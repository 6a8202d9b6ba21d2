"""Who may see the directory (名录的数据权限): organisations, experts and a person's personal data.

Universities and institutes — and any organisation hosting a platform of the resource list — are the resource list
every member sees; other organisations (enterprises, government units) are seen by the offices of their region and
by themselves. Experts (专家教授) are a resource too. A person's phone, e-mail and ID number are shown by the viewer's
relation to the person (``sees_person_data``). The reading rules are registered with
``accounts.scope.register_readable``, so the generic list and detail machinery asks them without importing this area.

These rules read what makes a record visible in the areas built on the directory (a platform's host, a project's
leader): an area's access rules sit above its models, so nothing else of the directory imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session, object_session

from xiaodi.accounts.scope import Viewer, in_office_regions, of_own_organisations, register_readable
from xiaodi.catalog.models import Platform
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind
from xiaodi.projects.models import Project

RESOURCE_ORG_KINDS = (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


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
               in_office_regions(Organisation.region_id, viewer), of_own_organisations(Organisation.id, viewer=viewer))


def openable_organisations(session: Session, viewer: Viewer, ids: Iterable[int | None]) -> frozenset[int]:
    """Which of ``ids`` the viewer may open at ``/organisations/{id}`` — live and within ``organisation_scope``, the
    same test the detail page makes. A page links an organisation's name only when its id is in here and shows the
    name as plain text otherwise (a link that answers 404 tells nothing but that the record exists)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return frozenset()
    return frozenset(session.scalars(select(Organisation.id).where(
        Organisation.id.in_(wanted), Organisation.retired_at.is_(None), organisation_scope(viewer))))


def expert_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Experts (专家教授) are a resource: every member sees them; personal data stays masked."""
    base = Person.kind == PersonKind.EXPERT
    if viewer.is_admin:
        return base
    return and_(base, true() if viewer.has_access else false())


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
            Project.leader_person_id.is_not(None), Project.retired_at.is_(None),
            in_office_regions(Project.region_id, viewer))))
        session.info[key] = found
    return found


register_readable(Organisation, organisation_scope)
register_readable(Person, expert_scope)
