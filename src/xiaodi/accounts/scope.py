"""Who sees what (数据范围): a ``Viewer`` built from a user's memberships.

Office roles (省/市/县级办公室) see the records of their region and every region below it; enterprises,
universities and lead units see their own organisation's records; experts and talents see what concerns them;
administrators see everything. Each area's ``access`` module turns a viewer into the SQL condition of the records
it may read and registers it here (``register_readable``), so generic list and detail code can ask any area.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import OFFICE_ROLES, Membership, Role, User
from xiaodi.core.audit import Actor
from xiaodi.core.errors import NotFound
from xiaodi.directory.models import Region


def region_code_prefix(code: str) -> str:
    """The code prefix shared by a region and everything below it: 140000 → 14, 140800 → 1408, 140882 → 140882."""
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


@dataclass(frozen=True)
class Viewer:
    """The person looking, and the scope of what they may see (数据权限)."""

    user_id: int | None
    name: str
    roles: frozenset[Role] = frozenset()
    organisation_ids: frozenset[int] = frozenset()  # organisations the user acts for
    region_ids: frozenset[int] = frozenset()  # office scope: own regions and every region below
    office_region_ids: frozenset[int] = frozenset()  # the regions named in office memberships (not expanded)
    person_id: int | None = None
    scope_labels: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_office(self) -> bool:
        return bool(self.roles & OFFICE_ROLES)

    @property
    def has_access(self) -> bool:
        """An account without any role (an outsider) sees nothing but its own account page."""
        return bool(self.roles)

    @property
    def actor(self) -> Actor:
        return Actor(name=self.name, user_id=self.user_id)

    def has_role(self, *roles: Role) -> bool:
        return self.is_admin or bool(self.roles & set(roles))

    def in_region(self, region_id: int | None) -> bool:
        return self.is_admin or (region_id is not None and region_id in self.region_ids)

    def manages_region(self, region_id: int | None) -> bool:
        """Office work on a record of ``region_id`` (签约, 立项, 代填需求, 导入): an administrator, or an office whose
        region — with the regions below it — holds it. A record without a region is the administrator's alone."""
        return self.is_admin or (self.is_office and self.in_region(region_id))

    def acts_for(self, *organisation_ids: int | None) -> bool:
        return any(oid is not None and oid in self.organisation_ids for oid in organisation_ids)

    def sees_personal_data(self, *organisation_ids: int | None, region_id: int | None = None) -> bool:
        """Phones, e-mail and ID numbers: offices (in their region) and the person's own organisation. A record
        without a region is nobody's office's (it used to be every office's: a county office read the contact phone
        of a university entered without a region), as for people (``directory.access.sees_person_data``)."""
        if self.is_admin or self.acts_for(*organisation_ids):
            return True
        return self.is_office and self.in_region(region_id)

    @property
    def role_labels(self) -> list[str]:
        return [r.label for r in sorted(self.roles, key=list(Role).index)]

    @classmethod
    def acting_for(cls, *organisation_ids: int, role: Role = Role.ENTERPRISE, name: str = "") -> Viewer:
        """A viewer acting for organisations without a user behind it: a rule asked on an organisation's behalf
        (may this university see the demand it claims?), a script, a test persona."""
        return cls(user_id=None, name=name or role.value, roles=frozenset({role}),
                   organisation_ids=frozenset(organisation_ids))

    @classmethod
    def office_of(cls, region_ids: Iterable[int], role: Role = Role.COUNTY_OFFICE, name: str = "") -> Viewer:
        """An office whose scope is ``region_ids`` (already expanded to the regions below)."""
        ids = frozenset(region_ids)
        return cls(user_id=None, name=name or role.value, roles=frozenset({role}), region_ids=ids,
                   office_region_ids=ids)


ANONYMOUS = Viewer(user_id=None, name="访客")
# The trusted caller of the command line and scripts (命令行以办公室身份操作): sees and may do what an
# administrator may.
SYSTEM = Viewer(user_id=None, name="系统", roles=frozenset({Role.ADMIN}))


# A talent's membership names their employer to say where they work, not that they act for it: acting for it would
# show them its demands, its talents and its people's personal data, and tell them what is meant for its staff.
NAMES_EMPLOYER_ONLY = frozenset({Role.TALENT})


def acts_for_organisations(organisation_ids: Iterable[int]) -> ColumnElement[bool]:
    """The memberships (``Membership`` rows) that act for one of the organisations — its staff, as ``viewer_for``
    counts them: every role but those that only name an employer (``NAMES_EMPLOYER_ONLY``)."""
    return and_(Membership.organisation_id.in_(sorted(organisation_ids)),
                Membership.role.not_in([r.value for r in NAMES_EMPLOYER_ONLY]))


def viewer_for(session: Session, user: User) -> Viewer:
    """Build the viewer of ``user`` from its live memberships (one query for the office regions)."""
    roles: set[Role] = set()
    orgs: set[int] = set()
    office_regions: set[int] = set()
    labels: list[str] = []
    for m in user.memberships:
        if m.retired_at is not None:
            continue
        role = Role(m.role)
        roles.add(role)
        if m.organisation_id is not None and role not in NAMES_EMPLOYER_ONLY:
            orgs.add(m.organisation_id)
        if role in OFFICE_ROLES and m.region_id is not None:
            office_regions.add(m.region_id)
        scope = m.region.full_name if m.region else (m.organisation.name if m.organisation else "")
        labels.append(f"{role.label}{'·' + scope if scope else ''}")
    region_ids: set[int] = set()
    if office_regions:
        prefixes = [
            region_code_prefix(m.region.code) for m in user.memberships
            if m.retired_at is None and m.region is not None and m.region_id in office_regions
        ]
        region_ids = set(session.scalars(select(Region.id).where(or_(*[Region.code.like(p + "%") for p in prefixes]))))
    return Viewer(
        user_id=user.id,
        name=user.display_name,
        roles=frozenset(roles),
        organisation_ids=frozenset(orgs),
        region_ids=frozenset(region_ids),
        office_region_ids=frozenset(office_regions),
        person_id=user.person_id,
        scope_labels=tuple(labels),
    )


# ── the conditions the areas' rules are made of ────────────────────────────────────────────────────────────────
# Every area's ``access`` module says who may read its records in the same few words — an office sees its regions'
# records, an organisation the records it is named on, a person their own — so those words are defined once, here.


def viewer_of_account(session: Session, username: str) -> Viewer:
    """The viewer of the active account named ``username`` — the rights a command acts with under ``--user`` and a
    background job with the account that asked for it. A disabled account, like an unknown one, acts for nobody
    (a command once kept registering budgets for an account an administrator had disabled)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_active:
        raise NotFound(f"账号“{username.strip()}”不存在或已停用")
    return viewer_for(session, user)


def in_office_regions(column: Any, viewer: Viewer) -> ColumnElement[bool]:
    """``column`` (a region id) is one of the office's regions or a region below them (本辖区); false for a viewer
    who is no office."""
    return column.in_(sorted(viewer.region_ids)) if viewer.is_office and viewer.region_ids else false()


def of_own_organisations(*columns: Any, viewer: Viewer) -> ColumnElement[bool]:
    """One of ``columns`` (organisation ids) names an organisation the viewer acts for (本单位); false for a viewer
    acting for none."""
    ids = sorted(viewer.organisation_ids)
    return or_(*[c.in_(ids) for c in columns]) if ids else false()


def is_own_person(column: Any, viewer: Viewer) -> ColumnElement[bool]:
    """``column`` (a person id) is the viewer themself (本人); false for a viewer who is no person of the ledger."""
    return column == viewer.person_id if viewer.person_id is not None else false()


# ── the readable-records rules of the areas ─────────────────────────────────────────────────────────────────
# Each area's ``access`` module registers the SQL condition of the records a viewer may read (``readable``), so
# that the generic list and detail machinery (``web.listing``, ``web.access.get_visible``) asks the area without
# importing it.

Readable = Callable[[Viewer], ColumnElement[bool]]
_READABLE: dict[type[Any], Readable] = {}


def register_readable(model: type[Any], rule: Readable) -> None:
    """Declare ``rule`` as THE rule of which ``model`` records a viewer may read (called by ``<area>/access.py``)."""
    _READABLE[model] = rule


def readable(model: type[Any], viewer: Viewer) -> ColumnElement[bool]:
    """The registered readable-records condition of ``model`` for ``viewer``. A model whose area's ``access``
    module has not been imported yet (``xiaodi.<area>.models`` → ``xiaodi.<area>.access``) has it imported once."""
    if model not in _READABLE:
        area = model.__module__.rpartition(".")[0]
        try:
            importlib.import_module(f"{area}.access")
        except ModuleNotFoundError as exc:
            if exc.name != f"{area}.access":
                raise
    try:
        rule = _READABLE[model]
    except KeyError:
        raise LookupError(f"no access rule registered for {model.__name__}") from None
    return rule(viewer)


# ── regions as the lists show and filter them (地区) ─────────────────────────────────────────────────────────
# The generic lists (``web.listing``) name and filter records by region without importing the directory area;
# the scope is built from regions here already.


def region_names(session: Session, region_ids: Iterable[int | None]) -> dict[int, str]:
    """Region id → full name (山西省运城市河津市), in one statement for a page of records."""
    ids = sorted({i for i in region_ids if i is not None})
    if not ids:
        return {}
    return {rid: name for rid, name in session.execute(select(Region.id, Region.full_name).where(Region.id.in_(ids)))}


def regions_under(code: str) -> Any:
    """The ids of the region with ``code`` and every region below it (a city's counties), as a subquery."""
    return select(Region.id).where(Region.code.like(region_code_prefix(code) + "%")).scalar_subquery()


def office_regions(session: Session, viewer: Viewer, *, also: Any = None,
                   limit: int = 400) -> tuple[list[tuple[int, str, str]], Any]:
    """(id, code, full name) of an office's regions and every region below them, by code; ``also``, a scalar
    (an EXISTS), is answered by the same statement (a list page counts its statements)."""
    columns: list[Any] = [Region.id, Region.code, Region.full_name]
    if also is not None:
        columns.append(also)
    stmt = select(*columns).where(Region.id.in_(sorted(viewer.region_ids))).order_by(Region.code).limit(limit)
    rows = session.execute(stmt).all()
    return [(r[0], r[1], r[2]) for r in rows], (rows[0][3] if rows and also is not None else None)


def region_choices_for(session: Session, viewer: Viewer, present: Iterable[int | None] = (),
                       limit: int = 400) -> list[tuple[str, str]]:
    """(code, full name) of the regions a list offers in its 地区 filter: the regions of the records the viewer
    sees (``present``) with the cities and provinces above them (an office's are ``office_regions``)."""
    ids = sorted({i for i in present if i is not None})
    if not ids:
        return []
    codes = list(session.scalars(select(Region.code).where(Region.id.in_(ids))))
    wanted = {c for code in codes for c in (code[:2] + "0000", code[:4] + "00", code)}
    stmt = select(Region.code, Region.full_name).where(Region.code.in_(sorted(wanted)))
    return [(code, name) for code, name in session.execute(stmt.order_by(Region.code).limit(limit))]
