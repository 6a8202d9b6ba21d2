"""Research-strength evidence of universities and institutes (科研实力画像), read from the ledger in a few queries.

Every fact becomes an ``Evidence`` of strength in one first-level discipline with the basis a person can check:
the evaluation grade (冶金工程 A+（第四轮学科评估）), a Double First-Class discipline, a hosted key lab (routed to
its discipline by its name), an institute's field, the direction a name states, and what the ledger has learnt —
experts, achievements, platforms and past agreements and projects (校地合作记录), the best evidence there is.
Free text (a lab's or a project's title) is routed to disciplines by the router's words only, so building the
profiles needs no encoder and gives the same result on every machine.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Collection
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import (
    CURATED_FIELD,
    DOUBLE_FIRST_CLASS,
    EVALUATION,
    NAME_IMPLIED,
    Achievement,
    Discipline,
    OrganisationDiscipline,
    Platform,
)
from xiaodi.demands.models import Claim, ClaimState, Demand
from xiaodi.directory.models import Person, PersonKind
from xiaodi.matching.models import MatchFeedback, Verdict
from xiaodi.matching.routing import (
    COOPERATION_STRENGTH,
    DOUBLE_FIRST_CLASS_STRENGTH,
    GRADE_STRENGTH,
    INSTITUTE_FIELD_STRENGTH,
    KEY_LAB_STRENGTH,
    LEDGER_STRENGTH,
    NAME_DIRECTION_STRENGTH,
    DisciplineRouter,
    Strengths,
)
from xiaodi.projects.models import Agreement, AgreementParty, Project
from xiaodi.reference.paths import reference_data_dir

Adder = Callable[[int | None, str | None, float, str, str], None]
MIN_TEXT_ROUTE = 0.35  # a title's top discipline is kept as evidence only when the words clearly point to it
MAX_LEDGER_ITEMS = 12  # per kind and organisation: enough evidence, a bounded profile


_S = TypeVar("_S")


def _only(stmt: _S, column: Any, wanted: Collection[int] | None) -> _S:
    return cast(Any, stmt).where(column.in_(wanted)) if wanted is not None else stmt


def _routed(router: DisciplineRouter, text: str) -> str | None:
    routes = router.by_words(text)
    return routes[0].discipline if routes and routes[0].weight >= MIN_TEXT_ROUTE else None


def _catalogue_disciplines(session: Session) -> dict[str, str]:
    rows = session.execute(select(Discipline.code, Discipline.name).where(Discipline.scheme == "moe2022"))
    return {code: name for code, name in rows}


LINEAGE_FACTOR = 0.9  # a grade of the discipline a new one was split from speaks for the new one, a little less


@cache
def lineage() -> dict[str, list[str]]:
    """Evaluated discipline → the 2022-catalogue disciplines that succeeded it (``discipline_lineage.csv``):
    集成电路科学与工程 was part of 电子科学与技术 when the 4th round graded schools."""
    out: dict[str, list[str]] = defaultdict(list)
    with (reference_data_dir() / "xiaodi-curated" / "discipline_lineage.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["parent"]].append(row["discipline"])
    return dict(out)


@cache
def key_lab_disciplines() -> dict[str, list[str]]:
    """State key lab → the first-level disciplines its name states (``state_key_lab_disciplines.csv``, curated):
    金属材料强度 is 材料科学与工程's, not 冶金工程's, though "金属" is a word of both; 眼科学 is 临床医学's. The
    router's words guessed wrong for about a third of the 253 labs of the 2016 list, and its one-word field
    (地学、材料) says too little to settle it."""
    with (reference_data_dir() / "xiaodi-curated" / "state_key_lab_disciplines.csv").open(encoding="utf-8") as f:
        return {row["name"]: row["disciplines"].split(";") for row in csv.DictReader(f)}


def _graded(s: Strengths, name: str, grade: str) -> None:
    s.add(name, GRADE_STRENGTH[grade], f"{name} {grade}（第四轮学科评估）")
    for successor in lineage().get(name, []):
        s.add(successor, GRADE_STRENGTH[grade] * LINEAGE_FACTOR,
              f"{name} {grade}（第四轮学科评估；{successor}当时属该学科）")


def reference_evidence(session: Session, out: dict[int, Strengths], wanted: Collection[int] | None) -> None:
    """Grades, 双一流, institutes' fields and name-stated directions (organisation_discipline)."""
    stmt = select(OrganisationDiscipline.organisation_id, OrganisationDiscipline.discipline_name,
                  OrganisationDiscipline.relation, OrganisationDiscipline.grade, OrganisationDiscipline.source)
    if wanted is not None:
        stmt = stmt.where(OrganisationDiscipline.organisation_id.in_(wanted))
    for org, name, relation, grade, source in session.execute(stmt):
        s = out[org]
        if relation == EVALUATION and grade in GRADE_STRENGTH:
            _graded(s, name, grade)
        elif relation == DOUBLE_FIRST_CLASS:
            s.add(name, DOUBLE_FIRST_CLASS_STRENGTH, f"{name}（双一流建设学科）")
            for successor in lineage().get(name, []):
                s.add(successor, DOUBLE_FIRST_CLASS_STRENGTH * LINEAGE_FACTOR,
                      f"{name}（双一流建设学科；{successor}当时属该学科）")
        elif relation == CURATED_FIELD:
            s.add(name, INSTITUTE_FIELD_STRENGTH, f"{name}（研究所主要学科）")
        elif relation == NAME_IMPLIED:
            s.add(name, NAME_DIRECTION_STRENGTH, f"{name}（办学方向：{source}）" if source else f"{name}（办学方向）")
        else:
            s.add(name, LEDGER_STRENGTH, f"{name}（登记学科）")


def platform_evidence(session: Session, router: DisciplineRouter, out: dict[int, Strengths], codes: dict[str, str],
                      hosts_of: dict[str, int], wanted: Collection[int] | None) -> None:
    """Key labs and platforms, by their recorded host and the co-hosts their host_name lists."""
    rows = session.execute(select(Platform.name, Platform.host_id, Platform.host_name, Platform.field,
                                  Platform.directions, Platform.level, Platform.discipline_code)
                           .where(Platform.retired_at.is_(None)))
    for name, host_id, host_name, lab_field, directions, level, code in rows:
        hosts = {host_id} if host_id else set()
        for part in (host_name or "").replace("，", "、").replace(",", "、").replace(";", "、").split("、"):
            if part.strip() in hosts_of:
                hosts.add(hosts_of[part.strip()])
        hosts = {h for h in hosts if wanted is None or h in wanted}
        if not hosts:
            continue
        disciplines = _platform_disciplines(router, codes, name, directions, lab_field, code)
        strength = KEY_LAB_STRENGTH if "国家" in (name + (level or "")) else LEDGER_STRENGTH * 1.5
        for h in hosts:
            for discipline in disciplines:
                out[h].add(discipline, strength, name)


def _platform_disciplines(router: DisciplineRouter, codes: dict[str, str], name: str, directions: str | None,
                          lab_field: str | None, code: str | None) -> list[str]:
    """The disciplines a platform is evidence of: the one recorded for it, else the curated ones of a state key
    lab, else the one its name and directions (then its field) clearly point to — none when nothing does."""
    if code and code in codes:
        return [codes[code]]
    if name in key_lab_disciplines():
        return key_lab_disciplines()[name]
    discipline = _routed(router, "；".join(x for x in (name, directions) if x))
    if discipline is None and lab_field:
        discipline = _routed(router, lab_field)
    return [discipline] if discipline else []


def ledger_evidence(session: Session, router: DisciplineRouter, out: dict[int, Strengths], codes: dict[str, str],
                    wanted: Collection[int] | None) -> None:
    """Experts, achievements and past agreements and projects (校地合作记录) the ledger holds."""
    seen: dict[tuple[int, str], int] = defaultdict(int)

    def add(org: int | None, discipline: str | None, strength: float, basis: str, kind: str) -> None:
        if org is None or discipline is None or (wanted is not None and org not in wanted):
            return
        if seen[(org, kind)] < MAX_LEDGER_ITEMS:
            seen[(org, kind)] += 1
            out[org].add(discipline, strength, basis)

    for org, name, disciplines, interests in session.execute(_only(
            select(Person.organisation_id, Person.name, Person.disciplines, Person.research_interests)
            .where(Person.kind == PersonKind.EXPERT, Person.retired_at.is_(None)), Person.organisation_id, wanted)):
        named: list[str | None] = [codes.get(d, d) for d in (disciplines or []) if isinstance(d, str)]
        named = [d for d in named if d in router.names]
        for d in named or [_routed(router, str(interests or ""))]:
            add(org, d, LEDGER_STRENGTH, f"专家{name}", "expert")
    for org, title, code, keywords in session.execute(_only(
            select(Achievement.owner_id, Achievement.title, Achievement.discipline_code, Achievement.keywords)
            .where(Achievement.retired_at.is_(None)), Achievement.owner_id, wanted)):
        discipline = codes.get(code or "") or _routed(router, "；".join([title, *(keywords or [])]))
        add(org, discipline, LEDGER_STRENGTH, f"成果“{title}”", "achievement")
    for partner, name, description in session.execute(_only(
            select(Project.partner_id, Project.name, Project.description).where(Project.retired_at.is_(None)),
            Project.partner_id, wanted)):
        add(partner, _routed(router, "；".join(x for x in (name, description) if x)), COOPERATION_STRENGTH,
            f"既往项目“{name}”", "cooperation")
    for org, title in session.execute(_only(
            select(AgreementParty.organisation_id, Agreement.title)
            .join(Agreement, Agreement.id == AgreementParty.agreement_id).where(Agreement.retired_at.is_(None)),
            AgreementParty.organisation_id, wanted)):
        add(org, _routed(router, title), COOPERATION_STRENGTH, f"既往协议“{title}”", "cooperation")
    claim_and_feedback_evidence(session, router, add, wanted)


def claim_and_feedback_evidence(session: Session, router: DisciplineRouter, add: Adder, wanted: Collection[int] | None
                                ) -> None:
    """A selected 揭榜 claim and an office's 已对接 are evidence on the disciplines of the demand's title."""
    stmt = (select(Claim.claimant_org_id, Demand.title, Demand.description)
            .join(Demand, Demand.id == Claim.demand_id)
            .where(Claim.state == ClaimState.SELECTED, Claim.retired_at.is_(None)))
    for org, title, description in session.execute(_only(stmt, Claim.claimant_org_id, wanted)):
        add(org, _routed(router, f"{title}；{description or ''}"), COOPERATION_STRENGTH, f"揭榜中选“{title}”",
            "cooperation")
    latest: dict[tuple[int, int], tuple[Verdict, str, str]] = {}
    feedback = (select(MatchFeedback.demand_id, MatchFeedback.record_id, MatchFeedback.verdict, Demand.title,
                       Demand.description)
                .join(Demand, Demand.id == MatchFeedback.demand_id)
                .where(MatchFeedback.target == "university").order_by(MatchFeedback.id))
    for demand_id, org, verdict, title, description in session.execute(_only(feedback, MatchFeedback.record_id,
                                                                             wanted)):
        latest[(demand_id, org)] = (Verdict(verdict), title, description or "")
    for (_, org), (verdict, title, description) in latest.items():
        if verdict == Verdict.CONTACTED:
            add(org, _routed(router, f"{title}；{description}"), LEDGER_STRENGTH, f"已对接需求“{title}”",
                "cooperation")


def institution_strengths(session: Session, router: DisciplineRouter, hosts_of: dict[str, int],
                          wanted: Collection[int] | None = None) -> dict[int, Strengths]:
    """Every institution's evidence per discipline (``wanted``: only these organisation ids)."""
    out: dict[int, Strengths] = defaultdict(Strengths)
    reference_evidence(session, out, wanted)
    codes = _catalogue_disciplines(session)  # discipline code → name, for records that carry a code
    platform_evidence(session, router, out, codes, hosts_of, wanted)
    ledger_evidence(session, router, out, codes, wanted)
    return out
