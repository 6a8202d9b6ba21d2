"""The programme's figures for 运城市 — universities connected, agreements, projects signed and landed, amounts,
funds in place, bases, demands published and taken up — match the figures worked out by hand from the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.demands.loop_world import World, published_demand
from xiaodi.bases.models import BaseState, BaseType, ProgrammeBase
from xiaodi.core.audit import Actor
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.records import retire
from xiaodi.demands.models import DemandKind
from xiaodi.demands.service_claims import submit_claim, withdraw_claim
from xiaodi.directory.models import Organisation
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.figures.compute import compute_figures, figures_by_subregion, figures_by_year
from xiaodi.figures.metrics import BREAKDOWN_KEYS, FIGURE_KEYS, Metric
from xiaodi.projects.models import AgreementKind, PartyRole
from xiaodi.projects.service import (
    PartySpec,
    correct_funds,
    create_agreement,
    create_project,
    move_project,
    record_funds,
)

YEAR_2025 = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 12, 31)}
UTC = dt.UTC


@dataclass
class Ledger:
    w: World


def _agreement(session: Session, actor: Actor, title: str, region_id: int, signed: dt.date, amount: int,
               a: Organisation, b: Organisation) -> int:
    return create_agreement(session, actor=actor, title=title, kind=AgreementKind.PROJECT_COOPERATION,
                            signed_on=signed, amount=Decimal(amount), region_id=region_id,
                            parties=[PartySpec(a.name, PartyRole.PARTY_A, a.id),
                                     PartySpec(b.name, PartyRole.PARTY_B, b.id)]).id


def _project(session: Session, actor: Actor, name: str, agreement_id: int, partner: Organisation,
             enterprise: Organisation, landed: dt.date | None) -> int:
    p = create_project(session, actor=actor, name=name, agreement_id=agreement_id, partner_id=partner.id,
                       enterprise_id=enterprise.id)
    if landed:
        move_project(session, actor=actor, project_id=p.id, to="landed", reached_on=landed)
    return p.id


def _base(session: Session, name: str, region_id: int, partner: Organisation, plaque: dt.date | None) -> None:
    kind = session.scalar(select(BaseType).where(BaseType.code == "internship"))
    if kind is None:
        kind = BaseType(code="internship", name="实习实训基地")
        session.add(kind)
        session.flush()
    session.add(ProgrammeBase(name=name, base_type_id=kind.id, region_id=region_id, partner_org_id=partner.id,
                              plaque_on=plaque, state=BaseState.PLAQUED if plaque else BaseState.PROPOSED))
    session.flush()


@pytest.fixture
def ledger(session: Session, world: World, official: Actor) -> World:
    """The hand-made ledger whose figures the tests below work out (see each test's comments)."""
    w, a = world, official
    ent, ent2 = w.enterprise, w.other_enterprise
    jx, wh, ty = w.named_uni, w.other_uni, w.third_uni
    a1 = _agreement(session, a, "A1", w.county.id, dt.date(2024, 5, 1), 10_000_000, ent, jx)
    a2 = _agreement(session, a, "A2", w.county.id, dt.date(2025, 3, 1), 30_000_000, ent, wh)
    a3 = _agreement(session, a, "A3", w.county2.id, dt.date(2025, 4, 1), 5_000_000, ent2, jx)
    a4 = _agreement(session, a, "A4", w.other_city.id, dt.date(2025, 4, 1), 99_000_000, ent2, ty)
    a5 = _agreement(session, a, "A5 录错", w.county.id, dt.date(2025, 6, 1), 1_000_000, ent, ty)
    from xiaodi.projects.models import Agreement

    retire(session, session.get_one(Agreement, a5), actor=a, reason="重复录入")
    p1 = _project(session, a, "P1", a1, jx, ent, dt.date(2024, 10, 1))
    p2 = _project(session, a, "P2", a2, wh, ent, dt.date(2025, 5, 1))
    p3 = _project(session, a, "P3", a3, jx, ent2, None)
    p4 = _project(session, a, "P4", a4, ty, ent2, dt.date(2025, 5, 1))
    record_funds(session, actor=a, project_id=p1, amount=Decimal(2_000_000), arrived_on=dt.date(2024, 6, 1))
    wrong = record_funds(session, actor=a, project_id=p1, amount=Decimal(3_000_000), arrived_on=dt.date(2025, 2, 1))
    correct_funds(session, actor=a, fund_record_id=wrong.id, amount=Decimal(2_500_000), reason="核对回单")
    record_funds(session, actor=a, project_id=p2, amount=Decimal(4_000_000), arrived_on=dt.date(2025, 5, 10))
    chain = record_funds(session, actor=a, project_id=p3, amount=Decimal(1_000_000), arrived_on=dt.date(2025, 4, 15))
    chain = correct_funds(session, actor=a, fund_record_id=chain.id, amount=Decimal(1_200_000), reason="补录")
    correct_funds(session, actor=a, fund_record_id=chain.id, amount=Decimal(1_100_000), reason="再次核对")
    record_funds(session, actor=a, project_id=p4, amount=Decimal(7_000_000), arrived_on=dt.date(2025, 5, 10))
    _base(session, "B1 河津实习实训基地", w.county.id, jx, dt.date(2024, 9, 1))
    _base(session, "B2 稷山实习实训基地", w.county2.id, ty, dt.date(2025, 3, 1))
    _base(session, "B3 河津规划中基地", w.county.id, wh, None)
    _base(session, "B4 临汾基地", w.other_city.id, ty, dt.date(2025, 1, 1))

    def published_on(day: dt.date, **kwargs: object) -> int:
        d = published_demand(session, w, a, **kwargs)  # type: ignore[arg-type]
        d.published_at = dt.datetime.combine(day, dt.time(10), UTC)
        return d.id

    d1 = published_on(dt.date(2025, 2, 1), title="D1", kind=DemandKind.TECHNOLOGY)
    submit_claim(session, actor=a, demand_id=d1, claimant_org_id=jx.id, approach="方案")
    published_on(dt.date(2025, 3, 1), title="D2", kind=DemandKind.TALENT, headcount=20)
    d3 = published_on(dt.date(2024, 8, 1), title="D3", kind=DemandKind.PROJECT, region_id=w.county2.id)
    c = submit_claim(session, actor=a, demand_id=d3, claimant_org_id=wh.id, approach="方案")
    withdraw_claim(session, actor=a, claim_id=c.id, reason="撤回")  # a withdrawn claim is no take-up
    published_on(dt.date(2025, 3, 1), title="D4", kind=DemandKind.TECHNOLOGY, region_id=w.other_city.id)
    from tests.demands.loop_world import draft_demand

    draft_demand(session, w, a, title="D5 草稿")
    session.flush()
    return w


def test_a_citys_figures_include_its_counties_and_count_corrections_once(session: Session, ledger: World) -> None:
    f = compute_figures(session, region_id=ledger.city.id)
    assert f.values == {
        "universities": 3,  # 江西理工 (A1, A3, P1, P3, B1), 武汉理工 (A2, P2), 太原理工 (B2)
        "agreements": 3,  # A1 + A2 + A3; A4 is 临汾, A5 retired
        "amount_signed": Decimal("45000000.00"),
        "projects_signed": 3,  # P1 P2 P3
        "projects_landed": 2,  # P1 P2
        "funds_in_place": Decimal("9600000.00"),  # P1 2,000,000 + 2,500,000 (corrected); P2 4,000,000; P3 1,100,000
        "bases": 2,  # B1 B2 plaqued; B3 only planned
        "tech_demand": 1, "talent_demand": 1, "project_demand": 1, "talent_headcount": 20,
        "demands_published": 3,  # D1 D2 D3; D4 临汾, D5 a draft
        "demands_claimed": 1,  # D1; D3's only claim was withdrawn
    }
    assert f.region == ledger.city.full_name


def test_a_period_counts_what_happened_inside_it(session: Session, ledger: World) -> None:
    f = compute_figures(session, region_id=ledger.city.id, **YEAR_2025)
    assert f.values == {
        "universities": 3,  # 武汉理工 (A2), 江西理工 (A3), 太原理工 (B2)
        "agreements": 2, "amount_signed": Decimal("35000000.00"),
        "projects_signed": 2,  # P2 P3 (their agreements were signed in 2025)
        "projects_landed": 1,  # P2; P1 landed in 2024
        "funds_in_place": Decimal("7600000.00"),  # 2,500,000 + 4,000,000 + 1,100,000
        "bases": 1,
        "tech_demand": 1, "talent_demand": 1, "project_demand": 0, "talent_headcount": 20,
        "demands_published": 2, "demands_claimed": 1,
    }


def test_a_county_and_a_unit(session: Session, ledger: World) -> None:
    county = compute_figures(session, region_id=ledger.county.id).values
    assert (county["agreements"], county["amount_signed"], county["funds_in_place"], county["universities"]) == (
        2, Decimal("40000000.00"), Decimal("8500000.00"), 2)
    unit = compute_figures(session, region_id=ledger.city.id, unit_id=ledger.enterprise.id).values
    assert unit["agreements"] == 2 and unit["projects_signed"] == 2 and unit["projects_landed"] == 2
    # D1, D2 and D3 are all the enterprise's own demands (D3 for its 稷山 plant); D4 is in 临汾
    assert unit["funds_in_place"] == Decimal("8500000.00") and unit["demands_published"] == 3
    assert unit["universities"] == 2 and unit["bases"] == 0


def test_the_json_uses_the_ingest_metric_keys(session: Session, ledger: World) -> None:
    data = compute_figures(session, region_id=ledger.city.id, **YEAR_2025).as_json()
    for metric in (Metric.UNIVERSITIES, Metric.AGREEMENTS, Metric.PROJECTS_SIGNED, Metric.PROJECTS_LANDED,
                   Metric.AMOUNT_SIGNED, Metric.FUNDS_IN_PLACE, Metric.BASES, Metric.TECH_DEMAND,
                   Metric.TALENT_DEMAND, Metric.PROJECT_DEMAND):
        assert metric.value in data
    assert set(FIGURE_KEYS) <= set(data) and data["funds_in_place"] == 7_600_000 and data["from"] == "2025-01-01"


def test_a_day_is_a_shanghai_day(session: Session, world: World, official: Actor) -> None:
    d = published_demand(session, world, official, title="元旦凌晨发榜")
    d.published_at = dt.datetime(2024, 12, 31, 16, 30, tzinfo=UTC)  # 2025-01-01 00:30 in 北京时间
    session.flush()
    f = compute_figures(session, region_id=world.county.id, date_from=dt.date(2025, 1, 1),
                        date_to=dt.date(2025, 1, 1))
    assert f.values["demands_published"] == 1
    with pytest.raises(ValidationFailed):
        compute_figures(session, region_id=world.county.id, date_from=dt.date(2025, 2, 1),
                        date_to=dt.date(2025, 1, 1))


def test_the_region_subtree_holds_the_region_and_every_descendant(session: Session, world: World) -> None:
    ids = set(region_subtree_ids(session, world.city.id))
    assert {world.city.id, world.county.id, world.county2.id} <= ids
    assert world.other_city.id not in ids and world.province.id not in ids
    assert set(region_subtree_ids(session, world.county.id)) == {world.county.id}


def _pick(values: dict, keys: tuple[str, ...]) -> dict:  # type: ignore[type-arg]
    return {k: values[k] for k in keys}


def test_the_breakdown_by_subregion_adds_up_like_each_regions_own_figures(session: Session, ledger: World) -> None:
    rows = {r.key: r for r in figures_by_subregion(session, region_id=ledger.province.id, **YEAR_2025)}
    assert list(rows)[:2] == ["140100", "140200"]  # every city of 山西省, by code
    for region in (ledger.city, ledger.other_city):
        own = compute_figures(session, region_id=region.id, **YEAR_2025).values
        assert rows[region.code].values == _pick(own, BREAKDOWN_KEYS), region.name
    assert not any(rows["140100"].values.values())  # 太原市: nothing in this ledger
    city = figures_by_subregion(session, region_id=ledger.city.id)
    by_name = {r.label: r.values for r in city}
    assert by_name["河津市"]["agreements"] == 2 and by_name["河津市"]["funds_in_place"] == Decimal("8500000.00")
    assert by_name["稷山县"]["agreements"] == 1 and by_name["稷山县"]["demands_published"] == 1  # A3; D3
    assert figures_by_subregion(session, region_id=ledger.county.id) == []  # a county has no sub-regions here


def test_the_trend_by_year_matches_each_years_figures(session: Session, ledger: World) -> None:
    rows = figures_by_year(session, region_id=ledger.city.id, unit_id=None, first_year=2023, last_year=2025)
    assert [r.key for r in rows] == ["2023", "2024", "2025"]
    assert rows[0].values["agreements"] == 0 and rows[0].values["funds_in_place"] == Decimal("0.00")
    for row in rows:
        year = int(row.key)
        own = compute_figures(session, region_id=ledger.city.id, date_from=dt.date(year, 1, 1),
                              date_to=dt.date(year, 12, 31)).values
        assert row.values == _pick(own, BREAKDOWN_KEYS), row.label
    unit = figures_by_year(session, region_id=None, unit_id=ledger.enterprise.id, first_year=2024, last_year=2025)
    assert [r.values["agreements"] for r in unit] == [1, 1]  # A1 (2024), A2 (2025); A5 retired
    with pytest.raises(ValidationFailed):
        figures_by_year(session, region_id=None, unit_id=None, first_year=2025, last_year=2024)


def test_a_new_years_eve_demand_counts_in_the_shanghai_year(session: Session, world: World,
                                                            official: Actor) -> None:
    d = published_demand(session, world, official, title="元旦凌晨发榜")
    d.published_at = dt.datetime(2024, 12, 31, 16, 30, tzinfo=UTC)  # 2025-01-01 00:30 in 北京时间
    session.flush()
    rows = figures_by_year(session, region_id=world.county.id, unit_id=None, first_year=2024, last_year=2025)
    assert [r.values["demands_published"] for r in rows] == [0, 1]


@pytest.mark.parametrize(("zone", "published", "years"), [
    ("UTC", dt.datetime(2024, 12, 31, 16, 30, tzinfo=UTC), [1, 0]),  # still 2024 where the deployment counts in UTC
    ("America/New_York", dt.datetime(2025, 1, 1, 3, 0, tzinfo=UTC), [1, 0]),  # 22:00 on New Year's Eve there
    ("Asia/Urumqi", dt.datetime(2024, 12, 31, 18, 30, tzinfo=UTC), [0, 1]),  # UTC+6: 00:30 on 1 January
])
def test_the_year_of_a_demand_is_counted_in_the_deployments_time_zone(
    session: Session, world: World, official: Actor, monkeypatch: pytest.MonkeyPatch,
    zone: str, published: dt.datetime, years: list[int],
) -> None:
    """XIAODI_TIMEZONE names the days pages count in; the trend by year and a period's figures count in them too
    (they were fixed to Shanghai's)."""
    from xiaodi.core.settings import get_settings

    d = published_demand(session, world, official, title="跨年发榜")
    d.published_at = published
    session.flush()
    monkeypatch.setenv("XIAODI_TIMEZONE", zone)
    get_settings.cache_clear()
    try:
        rows = figures_by_year(session, region_id=world.county.id, unit_id=None, first_year=2024, last_year=2025)
        assert [r.values["demands_published"] for r in rows] == years
        for year, count in zip((2024, 2025), years, strict=True):
            period = compute_figures(session, region_id=world.county.id, date_from=dt.date(year, 1, 1),
                                     date_to=dt.date(year, 12, 31)).values
            assert period["demands_published"] == count, year
    finally:
        get_settings.cache_clear()
