"""Facts the project curates by hand (人工整理) so that a new deployment's profiles say more than a name.

Three files in ``data/reference/xiaodi-curated`` (their PROVENANCE.md says where each fact comes from):

- ``former_names.csv`` — a university's former names (曾用名) and the institutions merged into it (并入院校):
  南方冶金学院 is 江西理工大学, 武汉测绘科技大学 is part of 武汉大学. Stored as aliases, so tables and reports
  that use an old name resolve, and the matching profile carries the history an industry demand matches on.
- ``institutes.csv`` — research institutes (中国科学院、农业科学院、医学科学院…) that are not on the MOE list and
  host no state key lab; created as organisations of kind institute, with their main disciplines when the name
  does not say them.
- ``name_fields.csv`` — what a name says about a school's direction (办学方向): 农业 → 作物学、植物保护…,
  冶金 → 冶金工程. Applied to every university and institute through its name, former and merged-in names; see
  :func:`load_name_directions`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import CURATED_FIELD, NAME_IMPLIED, OrganisationDiscipline
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import NotFound
from xiaodi.core.models import model_snapshot
from xiaodi.directory.models import Organisation, OrganisationAlias, OrgKind
from xiaodi.directory.service import on_names_changed
from xiaodi.reference.bulk import Row, Written, upsert
from xiaodi.reference.catalogues import discipline_ids
from xiaodi.reference.paths import reference_data_dir
from xiaodi.reference.regions import RegionIndex, read_csv

CURATED = "xiaodi-curated"
RENAMED = "曾用名"
MERGED_IN = "并入"
# How a basis names a former name (alias kind → words of the basis: 曾用名“…”含“冶金”, 并入院校“…”含“医科”).
ALIAS_BASIS = {RENAMED: "曾用名", MERGED_IN: "并入院校"}
INSTITUTE_NOTE = "来源:xiaodi-curated 科研院所名单（institutes.csv）"
MAX_DIRECTIONS = 12
# How a basis names the organisation's own name: a school's 校名, an institute's 名称.
OWN_NAME = {OrgKind.UNIVERSITY: "校名", OrgKind.INSTITUTE: "名称"}


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def former_names(data_dir: Path) -> list[tuple[str, str, str]]:
    """(alias, organisation name, alias kind) for every former name and merged-in institution."""
    out: list[tuple[str, str, str]] = []
    for r in read_csv(data_dir / CURATED / "former_names.csv"):
        out += [(old, r["name"], RENAMED) for old in _split(r["renamed_from"])]
        out += [(old, r["name"], MERGED_IN) for old in _split(r["merged_in"])]
    return out


# ── research institutes ────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class CuratedInstitute:
    name: str
    authority: str | None
    province: str
    city: str
    disciplines: list[str]


def read_institutes(data_dir: Path) -> list[CuratedInstitute]:
    return [
        CuratedInstitute(r["name"], r["authority"] or None, r["province"], r["city"], _split(r["disciplines"]))
        for r in read_csv(data_dir / CURATED / "institutes.csv")
    ]


def load_institutes(session: Session, data_dir: Path, regions: RegionIndex) -> tuple[Written, Written]:
    """Institutes not yet known become organisations (kind institute); their curated disciplines are recorded."""
    institutes = read_institutes(data_dir)
    known = {name: id_ for id_, name in session.execute(select(Organisation.id, Organisation.name))}
    rows: list[Row] = [
        {
            "kind": OrgKind.INSTITUTE,
            "name": i.name,
            "province": i.province,
            "city": i.city,
            "region_id": regions.resolve(i.province, i.city),
            "authority": i.authority,
            "tags": [i.authority] if i.authority else [],
            "note": INSTITUTE_NOTE,
        }
        for i in institutes
        if i.name not in known
    ]
    created = upsert(session, Organisation, rows, keys=[("kind", "name")])
    created.unchanged += len(institutes) - len(rows)
    ids = {**known, **{name: id_ for (_kind, name), id_ in created.ids.items()}}
    disciplines = discipline_ids(session)
    fields = [
        {
            "organisation_id": ids[i.name],
            "discipline_name": d,
            "discipline_id": disciplines.get(d),
            "relation": CURATED_FIELD,
            "source": "xiaodi-curated：研究所主要学科领域",
        }
        for i in institutes
        for d in i.disciplines
    ]
    keys = [("organisation_id", "discipline_name", "relation")]
    return created, upsert(session, OrganisationDiscipline, fields, keys=keys, update_cols=("discipline_id",))


# ── directions stated by names (办学方向) ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class NameField:
    """A fragment of a name and the disciplines it states: 冶金 → 冶金工程、材料科学与工程.

    Only specific fragments are listed. 理工、工业、科技大学 were tried and left out: a third of all schools
    carry them, so they told schools apart by nothing and blurred the profiles that had nothing else (measured
    in docs/benchmarks_matching.md).
    """

    fragment: str
    label: str
    disciplines: tuple[str, ...]


def read_name_fields(data_dir: Path) -> list[NameField]:
    return [
        NameField(r["fragment"], r["label"], tuple(_split(r["disciplines"])))
        for r in read_csv(data_dir / CURATED / "name_fields.csv")
    ]


def directions_of(names: list[tuple[str, str]], fields: list[NameField]) -> dict[str, str]:
    """Discipline → basis (依据) for one organisation, from its (name, what the name is) pairs, own name first.

    The basis reads as a person would check it: 校名含“农业”, 名称含“半导体” (an institute), 曾用名“南方冶金学院”含
    “冶金”. Fragments are taken in the file's order; at most ``MAX_DIRECTIONS`` disciplines.
    """
    out: dict[str, str] = {}
    for f in fields:
        for name, what in names:
            if f.fragment not in name:
                continue
            basis = f"{what}含“{f.fragment}”" if what in OWN_NAME.values() else f"{what}“{name}”含“{f.fragment}”"
            for discipline in f.disciplines:
                if len(out) < MAX_DIRECTIONS:
                    out.setdefault(discipline, basis)
    return out


def load_name_directions(session: Session, data_dir: Path) -> Written:
    """Record each university's and institute's name-stated directions (relation ``name_implied``).

    The rows are derived, owned by this loader: a direction no longer stated (a fragment removed from the file,
    an organisation renamed) is deleted, so a reload always leaves exactly what the names say.
    """
    fields = read_name_fields(data_dir)
    orgs = session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind).where(
            Organisation.kind.in_((OrgKind.UNIVERSITY, OrgKind.INSTITUTE)), Organisation.merged_into_id.is_(None)
        )
    ).all()
    aliases: dict[int, list[tuple[str, str]]] = {}
    stmt = select(OrganisationAlias.organisation_id, OrganisationAlias.alias, OrganisationAlias.kind).where(
        OrganisationAlias.kind.in_(ALIAS_BASIS)
    )
    for org_id, alias, kind in session.execute(stmt):
        aliases.setdefault(org_id, []).append((alias, ALIAS_BASIS[kind]))
    disciplines = discipline_ids(session)
    rows: list[Row] = [
        {
            "organisation_id": org_id,
            "discipline_name": discipline,
            "discipline_id": disciplines.get(discipline),
            "relation": NAME_IMPLIED,
            "source": basis,
        }
        for org_id, name, kind in orgs
        for discipline, basis in directions_of([(name, OWN_NAME[kind]), *aliases.get(org_id, [])], fields).items()
    ]
    keys = [("organisation_id", "discipline_name", "relation")]
    written = upsert(session, OrganisationDiscipline, rows, keys=keys, update_cols=("discipline_id", "source"))
    _delete_stale(session, {(r["organisation_id"], r["discipline_name"]) for r in rows})
    return written


def refresh_name_directions(session: Session, org_id: int, *, actor: Actor, data_dir: Path | None = None) -> None:
    """Re-derive one organisation's 办学方向 after it was registered, renamed or merged (db init does all).

    Only what changed is written, each row with its audit entry (留痕). Without reference data on this machine
    there is nothing to derive from, and the organisation keeps what it has.
    """
    org = session.execute(select(Organisation.name, Organisation.kind).where(Organisation.id == org_id)).one()
    if org.kind not in OWN_NAME:
        return
    try:
        fields = _name_fields(data_dir or reference_data_dir())
    except NotFound:
        return
    aliases = session.execute(select(OrganisationAlias.alias, OrganisationAlias.kind).where(
        OrganisationAlias.organisation_id == org_id, OrganisationAlias.kind.in_(ALIAS_BASIS)))
    names = [(org.name, OWN_NAME[org.kind]), *((a, ALIAS_BASIS[k]) for a, k in aliases)]
    found = directions_of(names, fields)
    have = {row.discipline_name: row for row in session.scalars(select(OrganisationDiscipline).where(
        OrganisationDiscipline.organisation_id == org_id, OrganisationDiscipline.relation == NAME_IMPLIED))}
    for name, row in have.items():
        if found.get(name) != row.source:
            audit.record(session, actor=actor, action="retire", obj=row, before=model_snapshot(row),
                         reason="名称所示方向已变")
            session.delete(row)
    session.flush()
    ids = discipline_ids(session, list(found))
    for discipline, basis in found.items():
        if discipline in have and have[discipline].source == basis:
            continue
        row = OrganisationDiscipline(organisation_id=org_id, discipline_name=discipline,
                                     discipline_id=ids.get(discipline), relation=NAME_IMPLIED, source=basis)
        session.add(row)
        audit.record(session, actor=actor, action="create", obj=row, reason="名称所示方向")


def _names_changed(session: Session, org_id: int, actor: Actor) -> None:
    refresh_name_directions(session, org_id, actor=actor)


def install() -> None:
    """Keep name-implied directions current as the directory registers, renames and merges organisations (the
    directory calls this listener; it never imports this module). Idempotent; called by the app factory, the CLI
    and the test fixtures."""
    on_names_changed(_names_changed)


@functools.lru_cache(maxsize=4)
def _name_fields(data_dir: Path) -> list[NameField]:
    return read_name_fields(data_dir)


def _delete_stale(session: Session, wanted: set[tuple[int, str]]) -> None:
    stmt = select(OrganisationDiscipline.id, OrganisationDiscipline.organisation_id,
                  OrganisationDiscipline.discipline_name).where(OrganisationDiscipline.relation == NAME_IMPLIED)
    stale = [id_ for id_, org_id, name in session.execute(stmt) if (org_id, name) not in wanted]
    for start in range(0, len(stale), 500):
        session.execute(delete(OrganisationDiscipline).where(OrganisationDiscipline.id.in_(stale[start:start + 500])))
