"""Web fixtures: the app bound to the test's rolled-back connection, and named personas (角色人物).

Personas: 省校合作办 (province office, 山西省), 河津市办公室 (county office), 河津 enterprise, 山西大学 (university),
an outsider with no role, and an administrator. A second enterprise in 太原市 owns records that the county
office and the Hejin enterprise must not see.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role, User
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine
from xiaodi.core.settings import Settings
from xiaodi.demo.builder import build_demo
from xiaodi.directory.models import Organisation, OrgKind, PersonKind, Region

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

PASSWORD = "Xiaodi2025test"
ACTOR = Actor.system("test")


@dataclass
class World:
    hejin: Region
    taiyuan: Region
    enterprise: Organisation  # 河津
    other_enterprise: Organisation  # 太原
    university: Organisation
    demand_id: int  # 河津 enterprise's demand, published
    draft_id: int  # 河津 enterprise's draft (not published)
    other_demand_id: int  # 太原 enterprise's draft
    project_id: int  # 河津
    other_project_id: int  # 太原
    agreement_id: int
    expert_id: int


def _region(session: Session, code: str) -> Region:
    return session.scalars(select(Region).where(Region.code == code)).one()


@pytest.fixture
def world(session: Session) -> World:
    from xiaodi.demands import service as demands
    from xiaodi.directory.service import create_organisation, create_person
    from xiaodi.projects import service as projects

    hejin, taiyuan = _region(session, "140882"), _region(session, "140100")
    ent = create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="山西河津测试铝业有限公司",
                              region_id=hejin.id, contact_phone="13912345678", contact_email="boss@hejin.example")
    other = create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="太原测试重工有限公司",
                                region_id=taiyuan.id, contact_phone="13800001111")
    uni = session.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
    expert = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="李测试", organisation_id=uni.id,
                           phone="13700002222", email="li@sxu.example", id_number="140102198001011234",
                           title="教授")
    d = demands.create_demand(session, actor=ACTOR, owner_id=ent.id, title="铝合金废料再生提纯技术", kind="technology",
                              description="需要高校团队协助提升再生铝纯度", budget=Decimal("800000"),
                              contact_phone="13912345678")
    for step in ("submit", "review", "publish"):
        demands.transition(session, actor=ACTOR, demand_id=d.id, step=step)
    draft = demands.create_demand(session, actor=ACTOR, owner_id=ent.id, title="数控人才需求", kind="talent",
                                  headcount=5)
    other_d = demands.create_demand(session, actor=ACTOR, owner_id=other.id, title="重型装备焊接工艺优化",
                                    kind="technology")
    agreement = projects.create_agreement(
        session, actor=ACTOR, title="河津再生铝技术合作协议", kind="tech_development",
        parties=[projects.PartySpec(organisation_id=ent.id, name=ent.name, role="party_a"),
                 projects.PartySpec(organisation_id=uni.id, name=uni.name, role="party_b")],
        signed_on=dt.date(2024, 5, 10), amount=Decimal("1200000"), region_id=hejin.id)
    project = projects.create_project(session, actor=ACTOR, name="再生铝提纯中试线", agreement_id=agreement.id,
                                      region_id=hejin.id, partner_id=uni.id, enterprise_id=ent.id,
                                      pledged_amount=Decimal("5000000"))
    projects.add_milestone(session, actor=ACTOR, project_id=project.id, title="中试线开工",
                           due_on=dt.date(2024, 6, 30))
    other_project = projects.create_project(session, actor=ACTOR, name="重型装备焊接中心", region_id=taiyuan.id,
                                            enterprise_id=other.id)
    session.flush()
    return World(hejin=hejin, taiyuan=taiyuan, enterprise=ent, other_enterprise=other, university=uni,
                 demand_id=d.id, draft_id=draft.id, other_demand_id=other_d.id, project_id=project.id,
                 other_project_id=other_project.id, agreement_id=agreement.id, expert_id=expert.id)


PERSONAS = ("province", "hejin", "enterprise", "university", "outsider", "admin")


@pytest.fixture
def personas(session: Session, world: World) -> dict[str, int]:
    """One account per persona, all with ``PASSWORD``."""
    province = _region(session, "140000")
    spec: dict[str, dict[str, object]] = {
        "province": {"role": Role.PROVINCE_OFFICE, "region_id": province.id},
        "hejin": {"role": Role.COUNTY_OFFICE, "region_id": world.hejin.id},
        "enterprise": {"role": Role.ENTERPRISE, "organisation_id": world.enterprise.id},
        "university": {"role": Role.UNIVERSITY, "organisation_id": world.university.id},
        "outsider": {},
        "admin": {"role": Role.ADMIN},
    }
    ids = {}
    for name, kwargs in spec.items():
        user = accounts.create_user(session, actor=ACTOR, username=name, display_name=f"测试·{name}",
                                    password=PASSWORD, **kwargs)  # type: ignore[arg-type]
        ids[name] = user.id
    session.flush()
    return ids


@pytest.fixture
def app(session: Session, tmp_path):  # type: ignore[no-untyped-def]
    from xiaodi.web.app import create_app

    factory = sessionmaker(bind=session.get_bind(), join_transaction_mode="create_savepoint",
                           expire_on_commit=False)
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789")
    return create_app(session_factory=factory, settings=settings)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def login(app, personas) -> Callable[[str], TestClient]:  # type: ignore[no-untyped-def]
    """``login("hejin")`` → a client logged in as that persona."""
    def _login(name: str) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        token = csrf_of(c.get("/login").text)
        r = c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        return c

    return _login


def csrf_for(c: TestClient) -> str:
    return csrf_of(c.get("/account").text)


def change_initial_password(c: TestClient, old: str, new: str = "Changed2025first") -> str:
    """What a person whose password someone else set (a demo account, one the administrator created or reset)
    does after logging in: change it on the account page. Returns the new password."""
    r = c.post("/account/password", data={"old_password": old, "new_password": new, "confirm": new,
                                          "csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/", r.text[:300]
    return new


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, dict[str, str]]]:
    """The demo programme with its accounts (``xiaodi demo``); their printed passwords were already changed at first
    login. Built once per test module: it takes a while."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    summary = build_demo(engine, accounts=True)
    with Session(engine) as session:
        session.execute(update(User).values(must_change_password=False))
        session.commit()
    yield engine, {name: password for name, password, _ in summary.accounts}
    engine.dispose()


def demo_app(engine: Engine, data_dir: Path):  # type: ignore[no-untyped-def]
    from xiaodi.web.app import create_app

    return create_app(session_factory=sessionmaker(bind=engine, expire_on_commit=False),
                      settings=Settings(data_dir=data_dir, secret_key="test-secret-key-0123456789"))


def demo_login(app, account: str, password: str) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser-like client logged in as a demo account."""
    client = TestClient(app, raise_server_exceptions=False)
    r = client.post("/login", data={"username": account, "password": password,
                                    "csrf_token": csrf_of(client.get("/login").text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/", f"{account}: {r.status_code}"
    return client
