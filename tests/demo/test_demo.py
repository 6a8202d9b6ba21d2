"""A programme office opens the demo and recognises its programme: 河津's "6+1" universities, 芮城's 1+1+N,
朝阳's talent week, demands at every stage, overdue milestones to dispatch, funds arriving — all audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xiaodi.bases.models import Pairing, PairingBase
from xiaodi.core.audit import AuditEntry
from xiaodi.core.db import make_engine
from xiaodi.core.errors import Conflict
from xiaodi.core.models import Base
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Demand, DemandState
from xiaodi.demo.builder import DemoSummary, build_demo
from xiaodi.demo.cli import clear_previous_demo, is_demo_database
from xiaodi.directory.models import Organisation, Region
from xiaodi.directory.service import resolve_organisation
from xiaodi.dispatch.service import dispatch_list
from xiaodi.events.models import Event, EventKind, EventOutcome
from xiaodi.ingest.models import FigureState, StatedFigure
from xiaodi.projects.models import Agreement, AgreementParty, FundRecord, Milestone, MilestoneState

# Tables whose rows a service appends as part of another record's audited change (the demand's transition, the
# project's stage move, a screening verdict on a claim, a party listed on its agreement, the scores and ranks an
# assessment's scoring computes — audited as the period's "score" entry, a corrected score on its own; the
# matching change feed and the shared counters, which record that something changed, not what).
LOG_TABLES = frozenset({"audit_entry", "demand_transition", "project_stage_change", "claim_review",
                        "agreement_party", "organisation_alias", "score", "ranking", "notification",
                        "notification_outbox", "index_change", "shared_counter"})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, DemoSummary, Path]]:
    path = tmp_path_factory.mktemp("demo") / "xiaodi-demo.db"
    engine = make_engine(f"sqlite:///{path}")
    summary = build_demo(engine, accounts=False)
    yield engine, summary, path
    engine.dispose()


@pytest.fixture
def db(demo: tuple[Engine, DemoSummary, Path]) -> Iterator[Session]:
    with Session(demo[0]) as session:
        yield session


def region(session: Session, full_name: str) -> Region:
    return session.scalars(select(Region).where(Region.full_name == full_name)).one()


def test_hejin_has_agreements_with_jiangxi_and_wuhan_universities(db: Session) -> None:
    hejin = region(db, "山西省运城市河津市")
    partners = set(db.scalars(
        select(Organisation.name).join(AgreementParty, AgreementParty.organisation_id == Organisation.id)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(Agreement.region_id == hejin.id, Organisation.kind == "university")
    ))
    assert "江西理工大学" in partners
    wuhan = set(db.scalars(select(Organisation.name).where(Organisation.name.in_(partners),
                                                          Organisation.city == "武汉市")))
    assert wuhan, partners
    assert resolve_organisation(db, "江理工").name == "江西理工大学"
    assert resolve_organisation(db, "武理工").name == "武汉理工大学"
    slag = db.scalars(select(Demand).where(Demand.title == "钢渣绿色处理新技术")).one()
    assert slag.state == DemandState.CONTRACTED
    # the aggregate the report states is a reported figure, accepted, beside the named ledger records
    stated = db.scalars(select(StatedFigure).where(StatedFigure.region_id == hejin.id,
                                                   StatedFigure.metric == "agreements")).all()
    assert {f.value for f in stated} >= {Decimal(94)}
    assert all(f.state == FigureState.ACCEPTED for f in stated)


def test_ruicheng_has_a_one_plus_one_plus_n_pairing_with_bases(db: Session) -> None:
    ruicheng = region(db, "山西省运城市芮城县")
    pairings = db.scalars(select(Pairing).where(Pairing.region_id == ruicheng.id)).all()
    assert {p.university.name for p in pairings} >= {"清华大学", "武汉大学", "华中科技大学"}
    assert all(p.lead_unit.kind == "government" for p in pairings)
    bases = db.scalar(select(func.count()).select_from(PairingBase)
                      .where(PairingBase.pairing_id.in_([p.id for p in pairings])))
    assert bases and bases >= len(pairings)


def test_chaoyang_talent_week_has_its_outcomes(db: Session) -> None:
    week = db.scalars(select(Event).where(Event.kind == EventKind.TALENT_WEEK)).one()
    assert week.region_id == region(db, "辽宁省朝阳市").id
    assert week.starts_on == dt.date(2025, 7, 15)
    outcomes = {metric: value for metric, value in db.execute(
        select(EventOutcome.metric, EventOutcome.value).where(EventOutcome.event_id == week.id))}
    assert outcomes["achievements"] == 146
    assert outcomes["tech_demand"] == 128
    assert outcomes["agreements"] == 23
    framework = db.scalars(select(Agreement).where(Agreement.event_id == week.id,
                                                   Agreement.kind == "strategic_framework")).one()
    assert "东北大学" in {p.name for p in framework.parties}


def test_demands_are_at_every_stage_of_their_life(db: Session, demo: tuple[Engine, DemoSummary, Path]) -> None:
    states = set(db.scalars(select(Demand.state)))
    assert states >= {DemandState.DRAFT, DemandState.SUBMITTED, DemandState.PUBLISHED, DemandState.CLAIMED,
                      DemandState.SELECTED, DemandState.CONTRACTED}
    assert demo[1].demand_states["contracted"] >= 5


def test_overdue_milestones_wait_on_the_dispatch_list_and_funds_arrive(
    db: Session, demo: tuple[Engine, DemoSummary, Path]
) -> None:
    today = demo[1].today
    overdue = db.scalar(select(func.count()).select_from(Milestone).where(
        Milestone.state == MilestoneState.PENDING, Milestone.due_on < today))
    assert overdue and overdue == demo[1].overdue_milestones
    hejin = dispatch_list(db, as_of=today, region_id=region(db, "山西省运城市河津市").id)
    assert hejin.count("overdue") >= 1
    slipped = db.scalars(select(Milestone).where(Milestone.slip_count > 0)).all()
    assert slipped and all(m.original_due_on < m.due_on for m in slipped)
    funds = db.scalars(select(FundRecord)).all()
    assert len(funds) >= 5
    assert any(f.arrived_on > today - dt.timedelta(days=100) for f in funds)


def test_the_county_assessment_is_scored_published_and_an_appeal_answered(db: Session) -> None:
    from xiaodi.assessment.models import Appeal, AppealState, AssessmentPeriod, PeriodState, Ranking

    period = db.scalars(select(AssessmentPeriod).where(AssessmentPeriod.state == PeriodState.PUBLISHED)).one()
    assert period.indicator_set.name == "运城市省校合作专项考核" and period.name == "2021年度"
    ranks = db.scalars(select(Ranking).where(Ranking.period_id == period.id).order_by(Ranking.rank)).all()
    assert len(ranks) == 13 and ranks[0].total > 0  # every county of 运城市
    assert [a.state for a in db.scalars(select(Appeal))] == [AppealState.UPHELD]


def test_every_row_the_demo_wrote_has_an_audit_entry(db: Session, demo: tuple[Engine, DemoSummary, Path]) -> None:
    summary = demo[1]
    assert summary.tables["organisation"] > 30 and summary.tables["agreement"] >= 15
    audited = {(e, i) for e, i in db.execute(select(AuditEntry.entity, AuditEntry.entity_id))}
    missing: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in LOG_TABLES or table.name not in summary.first_ids or "id" not in table.c:
            continue  # no id: bookkeeping, not records (the search index's pending notes)
        ids = db.scalars(select(table.c.id).where(table.c.id >= summary.first_ids[table.name])).all()
        unaudited = [i for i in ids if (table.name, i) not in audited]
        if unaudited:
            missing[table.name] = len(unaudited)
    assert not missing


def test_the_summary_reads_in_chinese_with_ledger_and_reported_figures(demo: tuple[Engine, DemoSummary, Path]) -> None:
    text = "\n".join(demo[1].render_summary())
    for name in ("河津市", "盐湖区", "芮城县", "长治市", "朝阳市", "台账", "报道", "逾期节点"):
        assert name in text


def test_only_a_previous_demo_database_is_replaced(demo: tuple[Engine, DemoSummary, Path], tmp_path: Path) -> None:
    assert is_demo_database(demo[2])
    own = tmp_path / "ledger.db"
    engine = make_engine(f"sqlite:///{own}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE audit_entry (id INTEGER PRIMARY KEY, action TEXT)")
    engine.dispose()
    with pytest.raises(Conflict):
        clear_previous_demo(own)
    assert own.exists()
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database", encoding="utf-8")
    with pytest.raises(Conflict):
        clear_previous_demo(text_file)
    assert not clear_previous_demo(tmp_path / "absent.db")


def test_the_demo_goes_where_xiaodi_database_url_says(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Like every other command, ``xiaodi demo`` reads XIAODI_DATABASE_URL; it no longer writes ./xiaodi.db."""
    from xiaodi.core.errors import ValidationFailed
    from xiaodi.demo.cli import database_path

    monkeypatch.setenv("XIAODI_DATABASE_URL", f"sqlite:///{tmp_path / 'office.db'}")
    assert database_path(None) == tmp_path / "office.db"
    assert database_path(str(tmp_path / "chosen.db")) == tmp_path / "chosen.db"  # --db still wins
    monkeypatch.setenv("XIAODI_DATABASE_URL", "postgresql+psycopg://office@db.example/ledger")
    with pytest.raises(ValidationFailed):  # refused, never built in ./xiaodi.db instead
        database_path(None)
    monkeypatch.delenv("XIAODI_DATABASE_URL")
    assert database_path(None) == Path("xiaodi.db")


def test_hejin_ran_a_job_fair_and_signed_at_a_matchmaking_meeting(db: Session) -> None:
    from xiaodi.events.models import ContactLog, Secondment

    fair = db.scalars(select(Event).where(Event.name == "河津市2025年春季校地人才招聘会")).one()
    outcomes = {o.metric: o.value for o in db.scalars(select(EventOutcome).where(EventOutcome.event_id == fair.id))}
    assert outcomes == {"positions": Decimal(2135), "intent_people": Decimal(148)}
    meeting = db.scalars(select(Event).where(Event.kind == EventKind.MATCHMAKING,
                                             Event.name == "河津市钢铁企业与江西理工大学技术对接会")).one()
    signed = db.scalars(select(Agreement.title).where(Agreement.event_id == meeting.id)).all()
    assert signed == ["钢渣处理与综合利用技术合作协议"]
    assert db.scalar(select(func.count()).select_from(Secondment)) == 2
    assert db.scalar(select(func.count()).select_from(ContactLog)) == 3


def test_hejin_talent_services_in_every_state(db: Session) -> None:
    """人才服务: talents registered, cards issued/waiting/refused/revoked, one-stop applications finished, in progress
    and overdue (on 河津's dispatch list), apartment stays with a check-out, subsidies paid, internships at 芮城."""
    from xiaodi.projects.dispatch import OVERDUE_STEP
    from xiaodi.talent.figures import internships_by_base, talent_figures
    from xiaodi.talent.models import (
        ApartmentAllocation,
        ApplicationState,
        CardState,
        ServiceApplication,
        Subsidy,
        Talent,
        TalentCard,
    )

    hejin = region(db, "山西省运城市河津市")
    assert db.scalar(select(func.count()).select_from(Talent).where(Talent.region_id == hejin.id)) >= 6
    states = set(db.scalars(select(TalentCard.state).where(TalentCard.talent_id.is_not(None))))
    assert {CardState.ACTIVE, CardState.APPLIED, CardState.REFUSED, CardState.REVOKED} <= states
    app_states = set(db.scalars(select(ServiceApplication.state).where(ServiceApplication.kind == "one_stop")))
    assert {ApplicationState.FULFILLED, ApplicationState.ACCEPTED} <= app_states
    listing = dispatch_list(db, region_id=hejin.id, as_of=local_today())
    assert any(e.kind == OVERDUE_STEP for e in listing.entries)
    assert db.scalar(select(func.count()).select_from(ApartmentAllocation).where(
        ApartmentAllocation.vacated_on.is_not(None))) >= 1
    assert db.scalar(select(func.count()).select_from(Subsidy).where(Subsidy.grant_id.is_not(None))) >= 9
    assert talent_figures(db).interns >= 16 and any(r.label != "基地外" for r in internships_by_base(db))


def test_the_demo_accounts_can_dispatch_and_review_and_change_their_passwords_first(
        db: Session, demo: tuple[Engine, DemoSummary, Path]) -> None:
    """From the demo's own accounts: the university assigns (派单) an order to its service team, the expert
    reviews the claims it was invited to score, and every account must change its printed password first."""
    from xiaodi.accounts.demo import create_demo_accounts
    from xiaodi.accounts.models import User
    from xiaodi.accounts.scope import viewer_for
    from xiaodi.demands import access as demand_access
    from xiaodi.demands.service_claims import claims_of
    from xiaodi.demo.builder import invite_demo_expert
    from xiaodi.demo.render import render_lines
    from xiaodi.orders import access as order_access
    from xiaodi.orders.models import OrderState, ServiceOrder
    from xiaodi.orders.pages import assignment_choices

    logins = create_demo_accounts(db)
    demand = db.scalars(select(Demand).where(Demand.title == "生物医药领域科研成果转化")).one()  # 芮城, two claims
    invite_demo_expert(db, [demand.id])
    db.flush()
    users = {u.username: u for u in db.scalars(select(User).where(User.username.in_([n for n, _, _ in logins])))}
    assert all(u.must_change_password for u in users.values())

    university = viewer_for(db, users["university"])
    waiting = [o for o in db.scalars(select(ServiceOrder).where(ServiceOrder.state == OrderState.PLACED))
               if "dispatch" in order_access.available_actions(db, o, university)]
    assert waiting, "the demo university has an order to assign"
    teams, _experts = assignment_choices(db, waiting[0])
    assert teams, "the demo university has a service team to assign it to"

    expert = viewer_for(db, users["expert"])
    assert demand_access.may_score(expert, demand)
    claimants = {c.claimant.name for c in claims_of(db, demand_id=demand.id, viewer=expert)}
    assert claimants == {"西北农林科技大学", "西北大学"}

    summary = dataclasses.replace(demo[1], accounts=[(n, p, str(r)) for n, p, r in logins])
    printed = render_lines(summary)
    assert any("首次登录须修改密码" in line for line in printed)
    outcomes = [line for line in printed if "活动成效" in line]
    assert outcomes and not any(re.search(r"[a-z]_[a-z]", line) for line in outcomes), outcomes  # no intent_people
    assert any("达成意向（人） 148" in line for line in outcomes)
    db.rollback()


def test_the_printed_logins_name_each_role_in_chinese(db: Session) -> None:
    """The summary a programme office reads after `make demo`: 省级办公室, 企业 … — not province_office."""
    from xiaodi.demo.builder import _demo_accounts

    roles = {username: role for username, _, role in _demo_accounts(db)}
    assert roles["province"] == "省级办公室" and roles["enterprise"] == "企业" and roles["university"] == "高校/院所"
    assert not [r for r in roles.values() if r.isascii()], roles
    db.rollback()


def test_demo_records_are_numbered_like_new_ones(db: Session) -> None:
    """One code scheme (类别-年份-六位序号) for the demo's demands, agreements and projects and for new records."""
    import re

    from xiaodi.core.audit import Actor
    from xiaodi.demands.service import create_demand
    from xiaodi.projects.models import Project

    for model, prefix in ((Demand, "XQ"), (Agreement, "XY"), (Project, "XM")):
        codes = db.scalars(select(model.code)).all()
        assert codes and all(re.fullmatch(rf"{prefix}-20\d\d-\d{{6}}", c) for c in codes), (prefix, codes[:5])
    assert "XQ-2021-000001" in db.scalars(select(Demand.code)).all()  # the year the fact names
    owner = db.scalars(select(Organisation).where(Organisation.name == "华鑫源钢铁")).one()
    new = create_demand(db, actor=Actor.system("test"), owner_id=owner.id, title="新需求", kind="technology")
    assert re.fullmatch(rf"XQ-{local_today().year}-\d{{6}}", new.code)
    db.rollback()


def test_the_demo_builds_the_indexes_a_demand_is_matched_against_so_its_server_loads_them_at_start(
        demo: tuple[Engine, DemoSummary, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from xiaodi.demo.cli import _build_match_indexes
    from xiaodi.matching import service

    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.delenv("XIAODI_MATCH_INDEX_DIR", raising=False)
    service.reset_services()
    engine, _, path = demo
    _build_match_indexes(engine, Console(file=None, quiet=True))
    with Session(engine) as session:
        svc = service.service_for(session)
        assert all(svc.in_use(t) for t in service.DEMAND_TARGETS["technology"])
    assert (path.parent / "xiaodi-index-xiaodi-demo" / "university" / "records.jsonl").exists()  # its own index
    service.reset_services()


def test_a_reported_base_past_its_proposal_is_dated_as_reported_not_today(db: Session) -> None:
    """A walk found 认定日期 = the day the demo was built for bases taken from 2021 reports."""
    from xiaodi.bases.models import BaseState, ProgrammeBase

    dated = db.execute(select(ProgrammeBase.name, ProgrammeBase.recognised_on)
                       .where(ProgrammeBase.state != BaseState.PROPOSED, ProgrammeBase.recognised_on.is_not(None)))
    days = {name: day for name, day in dated}
    assert days, "the demo has recognised bases"
    assert all(day.year < local_today().year for day in days.values()), days
