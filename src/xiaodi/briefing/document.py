"""The work briefing (工作简报) of a region and a period, as an office sends it upward: title and period, headline
figures with their change against the previous equal period, the breakdown by sub-region, charts, bases by type,
overdue milestones and dispatch decisions, the latest published assessment ranking, and notable projects.

``build`` gathers the content once (``Briefing``); ``to_docx`` writes it as Word (python-docx) and ``to_xlsx``
writes the same tables as a workbook. Who may ask for which region is ``assessment.access``'s rule.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.assessment import access
from xiaodi.assessment import service as assessment
from xiaodi.assessment.ledger import (
    MONEY_KEYS,
    compute_figures,
    figures_by_subregion,
    metric_label,
    region_subtree_ids,
)
from xiaodi.bases.models import BaseState, BaseType, ProgrammeBase
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.numbers import format_yuan
from xiaodi.core.settings import get_settings
from xiaodi.directory.models import Region
from xiaodi.projects.dispatch import level_label
from xiaodi.projects.models import (
    Agreement,
    DispatchItem,
    DispatchMeeting,
    Milestone,
    MilestoneState,
    Project,
    ProjectStage,
)

HEADLINE_KEYS: tuple[str, ...] = ("universities", "agreements", "amount_signed", "projects_signed",
                                  "projects_landed", "funds_in_place", "bases", "demands_published",
                                  "demands_claimed")
BREAKDOWN_COLUMNS: tuple[str, ...] = ("agreements", "amount_signed", "projects_landed", "funds_in_place",
                                      "demands_published")
LIST_LIMIT = 20
_CLOSED_STAGES = (ProjectStage.ACCEPTED, ProjectStage.CANCELLED)  # as projects.dispatch: no longer dispatched


@dataclass(frozen=True)
class Table:
    """One table of the briefing, as it is printed in Word and written to a sheet."""

    title: str
    header: list[str]
    rows: list[list[Any]]  # str, int or float cells
    note: str | None = None


@dataclass
class Briefing:
    title: str
    scope: str
    date_from: dt.date
    date_to: dt.date
    previous_from: dt.date
    previous_to: dt.date
    made_on: dt.date
    made_by: str
    headline: list[tuple[str, int | Decimal, int | Decimal, bool]]  # label, now, before, money
    tables: dict[str, Table] = field(default_factory=dict)
    charts: list[tuple[str, bytes]] = field(default_factory=list)
    summary: str = ""

    @property
    def period_label(self) -> str:
        return f"{_cn_date(self.date_from)}至{_cn_date(self.date_to)}"


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The equal period just before (上一同期): a year before a calendar year, else the same number of days."""
    if (date_from.month, date_from.day) == (1, 1) and date_to.year == date_from.year:
        try:
            return date_from.replace(year=date_from.year - 1), date_to.replace(year=date_to.year - 1)
        except ValueError:  # 29 February
            return date_from.replace(year=date_from.year - 1), date_to.replace(year=date_to.year - 1, day=28)
    days = (date_to - date_from).days + 1
    return date_from - dt.timedelta(days=days), date_from - dt.timedelta(days=1)


def build(session: Session, viewer: Viewer, *, region_id: int | None, date_from: dt.date | None = None,
          date_to: dt.date | None = None, today: dt.date | None = None, charts: bool = True) -> Briefing:
    """Gather the briefing of a region (with its sub-regions) over a period (default: this year to today — the
    deployment's today: the server's clock in UTC ended the period on yesterday before 8:00 in China, and the
    briefing left out what the figures page, reading the local day, counted)."""
    access.require_brief_region(viewer, region_id)
    today = today or get_settings().today()
    date_to = date_to or today
    date_from = date_from or dt.date(date_to.year, 1, 1)
    if date_from > date_to:
        raise ValidationFailed("统计起始日期不能晚于截止日期")
    prev_from, prev_to = previous_period(date_from, date_to)
    region = session.get(Region, region_id) if region_id is not None else None
    scope = region.full_name if region is not None else "全部地区"
    now = compute_figures(session, region_id=region_id, date_from=date_from, date_to=date_to).values
    before = compute_figures(session, region_id=region_id, date_from=prev_from, date_to=prev_to).values
    headline = [(metric_label(k), now[k], before[k], k in MONEY_KEYS) for k in HEADLINE_KEYS]
    brief = Briefing(title=f"{scope}省校合作工作简报", scope=scope, date_from=date_from, date_to=date_to,
                     previous_from=prev_from, previous_to=prev_to, made_on=today, made_by=viewer.name,
                     headline=headline)
    brief.tables["figures"] = Table("核心数据", ["指标", "本期", "上一同期", "增减", "增幅"],
                                    [[label, _shown(a, money), _shown(b, money), _change(a, b, money), _rate(a, b)]
                                     for label, a, b, money in headline],
                                    note=f"上一同期：{_cn_date(prev_from)}至{_cn_date(prev_to)}")
    breakdown = figures_by_subregion(session, region_id=region_id, date_from=date_from, date_to=date_to)
    brief.tables["regions"] = Table(
        "分地区情况", ["地区", *(metric_label(k) + ("（万元）" if k in MONEY_KEYS else "") for k in BREAKDOWN_COLUMNS)],
        [[row.label, *(_wan(row.values[k]) if k in MONEY_KEYS else int(row.values[k]) for k in BREAKDOWN_COLUMNS)]
         for row in breakdown],
        # a county has no region below it: say so, where its briefing showed a heading over nothing
        note=None if breakdown else f"{scope}无下级地区，本期数据见“总体情况”。")
    scope_ids = region_subtree_ids(session, region_id) if region_id is not None else None
    brief.tables["bases"] = _bases(session, scope_ids)
    # Overdue as of the period's end — or today, while the period runs: a node due last month is not 44 days late
    # on 31 December when the briefing is written on the 8th.
    brief.tables["overdue"] = _overdue(session, scope_ids, min(date_to, today))
    brief.tables["dispatch"] = _dispatch(session, scope_ids, date_from, date_to)
    brief.tables["ranking"] = _ranking(session, viewer, region_id)
    brief.tables["projects"] = _projects(session, scope_ids, date_from, date_to)
    brief.summary = _summary(brief)
    if charts:
        from xiaodi.briefing import charts as drawing

        labels = [metric_label(k) for k in ("agreements", "projects_landed", "bases", "demands_published")]
        brief.charts.append(("图1 本期与上一同期对比", drawing.pair_chart(
            labels, [float(now[k]) for k in ("agreements", "projects_landed", "bases", "demands_published")],
            [float(before[k]) for k in ("agreements", "projects_landed", "bases", "demands_published")],
            title="本期与上一同期对比")))
        if breakdown:
            brief.charts.append(("图2 各地签约协议", drawing.bar_chart(
                [(r.label, float(r.values["agreements"])) for r in breakdown], title="各地签约协议", unit="个")))
    return brief


def _bases(session: Session, scope_ids: list[int] | None) -> Table:
    """Bases by type and state (基地建设), every type listed even when it has none."""
    where = [ProgrammeBase.retired_at.is_(None)]
    if scope_ids is not None:
        where.append(ProgrammeBase.region_id.in_(scope_ids))
    counts: dict[tuple[int, str], int] = {}
    for type_id, state, n in session.execute(select(ProgrammeBase.base_type_id, ProgrammeBase.state, func.count())
                                             .where(*where).group_by(ProgrammeBase.base_type_id, ProgrammeBase.state)):
        counts[(type_id, state)] = int(n)
    states = [BaseState.OPERATING, BaseState.PLAQUED, BaseState.RECOGNISED, BaseState.REVIEWED, BaseState.PROPOSED]
    rows: list[list[Any]] = []
    for base_type in session.scalars(select(BaseType).order_by(BaseType.sort_order, BaseType.id)):
        cells = [counts.get((base_type.id, s), 0) for s in states]
        if base_type.is_active or any(cells):
            rows.append([base_type.name, *cells, sum(cells)])
    totals = [sum(r[i] for r in rows) for i in range(1, len(states) + 2)]
    rows.append(["合计", *totals])
    return Table("基地建设（按类型）", ["基地类型", *(s.label for s in states), "合计"], rows,
                 note=None if totals[-1] else "本地区尚无登记的基地")


def _overdue(session: Session, scope_ids: list[int] | None, as_of: dt.date) -> Table:
    """The longest-overdue milestones (逾期节点) of the region, as ``projects.dispatch`` counts them — pending, due
    before the day, of a live project not accepted or cancelled — read 20 at a time with their count, rather than
    building the whole dispatch list of a province (thousands of entries) to print 20."""
    where = [Milestone.state == MilestoneState.PENDING, Milestone.due_on < as_of, Project.retired_at.is_(None),
             Project.stage.not_in(_CLOSED_STAGES)]
    if scope_ids is not None:
        where.append(Project.region_id.in_(scope_ids))
    total = session.scalar(select(func.count()).select_from(Milestone)
                           .join(Project, Project.id == Milestone.project_id).where(*where)) or 0
    rows = session.execute(
        select(Project.name, Milestone.title, Milestone.due_on, Milestone.slip_count, Project.leader_in_charge)
        .join(Project, Project.id == Milestone.project_id).where(*where)
        .order_by(Milestone.due_on, Milestone.id).limit(LIST_LIMIT))
    note = f"截至{_cn_date(as_of)}共{total}个逾期节点" + ("，列出逾期最久的20个" if total > LIST_LIMIT else "")
    return Table("逾期节点", ["项目", "节点", "应完成", "逾期天数", "顺延次数", "包联领导"],
                 [[name, title, due.isoformat(), (as_of - due).days, slips, leader or ""]
                  for name, title, due, slips, leader in rows],
                 note=note if total else f"截至{_cn_date(as_of)}无逾期节点")


def _dispatch(session: Session, scope_ids: list[int] | None, date_from: dt.date, date_to: dt.date) -> Table:
    """The decisions of the dispatch meetings (调度会) held in the period, in the region."""
    stmt = (select(DispatchMeeting.held_on, DispatchMeeting.title, Project.name, Milestone.title,
                   DispatchItem.decision, DispatchItem.new_due_on, DispatchItem.escalated_to_level)
            .join(DispatchItem, DispatchItem.meeting_id == DispatchMeeting.id)
            .outerjoin(Milestone, Milestone.id == DispatchItem.milestone_id)
            .outerjoin(Project, Project.id == func.coalesce(DispatchItem.project_id, Milestone.project_id))
            .where(DispatchMeeting.held_on >= date_from, DispatchMeeting.held_on <= date_to)
            .order_by(DispatchMeeting.held_on.desc(), DispatchItem.id).limit(LIST_LIMIT))
    if scope_ids is not None:
        stmt = stmt.where(DispatchMeeting.region_id.in_(scope_ids))
    rows = [[held.isoformat(), title or "调度会", project or "", milestone or "", decision,
             new_due.isoformat() if new_due else "", level_label(level)]
            for held, title, project, milestone, decision, new_due, level in session.execute(stmt)]
    return Table("调度决定", ["日期", "会议", "项目", "节点", "决定", "新时限", "提请上级"], rows,
                 note=None if rows else "本期无调度会决定")


def _ranking(session: Session, viewer: Viewer, region_id: int | None) -> Table:
    result = assessment.latest_published(session, viewer, region_id=region_id)
    if result is None:
        return Table("专项考核排名", ["排名", "被考核单位", "总分", "等次"], [], note="尚无已发布的考核排名")
    p = result.period
    return Table(f"专项考核排名（{p.indicator_set.name}·{p.name}）", ["排名", "被考核单位", "总分", "等次"],
                 [[r.place, r.name, float(round(r.total, 2)), r.grade or ""] for r in result.rows[:LIST_LIMIT]],
                 note=f"共{result.out_of}个单位参加考核" + ("，仅列前20名" if result.out_of > LIST_LIMIT else ""))


def _projects(session: Session, scope_ids: list[int] | None, date_from: dt.date, date_to: dt.date) -> Table:
    """Notable projects (重点项目): the period's signed or landed projects, key projects and the largest first."""
    active = (Agreement.signed_on.between(date_from, date_to)) | (Project.landed_on.between(date_from, date_to))
    stmt = (select(Project.name, Project.stage, Project.pledged_amount, Project.is_key_project, Region.name)
            .outerjoin(Agreement, Agreement.id == Project.agreement_id)
            .outerjoin(Region, Region.id == Project.region_id)
            .where(Project.retired_at.is_(None), Project.stage != ProjectStage.CANCELLED, active)
            .order_by(Project.is_key_project.desc(), Project.pledged_amount.desc().nulls_last(), Project.id)
            .limit(10))
    if scope_ids is not None:
        stmt = stmt.where(Project.region_id.in_(scope_ids))

    rows = [[name, region or "", ProjectStage.labels().get(stage, stage), _wan(amount) if amount else "",
             "是" if key else ""] for name, stage, amount, key, region in session.execute(stmt)]
    return Table("重点项目", ["项目", "地区", "阶段", "计划投资（万元）", "省重点工程"], rows,
                 note=None if rows else "本期无新签约或落地项目")


def _summary(brief: Briefing) -> str:
    parts = []
    for label, now, before, money in brief.headline:
        if label in ("签约协议", "落地项目", "到位资金", "共建基地"):
            parts.append(f"{label}{_shown(now, money)}（上一同期{_shown(before, money)}）")
    return f"{brief.period_label}，{brief.scope}" + "，".join(parts) + "。"


# ── Word ───────────────────────────────────────────────────────────────────────────────────────────────────────

SECTIONS: tuple[tuple[str, str], ...] = (
    ("一、总体情况", "figures"), ("二、分地区情况", "regions"), ("三、基地建设", "bases"),
    ("四、逾期节点与调度", "overdue"), ("", "dispatch"), ("五、专项考核", "ranking"), ("六、重点项目", "projects"),
)


def to_docx(brief: Briefing) -> bytes:
    """The briefing as a Word document (.docx) that Word and WPS open: headings, tables and the charts."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word reads Chinese text from the eastAsia font
    for style in ("Title", "Heading 1", "Heading 2"):
        doc.styles[style].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    title = doc.add_heading(_word(brief.title), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(_word(f"统计期间：{brief.period_label}"))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    made = doc.add_paragraph(_word(f"{brief.made_by}　{_cn_date(brief.made_on)}"))
    made.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_word(brief.summary))
    charts = list(brief.charts)
    for heading, key in SECTIONS:
        if heading:
            doc.add_heading(heading, level=1)
        table = brief.tables[key]
        doc.add_heading(_word(table.title), level=2)
        _word_table(doc, table)
        if table.note:
            doc.add_paragraph(_word(table.note))
        if key in ("figures", "regions") and charts:
            caption, png = charts.pop(0)
            doc.add_picture(io.BytesIO(png), width=Cm(15))
            doc.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("（数据来源：校地合作平台台账，按统计期间内签约、落地、到位、挂牌、发榜日期计算。）")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _word_table(doc: Any, table: Table) -> None:
    if not table.rows:
        return
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = _word(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _word(_cell_text(value))


# ── Excel ──────────────────────────────────────────────────────────────────────────────────────────────────────


def to_xlsx(brief: Briefing) -> bytes:
    """The briefing's tables as a workbook, one sheet each, numbers as numbers."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    names = {"figures": "核心数据", "regions": "分地区", "bases": "基地建设", "overdue": "逾期节点",
             "dispatch": "调度决定", "ranking": "考核排名", "projects": "重点项目"}
    for key, sheet_name in names.items():
        table = brief.tables[key]
        ws = wb.add_worksheet(sheet_name)
        ws.write_row(0, 0, [brief.title, brief.period_label])
        ws.write_row(1, 0, [table.title, table.note or ""])
        ws.write_row(3, 0, table.header, head)
        for r, row in enumerate(table.rows, start=4):
            for c, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, _cell_text(value))
        ws.set_column(0, 0, 28)
        ws.set_column(1, len(table.header), 14)
    wb.close()
    return buf.getvalue()


# ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────────


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _shown(value: int | Decimal, money: bool) -> str:
    return format_yuan(Decimal(value)) if money else f"{value}"


def _change(now: int | Decimal, before: int | Decimal, money: bool) -> str:
    diff = Decimal(now) - Decimal(before)
    sign = "+" if diff > 0 else ("-" if diff < 0 else "")
    return sign + (format_yuan(abs(diff)) if money else f"{abs(diff):g}") if diff else "持平"


def _rate(now: int | Decimal, before: int | Decimal) -> str:
    if not before:
        return "—"
    return f"{(Decimal(now) - Decimal(before)) / Decimal(before):+.1%}"


def _wan(value: Any) -> float:
    return round(float(value or 0) / 10_000, 2)


# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks, lone surrogates, U+FFFE/U+FFFF): a name typed
# or imported with one (a form feed pasted from a PDF) would make python-docx refuse the whole briefing.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _word(text: str) -> str:
    """Text as Word can store it: the invisible characters XML forbids are left out of the document (only of the
    document: the ledger keeps what was typed, and the Excel tables keep them in Excel's own escape)."""
    return _NOT_XML.sub("", text)


def _cell_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return str(value)


def filename(brief: Briefing, suffix: str) -> str:
    return f"工作简报-{brief.scope}-{brief.date_from.isoformat()}至{brief.date_to.isoformat()}.{suffix}"
