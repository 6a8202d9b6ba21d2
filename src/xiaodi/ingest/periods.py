"""The period a stated figure covers (数字所指时期), so that it is compared with the ledger of the same period.

A report says "2023年", "2021年以来", "今年上半年", "截至目前" or nothing at all. Relative words are read against the
report's publication date; without one they cannot be placed and the figure's period stays unknown (``None,
None``: the reconciliation then says so and compares with the whole ledger). A figure that states no period is a
figure of the report's year up to its date, unless it is cumulative (累计/总计), which counts everything up to
that date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

Period = tuple[dt.date | None, dt.date | None]

_YEAR = re.compile(r"(20\d\d)年(?:(\d{1,2})月)?(?:(\d{1,2})日)?")
_CUMULATIVE = re.compile(r"累计|总计|历年")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _stated(text: str, published: dt.date | None) -> Period | None:
    """A period named with its year: 2023年, 2023年3月, 2021年以来, 截至2023年底, 2023年上半年."""
    m = _YEAR.search(text)
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None
    if day and month:
        point = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    else:
        point = _month_end(year, month) if month else dt.date(year, 12, 31)
    if text.startswith(("截至", "截止")) or text.endswith(("底", "末")):
        return None, point  # up to that point: a running total
    start = dt.date(year, month or 1, 1)
    if text.endswith(("以来", "至今")) or text.startswith("自"):
        return start, published
    if text.endswith("上半年"):
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if text.endswith("下半年"):
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    return start, point


def _relative(text: str, published: dt.date) -> Period | None:
    """A period named against the report's date: 今年以来, 去年以来, 近三年, 截至目前, 一年来."""
    year_start = dt.date(published.year, 1, 1)
    if text in {"今年以来", "年初以来"}:
        return year_start, published
    if text == "去年以来":
        return dt.date(published.year - 1, 1, 1), published
    if text in {"截至目前", "截止目前", "目前"}:
        return None, published
    if text == "一年来":
        return published - dt.timedelta(days=365), published
    years = {"近两年": 2, "近三年": 3, "近四年": 4, "近五年": 5}.get(text)
    if years:
        return dt.date(published.year - years + 1, 1, 1), published
    return None


def figure_period(period_text: str | None, quote: str, published: dt.date | None) -> Period:
    """The dates a figure covers, from the period its sentence names and the report's publication date."""
    if period_text:
        stated = _stated(period_text, published)
        if stated is not None:
            return stated
        if published is not None and (relative := _relative(period_text, published)) is not None:
            return relative
    if published is None:
        return None, None
    if _CUMULATIVE.search(quote):
        return None, published
    return dt.date(published.year, 1, 1), published


def period_label(date_from: dt.date | None, date_to: dt.date | None) -> str:
    """A period as the reconciliation page names it: 2023年, 2023-01-01 至 2023-06-30, 截至 2024-05-10, 全部时期."""
    if date_from is None:
        return f"截至 {date_to.isoformat()}" if date_to else "全部时期"
    whole_year = (dt.date(date_from.year, 1, 1), dt.date(date_from.year, 12, 31))
    if (date_from, date_to) == whole_year:
        return f"{date_from.year}年"
    return f"{date_from.isoformat()} 至 {date_to.isoformat() if date_to else '今'}"
