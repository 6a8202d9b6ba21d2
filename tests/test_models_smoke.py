"""The whole domain model builds, links up and round-trips: one row of each main model, end to end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import xiaodi.models  # noqa: F401  (registers every area's tables)
from xiaodi.accounts.models import ApiToken, LoginAttempt, Membership, Role, User
from xiaodi.assessment.models import AssessmentPeriod, Indicator, IndicatorSet, Ranking, Score
from xiaodi.bases.models import (
    DEFAULT_BASE_TYPES,
    BaseActivity,
    BaseState,
    BaseType,
    Pairing,
    PairingBase,
    ProgrammeBase,
)
from xiaodi.core.db import make_engine, make_sessionmaker
from xiaodi.core.models import Base
from xiaodi.demands.models import (
    Claim,
    ClaimReview,
    ClaimState,
    ConflictDeclaration,
    Demand,
    DemandAudience,
    DemandKind,
    DemandState,
    DemandTransition,
    ReviewCriterion,
    ReviewStage,
    Visibility,
)
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind, Region, RegionLevel
from xiaodi.events.models import Event, EventKind, EventOutcome, EventParticipant, Internship
from xiaodi.figures.metrics import Metric
from xiaodi.ingest.models import IngestedReport, StatedFigure
from xiaodi.orders.models import Assignment, ServiceOrder, ServiceRecord, ServiceTeam
from xiaodi.projects.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    DispatchItem,
    DispatchMeeting,
    FundRecord,
    Milestone,
    PartyRole,
    Project,
    ProjectStage,
    ProjectStageChange,
)
from xiaodi.talent.models import (
    Apartment,
    ApartmentAllocation,
    ApplicationKind,
    Benefit,
    ServiceApplication,
    Subsidy,
    TalentCard,
    TalentStation,
    TalentTier,
)

SIGNED_AT = dt.datetime(2024, 5, 20, 2, 30, tzinfo=dt.UTC)


# Local fixtures on purpose: this test builds the schema from the models (create_all), while the shared
# conftest fixtures build it by running the migrations.
@pytest.fixture()
def engine() -> Iterator[sa.Engine]:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def session(engine: sa.Engine) -> Iterator[Session]:
    with make_sessionmaker(engine)() as session:
        yield session


def _directory(session: Session) -> dict[str, object]:
    shanxi = Region(code="140000", name="山西省", level=RegionLevel.PROVINCE, full_name="山西省")
    yuncheng = Region(code="140800", name="运城市", level=RegionLevel.CITY, full_name="山西省运城市", parent=shanxi)
    ruicheng = Region(
        code="140830", name="芮城县", level=RegionLevel.COUNTY, full_name="山西省运城市芮城县", parent=yuncheng
    )
    uni = Organisation(kind=OrgKind.UNIVERSITY, name="太原理工大学", region=shanxi)
    firm = Organisation(kind=OrgKind.ENTERPRISE, name="芮城县某光伏科技有限公司", region=ruicheng)
    office = Organisation(kind=OrgKind.GOVERNMENT, name="山西省教育厅", region=shanxi)
    expert = Person(kind=PersonKind.EXPERT, name="王教授", organisation=uni)
    session.add_all([shanxi, yuncheng, ruicheng, uni, firm, office, expert])
    session.flush()
    return {"province": shanxi, "county": ruicheng, "uni": uni, "firm": firm, "office": office, "expert": expert}


def test_every_area_builds_links_and_round_trips(engine: sa.Engine, session: Session) -> None:
    d = _directory(session)
    uni, firm, office, county, expert = d["uni"], d["firm"], d["office"], d["county"], d["expert"]
    assert isinstance(uni, Organisation) and isinstance(firm, Organisation) and isinstance(office, Organisation)
    assert isinstance(county, Region) and isinstance(expert, Person)

    # accounts
    user = User(username="ruicheng_office", display_name="芮城县校地合作办", password_hash="$argon2id$…")
    user.memberships.append(Membership(role=Role.COUNTY_OFFICE, region_id=county.id))
    session.add_all([user, ApiToken(user=user, name="导入脚本", prefix="xd_ab12", token_hash="0" * 64)])
    session.add(LoginAttempt(username="ruicheng_office", user_id=None, success=False, reason="bad_password"))
    session.flush()

    # demands: 发榜 → 揭榜 → review
    demand = Demand(
        code="XQ-2024-0001",
        title="光伏组件清洗机器人研发",
        kind=DemandKind.TECHNOLOGY,
        owner=firm,
        region_id=county.id,
        lead_unit_id=office.id,
        keywords=["光伏", "机器人"],
        budget=Decimal("1500000"),
        deadline=dt.date(2024, 9, 30),
        state=DemandState.PUBLISHED,
        visibility=Visibility.DIRECTED,
        published_at=SIGNED_AT,
        source="对接会",
    )
    demand.audience.append(DemandAudience(organisation=uni))
    session.add(demand)
    session.flush()
    session.add(
        DemandTransition(
            demand_id=demand.id,
            from_state=DemandState.REVIEWED,
            to_state=DemandState.PUBLISHED,
            actor=user.display_name,
            actor_user_id=user.id,
        )
    )
    claim = Claim(
        demand=demand,
        claimant=uni,
        claimant_person_id=expert.id,
        budget=Decimal("1200000.50"),
        attachments=[{"name": "方案.pdf", "size": 1024, "sha256": "a" * 64, "content_type": "application/pdf"}],
    )
    session.add_all([claim, ReviewCriterion(name="技术先进性", weight=Decimal("0.4"))])
    session.flush()
    session.add_all(
        [
            ConflictDeclaration(claim_id=claim.id, reviewer_user_id=user.id, has_conflict=False),
            ClaimReview(
                claim_id=claim.id,
                reviewer_user_id=user.id,
                stage=ReviewStage.ASSESS,
                scores={"技术先进性": 88},
                total=Decimal("88.00"),
            ),
        ]
    )

    # demands: 点单 → 派单 → 服务
    team = ServiceTeam(
        name="太原理工大学新能源服务团",
        organisation=uni,
        leader_person_id=expert.id,
        members=[{"person_id": expert.id, "name": "王教授"}],
        fields=["光伏"],
    )
    order = ServiceOrder(code="DD-2024-0001", enterprise=firm, university=uni, title="组件衰减诊断", rating=5)
    session.add_all([team, order])
    session.flush()
    session.add_all(
        [
            Assignment(order=order, team=team, dispatched_by="芮城县校地合作办", dispatched_by_user_id=user.id),
            ServiceRecord(order=order, served_on=dt.date(2024, 6, 3), hours=Decimal("6.5"), summary="现场诊断"),
        ]
    )

    # events
    event = Event(
        name="芮城县校地合作对接会",
        kind=EventKind.MATCHMAKING,
        region_id=county.id,
        organiser=office,
        starts_on=dt.date(2024, 5, 20),
    )
    event.participants.append(EventParticipant(label="芮城籍大学生", role="参会", count=200))
    event.outcomes.append(EventOutcome(metric=Metric.AMOUNT_SIGNED, value=Decimal("23730000000"), unit="元"))
    session.add(event)
    session.flush()
    session.add(Internship(event_id=event.id, student_name="李同学", university=uni, host=firm))

    # projects: 签约 → 项目 → 节点 → 到位资金 → 调度
    agreement = Agreement(
        code="XY-2024-0001",
        title="光伏运维技术开发合同",
        kind=AgreementKind.TECH_DEVELOPMENT,
        signed_on=dt.date(2024, 5, 20),
        amount=Decimal("1200000.50"),
        region_id=county.id,
        demand_id=demand.id,
        claim_id=claim.id,
        event_id=event.id,
    )
    agreement.parties.extend(
        [
            AgreementParty(organisation=firm, name=firm.name, role=PartyRole.PARTY_A),
            AgreementParty(organisation=uni, name=uni.name, role=PartyRole.PARTY_B),
        ]
    )
    project = Project(
        code="XM-2024-0001",
        name="光伏清洗机器人产业化",
        agreement=agreement,
        region_id=county.id,
        responsible_unit=office,
        partner=uni,
        enterprise=firm,
        leader_in_charge="张副县长",
        pledged_amount=Decimal("50000000"),
        is_key_project=True,
    )
    session.add(project)
    session.flush()
    milestone = Milestone(
        project=project, title="样机交付", due_on=dt.date(2024, 8, 1), original_due_on=dt.date(2024, 8, 1)
    )
    first = FundRecord(project=project, amount=Decimal("3000000"), arrived_on=dt.date(2024, 6, 1))
    session.add_all([milestone, first])
    session.flush()
    session.add_all(
        [
            FundRecord(project=project, amount=Decimal("2500000"), arrived_on=dt.date(2024, 6, 1), corrects=first),
            ProjectStageChange(
                project=project, from_stage=ProjectStage.SIGNED, to_stage=ProjectStage.STARTED, actor="系统:test"
            ),
        ]
    )
    meeting = DispatchMeeting(region_id=county.id, held_on=dt.date(2024, 8, 5), chaired_by="张副县长")
    meeting.items.append(
        DispatchItem(
            milestone_id=milestone.id,
            decision="延期两周",
            new_due_on=dt.date(2024, 8, 15),
            escalated=True,
            escalated_to_level="city",
        )
    )
    session.add(meeting)
    assert milestone.is_overdue(dt.date(2024, 8, 2))

    # bases and 1+1+N
    code, name, description = DEFAULT_BASE_TYPES[0]
    base_type = BaseType(code=code, name=name, description=description)
    base = ProgrammeBase(
        name="太原理工大学芮城实习实训基地",
        base_type=base_type,
        region_id=county.id,
        host=firm,
        partner=uni,
        lead_unit_id=office.id,
        state=BaseState.PLAQUED,
        plaque_on=dt.date(2024, 7, 1),
    )
    pairing = Pairing(university=uni, lead_unit=office, region=county)
    session.add_all([base, pairing])
    session.flush()
    session.add_all(
        [
            PairingBase(pairing_id=pairing.id, base_id=base.id),
            BaseActivity(base=base, held_on=dt.date(2024, 7, 10), kind="internship", participants=22),
        ]
    )

    # talent services
    tier = TalentTier(code="C", name="拔尖人才", rank=3)
    card = TalentCard(
        person=expert, card_no="RC-140830-0001", tier=tier, region_id=county.id, issued_on=dt.date(2024, 3, 1)
    )
    benefit = Benefit(
        code="rent",
        name="租房补贴",
        kind=ApplicationKind.SUBSIDY,
        min_tier=tier,
        region_id=county.id,
        amount=Decimal("1000"),
    )
    application = ServiceApplication(card=card, kind=ApplicationKind.SUBSIDY, benefit=benefit, amount=Decimal("1000"))
    apartment = Apartment(name="芮城人才公寓", region_id=county.id, units=120)
    session.add_all(
        [application, apartment, TalentStation(name="芮城人才驿站", region_id=county.id, host_org_id=firm.id)]
    )
    session.flush()
    session.add_all(
        [
            ApartmentAllocation(
                apartment=apartment, application_id=application.id, unit_no="3-201", from_on=dt.date(2024, 4, 1)
            ),
            Subsidy(
                application_id=application.id, amount=Decimal("1000"), paid_on=dt.date(2024, 4, 5), period="2024-04"
            ),
        ]
    )

    # assessment
    indicator_set = IndicatorSet(name="县校合作专项考核", year=2024, region_id=county.id)
    indicator_set.indicators.append(
        Indicator(
            code="A1", name="签约金额", metric=Metric.AMOUNT_SIGNED, weight=Decimal("20"), target=Decimal("100000000")
        )
    )
    session.add(indicator_set)
    session.flush()
    period = AssessmentPeriod(
        indicator_set=indicator_set, name="2024年度", starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31)
    )
    session.add(period)
    session.flush()
    session.add_all(
        [
            Score(
                period_id=period.id,
                indicator=indicator_set.indicators[0],
                unit_id=office.id,
                raw_value=Decimal("50000000"),
                score=Decimal("10.000"),
            ),
            Ranking(period_id=period.id, unit_id=office.id, total=Decimal("10"), rank=1),
        ]
    )

    # ingestion
    report = IngestedReport(
        filename="report.txt",
        sha256="b" * 64,
        raw_size=4096,
        clean_text="……",
        published_on=dt.date(2024, 6, 1),
        region_id=county.id,
    )
    report.figures.append(
        StatedFigure(
            metric=Metric.AMOUNT_SIGNED,
            value=Decimal("23730000000"),
            unit="亿元",
            value_text="237.3亿元",
            approx=False,
            quote="签约金额237.3亿元",
        )
    )
    session.add(report)
    session.commit()

    # Round trip through a fresh session: money stays exact Decimal yuan, times come back UTC-aware.
    with make_sessionmaker(engine)() as fresh:
        got = fresh.scalars(sa.select(Agreement).where(Agreement.code == "XY-2024-0001")).one()
        assert got.amount == Decimal("1200000.50")
        assert isinstance(got.amount, Decimal)
        assert [p.role for p in got.parties] == [PartyRole.PARTY_A, PartyRole.PARTY_B]
        got_demand = fresh.scalars(sa.select(Demand)).one()
        assert got_demand.published_at == SIGNED_AT
        assert got_demand.published_at is not None and got_demand.published_at.tzinfo is not None
        assert got_demand.owner.name == firm.name  # joined eagerly
        assert [a.organisation_id for a in got_demand.audience] == [uni.id]
        assert fresh.scalars(sa.select(Claim)).one().state == ClaimState.SUBMITTED
        assert fresh.scalars(sa.select(StatedFigure)).one().value == Decimal("23730000000.00")
        assert fresh.scalars(sa.select(EventOutcome)).one().value == Decimal("23730000000.00")
        funds = fresh.scalars(sa.select(FundRecord).order_by(FundRecord.id)).all()
        assert funds[1].corrects_id == funds[0].id
        got_user = fresh.scalars(sa.select(User)).one()
        assert got_user.roles() == {Role.COUNTY_OFFICE}
        assert got_user.created_at.tzinfo is not None
        assert fresh.scalars(sa.select(Project)).one().stage == ProjectStage.SIGNED


def test_versioned_record_refuses_a_stale_write(engine: sa.Engine, session: Session) -> None:
    d = _directory(session)
    firm = d["firm"]
    assert isinstance(firm, Organisation)
    session.add(Demand(code="XQ-2024-0002", title="人才需求", kind=DemandKind.TALENT, owner=firm, headcount=5))
    session.commit()
    mine = session.scalars(sa.select(Demand)).one()  # read at version 1 …

    with make_sessionmaker(engine)() as other:  # … someone else saves in between …
        theirs = other.scalars(sa.select(Demand)).one()
        theirs.title = "人才需求(修订)"
        other.commit()
        assert theirs.version == 2

    mine.title = "过期的修改"  # … and my write, based on version 1, must not overwrite theirs.
    with pytest.raises(StaleDataError):
        session.commit()


def test_naive_datetimes_are_refused(session: Session) -> None:
    d = _directory(session)
    firm = d["firm"]
    assert isinstance(firm, Organisation)
    session.add(
        Demand(
            code="XQ-2024-0003", title="x", kind=DemandKind.PROJECT, owner=firm, published_at=dt.datetime(2024, 1, 1)
        )
    )
    with pytest.raises(sa.exc.StatementError):
        session.flush()
