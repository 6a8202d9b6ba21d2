"""The dispatch list of a unit or a region as of a day (调度清单), gathered from the areas with deadlines."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases.dispatch import duty_entries
from xiaodi.core.days import parse_day
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.directory.models import Organisation, Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.dispatch.access import DispatchScope, dispatch_scope
from xiaodi.projects.dispatch import AT_RISK_DAYS, DispatchEntry, EntryKind, level_label, milestone_entries
from xiaodi.talent.service import overdue_steps

_ORDER = {EntryKind.OVERDUE: 0, EntryKind.AT_RISK: 1, EntryKind.STALLED: 2}


@dataclass(frozen=True)
class DispatchList:
    as_of: dt.date
    unit: str | None
    region: str | None
    entries: list[DispatchEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Whose list it is, as its title says: the unit's or the region's name, or 全部 (the whole ledger)."""
        return self.unit or self.region or "全部"

    def count(self, kind: str) -> int:
        return sum(1 for e in self.entries if e.kind == kind)


def dispatch_list(
    session: Session,
    *,
    as_of: dt.date,
    unit_id: int | None = None,
    region_id: int | None = None,
    at_risk_days: int = AT_RISK_DAYS,
    whole_ledger: bool = False,
) -> DispatchList:
    """The dispatch list of a unit (its milestones and duties) or a region (its projects, duties and talents' steps,
    sub-regions included) — or, for an administrator, of the whole ledger — as of a day.

    Overdue first (most days late first), then at-risk milestones, then stalled projects; a region's overdue
    talent steps last.
    """
    if unit_id is None and region_id is None and not whole_ledger:
        raise ValidationFailed("请指定责任单位或行政区")
    regions = region_subtree_ids(session, region_id) if region_id is not None else None
    entries = _deadlines(session, as_of=as_of, unit_id=unit_id, regions=regions, at_risk_days=at_risk_days)
    if unit_id is None:
        entries += _talent_steps(session, as_of=as_of, regions=regions)
    unit = session.get(Organisation, unit_id).name if unit_id is not None else None  # type: ignore[union-attr]
    region = session.get(Region, region_id).full_name if region_id is not None else None  # type: ignore[union-attr]
    return DispatchList(as_of=as_of, unit=unit, region=region, entries=entries)


def viewer_list(session: Session, viewer: Viewer, *, region: str | None = None, as_of: str | dt.date | None = None
                ) -> tuple[DispatchScope, DispatchList]:
    """A person's dispatch list (``access.dispatch_scope``: their region, their unit, or the whole ledger) as of a
    day typed as 2025-01-01 — today in the deployment's time zone when none is given."""
    scope = dispatch_scope(session, viewer, region)
    day = parse_day(as_of, "截至日期") or local_today()
    return scope, dispatch_list(session, as_of=day, unit_id=scope.unit_id, region_id=scope.region_id,
                                whole_ledger=scope.whole_ledger)


# The list's columns, for the page, its Excel workbook and the console's table alike.
COLUMNS = ("类别", "项目或事项", "节点", "时限", "逾期天数", "延期次数", "升级至", "包联领导或责任部门")
# days late and slips are numbers a sheet can sort and add up
_NUMBER_COLUMNS = frozenset({COLUMNS.index("逾期天数"), COLUMNS.index("延期次数")})


def row_of(entry: DispatchEntry) -> tuple[str, ...]:
    """One line of the list in the words of ``COLUMNS``: a duty's milestone with its number (ZR…, as a 调度会
    names it), days late only for a line with a deadline (a stalled project has none)."""
    milestone = f"ZR{entry.duty_milestone_id} {entry.milestone}" if entry.duty_milestone_id else entry.milestone or ""
    late = str(max(entry.days_overdue, 0)) if entry.milestone else ""
    return (entry.kind.label, f"{entry.project_code} {entry.project_name}", milestone, str(entry.due_on or ""), late,
            str(entry.slip_count or ""), level_label(entry.escalated_to), entry.leader_in_charge or "")


def link_of(entry: DispatchEntry) -> str | None:
    """Where the line is dealt with: its project, its 1+1+N duty, or the talent's one-stop application."""
    if entry.project_id is not None:
        return f"/projects/{entry.project_id}"
    if entry.duty_id is not None:
        return f"/duties/{entry.duty_id}"
    if entry.application_id is not None:
        return f"/talent-applications/{entry.application_id}"
    return None


def listing_xlsx(listing: DispatchList, title: str) -> bytes:
    """The list as a workbook with the page's columns (调度清单.xlsx), to take to the 调度会."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("调度清单")
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    ws.write_string(0, 0, title, wb.add_format({"bold": True}))
    ws.write_row(1, 0, COLUMNS, head)
    for r, entry in enumerate(listing.entries, start=2):
        for c, value in enumerate(row_of(entry)):
            if c in _NUMBER_COLUMNS and value:
                ws.write_number(r, c, int(value))
            else:
                ws.write_string(r, c, value)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 2, 36)
    ws.set_column(3, 7, 14)
    ws.freeze_panes(2, 0)
    wb.close()
    return buf.getvalue()


def overdue_milestones(session: Session, *, as_of: dt.date, region_id: int | None = None, limit: int = 50
                       ) -> list[DispatchEntry]:
    """Overdue milestones across a region, or the whole ledger (the demo's "逾期节点" panel), most late first."""
    regions = region_subtree_ids(session, region_id) if region_id is not None else None
    entries = _deadlines(session, as_of=as_of, unit_id=None, regions=regions, at_risk_days=0)
    return [e for e in entries if e.kind == EntryKind.OVERDUE][:limit]


def _deadlines(session: Session, *, as_of: dt.date, unit_id: int | None, regions: Sequence[int] | None,
               at_risk_days: int) -> list[DispatchEntry]:
    """Project milestones, stalled projects and the duties of 1+1+N pairings, in the list's order."""
    horizon = as_of + dt.timedelta(days=at_risk_days)
    entries = milestone_entries(session, as_of=as_of, unit_id=unit_id, regions=regions, horizon=horizon)
    entries += duty_entries(session, as_of=as_of, unit_id=unit_id, regions=regions, horizon=horizon)
    entries.sort(key=lambda e: (_ORDER[e.kind], -e.days_overdue, e.project_id or 0, e.duty_id or 0))
    return entries


def _talent_steps(session: Session, *, as_of: dt.date, regions: Sequence[int] | None) -> list[DispatchEntry]:
    """Steps of one-stop talent applications (一件事) a department has let pass its time limit: the region's
    office chases them at its dispatch like an overdue milestone."""
    return [DispatchEntry(kind=EntryKind.OVERDUE_STEP, project_id=None, project_code=f"一件事{s.application_id}",
                          project_name=f"{s.talent}·{s.benefit}", leader_in_charge=s.department,
                          milestone=f"{s.department}办理“{s.benefit}”", due_on=s.due_on, days_overdue=s.days_overdue,
                          application_id=s.application_id)
            for s in overdue_steps(session, as_of=as_of, regions=regions)]
