"""A day typed on a form, in a query or on the command line is read one way everywhere (``core.days``): only
2025-01-01 is a day, blank is none, and anything else is refused in Chinese, naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

from xiaodi.core.days import parse_day, required_day
from xiaodi.core.errors import ValidationFailed


def test_a_day_is_written_as_year_month_day() -> None:
    assert parse_day(" 2025-03-31 ", "截至日期") == dt.date(2025, 3, 31)
    assert parse_day(dt.date(2025, 3, 31), "截至日期") == dt.date(2025, 3, 31)
    assert parse_day("", "截至日期") is None and parse_day(None, "截至日期") is None


@pytest.mark.parametrize("typed", ["20250331", "2025-W13-1", "2025-3-31", "2025-13-01", "2025/03/31", "明天"])
def test_what_is_not_a_day_is_refused_naming_the_field(typed: str) -> None:
    # fromisoformat alone would read 20250331 and 2025-W13-1 as days nobody meant to type
    with pytest.raises(ValidationFailed, match=f"^截至日期应写作 YYYY-MM-DD：{typed}$"):
        parse_day(typed, "截至日期")


def test_a_day_outside_the_years_and_a_missing_one_are_said_so() -> None:
    with pytest.raises(ValidationFailed, match="起始日期应在 2000–2100 年之间"):
        parse_day("1999-12-31", "起始日期", years=(2000, 2100))
    with pytest.raises(ValidationFailed, match="请填写入住日期"):
        required_day(" ", "入住日期")
