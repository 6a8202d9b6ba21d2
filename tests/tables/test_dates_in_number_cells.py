"""Dates as offices type them into Excel: a real date cell, the serial of one that lost its format, and eight digits
typed into a number cell (20250316) — the last was refused while the same digits as text were read."""

from __future__ import annotations

import datetime as dt

import pytest

from xiaodi.tables.values import CellProblem, parse_date


@pytest.mark.parametrize(("cell", "day"), [
    (dt.datetime(2025, 3, 16, 0, 0), dt.date(2025, 3, 16)),
    (45732, dt.date(2025, 3, 16)),  # the serial of a date cell whose format was lost
    (20250316, dt.date(2025, 3, 16)),  # eight digits in a number cell
    (20250316.0, dt.date(2025, 3, 16)),  # as openpyxl may read them
    ("20250316", dt.date(2025, 3, 16)),
])
def test_a_date_typed_in_any_of_the_usual_ways_is_read(cell: object, day: dt.date) -> None:
    assert parse_date(cell) == day


@pytest.mark.parametrize("cell", [20251345, 99999999, 123456789])
def test_digits_that_are_no_date_say_so(cell: int) -> None:
    with pytest.raises(CellProblem):
        parse_date(cell)
