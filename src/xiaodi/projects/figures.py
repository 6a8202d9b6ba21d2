"""The programme's figures (工作数据) for a region, a unit and a period, computed from the ledger, never typed in.

The keys are the ledger metrics of report ingestion (``ingest.models.Metric``), so that a figure a report states
can be set beside the figure the ledger computes. What each figure counts:

* ``universities`` — distinct universities and institutes connected: a party to an agreement signed in the
  period, the partner of a project signed in the period, the partner of a base plaqued in the period, or the
  university of a 1+1+N pairing started in the period;
* ``agreements`` / ``amount_signed`` — agreements signed in the period (``signed_on``) and their signed amount;
* ``projects_signed`` — projects whose agreement was signed in the period (with no period: every project);
* ``projects_landed`` — projects that landed (落地, ``landed_on``) in the period, whatever their stage since;
* ``funds_in_place`` — money that arrived in the period (``arrived_on``), each correction counted once: a record
  another record corrects no longer counts, the correcting record does;
* ``bases`` — bases plaqued (挂牌, ``plaque_on``) in the period and not since withdrawn;
* ``tech_demand`` / ``talent_demand`` / ``project_demand`` / ``demands_published`` — demands published (发榜) in
  the period, by kind; ``talent_headcount`` the people the talent demands ask for;
* ``demands_claimed`` — of those, the demands taken up (揭榜) by at least one claim that was not withdrawn.

Retired (注销) records never count. A region includes all its sub-regions. Each figure is one aggregate query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, true, union
from sqlalchemy.orm import Session, aliased

from xiaodi.bases.models import BaseState, Pairing, ProgrammeBase
from xiaodi.core.errors import ValidationFailed
from xiaodi.demands.models import Claim, ClaimState, Demand, DemandKind
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.ingest.models import METRIC_LABELS, Metric
from xiaodi.projects.models import Agreement, AgreementParty, FundRecord, Project

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MONEY_KEYS = frozenset({"amount_signed", "funds_in_place"})
FIGURE_KEYS: tuple[str, ...] = (
    "universities", "agreements", "amount_signed", "projects_signed", "projects_landed", "funds_in_place", "bases",
    "tech_demand", "talent_demand", "project_demand", "talent_headcount", "demands_published", "demands_claimed",
)  # fmt: skip
FIGURE_LABELS: dict[str, str] = {m.value: label for m, label in METRIC_LABELS.items()} | {
    "talent_headcount": "人才需求人数", "demands_published": "发榜需求", "demands_claimed": "已揭榜需求",
}  # fmt: skip
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


def region_subtree_ids(session: Session, region_id: int) -> list[int]:
    """The region and all its descendants, in one recursive query (a city's figures include its counties)."""
    tree = select(Region.id).where(Region.id == region_id).cte("subtree", recursive=True)
    child = aliased(Region)
    tree = tree.union_all(select(child.id).join(tree, child.parent_id == tree.c.id))
    return list(session.scalars(select(tree.c.id)))


def _between(column: Any, date_from: dt.date | None, date_to: dt.date | None) -> ColumnElement[bool]:
    conds = []
    if date_from is not None:
        conds.append(column >= date_from)
    if date_to is not None:
        conds.append(column <= date_to)
    return and_(column.is_not(None), *conds)


def _local_bounds(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Period days are Shanghai calendar days; timestamps are stored in UTC."""
    start = dt.datetime.combine(date_from, dt.time(), LOCAL_TZ).astimezone(dt.UTC) if date_from else None
    end = (dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), LOCAL_TZ).astimezone(dt.UTC)
           if date_to else None)
    return start, end


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
    regions: Sequence[int] | None = region_subtree_ids(session, region_id) if region_id is not None else None

    def in_region(column: Any) -> ColumnElement[bool]:
        return column.in_(regions) if regions is not None else true()

    values: dict[str, int | Decimal] = {}
    period = date_from is not None or date_to is not None

    # Agreements (签约) and signed amount.
    unit_party = aliased(AgreementParty)  # an alias: the universities query also reads AgreementParty itself
    party = exists().where(unit_party.agreement_id == Agreement.id, unit_party.organisation_id == unit_id)
    agreement_scope = and_(Agreement.retired_at.is_(None), in_region(Agreement.region_id),
                           _between(Agreement.signed_on, date_from, date_to) if period else true(),
                           party if unit_id is not None else true())
    n, amount = session.execute(
        select(func.count(), func.coalesce(func.sum(Agreement.amount), 0)).where(agreement_scope)
    ).one()
    values["agreements"], values["amount_signed"] = int(n), _money(amount)

    # Projects signed and landed (落地).
    unit_project = or_(Project.responsible_unit_id == unit_id, Project.partner_id == unit_id,
                       Project.enterprise_id == unit_id) if unit_id is not None else true()
    project_scope = and_(Project.retired_at.is_(None), in_region(Project.region_id), unit_project)
    signed = _between(Agreement.signed_on, date_from, date_to) if period else true()
    landed = _between(Project.landed_on, date_from, date_to)
    n_signed, n_landed = session.execute(
        select(func.coalesce(func.sum(case((signed, 1), else_=0)), 0),
               func.coalesce(func.sum(case((landed, 1), else_=0)), 0))
        .select_from(Project).outerjoin(Agreement, Agreement.id == Project.agreement_id).where(project_scope)
    ).one()
    values["projects_signed"], values["projects_landed"] = int(n_signed), int(n_landed)

    # Funds in place (到位资金): the sum over records that no later record corrects — computed as the sum over
    # all records less the sum over corrected ones, because corrections are few: the second query walks the
    # corrects_id index from the corrections, instead of probing it once for each of the 200k records.
    # Both are written as IN (subquery) so that SQLite scans fund_record once against a set of project ids
    # (a join would probe it record by record) and PostgreSQL hashes the set.
    fund_scope = and_(FundRecord.project_id.in_(select(Project.id).where(project_scope)),
                      _between(FundRecord.arrived_on, date_from, date_to))
    gross = session.scalar(select(func.coalesce(func.sum(FundRecord.amount), 0)).where(fund_scope))
    newer = aliased(FundRecord)
    corrected_ids = select(newer.corrects_id).where(newer.corrects_id.is_not(None))
    replaced = session.scalar(select(func.coalesce(func.sum(FundRecord.amount), 0))
                              .where(FundRecord.id.in_(corrected_ids), fund_scope))
    values["funds_in_place"] = _money(gross) - _money(replaced)

    # Bases plaqued (挂牌).
    unit_base = or_(ProgrammeBase.host_org_id == unit_id, ProgrammeBase.partner_org_id == unit_id,
                    ProgrammeBase.lead_unit_id == unit_id) if unit_id is not None else true()
    base_scope = and_(ProgrammeBase.retired_at.is_(None), ProgrammeBase.state != BaseState.RETIRED,
                      in_region(ProgrammeBase.region_id), unit_base)
    values["bases"] = int(session.scalar(
        select(func.count()).select_from(ProgrammeBase).where(base_scope,
                                                              _between(ProgrammeBase.plaque_on, date_from, date_to))
    ) or 0)

    # Demands published (发榜) and taken up (揭榜).
    start, end = _local_bounds(date_from, date_to)
    demand_scope = and_(
        Demand.retired_at.is_(None), Demand.published_at.is_not(None), in_region(Demand.region_id),
        Demand.published_at >= start if start else true(), Demand.published_at < end if end else true(),
        or_(Demand.owner_id == unit_id, Demand.lead_unit_id == unit_id) if unit_id is not None else true(),
    )

    def of_kind(kind: DemandKind, what: Any = 1) -> Any:
        return func.coalesce(func.sum(case((Demand.kind == kind, what), else_=0)), 0)

    total, tech, talent, project, headcount = session.execute(
        select(func.count(), of_kind(DemandKind.TECHNOLOGY), of_kind(DemandKind.TALENT),
               of_kind(DemandKind.PROJECT), of_kind(DemandKind.TALENT, func.coalesce(Demand.headcount, 0)))
        .where(demand_scope)
    ).one()
    values.update(demands_published=int(total), tech_demand=int(tech), talent_demand=int(talent),
                  project_demand=int(project), talent_headcount=int(headcount))
    values["demands_claimed"] = int(session.scalar(
        select(func.count(func.distinct(Claim.demand_id))).join(Demand, Demand.id == Claim.demand_id)
        .where(demand_scope, Claim.retired_at.is_(None), Claim.state != ClaimState.WITHDRAWN)
    ) or 0)

    values["universities"] = _universities(session, agreement_scope, project_scope, base_scope, in_region,
                                           unit_id, date_from, date_to, signed)
    region_name = session.get(Region, region_id).full_name if region_id is not None else None  # type: ignore[union-attr]
    unit_name = session.get(Organisation, unit_id).name if unit_id is not None else None  # type: ignore[union-attr]
    return Figures(region=region_name, unit=unit_name, date_from=date_from, date_to=date_to, values=values)


def _universities(session: Session, agreement_scope: ColumnElement[bool], project_scope: ColumnElement[bool],
                  base_scope: ColumnElement[bool], in_region: Any, unit_id: int | None,
                  date_from: dt.date | None, date_to: dt.date | None, signed: ColumnElement[bool]) -> int:
    """Distinct universities/institutes connected through agreements, projects, bases and pairings."""
    sources = union(
        select(AgreementParty.organisation_id.label("org_id")).join(Agreement).where(agreement_scope),
        select(Project.partner_id).outerjoin(Agreement, Agreement.id == Project.agreement_id)
        .where(project_scope, signed),
        select(ProgrammeBase.partner_org_id).where(base_scope, _between(ProgrammeBase.plaque_on, date_from, date_to)),
        select(Pairing.university_id).where(
            in_region(Pairing.region_id), _between(Pairing.started_on, date_from, date_to) if date_from or date_to
            else true(), Pairing.lead_unit_id == unit_id if unit_id is not None else true()),
    ).subquery()
    stmt = (select(func.count(func.distinct(Organisation.id))).select_from(sources)
            .join(Organisation, Organisation.id == sources.c.org_id)
            .where(Organisation.kind.in_(_UNIVERSITY_KINDS),
                   Organisation.id != unit_id if unit_id is not None else true()))
    return int(session.scalar(stmt) or 0)


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def metric_label(key: str) -> str:
    return FIGURE_LABELS.get(key, key)


__all__ = ["FIGURE_KEYS", "Figures", "Metric", "compute_figures", "metric_label", "region_subtree_ids"]
