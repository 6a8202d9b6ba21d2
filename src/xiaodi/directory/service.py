"""Directory rules (名录维护): create, update, merge duplicates and resolve names of organisations and people.

Every write is audited (留痕). Resolution is exact name, then alias, then close matches offered as
suggestions — a name is never silently guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Ambiguous, Conflict, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot
from xiaodi.core.records import check_fields, create, get_live, repoint_references, retire, update_fields
from xiaodi.directory.identity import validate_id_number
from xiaodi.directory.models import (
    Organisation,
    OrganisationAlias,
    OrgKind,
    Person,
    PersonKind,
    Region,
)

ORG_FIELDS = frozenset({
    "name", "code", "level", "region_id", "province", "city", "authority", "industry_code", "tags", "website",
    "address", "contact_name", "contact_phone", "contact_email", "description", "note",
})  # fmt: skip
PERSON_FIELDS = frozenset({
    "name", "organisation_id", "department", "title", "position", "honours", "disciplines", "research_interests",
    "phone", "email", "id_number", "region_id", "extra", "note",
})  # fmt: skip

# What other areas derive from an organisation's names (reference.curated: the 办学方向 a school's name states) is
# theirs to keep current: they register a listener here, called in the writer's transaction after an organisation
# is registered, renamed or merged, so that the directory — the lowest area — never imports them. The app factory
# and the CLI install the listeners (``reference.curated.install``).
NamesChanged = Callable[[Session, int, Actor], None]
_NAME_LISTENERS: list[NamesChanged] = []


def on_names_changed(listener: NamesChanged) -> None:
    """Call ``listener(session, organisation_id, actor)`` whenever an organisation's names change (idempotent)."""
    if listener not in _NAME_LISTENERS:
        _NAME_LISTENERS.append(listener)


def _names_changed(session: Session, organisation_id: int, actor: Actor) -> None:
    for listener in _NAME_LISTENERS:
        listener(session, organisation_id, actor)


_SPACE_RE = re.compile(r"[\s\u3000]+")


def clean_name(name: str) -> str:
    """Names as typed in Excel carry stray spaces and full-width brackets; compare them in one form."""
    name = _SPACE_RE.sub("", name or "")
    return name.replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name: the record (when certain), how it matched, and suggestions otherwise."""

    record_id: int | None
    name: str | None
    matched_by: str | None  # exact | alias | code
    suggestions: list[str] = field(default_factory=list)


class OrganisationIndex:
    """All organisation names and aliases in memory, for resolving many names quickly (imports, reports)."""

    def __init__(
        self, session: Session, kinds: Iterable[OrgKind] | None = None, *, where: ColumnElement[bool] | None = None
    ) -> None:
        """``where``: only the organisations a person may see (an office's import), so others read as unknown."""
        kinds = list(kinds) if kinds else list(OrgKind)
        self._by_name: dict[str, list[tuple[int, str]]] = {}
        self._by_alias: dict[str, tuple[int, str]] = {}
        self._by_code: dict[str, tuple[int, str]] = {}
        rows = session.execute(
            select(Organisation.id, Organisation.name, Organisation.code, Organisation.kind).where(
                Organisation.kind.in_(kinds), Organisation.retired_at.is_(None), *([] if where is None else [where])
            )
        ).all()
        names: dict[int, str] = {}
        for oid, name, code, _kind in rows:
            names[oid] = name
            self._by_name.setdefault(clean_name(name), []).append((oid, name))
            if code:
                self._by_code[code] = (oid, name)
        alias_rows = session.execute(
            select(OrganisationAlias.organisation_id, OrganisationAlias.alias).where(
                OrganisationAlias.organisation_id.in_(names)
            )
        ).all() if names else []
        for oid, alias in alias_rows:
            self._by_alias[clean_name(alias)] = (oid, names[oid])
        self._choices = list(self._by_name) + list(self._by_alias)

    def add(self, oid: int, name: str, code: str | None = None) -> None:
        self._by_name.setdefault(clean_name(name), []).append((oid, name))
        if code:
            self._by_code[code] = (oid, name)
        self._choices.append(clean_name(name))

    def resolve(self, name: str, *, code: str | None = None) -> Resolution:
        if code and code in self._by_code:
            oid, official = self._by_code[code]
            return Resolution(oid, official, "code")
        key = clean_name(name)
        hits = self._by_name.get(key, [])
        if len(hits) == 1:
            return Resolution(hits[0][0], hits[0][1], "exact")
        if len(hits) > 1:
            return Resolution(None, None, None, [f"{n}（编号 {i}）" for i, n in hits])
        if key in self._by_alias:
            oid, official = self._by_alias[key]
            return Resolution(oid, official, "alias")
        return Resolution(None, None, None, self.suggest(key))

    def suggest(self, key: str, limit: int = 3) -> list[str]:
        found = process.extract(key, self._choices, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=70)
        out: list[str] = []
        for choice, _score, _ in found:
            official = self._official(choice)
            if official not in out:
                out.append(official)
        return out[:limit]

    def _official(self, key: str) -> str:
        if key in self._by_name:
            return self._by_name[key][0][1]
        return self._by_alias[key][1]


def resolve_organisation(session: Session, name: str, *, kind: OrgKind | None = None) -> Organisation:
    """The one organisation called ``name`` (exact or alias); otherwise an error listing close matches."""
    index = OrganisationIndex(session, [kind] if kind else None)
    found = index.resolve(name)
    if found.record_id is not None:
        return session.get_one(Organisation, found.record_id)
    label = OrgKind(kind).label if kind else "单位"
    if found.suggestions:
        raise Ambiguous(f"未找到{label}“{name}”，您是否要找：{'、'.join(found.suggestions)}？", found.suggestions)
    raise NotFound(f"未找到{label}“{name}”")


def create_organisation(
    session: Session, *, actor: Actor, kind: OrgKind, name: str, aliases: Iterable[str] = (), **fields: Any
) -> Organisation:
    """Register an organisation (新增单位). Its name and aliases must not already name another record."""
    name = clean_name(name)
    if not name:
        raise ValidationFailed("单位名称不能为空")
    check_fields(fields, ORG_FIELDS, "单位")
    _ensure_name_free(session, name, kind)
    org = create(session, Organisation(kind=kind, name=name, **fields), actor=actor)
    for alias in aliases:
        add_alias(session, actor=actor, organisation_id=org.id, alias=alias)
    _names_changed(session, org.id, actor)
    return org


def update_organisation(
    session: Session, *, actor: Actor, organisation_id: int, expected_version: int | None = None,
    reason: str | None = None, **changes: Any,
) -> Organisation:
    """Change an organisation's fields (修改单位信息); a renamed organisation keeps its old name as an alias."""
    org = get_live(session, Organisation, organisation_id, "单位")
    new_name = clean_name(changes["name"]) if "name" in changes else None
    old_name = org.name
    if new_name and new_name != old_name:
        _ensure_name_free(session, new_name, org.kind, except_id=org.id)
        changes["name"] = new_name
    update_fields(session, org, changes, actor=actor, allowed=ORG_FIELDS, label=f"单位“{old_name}”",
                  expected_version=expected_version, reason=reason)
    if new_name and new_name != old_name:
        add_alias(session, actor=actor, organisation_id=org.id, alias=old_name, kind="曾用名")
        _names_changed(session, org.id, actor)
    return org


def add_alias(session: Session, *, actor: Actor, organisation_id: int, alias: str, kind: str = "简称") -> None:
    """Record another name (简称/曾用名) under which reports and tables may mention the organisation."""
    alias = clean_name(alias)
    if not alias:
        return
    existing = session.scalar(select(OrganisationAlias).where(OrganisationAlias.alias == alias))
    if existing is not None:
        if existing.organisation_id == organisation_id:
            return
        other = session.get_one(Organisation, existing.organisation_id)
        raise Conflict(f"别名“{alias}”已属于“{other.name}”")
    org = get_live(session, Organisation, organisation_id, "单位")
    row = OrganisationAlias(organisation_id=org.id, alias=alias, kind=kind)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="add_alias", obj=org, after={"alias": alias, "kind": kind})


def merge_organisations(
    session: Session, *, actor: Actor, keep_id: int, duplicate_id: int, reason: str
) -> dict[str, int]:
    """Merge a duplicate into the record that stays (合并重复单位).

    Everything that pointed at the duplicate now points at the survivor; the duplicate's name and aliases
    become aliases; the duplicate is retired with ``merged_into_id`` and stays in the audit trail.
    """
    if keep_id == duplicate_id:
        raise ValidationFailed("不能把单位合并到其自身")
    keep = get_live(session, Organisation, keep_id, "单位")
    dup = get_live(session, Organisation, duplicate_id, "单位")
    names = [dup.name] + [a.alias for a in dup.aliases]
    for alias_row in list(dup.aliases):
        session.delete(alias_row)  # the alias moves to the survivor below; the audit keeps the old state
    session.flush()
    moved = repoint_references(session, Organisation.__table__, dup.id, keep.id)  # type: ignore[arg-type]
    before = model_snapshot(dup)
    dup.merged_into_id = keep.id
    dup.name = f"{dup.name}（已合并#{dup.id}）"
    retire(session, dup, actor=actor, reason=reason, action="merge")
    audit.record(session, actor=actor, action="merge", obj=keep, after={"merged": before, "moved": moved},
                 reason=reason)
    for name in names:
        if clean_name(name) != keep.name:
            add_alias(session, actor=actor, organisation_id=keep.id, alias=name, kind="曾用名")
    keep.tags = sorted(set(keep.tags or []) | set(before.get("tags") or []))
    _names_changed(session, keep.id, actor)
    return moved


def _ensure_name_free(session: Session, name: str, kind: OrgKind, except_id: int | None = None) -> None:
    stmt = select(Organisation.id).where(Organisation.kind == kind, Organisation.name == name)
    if except_id:
        stmt = stmt.where(Organisation.id != except_id)
    if session.scalar(stmt) is not None:
        raise Conflict(f"{OrgKind(kind).label}“{name}”已存在")
    owner = session.scalar(select(OrganisationAlias.organisation_id).where(OrganisationAlias.alias == name))
    if owner is not None and owner != except_id:
        raise Conflict(f"“{name}”已是另一单位（编号 {owner}）的别名")



# ---- people (专家/联系人) -------------------------------------------------------------------------------


def _checked_id_number(fields: dict[str, Any], stored: str | None = None) -> None:
    """Every person's ID number — a talent's, an expert's, a contact's — in its canonical form, or a Chinese
    refusal of a malformed one (GB 11643), however the person is written. A number only checked when it is
    entered or changed: an earlier record that holds a number the rule refuses stays readable and editable in
    its other fields (the talent register refuses to adopt such a person until it is corrected)."""
    number = fields.get("id_number")
    if not isinstance(number, str):
        return
    if not number.strip():
        fields["id_number"] = None
    elif number.strip().upper() == (stored or ""):
        fields["id_number"] = stored  # unchanged: kept as stored, not re-checked
    else:
        fields["id_number"] = validate_id_number(number)


def create_person(
    session: Session, *, actor: Actor, kind: PersonKind, name: str, organisation_id: int | None = None,
    **fields: Any,
) -> Person:
    """Register a person (新增专家/联系人). The same name at the same organisation is a duplicate."""
    name = clean_name(name)
    if not name:
        raise ValidationFailed("姓名不能为空")
    check_fields(fields, PERSON_FIELDS, "人员")
    _checked_id_number(fields)
    dup = session.scalar(
        select(Person.id).where(Person.name == name, Person.organisation_id == organisation_id,
                                Person.retired_at.is_(None))
    )
    if dup is not None:
        raise Conflict(f"该单位已有同名人员“{name}”（编号 {dup}）")
    return create(session, Person(kind=kind, name=name, organisation_id=organisation_id, **fields), actor=actor)


def update_person(
    session: Session, *, actor: Actor, person_id: int, expected_version: int | None = None,
    reason: str | None = None, **changes: Any,
) -> Person:
    person = get_live(session, Person, person_id, "人员")
    _checked_id_number(changes, person.id_number)
    update_fields(session, person, changes, actor=actor, allowed=PERSON_FIELDS, label=f"人员“{person.name}”",
                  expected_version=expected_version, reason=reason)
    return person


def merge_people(session: Session, *, actor: Actor, keep_id: int, duplicate_id: int, reason: str) -> dict[str, int]:
    """Merge a duplicate person record into the one that stays (合并重复人员)."""
    if keep_id == duplicate_id:
        raise ValidationFailed("不能把人员合并到其自身")
    keep = get_live(session, Person, keep_id, "人员")
    dup = get_live(session, Person, duplicate_id, "人员")
    moved = repoint_references(session, Person.__table__, dup.id, keep.id)  # type: ignore[arg-type]
    for key in ("phone", "email", "title", "department", "research_interests"):
        if getattr(keep, key) is None and getattr(dup, key) is not None:
            setattr(keep, key, getattr(dup, key))
    keep.disciplines = sorted(set(keep.disciplines or []) | set(dup.disciplines or []))
    dup.merged_into_id = keep.id
    retire(session, dup, actor=actor, reason=reason, action="merge")
    audit.record(session, actor=actor, action="merge", obj=keep, after={"merged_id": dup.id, "moved": moved},
                 reason=reason)
    return moved


def resolve_person(session: Session, name: str, *, organisation_id: int | None = None) -> Person:
    """The one live person called ``name`` (at ``organisation_id`` when given); never a guess."""
    stmt = select(Person).where(Person.name == clean_name(name), Person.retired_at.is_(None))
    if organisation_id is not None:
        stmt = stmt.where(Person.organisation_id == organisation_id)
    found = list(session.scalars(stmt))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        options = [f"{p.name}（{p.organisation.name if p.organisation else '无单位'}，编号 {p.id}）" for p in found]
        raise Ambiguous(f"有 {len(found)} 位“{name}”，请指明单位：{'、'.join(options)}", options)
    raise NotFound(f"未找到人员“{name}”")


# ---- regions (行政区划) ----------------------------------------------------------------------------------


REGION_SUFFIXES = "市县区旗"  # what people leave off a region's name: 河津 for 河津市, 尧都 for 尧都区


def bare_region_name(name: str) -> str:
    """A region's name without its 市/县/区/旗, kept whole when that would leave less than two characters (城区,
    矿区: 城, 矿 name nothing)."""
    bare = name.rstrip(REGION_SUFFIXES)
    return bare if len(bare) >= 2 else name


def regions_named(session: Session, name: str) -> list[Region]:
    """The regions a person means by ``name`` (地区名称): its code, full or short name, the tail of its full name
    without the province (长治市潞州区), else its short name without 市/县/区/旗 (河津 → 河津市; 朝阳 → three
    regions, for the caller to ask which). Every form, import, page and command that takes a region by name asks
    here, so 河津 means the same everywhere."""
    key = clean_name(name)
    if not key:
        return []
    stmt = select(Region).where(or_(Region.name == key, Region.full_name == key, Region.code == key))
    found = list(session.scalars(stmt))
    if not found:
        stmt = select(Region).where(Region.full_name.endswith(key, autoescape=True)).limit(20)
        found = [r for r in session.scalars(stmt) if len(key) > len(r.name)]  # more than the short name: a path
    if not found:
        bare = bare_region_name(key)
        stmt = select(Region).where(Region.name.startswith(bare, autoescape=True)).limit(20)
        found = [r for r in session.scalars(stmt) if bare_region_name(r.name) == bare]
    return found


def resolve_region(session: Session, name: str, *, within: str | None = None) -> Region:
    """The region named ``name`` (``regions_named``); ``within`` narrows by a parent's name."""
    found = regions_named(session, name)
    if within:
        found = [r for r in found if clean_name(within) in r.full_name]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        options = [r.full_name for r in found]
        raise Ambiguous(f"“{name}”对应多个行政区：{'、'.join(options)}，请写全称", options)
    raise NotFound(f"未找到行政区“{name}”")
