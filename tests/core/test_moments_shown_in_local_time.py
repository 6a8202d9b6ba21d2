"""Every moment shown to a person is read in the deployment's time zone (``core.settings.local_minute``). Times are
stored in UTC: the console's 流转记录 of a demand, an order's 派单记录 and the accounts' last login were formatted
directly, so they read 19:49 (UTC) on the day the same console called 2026-12-08 (北京时间)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "xiaodi"
# A clock time written by hand rather than by local_minute; each exception is no display.
CLOCK = re.compile(r"%H:%M")
NOT_SHOWN = {
    "core/settings.py",  # local_minute itself
    "figures/compute.py",  # the UTC text at which a local year turns, compared in SQL
}


def test_no_moment_is_formatted_outside_local_minute() -> None:
    found = [str(p.relative_to(SRC)) for p in sorted(SRC.rglob("*")) if p.suffix in (".py", ".html")
             and CLOCK.search(p.read_text(encoding="utf-8")) and str(p.relative_to(SRC)) not in NOT_SHOWN]
    assert found == []
