"""What a URL, a form or a JSON body may say for a number or a date, read strictly.

Python reads more than people mean: ``"²".isdigit()`` is true but ``int("²")`` fails, ``int("٢٠٢٥")`` is 2025,
an integer of thirty digits overflows every database, and pydantic turns ``"deadline": 0`` into 1970-01-01.
Each of these reached the database or a date constructor and answered 500; here they are the caller's mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator

MAX_ID = 2**31 - 1  # ids are 32-bit integers in both databases
FIRST_YEAR, LAST_YEAR = 1900, 2100  # the years a list's year filter may name
_PLAIN_INT = re.compile(r"[0-9]{1,18}")  # ASCII digits, small enough for a 64-bit integer
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def plain_int(text: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """``text`` as an integer when it is plain ASCII digits within ``low``–``high``; otherwise None."""
    text = (text or "").strip()
    if not _PLAIN_INT.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def year_of(text: str | None) -> int | None:
    """A four-digit year between ``FIRST_YEAR`` and ``LAST_YEAR``, or None."""
    text = (text or "").strip()
    return plain_int(text, low=FIRST_YEAR, high=LAST_YEAR) if len(text) == 4 else None


def _iso_date_only(value: Any) -> Any:
    """A date only as a date or as ``YYYY-MM-DD`` text — never a number read as seconds since 1970."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    raise ValueError("日期须写作 2025-01-01 的格式")


# A calendar date in a JSON body or a query: "2025-01-01" (pydantic would also take 0, "1735689600" or a datetime).
CalendarDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


def _number_not_text(value: Any) -> Any:
    """An integer in JSON is a number: "5" and true are refused (pydantic would read them as 5 and 1); 5.0 is 5."""
    if isinstance(value, str | bool):
        raise ValueError("须为整数（不加引号）")
    return value


# An integer of a JSON body, as its schema says ("type": "integer"); 5.5 is refused by int itself.
JsonInt = Annotated[int, BeforeValidator(_number_not_text)]


def _true_or_false(value: Any) -> Any:
    """A yes/no in JSON is true or false: "yes", "1" and 1 are refused (pydantic would read them as true)."""
    if not isinstance(value, bool):
        raise ValueError("须为 true 或 false（不加引号）")
    return value


# A yes/no of a JSON body, as its schema says ("type": "boolean").
JsonBool = Annotated[bool, BeforeValidator(_true_or_false)]


# Query parameters several areas take alike (the region of a report, a list or a briefing; the day a list is as of).
RegionQuery = Annotated[str | None, Query(max_length=60, description="地区代码（如 140800）或全称；默认本辖区")]
DayQuery = Annotated[str | None, Query(max_length=20, description="日期 YYYY-MM-DD；默认今天")]
