"""The dashboard's figure tiles (工作台数据): the viewer's scope, its figures for a year or all time, through the
short-lived cache (``figures.cache``) when the app has one. The dashboard (``web.dashboard``) sets them beside
the viewer's desk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.figures.access import FigureScope, resolve_scope
from xiaodi.figures.cache import FiguresCache
from xiaodi.figures.compute import Figures, compute_figures
from xiaodi.figures.report import figure_tiles, parse_period


@dataclass(frozen=True)
class FigureTiles:
    """The scope shown, its figures as (label, text) tiles, and when they were computed if a cache kept them."""

    scope: FigureScope
    tiles: list[tuple[str, str]]
    computed_at: dt.datetime | None = None  # UTC


def dashboard_tiles(session: Session, viewer: Viewer, *, region: str | None = None, year: int | None = None,
                    cache: FiguresCache | None = None) -> FigureTiles:
    """The tiles of the viewer's scope, or of a region inside an office's own, for a year or all time. With a
    ``cache``, figures computed in the last seconds for the same scope and period are shown again."""
    period = parse_period(year)
    scope = resolve_scope(session, viewer, region)
    if not scope.counts:
        return FigureTiles(scope, [])
    region_id = scope.region.id if scope.region else None

    def compute() -> Figures:
        return compute_figures(session, region_id=region_id, unit_id=scope.unit_id,
                               date_from=period.date_from, date_to=period.date_to)

    if cache is None:
        return FigureTiles(scope, figure_tiles(compute()))
    key = (id(session.get_bind()), region_id, scope.unit_id, period.date_from, period.date_to)
    cached = cache.get(session, key, compute)
    return FigureTiles(scope, figure_tiles(cached.figures), cached.computed_at)


__all__ = ["FigureTiles", "dashboard_tiles"]
