"""Code lists: industries (国民经济行业分类 GB/T 4754-2017) and disciplines (学科目录 2022, 基金委申请代码)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import Discipline
from xiaodi.directory.models import Industry
from xiaodi.reference.bulk import Row, Written, upsert
from xiaodi.reference.regions import read_csv

INDUSTRY_LEVELS = {"1": "门类", "2": "大类", "3": "中类", "4": "小类"}
NSFC_LEVELS = {"1": "一级学科", "2": "二级学科", "3": "三级学科"}
MOE_LEVELS = {"academic": "一级学科", "professional": "专业学位类别"}


def industry_rows(data_dir: Path) -> list[Row]:
    """门类/大类/中类/小类 rows with their parent codes.

    The source lists a 中类 that holds a single 小类 only through that 小类 (0190 其他农业 under 019): the
    standard gives such a 中类 the same name as its only 小类, so the missing 中类 row is added with that name.
    """
    source = list(read_csv(data_dir / "gbt4754-2017" / "gbt4754_2017.csv"))
    rows: dict[str, Row] = {}
    parents = {"1": None, "2": "section", "3": "division", "4": "group"}
    for r in source:
        parent_field = parents[r["level"]]
        rows[r["code"]] = {
            "code": r["code"],
            "name": r["name"],
            "level": INDUSTRY_LEVELS[r["level"]],
            "parent_code": r[parent_field] if parent_field else None,
        }
    for r in source:
        if r["level"] == "4" and r["group"] not in rows:
            rows[r["group"]] = {"code": r["group"], "name": r["name"], "level": "中类", "parent_code": r["division"]}
    return sorted(rows.values(), key=lambda row: (len(row["code"]), row["code"]))


def load_industries(session: Session, data_dir: Path) -> Written:
    return upsert(
        session, Industry, industry_rows(data_dir), keys=[("code",)], update_cols=("name", "level", "parent_code")
    )


def discipline_rows(data_dir: Path) -> list[Row]:
    """The 2022 graduate catalogue (门类 + 一级学科 + 专业学位类别) and the NSFC application codes."""
    rows: list[Row] = []
    seen: set[str] = set()
    for r in read_csv(data_dir / "discipline-catalog-2022" / "grad_discipline_catalog_2022.csv"):
        if r["category_code"] not in seen:
            seen.add(r["category_code"])
            rows.append(
                {
                    "scheme": "moe2022",
                    "code": r["category_code"],
                    "name": r["category_name"],
                    "level": "门类",
                    "parent_code": None,
                }
            )
        rows.append(
            {
                "scheme": "moe2022",
                "code": r["code"],
                "name": r["name"],
                "level": MOE_LEVELS[r["type"]],
                "parent_code": r["category_code"],
            }
        )
    for r in read_csv(data_dir / "nsfc-discipline-codes" / "nsfc_codes.csv"):
        rows.append(
            {
                "scheme": "nsfc",
                "code": r["code"],
                "name": r["name"],
                "level": NSFC_LEVELS[r["level"]],
                "parent_code": r["parent"] or None,
            }
        )
    return rows


def load_disciplines(session: Session, data_dir: Path) -> Written:
    return upsert(
        session,
        Discipline,
        discipline_rows(data_dir),
        keys=[("scheme", "code")],
        update_cols=("name", "level", "parent_code"),
    )


def discipline_ids(session: Session, names: list[str] | None = None) -> dict[str, int]:
    """一级学科 ids of the 2022 catalogue by name (临床医学 is also a 专业学位类别 (1051): the 一级学科 wins)."""
    stmt = select(Discipline.name, Discipline.id, Discipline.level).where(Discipline.scheme == "moe2022")
    if names is not None:
        stmt = stmt.where(Discipline.name.in_(names))
    out: dict[str, int] = {}
    for name, id_, _level in sorted(session.execute(stmt), key=lambda r: r[2] != "一级学科"):
        out.setdefault(name, id_)
    return out
