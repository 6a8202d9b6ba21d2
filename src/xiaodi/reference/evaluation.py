"""The 4th-round discipline evaluation (第四轮学科评估, 2017): grades A+ … C- of 463 schools in 95 disciplines.

A grade is the strongest public fact of what a university is good at: it places the school's discipline among all
the units that took part (A+ the top 2 %, C- the 60–70 % band). Rows join the directory by the national school
code (the last five digits of the MOE identifier) and, for schools renamed since 2017 or not on the MOE list
(军队院校), by name through the directory's names and aliases. Loaded as ``organisation_discipline`` rows of
relation ``evaluation`` with the grade; a reload updates grades and deletes rows the file no longer states.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from xiaodi.catalog.models import EVALUATION, OrganisationDiscipline
from xiaodi.directory.models import Organisation, OrgKind
from xiaodi.reference.bulk import Row, Written, upsert
from xiaodi.reference.catalogues import discipline_ids
from xiaodi.reference.curated import RENAMED
from xiaodi.reference.organisations import OrganisationNames
from xiaodi.reference.regions import read_csv

FOLDER = "discipline-evaluation-2017"
FILE = "discipline_evaluation_4th.csv"
SOURCE = "第四轮学科评估（2017）"
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-")


def _school_ids(session: Session) -> dict[str, int]:
    """Universities by the 5-digit national school code (the tail of the MOE 10-digit 学校标识码)."""
    rows = session.execute(select(Organisation.code, Organisation.id).where(
        Organisation.kind == OrgKind.UNIVERSITY, Organisation.code.is_not(None),
        Organisation.merged_into_id.is_(None)))
    return {code[-5:]: org_id for code, org_id in rows if code and len(code) == 10 and code.isdigit()}


def evaluation_rows(session: Session, data_dir: Path) -> tuple[list[Row], list[str]]:
    """The rows to store, and the schools that resolve to no organisation."""
    by_code = _school_ids(session)
    names = OrganisationNames(session)
    disciplines = discipline_ids(session)
    rows: dict[tuple[int, str], Row] = {}
    missing: set[str] = set()
    for r in read_csv(data_dir / FOLDER / FILE):
        if r["grade"] not in GRADES:
            continue
        org_id = (names.get(r["name_2025"]) if r["name_2025"] else None) or by_code.get(r["school_code"]) \
            or names.get(r["school_name"])
        if org_id is None:
            missing.add(r["school_name"])
            continue
        key = (org_id, r["discipline_name"])
        rows.setdefault(key, {
            "organisation_id": org_id, "discipline_name": r["discipline_name"],
            "discipline_id": disciplines.get(r["discipline_name"]), "relation": EVALUATION,
            "grade": r["grade"], "source": SOURCE,
        })
    return list(rows.values()), sorted(missing)


def renamed_schools(data_dir: Path) -> list[tuple[str, str, str]]:
    """(name in 2017, name today, 曾用名) for each school renamed since the evaluation — the same national school
    code under a new name on the MOE 2025 list (四川理工学院 → 四川轻化工大学), so reports and tables that use the
    old name still find the school. A 2017 name the file gives to two schools of today names neither."""
    owners: dict[str, set[str]] = {}
    for r in read_csv(data_dir / FOLDER / FILE):
        if r["name_2025"] and r["name_2025"] != r["school_name"]:
            owners.setdefault(r["school_name"], set()).add(r["name_2025"])
    return [(old, new.pop(), RENAMED) for old, new in owners.items() if len(new) == 1]


def load_discipline_evaluation(session: Session, data_dir: Path) -> tuple[Written, list[str]]:
    """Upsert every grade; delete evaluation rows the file no longer states (the loader owns them)."""
    rows, missing = evaluation_rows(session, data_dir)
    written = upsert(session, OrganisationDiscipline, rows, keys=[("organisation_id", "discipline_name", "relation")],
                     update_cols=("discipline_id", "grade", "source"))
    wanted = {(r["organisation_id"], r["discipline_name"]) for r in rows}
    stored = session.execute(select(OrganisationDiscipline.organisation_id, OrganisationDiscipline.discipline_name)
                             .where(OrganisationDiscipline.relation == EVALUATION)).all()
    stale = [tuple(s) for s in stored if tuple(s) not in wanted]
    if stale:
        session.execute(delete(OrganisationDiscipline).where(
            OrganisationDiscipline.relation == EVALUATION,
            tuple_(OrganisationDiscipline.organisation_id, OrganisationDiscipline.discipline_name).in_(stale)))
    return written, missing
