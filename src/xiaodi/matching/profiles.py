"""Matchable documents (匹配画像) built from the ledger, one builder per target kind.

A document is the text the engine indexes plus the structure its reasons draw on (学科、平台、既往合作、地区).
Each builder reads its target with a handful of set-based queries (never one query per row), so building the
3,000-odd university profiles of the reference data takes a few queries, not thousands. Pass ``ids`` to build
only some records (an incremental update after a record changed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import (
    DOUBLE_FIRST_CLASS,
    NAME_IMPLIED,
    Achievement,
    Discipline,
    OrganisationDiscipline,
    Platform,
)
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.labels import Labelled
from xiaodi.demands.models import Claim, ClaimState, Demand, DemandKind, DemandState, Visibility
from xiaodi.directory.models import Industry, Organisation, OrganisationAlias, OrgKind, Person, PersonKind, Region
from xiaodi.matching.engine import LEXICAL_CONTEXT, SEMANTIC_CONTEXT
from xiaodi.matching.models import MatchFeedback, Verdict
from xiaodi.matching.places import MUNICIPALITIES
from xiaodi.matching.routing import DisciplineRouter, words_router
from xiaodi.matching.strength import institution_strengths
from xiaodi.projects.models import Agreement, AgreementParty, Project

TARGETS: dict[str, str] = {
    "university": "高校/科研院所",
    "achievement": "科技成果",
    "expert": "专家",
    "platform": "科研平台",
    "enterprise": "企业",
    "demand": "需求",
}
# The record kinds each target may hold (the ``kind`` filter's choices).
TARGET_KINDS: dict[str, tuple[str, ...]] = {
    "university": ("university", "institute"),
    "achievement": ("achievement",),
    "expert": ("expert",),
    "platform": ("platform",),
    "enterprise": ("enterprise",),
    "demand": ("technology", "talent", "project"),
}


class RecordKind(Labelled):
    """What a matchable record is (候选类型); an organisation's or a demand's kind keeps its own area's label."""

    UNIVERSITY = OrgKind.UNIVERSITY.value, OrgKind.UNIVERSITY.label
    INSTITUTE = OrgKind.INSTITUTE.value, OrgKind.INSTITUTE.label
    ACHIEVEMENT = "achievement", "科技成果"
    EXPERT = "expert", "专家"
    PLATFORM = "platform", "科研平台"
    ENTERPRISE = OrgKind.ENTERPRISE.value, OrgKind.ENTERPRISE.label
    TECHNOLOGY = DemandKind.TECHNOLOGY.value, DemandKind.TECHNOLOGY.label
    TALENT = DemandKind.TALENT.value, DemandKind.TALENT.label
    PROJECT = DemandKind.PROJECT.value, DemandKind.PROJECT.label

MAX_ITEMS = 40  # per aggregated list (achievement titles, expert interests …) in one profile
_OPEN_DEMAND_STATES = (DemandState.PUBLISHED, DemandState.CLAIMED, DemandState.SHORTLISTED)


@dataclass(frozen=True, slots=True)
class Document:
    """One matchable record: its id within the target, the text to index and the meta reasons draw on."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def check_target(target: str) -> str:
    """The target, or a Chinese ValidationFailed naming the choices."""
    key = (target or "").strip().lower()
    if key not in TARGETS:
        choices = "、".join(f"{k}（{v}）" for k, v in TARGETS.items())
        raise ValidationFailed(f"未知的匹配对象“{target}”，可选：{choices}")
    return key


# ── shared look-ups (one query each) ────────────────────────────────────────────────────────────────────────


class Lookups:
    """Name tables the builders share: regions → province, discipline and industry codes → names."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._regions: dict[int, tuple[str, int | None, str]] | None = None
        self._disciplines: dict[str, str] | None = None
        self._industries: dict[str, str] | None = None

    @property
    def router(self) -> DisciplineRouter:
        """The words-only discipline router (学科路由) for titles of labs, achievements and projects."""
        return words_router()

    def province(self, region_id: int | None) -> str | None:
        if region_id is None:
            return None
        if self._regions is None:
            rows = self.session.execute(select(Region.id, Region.name, Region.parent_id, Region.level))
            self._regions = {r.id: (r.name, r.parent_id, str(r.level)) for r in rows}
        seen = 0
        current: int | None = region_id
        while current is not None and seen < 6:
            name, parent, level = self._regions.get(current, ("", None, ""))
            if level == "province" or parent is None:
                return name or None
            current, seen = parent, seen + 1
        return None

    def city(self, region_id: int | None) -> str | None:
        """The city (地级市, or the municipality itself) a region lies in."""
        if region_id is None:
            return None
        self.province(region_id)  # loads the table
        assert self._regions is not None
        current: int | None = region_id
        for _ in range(4):
            if current is None:
                return None
            name, parent, level = self._regions.get(current, ("", None, ""))
            if level == "city" or (level == "province" and name in MUNICIPALITIES):
                return name
            current = parent
        return None

    def discipline(self, code: str | None) -> str | None:
        if not code:
            return None
        if self._disciplines is None:
            rows = self.session.execute(select(Discipline.code, Discipline.name, Discipline.scheme))
            table: dict[str, str] = {}
            for r in rows:  # the graduate catalogue wins over NSFC when a code is in both
                if r.scheme == "moe2022" or r.code not in table:
                    table[r.code] = r.name
            self._disciplines = table
        return self._disciplines.get(code)

    def industry(self, code: str | None) -> str | None:
        if not code:
            return None
        if self._industries is None:
            self._industries = dict(self.session.execute(select(Industry.code, Industry.name)).all())
        return self._industries.get(code)


def _join(*parts: Any) -> str:
    out: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, list | tuple | set):
            out.extend(str(p) for p in part if p)
        elif str(part).strip():
            out.append(str(part).strip())
    return "；".join(out)


_S = TypeVar("_S")


def _only(stmt: _S, column: Any, ids: Collection[int] | None) -> _S:
    return cast(Any, stmt).where(column.in_(ids)) if ids is not None else stmt


def _org_province(org: Organisation | None, lookups: Lookups) -> str | None:
    if org is None:
        return None
    return org.province or lookups.province(org.region_id)


# ── one builder per target ──────────────────────────────────────────────────────────────────────────────────


def _own_disciplines(names: Iterable[str | None], basis: str) -> list[list[object]]:
    """A resource's own disciplines as full-strength evidence (its route score is the demand's weight on them)."""
    return [[d, 1.0, [f"{d}（{basis}）"]] for d in dict.fromkeys(n for n in names if n)]


def achievement_documents(session: Session, lookups: Lookups, ids: Collection[int] | None = None) -> list[Document]:
    """科技成果: title, keywords, summary, field and owner; meta owner, region, discipline, industry."""
    stmt = _only(select(Achievement).where(Achievement.retired_at.is_(None)), Achievement.id, ids)
    docs = []
    for a in session.scalars(stmt).unique():
        discipline = lookups.discipline(a.discipline_code)
        industry = lookups.industry(a.industry_code)
        owner = a.owner.name if a.owner else None
        text = _join(a.title, a.keywords, a.field, a.summary, discipline, industry, owner,
                     a.leader.name if a.leader else None, a.team)
        docs.append(Document(str(a.id), text, {
            "name": a.title, "kind": "achievement", "owner": owner, "owner_id": a.owner_id,
            "region": _org_province(a.owner, lookups), "discipline": discipline,
            "disciplines": [discipline] if discipline else [],
            "industry": a.industry_code, "industry_name": industry, "level": str(a.maturity) if a.maturity else None,
            "strengths": _own_disciplines([discipline], "成果所属学科"),
        }))
    return docs


def expert_documents(session: Session, lookups: Lookups, ids: Collection[int] | None = None) -> list[Document]:
    """专家: name, organisation, title, disciplines, research interests."""
    stmt = select(Person).where(Person.kind == PersonKind.EXPERT, Person.retired_at.is_(None),
                                Person.merged_into_id.is_(None))
    docs = []
    for p in session.scalars(_only(stmt, Person.id, ids)).unique():
        org = p.organisation.name if p.organisation else None
        text = _join(p.name, org, p.department, p.title, p.honours, p.disciplines, p.research_interests)
        docs.append(Document(str(p.id), text, {
            "name": p.name, "kind": "expert", "organisation": org, "organisation_id": p.organisation_id,
            "region": _org_province(p.organisation, lookups) or lookups.province(p.region_id),
            "disciplines": list(p.disciplines or []), "discipline": list(p.disciplines or []),
            "level": p.title, "industry": None,
            "strengths": _own_disciplines([lookups.discipline(d) or d for d in p.disciplines or []], "专家学科"),
        }))
    return docs


def platform_documents(session: Session, lookups: Lookups, ids: Collection[int] | None = None) -> list[Document]:
    """科研平台/重点实验室: name, field, directions and host."""
    stmt = _only(select(Platform).where(Platform.retired_at.is_(None)), Platform.id, ids)
    docs = []
    for p in session.scalars(stmt).unique():
        host = p.host_name or (p.host.name if p.host else None)
        discipline = lookups.discipline(p.discipline_code)
        text = _join(p.name, str(p.kind), p.field, discipline, p.directions, host, p.equipment)
        docs.append(Document(str(p.id), text, {
            "name": p.name, "kind": "platform", "host": host, "host_id": p.host_id,
            "region": _org_province(p.host, lookups) or p.city, "level": p.level,
            "discipline": [d for d in (discipline, p.field) if d], "disciplines": [discipline] if discipline else [],
            "platforms": [p.name], "industry": None,
            "strengths": _own_disciplines([discipline], "平台所属学科"),
        }))
    return docs


def _grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for key, value in rows:
        if key is not None and value and len(out[key]) < MAX_ITEMS:
            out[key].append(value)
    return out


def _partners(session: Session, org_ids: Collection[int] | None) -> dict[int, list[str]]:
    """Past cooperation partners (既往合作) of each organisation, from agreement parties and projects."""
    parties = session.execute(select(AgreementParty.agreement_id, AgreementParty.organisation_id, AgreementParty.name)
                              .join(Agreement, Agreement.id == AgreementParty.agreement_id)
                              .where(Agreement.retired_at.is_(None))).all()
    by_agreement: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    for agreement_id, org_id, name in parties:
        by_agreement[agreement_id].append((org_id, name))
    partners: dict[int, list[str]] = defaultdict(list)
    for members in by_agreement.values():
        for org_id, _ in members:
            if org_id is not None and (org_ids is None or org_id in org_ids):
                partners[org_id].extend(n for o, n in members if o != org_id and n)
    names = dict(session.execute(select(Organisation.id, Organisation.name)
                                 .join(Project, (Project.partner_id == Organisation.id)
                                       | (Project.enterprise_id == Organisation.id))).all())
    for partner_id, enterprise_id in session.execute(select(Project.partner_id, Project.enterprise_id)
                                                     .where(Project.retired_at.is_(None))):
        if partner_id and enterprise_id:
            partners[partner_id].append(names.get(enterprise_id, ""))
            partners[enterprise_id].append(names.get(partner_id, ""))
    return {k: list(dict.fromkeys(n for n in v if n))[:MAX_ITEMS] for k, v in partners.items()}


def _contacted(session: Session, org_ids: Collection[int] | None) -> dict[int, list[str]]:
    """Demands each school was marked 已对接 on (the latest verdict counts) or selected for (揭榜中选), by title:
    the school has worked on exactly this topic, so the words of later similar demands should find it (as strength
    evidence alone, a mark moved almost no later ranking — docs/benchmarks_matching.md)."""
    latest: dict[tuple[int, int], tuple[str, str]] = {}
    rows = session.execute(_only(select(MatchFeedback.demand_id, MatchFeedback.record_id, MatchFeedback.verdict,
                                        Demand.title)
                                 .join(Demand, Demand.id == MatchFeedback.demand_id)
                                 .where(MatchFeedback.target == "university").order_by(MatchFeedback.id),
                                 MatchFeedback.record_id, org_ids))
    for demand_id, org, verdict, title in rows:
        latest[(demand_id, org)] = (str(verdict), title)
    out: dict[int, list[str]] = defaultdict(list)
    for (_, org), (said, title) in latest.items():
        if said == Verdict.CONTACTED.value:
            out[org].append(title)
    for org, title in session.execute(_only(select(Claim.claimant_org_id, Demand.title)
                                            .join(Demand, Demand.id == Claim.demand_id)
                                            .where(Claim.state == ClaimState.SELECTED, Claim.retired_at.is_(None)),
                                            Claim.claimant_org_id, org_ids)):
        out[org].append(title)
    return {k: list(dict.fromkeys(v))[:MAX_ITEMS] for k, v in out.items()}


def university_documents(session: Session, lookups: Lookups, ids: Collection[int] | None = None) -> list[Document]:
    """高校/科研院所 profile: Double First-Class disciplines, directions its names state (办学方向), hosted key
    labs, achievements, experts, partners."""
    stmt = select(Organisation).where(Organisation.kind.in_((OrgKind.UNIVERSITY, OrgKind.INSTITUTE)),
                                      Organisation.retired_at.is_(None), Organisation.merged_into_id.is_(None))
    orgs = list(session.scalars(_only(stmt, Organisation.id, ids)).unique())
    if not orgs:
        return []
    wanted = {o.id for o in orgs} if ids is not None else None
    dfc = _grouped(session.execute(_only(select(OrganisationDiscipline.organisation_id,
                                                OrganisationDiscipline.discipline_name)
                                         .where(OrganisationDiscipline.relation == DOUBLE_FIRST_CLASS),
                                         OrganisationDiscipline.organisation_id, wanted)))
    other_disc = _grouped(session.execute(_only(select(OrganisationDiscipline.organisation_id,
                                                       OrganisationDiscipline.discipline_name)
                                                .where(OrganisationDiscipline.relation.not_in(
                                                    (DOUBLE_FIRST_CLASS, NAME_IMPLIED))),
                                                OrganisationDiscipline.organisation_id, wanted)))
    # 办学方向: what the name or a former name states (冶金 → 冶金工程), with that basis for the reasons.
    name_directions = _grouped(
        (org, (name, basis)) for org, name, basis in session.execute(_only(
            select(OrganisationDiscipline.organisation_id, OrganisationDiscipline.discipline_name,
                   OrganisationDiscipline.source)
            .where(OrganisationDiscipline.relation == NAME_IMPLIED).order_by(OrganisationDiscipline.id),
            OrganisationDiscipline.organisation_id, wanted)))
    # Labs: the recorded host, plus co-hosts named in ``host_name`` ("清华大学、天津大学…").
    name_to_id = _institution_ids(session)
    labs: dict[int, list[str]] = defaultdict(list)
    lab_fields: dict[int, list[str]] = defaultdict(list)
    for name, host_id, host_name, lab_field, directions in session.execute(
            select(Platform.name, Platform.host_id, Platform.host_name, Platform.field, Platform.directions)
            .where(Platform.retired_at.is_(None))):
        hosts = {host_id} if host_id else set()
        for part in (host_name or "").replace("，", "、").replace(",", "、").split("、"):
            if part.strip() in name_to_id:
                hosts.add(name_to_id[part.strip()])
        for h in hosts:
            if (wanted is None or h in wanted) and len(labs[h]) < MAX_ITEMS:
                labs[h].append(name)
                lab_fields[h].extend(x for x in (lab_field, directions) if x)
    strengths = institution_strengths(session, lookups.router, name_to_id, wanted)
    achievements = _grouped(
        (owner, _join(title, kws)) for owner, title, kws in session.execute(
            _only(select(Achievement.owner_id, Achievement.title, Achievement.keywords)
                  .where(Achievement.retired_at.is_(None)), Achievement.owner_id, wanted)))
    experts = _grouped(
        (org, _join(interests, disc)) for org, interests, disc in session.execute(
            _only(select(Person.organisation_id, Person.research_interests, Person.disciplines)
                  .where(Person.kind == PersonKind.EXPERT, Person.retired_at.is_(None)),
                  Person.organisation_id, wanted)))
    aliases = _grouped(session.execute(_only(select(OrganisationAlias.organisation_id, OrganisationAlias.alias),
                                             OrganisationAlias.organisation_id, wanted)))
    partners = _partners(session, wanted)
    contacted = _contacted(session, wanted)
    docs = []
    for o in orgs:
        province = _org_province(o, lookups)
        disciplines = list(dict.fromkeys(dfc.get(o.id, []) + other_disc.get(o.id, [])))
        stated = [(d, basis) for d, basis in name_directions.get(o.id, []) if d not in disciplines]
        # A university's name is not indexed as keywords: its generic words (理工, 制造, 工艺, 职业, 技术) must not
        # decide a ranking; the encoder reads it with the directions, and a demand that names the school finds it by
        # name. A research institute is named for its field (半导体研究所, 茶叶研究所): its name is its keywords.
        names = [o.name, *aliases.get(o.id, [])]
        text = _join(names if o.kind == OrgKind.INSTITUTE else None, province, o.city, o.tags,
                     [f"双一流建设学科{d}" for d in dfc.get(o.id, [])],
                     other_disc.get(o.id), labs.get(o.id), list(dict.fromkeys(lab_fields.get(o.id, []))),
                     o.description, achievements.get(o.id), experts.get(o.id), partners.get(o.id))
        # A profile with nothing but its place, its tags and its names (most 专科 colleges from a cold start): the
        # encoder can only match its name and the direction the name states, which the discipline strength already
        # counts (办学方向) — so its semantic rank is no content evidence (``ranking``), or the name counts twice.
        bare = not (disciplines or labs.get(o.id) or o.description or achievements.get(o.id) or experts.get(o.id)
                    or partners.get(o.id) or contacted.get(o.id) or o.kind == OrgKind.INSTITUTE)
        context = "；".join(x for x in ("、".join(names), "办学方向：" + "、".join(d for d, _ in stated)
                                        if stated else "") if x)
        docs.append(Document(str(o.id), text, {
            "name": o.name, "kind": str(o.kind), "region": province, "city": o.city, "level": o.level,
            "tags": list(o.tags or []), "disciplines": disciplines, "discipline": disciplines,
            "labs": labs.get(o.id, []), "partners": partners.get(o.id, []), "industry": None,
            "directions": [list(pair) for pair in stated], "names": names,
            "strengths": strengths[o.id].as_meta() if o.id in strengths else [],
            SEMANTIC_CONTEXT: context, "bare": bare,
            # The demands it was marked 已对接 on (or selected for): their rare words find it for similar demands.
            LEXICAL_CONTEXT: _join([f"已对接需求{t}" for t in contacted.get(o.id, [])]),
        }))
    return docs


def _institution_ids(session: Session) -> dict[str, int]:
    """Every live university and institute by name (a lab's co-hosts may be outside the records being built)."""
    stmt = select(Organisation.name, Organisation.id).where(
        Organisation.kind.in_((OrgKind.UNIVERSITY, OrgKind.INSTITUTE)), Organisation.retired_at.is_(None),
        Organisation.merged_into_id.is_(None))
    return {name: org_id for name, org_id in session.execute(stmt)}


def enterprise_documents(session: Session, lookups: Lookups, ids: Collection[int] | None = None) -> list[Document]:
    """企业: name, industry, tags, description and the titles of its demands."""
    stmt = select(Organisation).where(Organisation.kind == OrgKind.ENTERPRISE, Organisation.retired_at.is_(None),
                                      Organisation.merged_into_id.is_(None))
    orgs = list(session.scalars(_only(stmt, Organisation.id, ids)).unique())
    if not orgs:
        return []
    wanted = {o.id for o in orgs} if ids is not None else None
    demands = _grouped(session.execute(_only(select(Demand.owner_id, Demand.title).where(
        Demand.retired_at.is_(None), Demand.visibility == Visibility.PUBLIC), Demand.owner_id, wanted)))
    partners = _partners(session, wanted)
    docs = []
    for o in orgs:
        industry = lookups.industry(o.industry_code)
        text = _join(o.name, industry, o.tags, o.description, demands.get(o.id), partners.get(o.id))
        docs.append(Document(str(o.id), text, {
            "name": o.name, "kind": "enterprise", "region": _org_province(o, lookups), "city": o.city,
            "level": o.level, "tags": list(o.tags or []), "industry": o.industry_code, "industry_name": industry,
            "partners": partners.get(o.id, []), "discipline": [],
        }))
    return docs


def demand_documents(session: Session, lookups: Lookups, ids: Collection[int] | None = None) -> list[Document]:
    """需求: open, publicly published demands only (title, description, keywords, qualifications)."""
    stmt = select(Demand).where(Demand.retired_at.is_(None), Demand.visibility == Visibility.PUBLIC,
                                Demand.state.in_(_OPEN_DEMAND_STATES))
    docs = []
    for d in session.scalars(_only(stmt, Demand.id, ids)).unique():
        discipline = lookups.discipline(d.discipline_code)
        text = _join(d.title, d.keywords, d.description, d.qualifications, lookups.industry(d.industry_code),
                     d.owner.name if d.owner else None)
        docs.append(Document(str(d.id), text, {
            "name": d.title, "kind": str(d.kind), "owner": d.owner.name if d.owner else None,
            "region": lookups.province(d.region_id) or _org_province(d.owner, lookups),
            "industry": d.industry_code, "discipline": [discipline] if discipline else [],
            "disciplines": [discipline] if discipline else [], "level": None,
        }))
    return docs


BUILDERS: dict[str, Callable[[Session, Lookups, Collection[int] | None], list[Document]]] = {
    "achievement": achievement_documents,
    "expert": expert_documents,
    "platform": platform_documents,
    "university": university_documents,
    "enterprise": enterprise_documents,
    "demand": demand_documents,
}


def build_documents(session: Session, target: str, ids: Collection[int] | None = None,
                    lookups: Lookups | None = None) -> list[Document]:
    """The documents of ``target`` (all, or only ``ids``)."""
    return BUILDERS[check_target(target)](session, lookups or Lookups(session), ids)


def domain_words(session: Session) -> list[str]:
    """Words the tokenizer keeps whole (领域词典): organisation and platform names, disciplines, keywords."""
    words: set[str] = set()
    words.update(session.scalars(select(Organisation.name).where(Organisation.retired_at.is_(None))))
    words.update(session.scalars(select(OrganisationAlias.alias)))
    words.update(session.scalars(select(Platform.name)))
    words.update(session.scalars(select(Discipline.name).where(Discipline.scheme == "moe2022")))
    for kws in session.scalars(select(Achievement.keywords)):
        words.update(k for k in (kws or []) if isinstance(k, str) and 1 < len(k) <= 12)
    return sorted(w for w in words if w and len(w) >= 2)
