"""Dates and codes as offices type them into Excel. A date: a real date cell, the serial of one that lost its
format, and eight digits typed into a number cell (20250316) — the last was refused while the same digits as text
were read. A discipline code (0817) typed into a number cell lost its leading zero."""

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


@pytest.mark.parametrize(("cell", "code"), [(817, "0817"), (817.0, "0817"), ("0817", "0817"), (8, "08"),
                                            (81701, "081701"), ("工学", "工学")])
def test_a_discipline_code_kept_as_a_number_gets_its_leading_zero_back(cell: object, code: str) -> None:
    """学科 0817 typed into a number cell arrives as 817: stored so, it matched no discipline and exported as 817."""
    from xiaodi.tables.catalog_tables import ACHIEVEMENTS
    from xiaodi.tables.values import make_plain_parser, parse_text

    column = next(c for c in ACHIEVEMENTS.columns if c.key == "discipline_code")
    assert parse_text(column, cell) == code == make_plain_parser(column)(cell)
