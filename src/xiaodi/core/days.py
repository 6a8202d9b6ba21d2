"""Days people type (日期): on a form, in a query, on the command line — one reading and one message for all.

Only ``YYYY-MM-DD`` is a day: Python's ``date.fromisoformat`` would also take ``20250101`` or a week date
(``2025-W01-1``), which nobody means on a form and which then reads as another day than the one intended.
"""

from __future__ import annotations

import datetime as dt
import re

from xiaodi.core.errors import ValidationFailed

YEARS = (1900, 2100)  # the years a typed day may fall in
LEDGER_YEARS = (2000, 2100)  # the years the ledger's statistics may cover (a period, a reconciliation)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(value: str | dt.date | None, label: str, *, years: tuple[int, int] = YEARS) -> dt.date | None:
    """The day ``value`` says, None when blank; a clear Chinese error naming ``label`` otherwise."""
    if isinstance(value, dt.date):
        day = value
    else:
        text = (value or "").strip()
        if not text:
            return None
        try:
            if not _DAY.fullmatch(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(f"{label}应写作 YYYY-MM-DD：{text[:20]}") from None
    if not years[0] <= day.year <= years[1]:
        raise ValidationFailed(f"{label}应在 {years[0]}–{years[1]} 年之间")
    return day


def required_day(value: str | dt.date | None, label: str) -> dt.date:
    """A day that must be given (请填写…)."""
    day = parse_day(value, label)
    if day is None:
        raise ValidationFailed(f"请填写{label}")
    return day
