"""专项考核 as 运城市's office runs it: define the indicators, take in a county's evidence, score every county with
its working, rank, publish; a county sees its own result and appeals; the office answers and corrects the score."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.assessment.world import YEAR, AssessWorld, define, enterprise, enterprise_org, office
from xiaodi.assessment import service
from xiaodi.assessment.models import (
    Appeal,
    AppealState,
    AssessmentPeriod,
    Evidence,
    Indicator,
    IndicatorSet,
    PeriodState,
    Ranking,
    Score,
    ScoringRule,
    Subject,
)
from xiaodi.assessment.service import IndicatorInput
from xiaodi.core.audit import AuditEntry
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed

TODAY = dt.date(2026, 1, 10)


def _scored(session: Session, world: AssessWorld):  # type: ignore[no-untyped-def]
    office = world.city_office(session)
    indicator_set = define(session, world)
    period = service.add_period(session, office, set_id=indicator_set.id, name="2025年度",
                                starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    publicity = next(i for i in indicator_set.indicators if i.code == "XC")
    evidence = service.submit_evidence(session, world.hejin_office(session), period_id=period.id,
                                       indicator_id=publicity.id, region_id=world.hejin.id, value="10",
                                       evidence="山西日报等报道清单（10篇），见附件")
    service.check_evidence(session, office, evidence_id=evidence.id, accept=True)
    service.score_period(session, office, period_id=period.id)
    return indicator_set, period


def test_the_office_scores_every_county_with_the_working_and_ranks_them(session: Session,
                                                                        world: AssessWorld) -> None:
    _, period = _scored(session, world)
    result = service.period_result(session, world.city_office(session), period.id)

    counties = session.scalar(select(func.count()).select_from(Ranking).where(Ranking.period_id == period.id))
    assert counties == 13  # every county-level region of 运城市
    top, second = result.rows[0], result.rows[1]
    # 河津市: 2 of 4 agreements (20) + no base (0) + 10 of 10 reports, proven and accepted (30).
    assert (top.name, top.total, top.rank, top.grade) == ("山西省运城市河津市", Decimal("50.000"), 1, "较差")
    agreements = top.working[0]
    assert (agreements.value, agreements.target, agreements.ratio, agreements.weight, agreements.points) == (
        Decimal(2), Decimal(4), Decimal("0.5000"), Decimal(40), Decimal("20.000"))
    assert agreements.measured == "台账：签约协议"
    # 稷山县: 5 agreements against 4 capped at full marks; the 2024 agreement does not count; no evidence.
    assert (second.name, second.total, second.rank) == ("山西省运城市稷山县", Decimal("40.000"), 2)
    assert second.working[0].value == Decimal(5) and second.working[0].ratio == Decimal(1)
    assert second.working[2].note == "无已认定的佐证材料"
    # Everyone else ties on 0 and shares the third place.
    assert {r.rank for r in result.rows[2:]} == {3}
    assert period.state == PeriodState.SCORED
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "assessment_period",
                                                          AuditEntry.entity_id == period.id,
                                                          AuditEntry.action == "score")) == "score"


def test_a_county_sees_only_its_own_result_until_the_ranking_is_published(session: Session,
                                                                          world: AssessWorld) -> None:
    _, period = _scored(session, world)
    mine = service.period_result(session, world.jishan_office(session), period.id)
    assert [r.name for r in mine.rows] == ["山西省运城市稷山县"] and not mine.complete and mine.out_of == 13
    assert mine.rows[0].own

    service.publish(session, world.city_office(session), period_id=period.id, today=TODAY)
    everyone = service.period_result(session, world.jishan_office(session), period.id)
    assert everyone.complete and len(everyone.rows) == 13
    assert period.appeal_deadline == TODAY + dt.timedelta(days=7)


def test_an_upheld_appeal_corrects_the_score_and_the_ranking_audited(session: Session, world: AssessWorld) -> None:
    indicator_set, period = _scored(session, world)
    office, jishan = world.city_office(session), world.jishan_office(session)
    service.publish(session, office, period_id=period.id, today=TODAY)
    bases = next(i for i in indicator_set.indicators if i.code == "JD")

    appeal = service.file_appeal(session, jishan, period_id=period.id, indicator_id=bases.id, today=TODAY,
                                 reason="稷山县板枣实习实训基地已于2025年9月挂牌，台账漏录")
    assert appeal.region_id == world.jishan.id and appeal.state == AppealState.FILED
    service.answer_appeal(session, office, appeal_id=appeal.id, uphold=True, corrected_value="2",
                          answer="经核实挂牌文件，予以更正")

    result = service.period_result(session, jishan, period.id)
    top = result.rows[0]
    assert (top.name, top.total, top.rank) == ("山西省运城市稷山县", Decimal("70.000"), 1)
    assert top.working[1].value == Decimal(2) and top.working[1].measured == "台账：共建基地（申诉更正）"
    trail = session.scalars(select(AuditEntry).where(AuditEntry.entity == "score", AuditEntry.action == "correct"))
    entry = trail.one()
    assert entry.before["raw_value"] in ("0", "0.00", 0) and entry.after["raw_value"] in ("2", "2.00", 2)


def test_the_trend_and_the_workbook(session: Session, world: AssessWorld) -> None:
    indicator_set, period = _scored(session, world)
    office = world.city_office(session)
    service.publish(session, office, period_id=period.id, today=TODAY)
    later = service.add_period(session, office, set_id=indicator_set.id, name="2026年上半年",
                               starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30))
    service.score_period(session, office, period_id=later.id)
    periods, rows = service.trend(session, office, indicator_set.id)
    assert [p.name for p in periods] == ["2025年度", "2026年上半年"]
    hejin = next(r for r in rows if r.name == "山西省运城市河津市")
    assert hejin.cells[0] == (Decimal("50.000"), 1) and hejin.cells[1] is not None

    book = load_workbook(io.BytesIO(service.result_xlsx(service.period_result(session, office, period.id))))
    assert book.sheetnames == ["排名", "计分明细"]
    assert [c.value for c in book["排名"][6]][:3] == [1, "山西省运城市河津市", 50.0]
    assert [c.value for c in book["计分明细"][1]][:8] == ["被考核单位", "指标编号", "指标", "取数方式", "计分规则",
                                                         "完成值", "目标值", "计量单位"]
    assert book["计分明细"]["H2"].value in ("项", "个", "篇") and book["排名"]["C6"].number_format == "0.00"


# ── bad input: a clear Chinese error and nothing written ─────────────────────────────────────────────────────


def _nothing_defined(session: Session) -> None:
    assert session.scalar(select(func.count()).select_from(IndicatorSet)) == 0
    assert session.scalar(select(func.count()).select_from(Indicator)) == 0


@pytest.mark.parametrize(("indicators", "message"), [
    ([IndicatorInput("A", "签约协议", 40, 4, metric="agreements"), IndicatorInput("B", "挂牌基地", 50, 2,
                                                                               metric="bases")],
     "各项指标分值合计应为100分（100%），现为90分"),
    ([IndicatorInput("A", "签约协议", 100, 0, metric="agreements")], "指标“签约协议”的目标值必须大于0"),
    ([IndicatorInput("A", "签约协议", 100, 4, metric="signatures")], "取数口径“signatures”无效"),
    ([IndicatorInput("A", "签约协议", 100, 4, metric="agreements", rule=ScoringRule.RANKED, cap="1.5")],
     "按排名计分，不设封顶系数"),
    ([IndicatorInput("A", "签约协议", "一百", 4, metric="agreements")], "不是有效的数字"),
    # a money target typed without its unit: 1000 would be 1000元 and everyone would score full marks
    ([IndicatorInput("A", "到位资金", 100, "1000", metric="funds_in_place")], "是金额，请写明单位"),
    ([], "至少要有一项指标"),
])
def test_a_bad_indicator_set_is_refused_whole(session: Session, world: AssessWorld, indicators: list[IndicatorInput],
                                              message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        service.define_set(session, world.city_office(session), name="运城市考核", year=YEAR, region_id=world.city.id,
                           subject=Subject.REGION, indicators=indicators)
    _nothing_defined(session)


def test_a_money_target_is_read_with_its_unit(session: Session, world: AssessWorld) -> None:
    funds = IndicatorInput("A", "到位资金", 100, "1000万元", metric="funds_in_place")
    indicators = service.define_set(session, world.city_office(session), name="运城市考核", year=YEAR,
                                    region_id=world.city.id, subject=Subject.REGION, indicators=[funds]).indicators
    assert [i.target for i in indicators] == [Decimal("10000000")]


def test_a_county_office_cannot_define_a_set_for_the_city(session: Session, world: AssessWorld) -> None:
    with pytest.raises(Forbidden, match="只能为本辖区制定考核指标体系"):
        service.define_set(session, world.hejin_office(session), name="运城市考核", year=YEAR,
                           region_id=world.city.id, subject=Subject.REGION, indicators=[])
    _nothing_defined(session)


def test_publishing_before_scoring_is_refused(session: Session, world: AssessWorld) -> None:
    office = world.city_office(session)
    indicator_set = define(session, world)
    period = service.add_period(session, office, set_id=indicator_set.id, name="2025年度",
                                starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    with pytest.raises(ValidationFailed, match="尚未评分，不能发布排名"):
        service.publish(session, office, period_id=period.id, today=TODAY)
    assert period.state == PeriodState.OPEN and period.published_at is None


def test_evidence_for_a_unit_outside_the_scope_is_refused(session: Session, world: AssessWorld) -> None:
    office = world.city_office(session)
    indicator_set = define(session, world)
    period = service.add_period(session, office, set_id=indicator_set.id, name="2025年度",
                                starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    publicity = next(i for i in indicator_set.indicators if i.code == "XC")
    # 河津市 for 稷山县: not its own.
    with pytest.raises(Forbidden, match="“山西省运城市稷山县”不在您的管辖范围内，不能为其提交佐证材料"):
        service.submit_evidence(session, world.hejin_office(session), period_id=period.id, indicator_id=publicity.id,
                                region_id=world.jishan.id, value=3, evidence="报道清单")
    # The city office for a county of 临汾市: not assessed by this set.
    with pytest.raises(ValidationFailed, match="不在考核“运城市省校合作专项考核”的考核范围内"):
        service.submit_evidence(session, office, period_id=period.id, indicator_id=publicity.id,
                                region_id=world.linfen_county.id, value=3, evidence="报道清单")
    assert session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_an_appeal_after_the_deadline_or_by_another_unit_is_refused(session: Session, world: AssessWorld) -> None:
    _, period = _scored(session, world)
    office = world.city_office(session)
    with pytest.raises(ValidationFailed, match="排名尚未发布"):
        service.file_appeal(session, world.jishan_office(session), period_id=period.id, reason="有误", today=TODAY)
    service.publish(session, office, period_id=period.id, appeal_deadline=dt.date(2026, 1, 15), today=TODAY)
    with pytest.raises(ValidationFailed, match="申诉期已于2026-01-15截止，不能再提出申诉"):
        service.file_appeal(session, world.jishan_office(session), period_id=period.id, reason="有误",
                            today=dt.date(2026, 1, 16))
    with pytest.raises(Forbidden, match="只有被考核单位“山西省运城市稷山县”本身可以对其结果提出申诉"):
        service.file_appeal(session, world.hejin_office(session), period_id=period.id, reason="有误",
                            region_id=world.jishan.id, today=TODAY)
    assert session.scalar(select(func.count()).select_from(Appeal)) == 0


def test_outsiders_see_nothing_and_cannot_score(session: Session, world: AssessWorld) -> None:
    _, period = _scored(session, world)
    with pytest.raises(Forbidden, match="专项考核仅向校地合作办公室和牵头单位开放"):
        service.period_result(session, enterprise(enterprise_org(session, world).id), period.id)
    with pytest.raises(Forbidden, match="只有制定该考核的办公室可以进行此操作"):
        service.score_period(session, world.hejin_office(session), period_id=period.id)
    # Another city's county: 运城市's assessment is not its business; it is not found, as an unknown period is.
    other = world.other_office(session)
    for period_id in (period.id, 10**6):
        with pytest.raises(NotFound, match="不存在或不在您的查看范围内"):
            service.period_result(session, other, period_id)
    assert service.list_periods(session, other) == []
    scores_before = session.scalar(select(func.count()).select_from(Score))
    with pytest.raises(NotFound):
        service.publish(session, other, period_id=period.id, today=TODAY)
    with pytest.raises(Forbidden, match="只有制定该考核的办公室可以进行此操作"):
        service.publish(session, world.hejin_office(session), period_id=period.id, today=TODAY)
    assert session.scalar(select(func.count()).select_from(Score)) == scores_before
    assert period.state == PeriodState.SCORED


def test_values_by_region_equal_the_figures(session: Session, world: AssessWorld) -> None:
    """Scoring every county at once counts as ``compute_figures`` counts one county at a time."""
    from xiaodi.assessment.ledger import LEDGER_METRICS, metric_values, values_by_region
    from xiaodi.bases.models import BaseState, BaseType, ProgrammeBase

    base_type = BaseType(code="kh-test", name="考核测试基地类型")
    session.add(base_type)
    session.flush()
    for n, (region, day) in enumerate([(world.jishan, dt.date(2025, 9, 1)), (world.jishan, dt.date(2024, 9, 1)),
                                       (world.hejin, dt.date(2025, 2, 1))]):
        session.add(ProgrammeBase(name=f"考核测试基地{n}", base_type_id=base_type.id, region_id=region.id,
                                  plaque_on=day, state=BaseState.PLAQUED))
    session.flush()
    metrics = set(LEDGER_METRICS) - {"universities"}
    period = {"date_from": dt.date(YEAR, 1, 1), "date_to": dt.date(YEAR, 12, 31)}
    grouped = values_by_region(session, metrics, [world.hejin, world.jishan, world.linfen_county], **period)
    for region in (world.hejin, world.jishan, world.linfen_county):
        one = metric_values(session, metrics, region_id=region.id, unit_id=None, **period)
        assert grouped[region.id] == one, region.full_name
    assert grouped[world.jishan.id]["bases"] == 1 and grouped[world.jishan.id]["agreements"] == 5


def test_lead_units_are_assessed_and_see_their_own_result(session: Session, world: AssessWorld) -> None:
    """A set over the lead units (牵头单位) working in 河津市: the units named on its bases are scored on their own
    figures; a lead unit's people see its row and appeal for it, not for another unit."""
    from xiaodi.accounts.models import Role
    from xiaodi.accounts.scope import Viewer
    from xiaodi.bases.models import BaseState, BaseType, ProgrammeBase
    from xiaodi.directory.models import Organisation, OrgKind

    office = world.hejin_office(session)
    science, culture = (Organisation(kind=OrgKind.GOVERNMENT, name=n, region_id=world.hejin.id)
                        for n in ("河津市科学技术局", "河津市文化和旅游局"))
    session.add_all([science, culture])
    base_type = BaseType(code="kh-lead", name="考核测试基地类型二")
    session.add(base_type)
    session.flush()
    for n, unit in enumerate((science, science, culture)):
        session.add(ProgrammeBase(name=f"牵头单位测试基地{n}", base_type_id=base_type.id, region_id=world.hejin.id,
                                  lead_unit_id=unit.id, plaque_on=dt.date(YEAR, 6, 1), state=BaseState.PLAQUED))
    session.flush()
    made = service.define_set(session, office, name="河津市牵头单位专项考核", year=YEAR, region_id=world.hejin.id,
                              subject="牵头单位", indicators=[IndicatorInput("JD", "基地建设", 100, 2, metric="bases")])
    period = service.add_period(session, office, set_id=made.id, name="2025年度", starts_on=dt.date(YEAR, 1, 1),
                                ends_on=dt.date(YEAR, 12, 31))
    service.score_period(session, office, period_id=period.id)
    service.publish(session, office, period_id=period.id, today=TODAY)

    lead = Viewer(user_id=None, name="科技局·张", roles=frozenset({Role.LEAD_UNIT}),
                  organisation_ids=frozenset({culture.id}))
    result = service.period_result(session, lead, period.id)
    assert [(r.name, r.total, r.rank, r.own) for r in result.rows] == [
        ("河津市科学技术局", Decimal("100.000"), 1, False), ("河津市文化和旅游局", Decimal("50.000"), 2, True)]
    appeal = service.file_appeal(session, lead, period_id=period.id, reason="另有一个基地待认定", today=TODAY)
    assert appeal.unit_id == culture.id
    with pytest.raises(Forbidden):
        service.file_appeal(session, lead, period_id=period.id, reason="替人申诉", unit_id=science.id, today=TODAY)


def test_an_appeal_reaches_the_inbox_of_the_office_that_answers_it(session: Session, world: AssessWorld) -> None:
    """稷山县 appeals; 运城市's office (which defined and scores the set) finds it in its inbox, once, with a link
    to the period; the county that appealed and another county's office are not told."""
    from xiaodi.accounts.models import Role
    from xiaodi.accounts.service import create_user
    from xiaodi.core.audit import Actor
    from xiaodi.notifications.models import Notification

    admin = Actor("测试")
    city_user = create_user(session, actor=admin, username="yuncheng_office", display_name="运城市校地合作办·李芳",
                            password="Xiaodi-Pass-2026!", role=Role.CITY_OFFICE, region_id=world.city.id)
    jishan_user = create_user(session, actor=admin, username="jishan_office", display_name="稷山县校地合作办·赵强",
                              password="Xiaodi-Pass-2026!", role=Role.COUNTY_OFFICE, region_id=world.jishan.id)
    hejin_user = create_user(session, actor=admin, username="hejin_office", display_name="河津市校地合作办·王敏",
                             password="Xiaodi-Pass-2026!", role=Role.COUNTY_OFFICE, region_id=world.hejin.id)
    indicator_set, period = _scored(session, world)
    service.publish(session, world.city_office(session), period_id=period.id, today=TODAY)
    bases = next(i for i in indicator_set.indicators if i.code == "JD")
    assert session.scalar(select(func.count()).select_from(Notification)) == 0

    appeal = service.file_appeal(session, world.jishan_office(session), period_id=period.id, indicator_id=bases.id,
                                 reason="稷山县板枣实习实训基地已挂牌，台账漏录", today=TODAY)

    inbox = list(session.scalars(select(Notification).where(Notification.user_id == city_user.id)))
    assert len(inbox) == 1
    message = inbox[0]
    assert message.kind == "appeal" and message.read_at is None
    assert "山西省运城市稷山县" in message.title and "申诉" in message.title and bases.name in message.title
    assert message.link == f"/assessment/periods/{period.id}#appeals"
    assert message.key == f"assessment_appeal:{appeal.id}"
    others = select(func.count()).select_from(Notification).where(
        Notification.user_id.in_([jishan_user.id, hejin_user.id]))
    assert session.scalar(others) == 0


RANKED = [
    IndicatorInput("XY", "签约协议", 40, None, metric="agreements", rule=ScoringRule.RANKED, unit="项"),
    IndicatorInput("JD", "挂牌基地", 30, 2, metric="bases", unit="个"),
    IndicatorInput("XC", "宣传工作", 30, 10, unit="篇"),
]


def _ranked_period(session: Session, world: AssessWorld):  # type: ignore[no-untyped-def]
    office = world.city_office(session)
    indicator_set = define(session, world, RANKED)
    period = service.add_period(session, office, set_id=indicator_set.id, name="2025年度",
                                starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    return indicator_set, period


def test_ranked_scoring_gives_full_marks_to_the_first_and_less_down_the_ranks(session: Session,
                                                                               world: AssessWorld) -> None:
    """按排名 among the 13 counties of 运城市: 稷山县 (5 agreements) first, 40 points; 河津市 (2) second,
    40 × (13−2)÷(13−1); the eleven counties without an agreement share the last places and score nothing."""
    indicator_set, period = _ranked_period(session, world)
    assert indicator_set.indicators[0].scoring_rule == ScoringRule.RANKED and indicator_set.indicators[0].target is None
    service.score_period(session, world.city_office(session), period_id=period.id)
    rows = {r.name: r for r in service.period_result(session, world.city_office(session), period.id).rows}

    first, second = rows["山西省运城市稷山县"].working[0], rows["山西省运城市河津市"].working[0]
    assert (first.value, first.target, first.ratio, first.points) == (Decimal(5), None, Decimal(1), Decimal(40))
    assert first.rule == "按排名" and first.note == "第1名（共13个单位）：得分 = 分值40 × (13−1)÷(13−1) = 40"
    assert (second.value, second.ratio, second.points) == (Decimal(2), Decimal("0.9167"), Decimal("36.667"))
    assert second.note == "第2名（共13个单位）：得分 = 分值40 × (13−2)÷(13−1) = 36.667"
    last = rows["山西省运城市盐湖区"].working[0] if "山西省运城市盐湖区" in rows else next(
        r.working[0] for name, r in rows.items() if name not in ("山西省运城市稷山县", "山西省运城市河津市"))
    assert last.points == 0 and last.note == "第3名（共13个单位）：完成值为0，不得分"
    assert rows["山西省运城市河津市"].total == Decimal("36.667")


def test_ranked_ties_share_the_higher_score(session: Session, world: AssessWorld) -> None:
    from xiaodi.projects.models import Agreement, AgreementKind

    for n in range(3):  # 河津市 signs three more: 5 each with 稷山县
        session.add(Agreement(code=f"KH-TIE-{n}", title=f"并列协议{n}", kind=AgreementKind.PROJECT_COOPERATION,
                              signed_on=dt.date(2025, 8, 1), amount=Decimal(100000), region_id=world.hejin.id))
    session.flush()
    _, period = _ranked_period(session, world)
    service.score_period(session, world.city_office(session), period_id=period.id)
    rows = {r.name: r for r in service.period_result(session, world.city_office(session), period.id).rows}
    for county in ("山西省运城市稷山县", "山西省运城市河津市"):
        working = rows[county].working[0]
        assert working.points == Decimal(40)
        assert working.note == "第1名（共13个单位），与1个单位并列：得分 = 分值40 × (13−1)÷(13−1) = 40"


def test_an_upheld_appeal_on_a_ranked_indicator_reranks_everyone(session: Session, world: AssessWorld) -> None:
    indicator_set, period = _ranked_period(session, world)
    office = world.city_office(session)
    service.score_period(session, office, period_id=period.id)
    service.publish(session, office, period_id=period.id, today=TODAY)
    agreements = indicator_set.indicators[0]
    appeal = service.file_appeal(session, world.hejin_office(session), period_id=period.id, reason="漏录4项协议",
                                 indicator_id=agreements.id, today=TODAY)
    service.answer_appeal(session, office, appeal_id=appeal.id, uphold=True, corrected_value="6",
                          answer="经核实协议文本，更正为6项")
    rows = {r.name: r for r in service.period_result(session, office, period.id).rows}
    assert rows["山西省运城市河津市"].working[0].points == Decimal(40) and rows["山西省运城市河津市"].rank == 1
    assert rows["山西省运城市稷山县"].working[0].points == Decimal("36.667") and rows["山西省运城市稷山县"].rank == 2
    moved = session.scalars(select(AuditEntry).where(AuditEntry.entity == "score", AuditEntry.action == "rerank"))
    entry = moved.one()  # 稷山县's points moved from first to second place; the zeros stay as they were
    assert Decimal(str(entry.before["score"])) == Decimal(40)
    assert Decimal(str(entry.after["score"])) == Decimal("36.667")


def test_a_ranked_indicator_needs_a_ledger_metric_and_takes_no_cap(session: Session, world: AssessWorld) -> None:
    with pytest.raises(ValidationFailed, match="没有取数口径，只能设为佐证认定"):
        define(session, world, [IndicatorInput("XC", "宣传工作", 100, None, rule=ScoringRule.RANKED)])
    with pytest.raises(ValidationFailed, match="按排名计分，不设封顶系数"):
        define(session, world, [IndicatorInput("XY", "签约协议", 100, None, metric="agreements",
                                               rule=ScoringRule.RANKED, cap="1.2")])
    with pytest.raises(ValidationFailed, match="缺少目标值"):  # the other rules still need a target
        define(session, world, [IndicatorInput("XY", "签约协议", 100, None, metric="agreements")])
    assert service.parse_indicator("PM:落地项目:100::projects_landed:按排名").rule == ScoringRule.RANKED


def test_an_assessment_is_read_by_those_it_concerns(session: Session, world: AssessWorld) -> None:
    """运城市's county assessment: its counties and the offices above read it; a county of 临汾市 and a lead unit
    it does not assess find nothing, even once it is published (test_lead_units_are_assessed…: the assessed read)."""
    from xiaodi.accounts.models import Role
    from xiaodi.accounts.scope import Viewer
    from xiaodi.directory.models import Organisation, OrgKind

    _, period = _scored(session, world)
    service.publish(session, world.city_office(session), period_id=period.id, today=TODAY)
    province = office(session, world.province, Role.PROVINCE_OFFICE, "省校合作办·周")
    counties = len(service.period_result(session, world.city_office(session), period.id).rows)
    for reader in (world.hejin_office(session), world.jishan_office(session), province):
        assert [p.id for p in service.list_periods(session, reader)] == [period.id], reader.name
        assert len(service.period_result(session, reader, period.id).rows) == counties >= 2, reader.name

    bureau = Organisation(kind=OrgKind.GOVERNMENT, name="尧都区工业和信息化局", region_id=world.linfen_county.id)
    session.add(bureau)
    session.flush()
    lead = Viewer(user_id=None, name="尧都区工信局·钱", roles=frozenset({Role.LEAD_UNIT}),
                  organisation_ids=frozenset({bureau.id}))
    for outsider in (world.other_office(session), lead):
        assert service.list_periods(session, outsider) == [], outsider.name
        with pytest.raises(NotFound):
            service.period_result(session, outsider, period.id)
        with pytest.raises(NotFound):
            service.trend(session, outsider, period.set_id)
        assert service.latest_published(session, outsider) is None


def test_an_office_names_the_ledger_figure_in_chinese(session: Session, world: AssessWorld) -> None:
    """The indicator line takes the figure's Chinese name (签约协议), as the form's hint lists them; an unknown one is
    refused with the Chinese names to choose from."""
    line = service.parse_indicator("XY：签约协议：100：4：签约协议")
    made = service.define_set(session, world.city_office(session), name="运城市中文口径考核", year=YEAR,
                              region_id=world.city.id, subject=Subject.REGION, indicators=[line])
    assert [(i.name, i.metric) for i in made.indicators] == [("签约协议", "agreements")]
    with pytest.raises(ValidationFailed, match="取数口径“签约数”无效，可选：合作高校、签约协议"):
        service.define_set(session, world.city_office(session), name="运城市错口径考核", year=YEAR,
                           region_id=world.city.id, subject=Subject.REGION,
                           indicators=[service.parse_indicator("XY:签约协议:100:4:签约数")])


def test_a_period_outside_the_sets_years_or_longer_than_a_year_is_refused(session: Session,
                                                                         world: AssessWorld) -> None:
    """The office types 2019-01-01 … 2031-12-31 on the 2025 set: refused (before its year, and thirteen years long);
    a year, a half or a quarter from the set's year on is accepted."""
    office = world.city_office(session)
    indicator_set = define(session, world)
    with pytest.raises(ValidationFailed, match="不能早于"):
        service.add_period(session, office, set_id=indicator_set.id, name="全程",
                           starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2031, 12, 31))
    with pytest.raises(ValidationFailed, match="最长一年"):
        service.add_period(session, office, set_id=indicator_set.id, name="两年",
                           starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR + 1, 12, 31))
    assert session.scalar(select(func.count()).select_from(AssessmentPeriod)) == 0
    year = service.add_period(session, office, set_id=indicator_set.id, name=f"{YEAR}年度",
                              starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    assert year.ends_on == dt.date(YEAR, 12, 31)


def test_a_figure_beyond_reason_never_reaches_the_ranking(session: Session, world: AssessWorld) -> None:
    """河津 states 1e30 reports as evidence, and the city office upholds an appeal with 1e20 bases: both refused,
    nothing written, the published ranking as it was — one slip of the keyboard would have ranked 河津 first."""
    indicator_set, period = _scored(session, world)
    office, jishan = world.city_office(session), world.jishan_office(session)
    publicity = next(i for i in indicator_set.indicators if i.code == "XC")
    evidence = session.scalar(select(func.count()).select_from(Evidence))
    with pytest.raises(ValidationFailed, match=r"填报值“1e30”超出合理范围（数量应小于10亿）"):
        service.submit_evidence(session, world.hejin_office(session), period_id=period.id,
                                indicator_id=publicity.id, region_id=world.hejin.id, value="1e30", evidence="报道")
    assert session.scalar(select(func.count()).select_from(Evidence)) == evidence
    service.publish(session, office, period_id=period.id, today=TODAY)
    ranked = [(r.name, r.total) for r in service.period_result(session, office, period.id).rows]
    bases = next(i for i in indicator_set.indicators if i.code == "JD")
    appeal = service.file_appeal(session, jishan, period_id=period.id, indicator_id=bases.id, today=TODAY,
                                 reason="台账漏录")
    with pytest.raises(ValidationFailed, match=r"更正后的取值“1e20”超出合理范围"):
        service.answer_appeal(session, office, appeal_id=appeal.id, uphold=True, corrected_value="1e20",
                              answer="予以更正")
    assert appeal.state == AppealState.FILED
    assert [(r.name, r.total) for r in service.period_result(session, office, period.id).rows] == ranked


def test_an_appeal_on_money_is_corrected_with_its_unit(session: Session, world: AssessWorld) -> None:
    """`assessment answer 1 --value 800` was taken as 800元 and the upheld appeal corrected nothing; 800万元 was
    refused as no number. Money is typed with its unit, as the targets are."""
    from xiaodi.assessment.models import Appeal
    office, jishan = world.city_office(session), world.jishan_office(session)
    indicator_set = define(session, world, [IndicatorInput("DW", "到位资金", 100, "1000万元", metric="funds_in_place",
                                                           unit="万元")])
    period = service.add_period(session, office, set_id=indicator_set.id, name="2025年度",
                                starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    service.score_period(session, office, period_id=period.id)
    service.publish(session, office, period_id=period.id, today=TODAY)
    funds = indicator_set.indicators[0]
    appeal = service.file_appeal(session, jishan, period_id=period.id, indicator_id=funds.id, today=TODAY,
                                 reason="800万元到位资金台账漏录")
    with pytest.raises(ValidationFailed, match="是金额，请写明单位，如 800万元"):
        service.answer_appeal(session, office, appeal_id=appeal.id, uphold=True, corrected_value="800",
                              answer="予以更正")
    service.answer_appeal(session, office, appeal_id=appeal.id, uphold=True, corrected_value="800万元",
                          answer="经核实予以更正")
    assert session.get(Appeal, appeal.id).corrected_value == Decimal(8_000_000)  # type: ignore[union-attr]
    # The workbook writes money in 万元 like every other workbook, and says so.
    book = load_workbook(io.BytesIO(service.result_xlsx(service.period_result(session, office, period.id))))
    jishan_row = next(r for r in book["计分明细"].iter_rows(min_row=2, values_only=True) if "稷山" in str(r[0]))
    assert jishan_row[5:8] == (800, 1000, "万元")
