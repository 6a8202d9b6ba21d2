"""Work figures (工作数据) of a scope, a region and a period: the report behind the page, its JSON and its workbook.

Offices choose a region inside their own (a city office looks at one of its counties) and a period (a year, or
from/to dates, as reports say "今年以来" or "上半年"); each region's figures come with the breakdown by the regions
one level below (分地区) and the trend by year (分年度). Enterprises, universities and lead units see their own
unit's figures and trend. The numbers are ``figures.compute``' — the same definitions the dashboard and report
reconciliation use.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import LEDGER_YEARS, parse_day
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.numbers import format_yuan
from xiaodi.core.settings import local_today
from xiaodi.figures.access import FigureScope, resolve_scope
from xiaodi.figures.compute import BreakdownRow, Figures, compute_figures, figures_by_subregion, figures_by_year
from xiaodi.figures.metrics import BREAKDOWN_KEYS, FIGURE_KEYS, MONEY_KEYS, metric_label
from xiaodi.web.charts import bar_chart, column_chart
from xiaodi.web.params import plain_int

TREND_YEARS = 6  # the trend shows this many calendar years, ending with the period's last year
FIRST_YEAR, LAST_YEAR = LEDGER_YEARS  # the years a statistic may cover


@dataclass(frozen=True)
class Period:
    """The days counted, both inclusive; None on a side means open (全部)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def label(self) -> str:
        if self.date_from is None and self.date_to is None:
            return "全部时间"
        if (self.date_from and self.date_to and self.date_from.year == self.date_to.year
                and (self.date_from.month, self.date_from.day, self.date_to.month, self.date_to.day) == (1, 1, 12, 31)):
            return f"{self.date_from.year}年"
        start = self.date_from.isoformat() if self.date_from else "开始"
        end = self.date_to.isoformat() if self.date_to else "至今"
        return f"{start} 至 {end}"


@dataclass
class FiguresReport:
    """The figures of a scope and period (工作数据), with the trend by year and the breakdown by sub-region."""

    scope: FigureScope
    period: Period
    figures: Figures
    trend: list[BreakdownRow]
    breakdown: list[BreakdownRow] = field(default_factory=list)

    def tiles(self) -> list[tuple[str, str]]:
        return figure_tiles(self.figures)

    def trend_charts(self) -> list[tuple[str, Markup]]:
        """(heading, chart) of the trend: agreements signed and funds in place per year."""
        agreements = [(r.key, float(r.values["agreements"])) for r in self.trend]
        funds = [(r.key, float(r.values["funds_in_place"]) / 10_000) for r in self.trend]
        return [("各年签约协议（个）", column_chart(agreements, title="各年签约协议", unit="个")),
                ("各年到位资金（万元）", column_chart(funds, title="各年到位资金", unit="万"))]

    def breakdown_chart(self) -> Markup:
        rows = [(r.label, float(r.values["agreements"])) for r in self.breakdown]
        return bar_chart(rows, title="各地签约协议", unit="个")

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scope": self.scope.label,
            "region": self.scope.region.code if self.scope.region else None,
            "period": {"from": _iso(self.period.date_from), "to": _iso(self.period.date_to),
                       "label": self.period.label},
            "figures": dict(self.tiles()),  # as people read them: {"到位资金": "150万元", …}
            "values": {k: _number(v) for k, v in self.figures.values.items()},  # metric key → number (yuan)
            "trend": [{"year": int(r.key), **{k: _number(v) for k, v in r.values.items()}} for r in self.trend],
        }
        if self.scope.breaks_down:
            out["breakdown"] = [{"region": r.key, "name": r.label, **{k: _number(v) for k, v in r.values.items()}}
                                for r in self.breakdown]
        return out


# ---- choosing the scope and the period -----------------------------------------------------------------------


def parse_period(year: str | int | None = None, date_from: str | dt.date | None = None,
                 date_to: str | dt.date | None = None) -> Period:
    """A year (2025) or from/to dates (2025-01-01); a bad value is a clear error, never silently ignored."""
    if year is not None and year != "":
        value = _year(year)
        if date_from or date_to:
            raise ValidationFailed("统计年度与起止日期只能选一种")
        return Period(dt.date(value, 1, 1), dt.date(value, 12, 31))
    start = parse_day(date_from, "起始日期", years=LEDGER_YEARS)
    end = parse_day(date_to, "截止日期", years=LEDGER_YEARS)
    if start and end and start > end:
        raise ValidationFailed("统计起始日期不能晚于截止日期")
    return Period(start, end)


def build_report(session: Session, viewer: Viewer, *, region: str | None = None, period: Period | None = None,
                 today: dt.date | None = None) -> FiguresReport:
    """The scope's figures for the period, its trend by year and (offices) its breakdown by sub-region."""
    scope = resolve_scope(session, viewer, region)
    period = period or Period()
    if not scope.counts:
        return FiguresReport(scope, period, Figures(None, None, period.date_from, period.date_to), [])
    region_id = scope.region.id if scope.region else None
    figures = compute_figures(session, region_id=region_id, unit_id=scope.unit_id, date_from=period.date_from,
                              date_to=period.date_to)
    last = (period.date_to or today or local_today()).year
    trend = figures_by_year(session, region_id=region_id, unit_id=scope.unit_id,
                            first_year=max(FIRST_YEAR, last - TREND_YEARS + 1), last_year=last)
    breakdown = (figures_by_subregion(session, region_id=region_id, date_from=period.date_from,
                                      date_to=period.date_to) if scope.breaks_down else [])
    return FiguresReport(scope, period, figures, trend, breakdown)


# ---- Excel -----------------------------------------------------------------------------------------------------


def report_xlsx(report: FiguresReport) -> bytes:
    """The figures, the breakdown and the trend as one workbook of three sheets, amounts in yuan as numbers."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("工作数据")
    ws.write_row(0, 0, ["范围", report.scope.label], head)
    ws.write_row(1, 0, ["统计期间", report.period.label], head)
    ws.write_row(3, 0, ["指标", "数值"], head)
    for i, key in enumerate(FIGURE_KEYS, start=4):
        ws.write_string(i, 0, metric_label(key))
        ws.write_number(i, 1, float(report.figures.values[key]), money if key in MONEY_KEYS else None)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 20)
    sheets = [("分年度", "年度", report.trend)]
    if report.scope.breaks_down:
        sheets.insert(0, ("分地区", "地区", report.breakdown))
    for title, first, rows in sheets:
        sheet = wb.add_worksheet(title)
        sheet.write_row(0, 0, [first, *(metric_label(k) + ("（元）" if k in MONEY_KEYS else "")
                                         for k in BREAKDOWN_KEYS)], head)
        for r_i, row in enumerate(rows, start=1):
            sheet.write_string(r_i, 0, row.label)
            for c, key in enumerate(BREAKDOWN_KEYS, start=1):
                sheet.write_number(r_i, c, float(row.values[key]), money if key in MONEY_KEYS else None)
        sheet.set_column(0, len(BREAKDOWN_KEYS), 16)
        sheet.freeze_panes(1, 1)
    wb.close()
    return buf.getvalue()


# ---- small helpers ---------------------------------------------------------------------------------------------


def figure_text(key: str, value: int | Decimal) -> str:
    """A figure as a report writes it: 12 (个), 1.5亿元."""
    return format_yuan(Decimal(value)) if key in MONEY_KEYS else f"{value}"


def figure_tiles(figures: Figures) -> list[tuple[str, str]]:
    """(label, text) of each figure, in the order reports give them."""
    return [(metric_label(k), figure_text(k, figures.values[k])) for k in FIGURE_KEYS if k in figures.values]


def _number(value: int | Decimal) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _year(value: str | int) -> int:
    text = str(value).strip()
    year = plain_int(text, low=FIRST_YEAR, high=LAST_YEAR)
    if year is None:
        raise ValidationFailed(f"统计年度“{text[:10]}”无效，应为 {FIRST_YEAR}–{LAST_YEAR} 之间的四位年份")
    return year


__all__ = ["FiguresReport", "Period", "build_report", "figure_text", "figure_tiles", "parse_period", "report_xlsx"]
