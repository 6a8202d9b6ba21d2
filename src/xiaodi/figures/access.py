"""Who sees which figures (工作数据的数据权限): the one rule of the figures area, asked by the figures page, its API
and export, the dashboard tiles, the briefing and the assessment's region choice alike.

An administrator sees the whole ledger and may choose any region; an office sees its own region with the regions
below it and may choose one of those (404 outside, as for any record); an enterprise, university or lead unit
sees its own unit's figures and cannot choose regions (403); a person with neither (an expert, a talent) has
nothing to count.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed
from xiaodi.directory.models import Region, RegionLevel
from xiaodi.directory.service import regions_named


@dataclass(frozen=True)
class FigureScope:
    """Whose figures: a region (with its sub-regions), one unit (本单位), or the whole ledger (全部)."""

    label: str
    region: Region | None = None
    unit_id: int | None = None
    breaks_down: bool = False  # offices and administrators see the figures by sub-region
    counts: bool = True  # False for a person with no region or unit (an expert, a talent): nothing to count


def resolve_scope(session: Session, viewer: Viewer, region: str | None = None) -> FigureScope:
    """The viewer's scope, narrowed to ``region`` (a 6-digit code or a full name) inside it when given.

    A region outside an office's own answers 404 like any record outside the scope; a unit's people cannot
    choose regions at all (403).
    """
    wanted = (region or "").strip()
    if wanted:
        if not (viewer.is_admin or viewer.is_office):
            raise Forbidden("只有校地合作办公室和管理员可以按地区查看工作数据")
        found = _region_named(session, viewer, wanted)
        return FigureScope(found.full_name, region=found, breaks_down=True)
    if viewer.is_admin:
        return FigureScope("全部", breaks_down=True)
    if viewer.is_office and viewer.office_region_ids:
        own = session.get(Region, min(viewer.office_region_ids))
        return FigureScope(own.full_name if own else "本辖区", region=own, breaks_down=True)
    if viewer.organisation_ids:
        return FigureScope("本单位", unit_id=min(viewer.organisation_ids))
    return FigureScope("本人", counts=False)


def _region_named(session: Session, viewer: Viewer, wanted: str) -> Region:
    """A region of the viewer's by code, full name or (when only one of the viewer's regions has it) short name,
    with or without its 市/县/区 (``directory.service.regions_named``)."""
    candidates = regions_named(session, wanted)
    exact = [r for r in candidates if wanted in (r.code, r.full_name)]
    mine = [r for r in (exact or candidates) if viewer.in_region(r.id)]
    if not mine:
        raise NotFound("地区不存在或不在您的管辖范围内")
    if len(mine) > 1:
        names = "、".join(r.full_name for r in mine[:5])
        raise ValidationFailed(f"“{wanted}”对应多个地区（{names}），请使用地区代码或全称")
    return mine[0]


def region_choices(session: Session, viewer: Viewer, limit: int = 400) -> list[tuple[str, str]]:
    """(code, full name) of the regions an office may choose: its own and every region below, by code."""
    if not (viewer.is_admin or viewer.is_office):
        return []
    stmt = select(Region.code, Region.full_name).order_by(Region.code).limit(limit)
    if viewer.is_admin:  # the whole country: provinces and cities (a county is reached from its city's row)
        stmt = stmt.where(Region.level.in_([RegionLevel.PROVINCE, RegionLevel.CITY]))
    else:
        stmt = stmt.where(Region.id.in_(sorted(viewer.region_ids)))
    choices = [(code, name) for code, name in session.execute(stmt)]
    return [("", "全部地区"), *choices] if viewer.is_admin else choices
