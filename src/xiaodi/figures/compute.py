"""The programme's figures (工作数据) for a region, a unit and a period, computed from the ledger, never typed in.

The keys are the ledger metrics (``figures.metrics.Metric``), so that a figure a report states can be set beside
the figure the ledger computes. One function per figure (or per pair a single statement gives), each with the one
query strategy its database needs. What each figure counts:

* ``universities`` — distinct universities and institutes connected: a party to an agreement signed in the
  period, the partner of a project signed in the period, the partner of a base plaqued in the period, or the
  university of a 1+1+N pairing started in the period;
* ``agreements`` / ``amount_signed`` — agreements signed in the period (``signed_on``) and their signed amount;
* ``projects_signed`` — projects whose agreement was signed in the period (with no period: every project);
* ``projects_landed`` — projects that landed (落地, ``landed_on``) in the period, whatever their stage since;
* ``funds_in_place`` — money that arrived in the period (``arrived_on``), each correction counted once: a record
  another record corrects no longer counts, the correcting record does;
* ``bases`` — 共建基地: bases plaqued (挂牌, ``plaque_on``) in the period and not since withdrawn
  (``bases.figures.counted_bases``, which the 基地建设 section counts too);
* ``tech_demand`` / ``talent_demand`` / ``project_demand`` / ``demands_published`` — demands published (发榜) in
  the period, by kind; ``talent_headcount`` the people the talent demands ask for;
* ``demands_claimed`` — of those, the demands taken up (揭榜) by at least one claim that was not withdrawn.

Retired (注销) records never count. A region includes all its sub-regions. Each figure is one aggregate query
(funds in place: one statement of two sums). Why each query has the shape it has: docs/benchmarks_loop.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, DateTime, Integer, Select, and_, exists, extract, func, or_, select, true, union
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from xiaodi.bases.figures import counted_bases
from xiaodi.bases.models import BaseState, Pairing, ProgrammeBase
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.models import UTCDateTime
from xiaodi.core.settings import get_settings, local_day_bounds, local_today
from xiaodi.demands.models import Claim, ClaimState, Demand, DemandKind
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.figures.metrics import BREAKDOWN_KEYS, FIGURE_KEYS, MONEY_KEYS
from xiaodi.projects.models import Agreement, AgreementParty, FundRecord, Project

_UNIVERSITY_KINDS = (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


@dataclass(frozen=True)
class Figures:
    """The programme's figures for one scope; ``values`` maps each key of ``FIGURE_KEYS`` to a count or yuan."""

    region: str | None
    unit: str | None
    date_from: dt.date | None
    date_to: dt.date | None
    values: dict[str, int | Decimal] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "region": self.region,
            "unit": self.unit,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        for key in FIGURE_KEYS:
            value = self.values[key]
            out[key] = float(value) if isinstance(value, Decimal) else value
        return out


def _between(column: Any, date_from: dt.date | None, date_to: dt.date | None) -> ColumnElement[bool]:
    conds = []
    if date_from is not None:
        conds.append(column >= date_from)
    if date_to is not None:
        conds.append(column <= date_to)
    return and_(column.is_not(None), *conds)


def _local_bounds(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Period days are the deployment's calendar days (``core.settings.local_day_bounds``); either end may be open."""
    first, last = date_from or date_to, date_to or date_from
    if first is None or last is None:
        return None, None
    start, end = local_day_bounds(first, last)
    return (start if date_from else None), (end if date_to else None)


def _region_filter(session: Session, region_id: int) -> tuple[Callable[[Any], ColumnElement[bool]], bool]:
    """How to keep the rows of a region with its sub-regions, and whether that is every region there is.

    A region with its sub-regions is a list of ids (``region_subtree_ids``). When that list holds every region in
    the directory (the whole province), ``region_id IN (…every id…)`` keeps exactly the rows that have a region
    (region_id is a foreign key), so it becomes ``region_id IS NOT NULL``: the databases then scan without
    testing each row against a list of some 140 ids.
    """
    ids = region_subtree_ids(session, region_id)
    if len(ids) == session.scalar(select(func.count()).select_from(Region)):
        return (lambda column: column.is_not(None)), True
    return (lambda column: column.in_(ids)), False


@dataclass(frozen=True)
class _Scope:
    """What one computation counts: a region (with its sub-regions) or every one, one unit or every one, a period.

    ``broad`` (the whole ledger: every region, every unit) takes other roads through some queries (see each)."""

    in_region: Callable[[Any], ColumnElement[bool]]
    unit_id: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    broad: bool

    @property
    def period(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def agreements(self) -> ColumnElement[bool]:
        """The scope's live agreements signed in the period. A unit's agreements are found from its parties (the
        index on agreement_party.organisation_id), not by testing every agreement for a party."""
        unit_agreements = select(AgreementParty.agreement_id).where(AgreementParty.organisation_id == self.unit_id)
        return and_(Agreement.retired_at.is_(None), self.in_region(Agreement.region_id),
                    _between(Agreement.signed_on, self.date_from, self.date_to) if self.period else true(),
                    Agreement.id.in_(unit_agreements) if self.unit_id is not None else true())

    def projects(self) -> ColumnElement[bool]:
        """The scope's live projects, whatever their dates."""
        unit_id = self.unit_id
        unit_project = or_(Project.responsible_unit_id == unit_id, Project.partner_id == unit_id,
                           Project.enterprise_id == unit_id) if unit_id is not None else true()
        return and_(Project.retired_at.is_(None), self.in_region(Project.region_id), unit_project)

    def signed(self) -> ColumnElement[bool]:
        """A project's agreement signed in the period (with no period: every project)."""
        return _between(Agreement.signed_on, self.date_from, self.date_to) if self.period else true()

    def bases(self) -> ColumnElement[bool]:
        """The scope's live bases, not withdrawn, whatever their dates."""
        unit_id = self.unit_id
        unit_base = or_(ProgrammeBase.host_org_id == unit_id, ProgrammeBase.partner_org_id == unit_id,
                        ProgrammeBase.lead_unit_id == unit_id) if unit_id is not None else true()
        return and_(ProgrammeBase.retired_at.is_(None), ProgrammeBase.state != BaseState.REVOKED,
                    self.in_region(ProgrammeBase.region_id), unit_base)

    def demands(self) -> ColumnElement[bool]:
        """The scope's live demands published (发榜) in the period (Shanghai days)."""
        start, end = _local_bounds(self.date_from, self.date_to)
        unit_id = self.unit_id
        return and_(
            Demand.retired_at.is_(None), Demand.published_at.is_not(None), self.in_region(Demand.region_id),
            Demand.published_at >= start if start else true(), Demand.published_at < end if end else true(),
            or_(Demand.owner_id == unit_id, Demand.lead_unit_id == unit_id) if unit_id is not None else true(),
        )


def compute_figures(
    session: Session,
    *,
    region_id: int | None = None,
    unit_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Figures:
    """The figures for a region (with its sub-regions), optionally one unit (单位), over a period (inclusive)."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("统计起始日期不能晚于截止日期")
    region_filter, whole = _region_filter(session, region_id) if region_id is not None else (None, True)

    def in_region(column: Any) -> ColumnElement[bool]:
        return region_filter(column) if region_filter is not None else true()

    scope = _Scope(in_region, unit_id, date_from, date_to, broad=whole and unit_id is None)
    values: dict[str, int | Decimal] = {}
    values["agreements"], values["amount_signed"] = agreements_signed(session, scope)
    values["projects_signed"], values["projects_landed"] = projects_signed_and_landed(session, scope)
    values["funds_in_place"] = funds_in_place(session, scope)
    values["bases"] = bases_plaqued(session, scope)
    values.update(demands_published_and_claimed(session, scope))
    values["universities"] = universities_connected(session, scope)
    region_name = session.get(Region, region_id).full_name if region_id is not None else None  # type: ignore[union-attr]
    unit_name = session.get(Organisation, unit_id).name if unit_id is not None else None  # type: ignore[union-attr]
    return Figures(region=region_name, unit=unit_name, date_from=date_from, date_to=date_to, values=values)


def agreements_signed(session: Session, scope: _Scope) -> tuple[int, Decimal]:
    """Agreements (签约协议) signed in the period and their signed amount (签约金额)."""
    n, amount = session.execute(
        select(func.count(), func.coalesce(func.sum(Agreement.amount), 0)).where(scope.agreements())
    ).one()
    return int(n), _money(amount)


def projects_signed_and_landed(session: Session, scope: _Scope) -> tuple[int, int]:
    """Projects whose agreement was signed in the period, and projects that landed (落地) in it."""
    landed = _between(Project.landed_on, scope.date_from, scope.date_to)
    n_signed, n_landed = session.execute(
        select(func.count().filter(scope.signed()), func.count().filter(landed))
        .select_from(Project).outerjoin(Agreement, Agreement.id == Project.agreement_id).where(scope.projects())
    ).one()
    return int(n_signed), int(n_landed)


# Funds in place (到位资金): the sum over records that no later record corrects — computed as the sum over the
# scope's records less the sum over the corrected ones (a record is corrected at most once: UNIQUE (corrects_id)),
# in one statement. Records are summed from ix_fund_record_project_arrived_amount (project_id, arrived_on,
# amount), which covers the sum: no fund_record row is read. SQLite must not start from ix_fund_record_arrived_on
# instead (a year would fetch 45,000 rows from the table one by one): the unary + (a no-op) keeps the period a
# filter on the covering index.
# * A whole province: all records less those of the projects out of scope (few). The corrected records: on
#   SQLite, walked from the corrections (4,000) to the record each replaces; on PostgreSQL, tested in the same
#   pass against the hashed set of corrected ids (a lookup per correction costs ~10 µs there).
# * A smaller scope: two correlated sums per project of the scope, its records and those of its records that
#   ix_fund_record_corrects_id names. Written as joins, PostgreSQL hashes a scan of all of fund_record even for a
#   county's 1,500 records (1,500 heap fetches look dearer at the default random_page_cost).


def funds_in_place(session: Session, scope: _Scope) -> Decimal:
    """Money that arrived in the period, each correction counted once (see above for the roads)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    arrived_on: Any = FundRecord.arrived_on
    if sqlite:
        arrived_on = UnaryExpression(arrived_on, operator=custom_op("+"), type_=FundRecord.arrived_on.type)
    arrived = _between(arrived_on, scope.date_from, scope.date_to)
    if not scope.broad:
        gross_sum, replaced_sum = _funds_per_project(session, scope, arrived)
    elif sqlite:
        gross_sum, replaced_sum = _funds_whole_sqlite(session, scope, arrived)
    else:
        gross_sum, replaced_sum = _funds_whole_postgresql(session, scope, arrived)
    return _money(gross_sum) - _money(replaced_sum)


def _funds_whole_sqlite(session: Session, scope: _Scope, arrived: ColumnElement[bool]) -> tuple[Decimal, Decimal]:
    """Every record less those out of scope; the corrected records walked from the corrections."""
    project_scope = scope.projects()
    newer = aliased(FundRecord)
    # (out of scope: an IN, not a join — without ANALYZE statistics SQLite would scan the 200k records and probe
    # project for each)
    out_of_scope = FundRecord.project_id.in_(select(Project.id).where(~project_scope))
    summed = func.coalesce(func.sum(FundRecord.amount), 0)
    corrected_amount = (select(FundRecord.amount).join(Project, Project.id == FundRecord.project_id)
                        .where(FundRecord.id == newer.corrects_id, project_scope, arrived).scalar_subquery())
    replaced = (select(func.coalesce(func.sum(corrected_amount), 0)).select_from(newer)
                .where(newer.corrects_id.is_not(None)))
    all_sum, out_sum, replaced_sum = session.execute(select(
        select(summed).where(arrived).scalar_subquery(),
        select(summed).where(out_of_scope, arrived).scalar_subquery(), replaced.scalar_subquery())).one()
    return _money(all_sum) - _money(out_sum), _money(replaced_sum)


def _funds_whole_postgresql(session: Session, scope: _Scope,
                            arrived: ColumnElement[bool]) -> tuple[Decimal, Decimal]:
    """Every record less those out of scope; the corrected ones tested against the hashed corrected ids."""
    newer = aliased(FundRecord)
    out_of_scope = FundRecord.project_id.in_(select(Project.id).where(~scope.projects()))
    summed = func.coalesce(func.sum(FundRecord.amount), 0)
    corrected = FundRecord.id.in_(select(newer.corrects_id).where(newer.corrects_id.is_not(None)))
    all_sum, all_replaced, out_sum, out_replaced = session.execute(
        select(summed, func.coalesce(func.sum(FundRecord.amount).filter(corrected), 0),
               func.coalesce(func.sum(FundRecord.amount).filter(out_of_scope), 0),
               func.coalesce(func.sum(FundRecord.amount).filter(out_of_scope, corrected), 0))
        .where(arrived)).one()
    return _money(all_sum) - _money(out_sum), _money(all_replaced) - _money(out_replaced)


def _funds_per_project(session: Session, scope: _Scope, arrived: ColumnElement[bool]) -> tuple[Decimal, Decimal]:
    """Two correlated sums per project of a smaller scope: its records, and those a later record corrects."""
    newer = aliased(FundRecord)
    of_project = and_(FundRecord.project_id == Project.id, arrived)
    project_gross = select(func.sum(FundRecord.amount)).where(of_project).scalar_subquery()
    project_replaced = (select(func.sum(FundRecord.amount))
                        .where(of_project, exists().where(newer.corrects_id == FundRecord.id)).scalar_subquery())
    gross_sum, replaced_sum = session.execute(
        select(func.coalesce(func.sum(project_gross), 0), func.coalesce(func.sum(project_replaced), 0))
        .select_from(Project).where(scope.projects())).one()
    return _money(gross_sum), _money(replaced_sum)


def bases_plaqued(session: Session, scope: _Scope) -> int:
    """共建基地: bases plaqued (挂牌) in the period and not since withdrawn — ``bases.figures.counted_bases``, the
    definition the figures page's 基地建设 section counts too."""
    return int(session.scalar(
        select(func.count()).select_from(ProgrammeBase).where(
            scope.bases(), *counted_bases(scope.date_from, scope.date_to))
    ) or 0)


def demands_published_and_claimed(session: Session, scope: _Scope) -> dict[str, int]:
    """Demands published (发榜) in the period by kind, the people the talent demands ask for, and of those
    demands the ones taken up (揭榜) by at least one claim that was not withdrawn."""
    demand_scope = scope.demands()
    talent = Demand.kind == DemandKind.TALENT
    live_claim = and_(Claim.retired_at.is_(None), Claim.state != ClaimState.WITHDRAWN)
    by_kind: list[Any] = [func.count(), func.count().filter(Demand.kind == DemandKind.TECHNOLOGY),
                          func.count().filter(talent), func.count().filter(Demand.kind == DemandKind.PROJECT),
                          func.coalesce(func.sum(Demand.headcount).filter(talent), 0)]
    if scope.broad:
        # Taken up, over every demand: an IN in a FILTER, so that one scan of demand serves both figures
        # (PostgreSQL hashes the claimed ids once; SQLite builds them into a list once).
        claimed = Demand.id.in_(select(Claim.demand_id).where(live_claim))
        counts: Any = session.execute(select(*by_kind, func.count().filter(claimed)).where(demand_scope)).one()
        total, tech, talents, project, headcount, n_claimed = counts
    else:
        # A smaller scope: from its demands (by region) to their claims (ix_claim_demand_state), rather than
        # reading every claim to build the list above.
        counts = session.execute(select(*by_kind).where(demand_scope)).one()
        total, tech, talents, project, headcount = counts
        n_claimed = session.scalar(
            select(func.count(func.distinct(Claim.demand_id))).join(Demand, Demand.id == Claim.demand_id)
            .where(demand_scope, live_claim))
    return dict(demands_published=int(total), tech_demand=int(tech), talent_demand=int(talents),
                project_demand=int(project), talent_headcount=int(headcount or 0),
                demands_claimed=int(n_claimed or 0))


def universities_connected(session: Session, scope: _Scope) -> int:
    """Distinct universities and institutes the scope's agreements, projects, bases and pairings connect.

    Over a whole province, most universities are connected many times over: asking, for each university, whether
    one source names it stops at the first hit. Over a smaller scope the union of the scope's sources is smaller
    than that."""
    sources = _university_sources(scope.agreements(), scope.projects(), scope.bases(), scope.in_region,
                                  scope.unit_id, scope.date_from, scope.date_to, scope.signed())
    return _universities(session, sources, scope.unit_id, broad=scope.broad)


def _university_sources(agreement_scope: ColumnElement[bool], project_scope: ColumnElement[bool],
                        base_scope: ColumnElement[bool], in_region: Any, unit_id: int | None,
                        date_from: dt.date | None, date_to: dt.date | None,
                        signed: ColumnElement[bool]) -> list[Select[Any]]:
    """The organisations that agreements, projects, bases and pairings of the scope connect, one query each."""
    return [
        select(AgreementParty.organisation_id).join(Agreement).where(agreement_scope),
        select(Project.partner_id).outerjoin(Agreement, Agreement.id == Project.agreement_id)
        .where(project_scope, signed),
        select(ProgrammeBase.partner_org_id).where(base_scope, _between(ProgrammeBase.plaque_on, date_from, date_to)),
        select(Pairing.university_id).where(
            in_region(Pairing.region_id), _between(Pairing.started_on, date_from, date_to) if date_from or date_to
            else true(), Pairing.lead_unit_id == unit_id if unit_id is not None else true()),
    ]


def _universities(session: Session, sources: list[Select[Any]], unit_id: int | None, *, broad: bool) -> int:
    """Distinct universities/institutes connected through agreements, projects, bases and pairings.

    ``broad`` (a whole province, every unit): count the universities for which some source has a row — one
    short index walk per university (agreement_party.organisation_id, project.partner_id, …) that stops at the
    first hit, instead of the union of some 60,000 source rows. Otherwise the union of the sources is small.
    """
    is_university = Organisation.kind.in_(_UNIVERSITY_KINDS)
    not_unit = Organisation.id != unit_id if unit_id is not None else true()
    if broad:
        # (SELECT org … LIMIT 1) IS NOT NULL rather than EXISTS: PostgreSQL would hash each EXISTS's whole set
        # (40,000 parties) instead; the first row's org is the university itself, never NULL.
        connected = or_(*(src.where(src.selected_columns[0] == Organisation.id).limit(1).scalar_subquery()
                          .is_not(None) for src in sources))
        stmt = select(func.count()).select_from(Organisation).where(is_university, not_unit, connected)
    else:
        connections = union(*sources).subquery()
        stmt = (select(func.count(func.distinct(Organisation.id))).select_from(connections)
                .join(Organisation, Organisation.id == connections.c[0]).where(is_university, not_unit))
    return int(session.scalar(stmt) or 0)


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


# ── breakdowns (分地区、分年度) ──────────────────────────────────────────────────────────────────────────────
# The four figures the reports lead with, grouped in one statement each: per sub-region for a region's table, per
# year for its trend. Same definitions as ``compute_figures`` (a region's row equals that region's figures).


@dataclass(frozen=True)
class BreakdownRow:
    """One line of a breakdown: a sub-region (or a year) and its figures."""

    key: str  # the region's code, or the year
    label: str  # 运城市, or 2024年
    values: dict[str, int | Decimal]


def _zeros() -> dict[str, int | Decimal]:
    return {k: (Decimal("0.00") if k in MONEY_KEYS else 0) for k in BREAKDOWN_KEYS}


def subregions(session: Session, region_id: int | None) -> list[Region]:
    """The regions one level below ``region_id`` (the provinces for the whole country), by code."""
    parent = Region.parent_id == region_id if region_id is not None else Region.parent_id.is_(None)
    return list(session.scalars(select(Region).where(parent).order_by(Region.code)))


def _roots(session: Session, roots: list[Region]) -> dict[int, int]:
    """Every region under the given ones → the given region it lies in (one recursive query)."""
    if not roots:
        return {}
    tree = select(Region.id.label("id"), Region.id.label("root")).where(
        Region.id.in_([r.id for r in roots])).cte("under", recursive=True)
    child = aliased(Region)
    tree = tree.union_all(select(child.id, tree.c.root).join(tree, child.parent_id == tree.c.id))
    return {cast(int, i): cast(int, root) for i, root in session.execute(select(tree.c.id, tree.c.root))}


def _grouped(session: Session, key: Any, *, in_scope: Callable[[Any], ColumnElement[bool]], unit_id: int | None,
             date_from: dt.date | None, date_to: dt.date | None) -> dict[Any, dict[str, int | Decimal]]:
    """The breakdown figures grouped by ``key(region column, date column)``: the region, or the date's year
    (``key(None, date)`` is None when grouping by region). ``in_scope(region column)`` keeps the scope's rows."""
    out: dict[Any, dict[str, int | Decimal]] = {}

    def put(rows: Any, *names: str) -> None:
        for group, *values in rows:
            slot = out.setdefault(group, _zeros())
            for name, value in zip(names, values, strict=True):
                slot[name] = _money(value) if name in MONEY_KEYS else int(value or 0)

    unit_agreements = select(AgreementParty.agreement_id).where(AgreementParty.organisation_id == unit_id)
    where = [Agreement.retired_at.is_(None), in_scope(Agreement.region_id),
             _between(Agreement.signed_on, date_from, date_to)]
    if unit_id is not None:
        where.append(Agreement.id.in_(unit_agreements))
    group = key(Agreement.region_id, Agreement.signed_on)
    put(session.execute(select(group, func.count(), func.sum(Agreement.amount)).where(*where).group_by(group)),
        "agreements", "amount_signed")

    unit_project = or_(Project.responsible_unit_id == unit_id, Project.partner_id == unit_id,
                       Project.enterprise_id == unit_id) if unit_id is not None else true()
    project_scope = and_(Project.retired_at.is_(None), in_scope(Project.region_id), unit_project)
    group = key(Project.region_id, Project.landed_on)
    put(session.execute(select(group, func.count()).where(project_scope, _between(Project.landed_on, date_from,
                                                                                   date_to)).group_by(group)),
        "projects_landed")

    # Funds in place: summed per project (and year) from the covering index (project_id, arrived_on, amount),
    # less the records a later record corrects (a few thousand, reached from ix_fund_record_corrects_id), then
    # grouped through the projects — rather than joining 200,000 records to their projects and testing each one
    # for a correction (0.6 s for a province's trend).
    arrived_on: Any = FundRecord.arrived_on
    if session.get_bind().dialect.name == "sqlite":  # a filter on the covering index, not a walk of another one
        arrived_on = UnaryExpression(arrived_on, operator=custom_op("+"), type_=FundRecord.arrived_on.type)
    arrived = _between(arrived_on, date_from, date_to)
    corrected_ids = select(FundRecord.corrects_id).where(FundRecord.corrects_id.is_not(None))
    year = key(None, FundRecord.arrived_on)
    by_year = year is not None
    net: dict[Any, Decimal] = {}
    for sign, only in ((1, true()), (-1, FundRecord.id.in_(corrected_ids))):
        cols: list[Any] = [FundRecord.project_id.label("project_id"), func.sum(FundRecord.amount).label("amount")]
        if by_year:
            cols.append(year.label("year"))
        per_project = (select(*cols).where(arrived, only)
                       .group_by(FundRecord.project_id, *([year] if by_year else [])).subquery())
        group = per_project.c.year if by_year else Project.region_id
        for g, amount in session.execute(
                select(group, func.sum(per_project.c.amount)).join(Project, Project.id == per_project.c.project_id)
                .where(project_scope).group_by(group)):
            net[g] = net.get(g, Decimal("0")) + sign * _money(amount)
    put(net.items(), "funds_in_place")

    start, end = _local_bounds(date_from, date_to)
    demand_where = [Demand.retired_at.is_(None), Demand.published_at.is_not(None), in_scope(Demand.region_id),
                    Demand.published_at >= start if start else true(), Demand.published_at < end if end else true()]
    if unit_id is not None:
        demand_where.append(or_(Demand.owner_id == unit_id, Demand.lead_unit_id == unit_id))
    group = key(Demand.region_id, Demand.published_at)
    put(session.execute(select(group, func.count()).where(*demand_where).group_by(group)), "demands_published")
    return out


def figures_by_subregion(session: Session, *, region_id: int | None, date_from: dt.date | None = None,
                         date_to: dt.date | None = None) -> list[BreakdownRow]:
    """The breakdown figures of each region one level below ``region_id`` (分地区), each with its sub-regions."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("统计起始日期不能晚于截止日期")
    children = subregions(session, region_id)
    root_of = _roots(session, children)
    grouped = _grouped(session, lambda region, _date: region, in_scope=_scope_filter(session, region_id),
                       unit_id=None, date_from=date_from, date_to=date_to)
    totals = {c.id: _zeros() for c in children}
    for region, values in grouped.items():
        root = root_of.get(region)
        if root is None:
            continue
        for k, v in values.items():
            totals[root][k] += v
    return [BreakdownRow(c.code, c.name, totals[c.id]) for c in children]


def figures_by_year(session: Session, *, region_id: int | None, unit_id: int | None, first_year: int,
                    last_year: int) -> list[BreakdownRow]:
    """The breakdown figures of each calendar year from ``first_year`` to ``last_year`` (分年度, the trend)."""
    if first_year > last_year:
        raise ValidationFailed("统计起始年度不能晚于截止年度")
    date_from, date_to = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    grouped = _grouped(session, lambda _region, date: _year_of(session, date),
                       in_scope=_scope_filter(session, region_id), unit_id=unit_id, date_from=date_from,
                       date_to=date_to)
    return [BreakdownRow(str(y), f"{y}年", grouped.get(y) or _zeros()) for y in range(first_year, last_year + 1)]


def _scope_filter(session: Session, region_id: int | None) -> Callable[[Any], ColumnElement[bool]]:
    """A region with its sub-regions, as ``compute_figures`` keeps it; no region: every row."""
    return _region_filter(session, region_id)[0] if region_id is not None else (lambda _column: true())


def _year_of(session: Session, column: Any) -> Any:
    """The calendar year of a date, or of a UTC timestamp in the deployment's time zone (published_at)."""
    if isinstance(column.type, UTCDateTime | DateTime):
        settings = get_settings()
        if session.get_bind().dialect.name == "sqlite":
            # Stored as "YYYY-MM-DD HH:MM:SS…" in UTC: in 北京时间 (UTC+8) it is the next year from 12-31 16:00 UTC on.
            # Compared as text, which costs a tenth of strftime's parsing over 100,000 rows.
            year = func.cast(func.substr(column, 1, 4), Integer)
            new_year = dt.datetime(local_today().year, 1, 1, tzinfo=settings.zone).astimezone(dt.UTC)
            turn = new_year.strftime("%m-%d %H:%M")
            if turn.startswith("12-31"):  # east of Greenwich: the last hours of the UTC year are the next local year
                return year + func.cast(func.substr(column, 6, 11) >= turn, Integer)
            return year - func.cast(func.substr(column, 6, 11) < turn, Integer)  # west: "01-01 05:00" …; UTC: 0
        return func.cast(func.extract("year", func.timezone(settings.timezone, column)), Integer)
    if session.get_bind().dialect.name == "sqlite":  # dates are stored as YYYY-MM-DD: no need to parse them
        return func.cast(func.substr(column, 1, 4), Integer)
    return func.cast(extract("year", column), Integer)


__all__ = ["BreakdownRow", "Figures", "agreements_signed", "bases_plaqued", "compute_figures",
           "demands_published_and_claimed", "figures_by_subregion", "figures_by_year", "funds_in_place",
           "projects_signed_and_landed", "subregions", "universities_connected"]
