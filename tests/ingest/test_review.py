"""An office uploads a county's report, reviews the figures it states, and compares them with the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor, history
from xiaodi.core.errors import ValidationFailed
from xiaodi.directory.service import resolve_region
from xiaodi.ingest.models import FigureState, ReportState, StatedFigure
from xiaodi.ingest.service import Decision, accept_report, reconcile, review_figure, store_report
from xiaodi.projects.models import Agreement

REPORT = (
    "示例县深化县校合作工作报告\n"
    "今年以来，示例县与12所高校签订合作协议3个，落地项目2个，签约金额1.5亿元。\n"
    "下一步，计划建设实习实训基地5个。\n"
).encode()


def _report(session: Session, official: Actor) -> int:
    return store_report(session, actor=official, raw=REPORT, filename="示例县报告.txt", region_name="河津市").id


def test_uploading_a_report_proposes_its_figures(session: Session, official: Actor) -> None:
    report_id = _report(session, official)
    figs = session.scalars(select(StatedFigure).where(StatedFigure.report_id == report_id)).all()
    by_metric = {f.metric: f for f in figs}
    assert by_metric["agreements"].value == 3
    assert by_metric["amount_signed"].value == Decimal("150000000")
    assert all(f.state == FigureState.PROPOSED for f in figs)
    assert any(f.is_plan for f in figs)
    again = store_report(session, actor=official, raw=REPORT, filename="再次上传.txt")
    assert again.id == report_id  # the same file is one report


def test_review_accept_correct_reject_is_audited(session: Session, official: Actor) -> None:
    report_id = _report(session, official)
    figs = {f.metric: f for f in session.scalars(select(StatedFigure).where(StatedFigure.report_id == report_id))}
    review_figure(session, actor=official, figure_id=figs["agreements"].id, decision=Decision.CORRECT,
                  corrected_value=Decimal(4), note="台账核实为4个")
    review_figure(session, actor=official, figure_id=figs["projects_landed"].id, decision=Decision.REJECT)
    with pytest.raises(ValidationFailed):
        review_figure(session, actor=official, figure_id=figs["universities"].id, decision=Decision.CORRECT)
    accepted = accept_report(session, actor=official, report_id=report_id)
    assert accepted >= 2  # universities and amount; the plan stays proposed
    assert figs["agreements"].effective_value == 4
    trail = history(session, "stated_figure", figs["agreements"].id)
    assert trail[-1].action == "figure_correct" and trail[-1].reason == "台账核实为4个"
    assert figs["agreements"].report.state in {ReportState.REVIEWED, ReportState.ACCEPTED}


def test_reconciliation_shows_reported_beside_ledger(session: Session, official: Actor) -> None:
    report_id = _report(session, official)
    accept_report(session, actor=official, report_id=report_id)
    hejin = resolve_region(session, "河津市")
    session.add(Agreement(code="XY-RECON-1", title="示例合作协议", kind="project_cooperation",
                          signed_on=dt.date(2026, 3, 1), amount=Decimal("150000000"), region_id=hejin.id))
    session.flush()
    rows = {r.metric: r for r in reconcile(session, region_id=hejin.id)}
    assert rows["agreements"].reported == 3 and rows["agreements"].ledger == 1
    assert rows["agreements"].flagged
    assert rows["amount_signed"].difference == 0 and not rows["amount_signed"].flagged
