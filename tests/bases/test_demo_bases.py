"""The demo ledger shows the bases area working: plaqued bases of several of the 12 types with internship and
training batches, a 1+1+N pairing with member units, duties (one done with evidence, one overdue on the dispatch
list) and 领导包联, and the demo lead-unit account sees them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import User
from xiaodi.accounts.scope import viewer_for
from xiaodi.bases import service
from xiaodi.bases.figures import base_figures
from xiaodi.bases.models import BaseActivity, BaseState, BaseType, Duty, DutyState, LeaderAssignment, ProgrammeBase
from xiaodi.core.db import make_engine
from xiaodi.demo.builder import build_demo
from xiaodi.directory.models import Region
from xiaodi.dispatch.service import dispatch_list


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    build_demo(engine, today=dt.date(2025, 9, 1))
    from xiaodi.accounts.demo import create_demo_accounts

    with Session(engine) as session:
        create_demo_accounts(session)
        session.flush()
        yield session
        session.rollback()
    engine.dispose()


def test_plaqued_bases_of_several_types_with_activity(db: Session) -> None:
    shown = (BaseState.PLAQUED, BaseState.OPERATING)
    types = db.scalars(select(BaseType.code).join(ProgrammeBase, ProgrammeBase.base_type_id == BaseType.id)
                       .where(ProgrammeBase.state.in_(shown)).distinct()).all()
    assert len(types) >= 4
    figures = base_figures(db)
    internship = next(a for a in figures.activities if a.kind == "internship")
    assert internship.people >= 55 and internship.person_days >= internship.people * 30 - 12 * 29
    assert dict(figures.by_type)["大学生实习实训基地"] >= 2
    assert db.scalar(select(func.count()).select_from(BaseActivity)) >= 5


def test_pairing_duties_some_done_one_overdue_on_the_dispatch_list(db: Session) -> None:
    states = db.scalars(select(Duty.state)).all()
    assert DutyState.DONE in states and DutyState.OPEN in states
    ruicheng = db.scalars(select(Region).where(Region.name == "芮城县")).one()
    listing = dispatch_list(db, as_of=dt.date(2025, 9, 1), region_id=ruicheng.id)
    duty_lines = [e for e in listing.entries if e.source == "duty"]
    assert any(e.kind == "overdue" and e.milestone == "基地挂牌" for e in duty_lines)
    assert db.scalar(select(func.count()).select_from(LeaderAssignment)) >= 1


def test_the_demo_lead_unit_sees_its_pairing_duties_and_bases(db: Session) -> None:
    lead = viewer_for(db, db.scalars(select(User).where(User.username == "leadunit")).one())
    duties = service.duties(db, lead)
    assert {d.title for d in duties} >= {"组织芮城籍大学生暑期实习实训", "建成大学生就业见习基地并挂牌"}
    assert any(service.is_overdue(d, dt.date(2025, 9, 1)) for d in duties)
