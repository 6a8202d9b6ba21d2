"""A whole province takes other roads through the ledger (no region list, the universities asked one by one, the
funds summed over every record less those out of scope): the figures must be those of the region-list road."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import xiaodi.figures.compute as figures
from tests.demands.loop_world import World
from tests.figures.test_compute import ledger  # noqa: F401  (the hand-made ledger of test_figures)
from xiaodi.core.audit import Actor
from xiaodi.core.records import retire
from xiaodi.figures.compute import compute_figures
from xiaodi.projects.models import Project


def _whole(session: Session, region_id: int) -> tuple[Callable[[Any], Any], bool]:
    """The road for a region that holds every region: here, the province holds every region with data."""
    return (lambda column: column.is_not(None)), True


@pytest.mark.parametrize("period", [{}, {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 12, 31)}])
def test_the_whole_province_road_gives_the_region_list_figures(session: Session, ledger: World,  # noqa: F811
                                                                official: Actor, monkeypatch: pytest.MonkeyPatch,
                                                                period: dict[str, dt.date]) -> None:
    p4 = session.scalars(select(Project).where(Project.name == "P4")).one()  # 临汾, 7,000,000 in place
    retire(session, p4, actor=official, reason="重复录入")
    session.flush()
    assert not figures._region_filter(session, ledger.province.id)[1]  # the directory has other provinces
    listed = compute_figures(session, region_id=ledger.province.id, **period).values
    monkeypatch.setattr(figures, "_region_filter", _whole)
    whole = compute_figures(session, region_id=ledger.province.id, **period).values
    assert whole == listed
    # P4 retired: the province's funds are 运城's (see test_figures), its universities still three (太原理工: B2)
    assert whole["funds_in_place"] == (Decimal("9600000.00") if not period else Decimal("7600000.00"))
    assert whole["universities"] == 3
