"""Talent and internship figures (人才、实习实训统计): talents brought in, card holders, students placed and their
days — in total, by region and by base. The figures page shows them beside the ledger's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from xiaodi.bases.models import ProgrammeBase
from xiaodi.core.settings import local_today
from xiaodi.directory.models import Region
from xiaodi.events.models import Internship, InternshipState
from xiaodi.talent.models import CardState, Talent, TalentCard


@dataclass(frozen=True)
class TalentFigures:
    talents: int  # 引进人才
    flexible: int  # of which 柔性引进
    card_holders: int  # 持卡人才 (valid cards)
    interns: int  # 实习实训学生
    intern_days: int  # 实习天数


@dataclass(frozen=True)
class InternshipRow:
    label: str
    students: int
    days: int


def _in(column: object, regions: Sequence[int] | None) -> ColumnElement[bool]:
    return column.in_(list(regions)) if regions is not None else true()  # type: ignore[attr-defined]


def _placed(date_from: dt.date | None, date_to: dt.date | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [Internship.state != InternshipState.CANCELLED]
    if date_from is not None:
        conds.append(Internship.starts_on >= date_from)
    if date_to is not None:
        conds.append(Internship.starts_on <= date_to)
    return conds


def talent_figures(session: Session, *, regions: Sequence[int] | None = None, date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> TalentFigures:
    """The figures of a scope (a region subtree, or everything when ``regions`` is None) and period."""
    period = [Talent.retired_at.is_(None), _in(Talent.region_id, regions)]
    if date_from is not None:
        period.append(Talent.introduced_on >= date_from)
    if date_to is not None:
        period.append(Talent.introduced_on <= date_to)
    talents, flexible = session.execute(select(
        func.count(), func.count().filter(Talent.mode == "flexible")).where(*period)).one()
    on = date_to or local_today()
    holders = session.scalar(select(func.count(func.distinct(TalentCard.person_id))).where(
        TalentCard.retired_at.is_(None), TalentCard.state == CardState.ACTIVE, _in(TalentCard.region_id, regions),
        (TalentCard.expires_on.is_(None)) | (TalentCard.expires_on >= on)))
    interns, days = session.execute(select(func.count(), func.coalesce(func.sum(Internship.days), 0)).where(
        _in(Internship.region_id, regions), *_placed(date_from, date_to))).one()
    return TalentFigures(talents=int(talents), flexible=int(flexible), card_holders=int(holders or 0),
                         interns=int(interns), intern_days=int(days or 0))


def internships_by_region(session: Session, *, regions: Sequence[int] | None = None,
                          date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[InternshipRow]:
    """Students placed and their days per region (分地区), most students first."""
    rows = session.execute(
        select(Region.full_name, func.count(), func.coalesce(func.sum(Internship.days), 0))
        .join(Region, Region.id == Internship.region_id)
        .where(_in(Internship.region_id, regions), *_placed(date_from, date_to))
        .group_by(Region.full_name).order_by(func.count().desc(), Region.full_name)).all()
    return [InternshipRow(name, int(n), int(d or 0)) for name, n, d in rows]


def internships_by_base(session: Session, *, regions: Sequence[int] | None = None,
                        date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[InternshipRow]:
    """Students placed and their days per base (分基地); placements outside a base are 基地外."""
    rows = session.execute(
        select(ProgrammeBase.name, func.count(), func.coalesce(func.sum(Internship.days), 0))
        .outerjoin(ProgrammeBase, ProgrammeBase.id == Internship.base_id)
        .where(_in(Internship.region_id, regions), *_placed(date_from, date_to))
        .group_by(ProgrammeBase.name).order_by(func.count().desc(), ProgrammeBase.name)).all()
    return [InternshipRow(name or "基地外", int(n), int(d or 0)) for name, n, d in rows]


@dataclass(frozen=True)
class TalentSection:
    """The figures page's 人才与实习实训 section for one scope and period."""

    total: TalentFigures
    by_region: list[InternshipRow]
    by_base: list[InternshipRow]


def section(session: Session, *, region_id: int | None, unit_id: int | None, counts: bool,
            date_from: dt.date | None, date_to: dt.date | None) -> TalentSection | None:
    """The section for the figures page's scope: a region with its sub-regions, or the whole ledger; a unit's own
    figures (本单位) and viewers with nothing to count get none."""
    if unit_id is not None or not counts:
        return None
    from xiaodi.directory.regions import region_subtree_ids

    regions = region_subtree_ids(session, region_id) if region_id is not None else None
    return TalentSection(
        total=talent_figures(session, regions=regions, date_from=date_from, date_to=date_to),
        by_region=internships_by_region(session, regions=regions, date_from=date_from, date_to=date_to),
        by_base=internships_by_base(session, regions=regions, date_from=date_from, date_to=date_to))
