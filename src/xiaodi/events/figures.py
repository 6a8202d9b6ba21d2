"""The events area's figures for the figures page (工作数据 → 活动与对接): events held, posts offered, people
reaching intent, intents, contacts and 挂职 of a region (with the regions below it) within a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from xiaodi.events.service import EventFigure, event_figures


def event_tiles(session: Session, *, region_id: int | None, whole_ledger: bool, date_from: dt.date | None,
                date_to: dt.date | None) -> list[tuple[str, str]]:
    """(label, "2135个") tiles of the scope; empty for a scope without a region (a unit's own figures)."""
    if region_id is None and not whole_ledger:
        return []
    from xiaodi.directory.regions import region_subtree_ids

    regions = None if region_id is None else region_subtree_ids(session, region_id)
    values = event_figures(session, region_ids=regions, start=date_from, end=date_to)
    return [(f.label, f"{_plain(values[f])}{f.unit}") for f in EventFigure]


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))
