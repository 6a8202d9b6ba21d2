"""Demo accounts (演示账号): one per role, each with a printed password, so a newcomer can look around."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role, User
from xiaodi.accounts.service import add_membership, create_user, generate_password, reset_password
from xiaodi.core.audit import Actor
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind, Region

ACTOR = Actor.system("demo")

# (username, display name, role, how the scope is found)
DEMO_ACCOUNTS: tuple[tuple[str, str, Role], ...] = (
    ("province", "省校合作办·演示", Role.PROVINCE_OFFICE),
    ("yuncheng", "运城市校地合作办·演示", Role.CITY_OFFICE),
    ("hejin", "河津市校地合作办·演示", Role.COUNTY_OFFICE),
    ("leadunit", "牵头单位·演示", Role.LEAD_UNIT),
    ("enterprise", "企业·演示", Role.ENTERPRISE),
    ("university", "高校·演示", Role.UNIVERSITY),
    ("expert", "专家·演示", Role.EXPERT),
    ("talent", "人才·演示", Role.TALENT),
    ("admin", "管理员·演示", Role.ADMIN),
)


def _region(session: Session, code: str) -> Region | None:
    return session.scalar(select(Region).where(Region.code == code))


def _org(session: Session, kind: OrgKind, prefer: tuple[str, ...] = (), region_id: int | None = None) -> Organisation:
    for name in prefer:
        found = session.scalar(select(Organisation).where(Organisation.kind == kind, Organisation.name == name,
                                                          Organisation.retired_at.is_(None)))
        if found is not None:
            return found
    stmt = select(Organisation).where(Organisation.kind == kind, Organisation.retired_at.is_(None))
    if region_id is not None:
        in_region = session.scalar(stmt.where(Organisation.region_id == region_id).order_by(Organisation.id))
        if in_region is not None:
            return in_region
    found = session.scalar(stmt.order_by(Organisation.id))
    if found is not None:
        return found
    from xiaodi.directory.service import create_organisation

    name = prefer[0] if prefer else f"演示{OrgKind(kind).label}"
    return create_organisation(session, actor=ACTOR, kind=kind, name=name, region_id=region_id)


def _person(session: Session, kind: PersonKind, organisation_id: int | None) -> Person:
    live = select(Person).where(Person.kind == kind, Person.retired_at.is_(None)).order_by(Person.id)
    # one of the university's own people first: the demo expert is then a member of its service team
    found = session.scalar(live.where(Person.organisation_id == organisation_id)) or session.scalar(live)
    if found is not None:
        return found
    from xiaodi.directory.service import create_person

    name = "演示专家" if kind == PersonKind.EXPERT else "演示人才"
    return create_person(session, actor=ACTOR, kind=kind, name=name, organisation_id=organisation_id)


def create_demo_accounts(session: Session) -> list[tuple[str, str, Role]]:
    """Create (or reset) one account per role and return ``(username, password, role)`` to print.

    Scopes: the province office of 山西省, the city office of 运城市, the county office of 河津市, an enterprise of
    河津市 when there is one, 山西大学 (or the first university), an expert and a talent from the directory.
    Running it again resets the passwords. Every demo account must change its password at first login.
    """
    province = _region(session, "140000")
    city = _region(session, "140800")
    county = _region(session, "140882")
    out: list[tuple[str, str, Role]] = []
    for username, display, role in DEMO_ACCOUNTS:
        existing = session.scalar(select(User).where(User.username == username))
        if existing is not None:
            _, password = reset_password(session, actor=ACTOR, username=username)  # must be changed again
            out.append((username, password, role))
            continue
        password = generate_password()
        kwargs: dict[str, int | None] = {}
        person_id: int | None = None
        if role == Role.PROVINCE_OFFICE:
            kwargs["region_id"] = province.id if province else None
        elif role == Role.CITY_OFFICE:
            kwargs["region_id"] = city.id if city else None
        elif role == Role.COUNTY_OFFICE:
            kwargs["region_id"] = county.id if county else None
        elif role == Role.LEAD_UNIT:
            # the lead unit of the demo's 1+1+N pairing with duties (芮城县), so the account has work to see
            kwargs["organisation_id"] = _org(session, OrgKind.GOVERNMENT,
                                             ("芮城县人力资源和社会保障局", "山西省教育厅")).id
        elif role == Role.ENTERPRISE:
            kwargs["organisation_id"] = _org(session, OrgKind.ENTERPRISE, region_id=county.id if county else None).id
        elif role == Role.UNIVERSITY:
            kwargs["organisation_id"] = _org(session, OrgKind.UNIVERSITY, ("山西大学",)).id
        elif role in (Role.EXPERT, Role.TALENT):
            kind = PersonKind.EXPERT if role == Role.EXPERT else PersonKind.TALENT
            uni = _org(session, OrgKind.UNIVERSITY, ("山西大学",))
            person = _person(session, kind, uni.id)
            person_id = person.id
            kwargs["organisation_id"] = person.organisation_id
        # a printed password is known to everyone who saw the summary: changed at first login (首次登录须修改)
        user = create_user(session, actor=ACTOR, username=username, display_name=display, password=password,
                           person_id=person_id, must_change_password=True)
        office = role in (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE)
        if not (office and kwargs.get("region_id") is None):  # without reference regions an office has no scope
            add_membership(session, actor=ACTOR, user_id=user.id, role=role, **kwargs)
        out.append((username, password, role))
    return out
