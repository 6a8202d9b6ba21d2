"""Organisations from the public lists: universities (高校名单), 双一流 (Double First-Class), state key labs.

Names are joined after NFKC normalisation (full-width brackets → half-width), through names and aliases; a
record merged into another resolves to the survivor.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import DOUBLE_FIRST_CLASS, OrganisationDiscipline, Platform, PlatformKind
from xiaodi.directory.models import Organisation, OrganisationAlias, OrgKind
from xiaodi.reference.bulk import Row, Written, upsert
from xiaodi.reference.catalogues import discipline_ids
from xiaodi.reference.curated import former_names
from xiaodi.reference.regions import RegionIndex, read_csv

MOE_REGULAR_NOTE = "来源:教育部全国高等学校名单(2025-06-20)"
MOE_ADULT_NOTE = "来源:教育部全国成人高等学校名单(2025-06-20)"
DFC_SOURCE = "第二轮“双一流”建设学科名单(2022)"
LAB_NOTE = "来源:国家重点实验室列表(2016年度报告, 维基百科, CC BY-SA 4.0)"
LAB_SOURCE = "维基百科“中华人民共和国国家重点实验室列表”(CC BY-SA 4.0)；2016国家重点实验室年度报告"
DFC_TAG = "双一流"
MILITARY_TAG = "军队院校"
ORG_UPDATE_COLS = ("name", "code", "level", "province", "city", "authority", "region_id")
REMARK_TAGS = {"民办": "民办", "中外合作办学及内地与港澳合作办学": "中外合作办学"}
OVERSEAS_REMARK_TAG = "境外高校办学"  # 境外高等教育机构在海南自由贸易港设立的…学校


def name_key(name: str) -> str:
    """A name as compared: NFKC (（北京） == (北京)), no spaces."""
    return unicodedata.normalize("NFKC", name).replace(" ", "").strip()


def bracket_variants(name: str) -> list[str]:
    """The other bracket spellings of a name: 中国石油大学（北京） ↔ 中国石油大学(北京)."""
    half = name.replace("（", "(").replace("）", ")")
    full = name.replace("(", "（").replace(")", "）")
    return [v for v in dict.fromkeys([half, full]) if v != name]


@dataclass(frozen=True)
class Curated:
    name: str
    kind: OrgKind
    tags: list[str]
    province: str | None
    city: str | None
    former_names: list[str]
    source: str


def read_curated(data_dir: Path) -> list[Curated]:
    return [
        Curated(
            name=r["name"],
            kind=OrgKind(r["kind"]),
            tags=_split(r["tags"]),
            province=r["province"] or None,
            city=r["city"] or None,
            former_names=_split(r["former_names"]),
            source=r["source"],
        )
        for r in read_csv(data_dir / "xiaodi-curated" / "organisations.csv")
    ]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def university_rows(data_dir: Path, regions: RegionIndex, curated: list[Curated]) -> list[Row]:
    """MOE regular and adult HEIs plus curated universities not on the MOE list, with 双一流 tags."""
    renamed = {former: c.name for c in curated for former in c.former_names}
    dfc = {renamed.get(r["school"], r["school"]) for r in _dfc_source(data_dir)}
    rows: list[Row] = []
    folder = data_dir / "moe-universities-2025"
    for r in read_csv(folder / "universities_2025_regular.csv"):
        tags = [r["level"]]
        remark = r["remark"]
        if remark:
            tags.append(REMARK_TAGS.get(remark, OVERSEAS_REMARK_TAG))
        rows.append(
            _university(
                r["name"],
                r["code"],
                r["level"],
                r["province"],
                r["city"],
                r["authority"],
                tags,
                MOE_REGULAR_NOTE,
                regions,
            )
        )
    for r in read_csv(folder / "universities_2025_adult.csv"):
        tags = ["成人高校", *(["民办"] if r["remark"] == "民办" else [])]
        rows.append(
            _university(
                r["name"], r["code"], "成人高校", r["province"], None, r["authority"], tags, MOE_ADULT_NOTE, regions
            )
        )
    on_list = {row["name"] for row in rows}
    for c in curated:
        if c.kind is OrgKind.UNIVERSITY and c.name not in on_list:
            rows.append(_university(c.name, None, None, c.province, c.city, None, c.tags, c.source, regions))
    for row in rows:
        by_curation = next((c.tags for c in curated if c.name == row["name"]), [])
        extra = [*by_curation, *([DFC_TAG] if row["name"] in dfc else [])]
        row["tags"] = list(dict.fromkeys([*row["tags"], *extra]))
    return rows


def _university(
    name: str,
    code: str | None,
    level: str | None,
    province: str | None,
    city: str | None,
    authority: str | None,
    tags: list[str],
    note: str,
    regions: RegionIndex,
) -> Row:
    return {
        "kind": OrgKind.UNIVERSITY,
        "name": name,
        "code": code or None,
        "level": level,
        "province": province,
        "city": city or None,
        "authority": authority or None,
        "region_id": regions.resolve(province, city),
        "tags": tags,
        "note": note,
    }


def load_universities(session: Session, data_dir: Path, regions: RegionIndex, curated: list[Curated]) -> Written:
    rows = university_rows(data_dir, regions, curated)
    return upsert(
        session,
        Organisation,
        rows,
        keys=[("code",), ("kind", "name")],
        update_cols=ORG_UPDATE_COLS,
        merge_list_cols=("tags",),
    )


def load_aliases(session: Session, data_dir: Path, curated: list[Curated],
                 renamed: Iterable[tuple[str, str, str]] = ()) -> tuple[Written, int]:
    """Former names (曾用名), merged-in institutions (并入) and bracket spellings (异写) of university names;
    ``renamed``: more (old name, name today, kind) triples, such as the schools renamed since a reference list.

    Campus qualifiers are not stripped into aliases: 中国石油大学 would name both 中国石油大学（北京） and
    中国石油大学（华东）, and 香港科技大学 is another university than 香港科技大学（广州）. For the same reason an old
    name that begins another school's name (中国地质大学, of 中国地质大学（北京）) is not an alias of either.
    """
    names = {name: id_ for id_, name in session.execute(select(Organisation.id, Organisation.name))}
    wanted: list[tuple[str, str, str]] = former_names(data_dir)  # (alias, organisation name, kind)
    wanted += [(old, owner, kind) for old, owner, kind in renamed
               if not any(name.startswith(old) and name != owner for name in names)]
    for c in curated:
        wanted += [(former, c.name, "曾用名") for former in c.former_names]
    folder = data_dir / "moe-universities-2025"
    for file in ("universities_2025_regular.csv", "universities_2025_adult.csv"):
        for r in read_csv(folder / file):
            wanted += [(variant, r["name"], "异写") for variant in bracket_variants(r["name"])]
    rows = [
        {"alias": alias, "organisation_id": names[owner], "kind": kind}
        for alias, owner, kind in dict.fromkeys(wanted)
        if owner in names and alias not in names  # an alias never shadows another record's own name
    ]
    return upsert(session, OrganisationAlias, rows, keys=[("alias",)]), len(rows)


class OrganisationNames:
    """Organisation ids by normalised name or alias, following merges to the surviving record."""

    def __init__(self, session: Session) -> None:
        stmt = select(Organisation.id, Organisation.merged_into_id).where(Organisation.merged_into_id.is_not(None))
        merged: dict[int, int] = {id_: into for id_, into in session.execute(stmt) if into is not None}
        self._ids: dict[str, int] = {}
        for alias, org_id in session.execute(select(OrganisationAlias.alias, OrganisationAlias.organisation_id)):
            self._ids[name_key(alias)] = org_id
        for org_id, name in session.execute(select(Organisation.id, Organisation.name)):
            self._ids[name_key(name)] = org_id  # an own name beats another record's alias
        for key, org_id in self._ids.items():
            seen = {org_id}
            while org_id in merged and merged[org_id] not in seen:
                org_id = merged[org_id]
                seen.add(org_id)
            self._ids[key] = org_id

    def get(self, name: str) -> int | None:
        return self._ids.get(name_key(name))


def _dfc_source(data_dir: Path) -> Iterable[dict[str, str]]:
    return read_csv(data_dir / "double-first-class-2022" / "dfc2022_school_discipline.csv")


def load_double_first_class(session: Session, data_dir: Path) -> tuple[Written, list[str]]:
    """双一流 discipline rows for each school; returns the school names that resolve to no organisation."""
    orgs = OrganisationNames(session)
    disciplines = discipline_ids(session)
    rows: list[Row] = []
    missing: list[str] = []
    for r in _dfc_source(data_dir):
        org_id = orgs.get(r["school"])
        if org_id is None:
            missing.append(r["school"])
            continue
        if not r["discipline"]:  # 北京大学/清华大学: 自主确定建设学科并自行公布
            continue
        rows.append(
            {
                "organisation_id": org_id,
                "discipline_name": r["discipline"],
                "discipline_id": disciplines.get(r["discipline"]),
                "relation": DOUBLE_FIRST_CLASS,
                "source": DFC_SOURCE,
            }
        )
    written = upsert(
        session,
        OrganisationDiscipline,
        rows,
        keys=[("organisation_id", "discipline_name", "relation")],
        update_cols=("discipline_id", "source"),
    )
    return written, sorted(set(missing))


def host_kind(name: str) -> OrgKind:
    if name.endswith(("公司", "集团")):
        return OrgKind.ENTERPRISE
    if name.endswith("医院"):
        return OrgKind.OTHER
    return OrgKind.INSTITUTE


def load_state_key_labs(session: Session, data_dir: Path, regions: RegionIndex) -> tuple[Written, Written]:
    """Hosts not yet known become organisations; then the labs become platforms (第一依托单位 = host)."""
    labs = list(read_csv(data_dir / "state-key-labs-2016" / "state_key_labs_2016.csv"))
    orgs = OrganisationNames(session)
    new_hosts: dict[str, Row] = {}
    located: list[tuple[dict[str, str], list[str], str | None, str | None, int | None]] = []
    for lab in labs:
        hosts = _split(lab["host_institutions"])
        province, city, region_id = _lab_place(lab, regions)
        located.append((lab, hosts, province, city, region_id))
        depts = _split(lab["dept"])
        # A lab's 主管部门 is its host's only when the lab has one host and one department.
        authority = depts[0] if len(hosts) == 1 and len(depts) == 1 else None
        for host in hosts:
            if orgs.get(host) is not None:
                continue
            if host not in new_hosts:
                new_hosts[host] = {
                    "kind": host_kind(host),
                    "name": host,
                    "province": province,
                    "city": city,
                    "region_id": region_id,
                    "authority": authority,
                    "tags": [],
                    "note": LAB_NOTE,
                }
            elif new_hosts[host]["authority"] is None:
                new_hosts[host]["authority"] = authority
    hosts_written = upsert(session, Organisation, list(new_hosts.values()), keys=[("kind", "name")])
    # Hosts found by name count as unchanged, so the total is every distinct host on the list.
    hosts_written.unchanged = len({h for _, hs, *_ in located for h in hs}) - hosts_written.inserted
    orgs = OrganisationNames(session)
    rows: list[Row] = []
    for lab, hosts, _province, city, _region in located:
        rows.append(
            {
                "name": lab["name"],
                "kind": PlatformKind.STATE_KEY_LAB,
                "level": "国家级",
                "host_id": orgs.get(hosts[0]),
                "host_name": "、".join(hosts),
                "field": lab["field"],
                "approved_by": "科技部",
                "city": city,
                "source": LAB_SOURCE,
                "note": f"主管部门:{lab['dept'].replace(';', '、')}；实验室编号:{lab['lab_code']}",
            }
        )
    labs_written = upsert(
        session,
        Platform,
        rows,
        keys=[("name",)],
        update_cols=("kind", "level", "host_id", "host_name", "field", "approved_by", "city", "source"),
    )
    return hosts_written, labs_written


def _lab_place(lab: dict[str, str], regions: RegionIndex) -> tuple[str | None, str | None, int | None]:
    """(province, city, region id) of a lab from its 6-digit location code (a city code, or the municipality)."""
    code = lab["location_code"]
    region_id = regions.by_code.get(code) or regions.by_code.get(code[:2] + "0000")
    province_id = regions.by_code.get(code[:2] + "0000")
    province = regions.names.get(province_id) if province_id else None
    city_id = region_id
    if city_id is not None and regions.levels.get(city_id) == "county":  # 杨陵区 → 咸阳市
        city_id = regions.parents.get(city_id)
    city = regions.names.get(city_id) if city_id else None
    return province, city, region_id
