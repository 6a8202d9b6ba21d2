"""Base figures (基地统计): bases by type, state and region, and activity volumes — batches, 人次 and 人天 — for the
figures page, the dashboard and the briefing. The bases counted are 共建基地 as ``counted_bases`` defines them — the
one definition the figures card (``figures.compute.bases_plaqued``) counts too; bases on their way (申报, 审核, 认定)
are counted apart. A viewer's scope (or a region with the regions below it) narrows every figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases import access
from xiaodi.bases.models import ActivityKind, BaseActivity, BaseState, BaseType, ProgrammeBase
from xiaodi.directory.models import Region

# What a 共建基地 count means, in the words the pages and the CLI print beside the number.
COUNTED_NOTE = "已挂牌，不含已撤销"


def _live() -> list[ColumnElement[bool]]:
    """Bases still in the programme, whatever their step: not revoked, not retired."""
    return [ProgrammeBase.retired_at.is_(None), ProgrammeBase.state != BaseState.REVOKED]


def counted_bases(date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[ColumnElement[bool]]:
    """共建基地 (Metric.BASES): a base plaqued (挂牌, ``plaque_on``) — in the period, when one is given — that is
    neither revoked (撤销) nor retired. The figures card and the 基地建设 section both count this."""
    conds = [*_live(), ProgrammeBase.plaque_on.is_not(None)]
    if date_from is not None:
        conds.append(ProgrammeBase.plaque_on >= date_from)
    if date_to is not None:
        conds.append(ProgrammeBase.plaque_on <= date_to)
    return conds


@dataclass(frozen=True)
class ActivityVolume:
    """One kind of activity: how many batches, how many 人次 (participants), how many 人天 (participants × days)."""

    kind: str
    label: str
    batches: int
    people: int
    person_days: int


@dataclass
class BaseFigures:
    total: int = 0  # 共建基地 (``counted_bases``)
    in_progress: int = 0  # live bases not yet plaqued (申报, 审核, 认定): not counted in ``total``
    by_type: list[tuple[str, int]] = field(default_factory=list)  # (type name, bases) in the programme's order
    by_state: list[tuple[str, int]] = field(default_factory=list)  # (state label, bases)
    by_region: list[tuple[str, int]] = field(default_factory=list)  # (region name, bases), most first
    activities: list[ActivityVolume] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "in_progress": self.in_progress, "by_type": dict(self.by_type),
                "by_state": dict(self.by_state), "by_region": dict(self.by_region),
                "activities": [a.__dict__ for a in self.activities]}


def _scope(session: Session, viewer: Viewer | None, region_id: int | None) -> list[ColumnElement[bool]]:
    """Whose and where: the viewer's bases, in the region and the regions below it."""
    conds: list[ColumnElement[bool]] = []
    if viewer is not None:
        conds.append(access.readable_bases(viewer))
    if region_id is not None:
        from xiaodi.directory.regions import region_subtree_ids

        conds.append(ProgrammeBase.region_id.in_(region_subtree_ids(session, region_id)))
    return conds


def base_figures(session: Session, *, viewer: Viewer | None = None, region_id: int | None = None,
                 date_from: dt.date | None = None, date_to: dt.date | None = None) -> BaseFigures:
    """The 共建基地 (plaqued in the period, when one is given) and the activity of the live bases within
    ``viewer``'s scope and ``region_id``'s subtree (both optional)."""
    scope = _scope(session, viewer, region_id)
    where = [*scope, *counted_bases(date_from, date_to)]
    out = BaseFigures()
    out.by_type = [(name, int(n)) for name, n in session.execute(
        select(BaseType.name, func.count(ProgrammeBase.id))
        .join(ProgrammeBase, ProgrammeBase.base_type_id == BaseType.id)
        .where(*where).group_by(BaseType.id, BaseType.name, BaseType.sort_order)
        .order_by(BaseType.sort_order, BaseType.id))]
    states: dict[str, int] = {str(state): n for state, n in session.execute(
        select(ProgrammeBase.state, func.count()).where(*where).group_by(ProgrammeBase.state))}
    out.by_state = [(s.label, int(states[s.value])) for s in BaseState if states.get(s.value)]
    out.total = sum(n for _s, n in out.by_state)
    out.in_progress = int(session.scalar(select(func.count()).select_from(ProgrammeBase).where(
        *scope, *_live(), ProgrammeBase.plaque_on.is_(None))) or 0)
    out.by_region = [(name or "未注明", int(n)) for name, n in session.execute(
        select(Region.name, func.count(ProgrammeBase.id)).select_from(ProgrammeBase)
        .outerjoin(Region, Region.id == ProgrammeBase.region_id).where(*where)
        .group_by(Region.id, Region.name).order_by(func.count(ProgrammeBase.id).desc(), Region.name))]
    rows: dict[str, tuple[int, int, int]] = {
        str(kind): (int(b), int(p or 0), int(d or 0)) for kind, b, p, d in session.execute(
        select(BaseActivity.kind, func.count(BaseActivity.id), func.sum(BaseActivity.participants),
               func.sum(BaseActivity.participants * func.coalesce(BaseActivity.days, 1)))
        .join(ProgrammeBase, ProgrammeBase.id == BaseActivity.base_id).where(*scope, *_live())
        .group_by(BaseActivity.kind))}
    out.activities = [ActivityVolume(k.value, k.label, *rows[k.value]) for k in ActivityKind if k.value in rows]
    return out
