"""工作简报: 运城市's office writes the briefing of 2025 — read back with python-docx as Word/WPS would open it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.assessment.world import YEAR, AssessWorld, define, enterprise, enterprise_org
from xiaodi.assessment import service
from xiaodi.briefing import document
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed


def _published(session: Session, world: AssessWorld) -> None:
    office = world.city_office(session)
    indicator_set = define(session, world)
    period = service.add_period(session, office, set_id=indicator_set.id, name="2025年度",
                                starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    service.score_period(session, office, period_id=period.id)
    service.publish(session, office, period_id=period.id, today=dt.date(2026, 1, 10))


def test_the_city_briefing_has_its_headings_figures_table_chart_and_ranking(session: Session,
                                                                            world: AssessWorld) -> None:
    _published(session, world)
    brief = document.build(session, world.city_office(session), region_id=world.city.id,
                           date_from=dt.date(YEAR, 1, 1), date_to=dt.date(YEAR, 12, 31), today=dt.date(2026, 1, 12))
    doc = Document(io.BytesIO(document.to_docx(brief)))

    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "山西省运城市省校合作工作简报"
    sections = ("一、总体情况", "二、分地区情况", "三、基地建设", "四、逾期节点与调度", "五、专项考核", "六、重点项目")
    assert all(wanted in headings for wanted in sections)
    assert "统计期间：2025年1月1日至2025年12月31日" in [p.text for p in doc.paragraphs]

    figures = doc.tables[0]
    assert [c.text for c in figures.rows[0].cells] == ["指标", "本期", "上一同期", "增减", "增幅"]
    agreements = next(r for r in figures.rows if r.cells[0].text == "签约协议")
    assert [c.text for c in agreements.cells] == ["签约协议", "7", "1", "+6", "+600.0%"]
    regions = doc.tables[1]
    assert [c.text for c in regions.rows[0].cells][:2] == ["地区", "签约协议"]
    assert "河津市" in [r.cells[0].text for r in regions.rows]
    assert len(doc.inline_shapes) == 2  # the comparison and the regions chart, PNG
    assert doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed  # an embedded picture
    ranking_heading = next(h for h in headings if h.startswith("专项考核排名"))
    assert ranking_heading == "专项考核排名（运城市省校合作专项考核·2025年度）"
    bases = next(t for t in doc.tables if t.rows[0].cells[0].text == "基地类型")
    assert bases.rows[-1].cells[0].text == "合计"  # no base at all: every type with 0, no error

    book = load_workbook(io.BytesIO(document.to_xlsx(brief)))
    assert book.sheetnames == ["核心数据", "分地区", "基地建设", "逾期节点", "调度决定", "考核排名", "重点项目"]
    assert [c.value for c in book["核心数据"][6]][:3] == ["签约协议", "7", "1"]


def test_the_previous_equal_period(session: Session) -> None:
    assert document.previous_period(dt.date(2025, 1, 1), dt.date(2025, 6, 30)) == (dt.date(2024, 1, 1),
                                                                                  dt.date(2024, 6, 30))
    assert document.previous_period(dt.date(2025, 3, 1), dt.date(2025, 3, 10)) == (dt.date(2025, 2, 19),
                                                                                  dt.date(2025, 2, 28))


def test_who_may_write_a_briefing(session: Session, world: AssessWorld) -> None:
    with pytest.raises(Forbidden, match="工作简报仅向校地合作办公室和管理员开放"):
        document.build(session, enterprise(enterprise_org(session, world).id), region_id=world.hejin.id,
                       charts=False)
    with pytest.raises(NotFound, match="不在您的管辖范围内"):  # a county office asking for its city
        document.build(session, world.hejin_office(session), region_id=world.city.id, charts=False)
    with pytest.raises(ValidationFailed, match="统计起始日期不能晚于截止日期"):
        document.build(session, world.city_office(session), region_id=world.city.id, charts=False,
                       date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 4, 1))
    own = document.build(session, world.hejin_office(session), region_id=world.hejin.id, charts=False,
                         date_from=dt.date(YEAR, 1, 1), date_to=dt.date(YEAR, 12, 31))
    assert own.scope == "山西省运城市河津市" and own.tables["regions"].rows == []
    # the county's Word file says why 分地区情况 has no table, where it showed a heading over nothing
    texts = [p.text for p in Document(io.BytesIO(document.to_docx(own))).paragraphs]
    assert "山西省运城市河津市无下级地区，本期数据见“总体情况”。" in texts


def test_the_default_period_ends_on_the_deployments_today(session: Session, world: AssessWorld,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Before 8:00 in China the server's UTC clock is still on yesterday: the briefing's default period ends on the
    deployment's day (XIAODI_TIMEZONE), as the figures page counts."""
    from xiaodi.core.settings import Settings

    monkeypatch.setattr(Settings, "today", lambda self: dt.date(YEAR, 3, 2))
    brief = document.build(session, world.city_office(session), region_id=world.city.id, charts=False)
    assert (brief.date_from, brief.date_to, brief.made_on) == (dt.date(YEAR, 1, 1), dt.date(YEAR, 3, 2),
                                                               dt.date(YEAR, 3, 2))


def test_a_briefing_of_the_running_year_counts_overdue_days_to_today(session: Session, world: AssessWorld) -> None:
    """Written on 8 December, the year's briefing said a node due 17 November was 44 days late (to 31 December)."""
    _published(session, world)
    brief = document.build(session, world.city_office(session), region_id=world.city.id,
                           date_from=dt.date(YEAR, 1, 1), date_to=dt.date(YEAR, 12, 31), today=dt.date(YEAR, 12, 8))
    assert brief.tables["overdue"].note is not None and "截至2025年12月8日" in brief.tables["overdue"].note
