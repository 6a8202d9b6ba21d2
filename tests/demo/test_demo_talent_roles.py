"""The demo's one-stop story walked by each of its roles (#15): every department that answers a 一件事 application
(落户, 子女入学, 医疗, 住房, 补贴) has a login the demo prints, finds the application waiting for it — on its desk, its
to-do list and in its inbox — and answers it; the talent then sees the answer. And 河津, the demo's county, hosts
interns: its figures page counts them.

The demo is built once with its accounts (their passwords are hashed, a few seconds) and served through the web
app, so the test logs in with the passwords the summary prints, as a newcomer would.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.core.db import make_engine
from xiaodi.core.settings import Settings
from xiaodi.demo.builder import DemoSummary, build_demo
from xiaodi.demo.talent_services import DEPARTMENTS, HEJIN_INTERNSHIP_BASE
from xiaodi.talent.models import ApplicationState, ApplicationStep, ServiceApplication, StepState

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

from tests.web.conftest import csrf_of  # noqa: E402

NEW_PASSWORD = "Changed2025demo"


@dataclass
class Demo:
    engine: Engine
    summary: DemoSummary
    folder: Path
    passwords: dict[str, str]  # the printed logins
    changed: set[str]  # accounts whose printed password was already changed


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo-roles")
    engine = make_engine(f"sqlite:///{folder / 'xiaodi-demo.db'}")
    summary = build_demo(engine)
    yield Demo(engine, summary, folder, {name: password for name, password, _ in summary.accounts}, set())
    engine.dispose()


@pytest.fixture(scope="module")
def app(demo: Demo):  # type: ignore[no-untyped-def]
    from xiaodi.web.app import create_app

    return create_app(demo.engine, settings=Settings(data_dir=demo.folder, secret_key="demo-roles-key-0123456789"))


def _log_in(app, demo: Demo, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    """Log in; the first time with the printed password, changed at once, as every demo account must."""
    c = TestClient(app, raise_server_exceptions=False)
    password = NEW_PASSWORD if username in demo.changed else demo.passwords[username]
    r = c.post("/login", data={"username": username, "password": password,
                               "csrf_token": csrf_of(c.get("/login").text)}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    if username not in demo.changed:
        r = c.post("/account/password", data={"old_password": password, "new_password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD, "csrf_token": csrf_of(c.get("/account").text)},
                   follow_redirects=False)
        assert r.status_code == 303, r.text[:300]
        demo.changed.add(username)
    return c


def test_the_demo_prints_a_login_for_every_one_stop_department(demo: Demo) -> None:
    text = "\n".join(demo.summary.render_summary())
    for department, username, *_ in DEPARTMENTS:
        assert username in demo.passwords, username
        line = next(line for line in text.splitlines() if f"  {username}  " in line)
        assert department in line and demo.passwords[username] in line
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{username}`" in readme for _, username, *_ in DEPARTMENTS)  # where the demo's logins are listed


def test_each_department_logs_in_finds_its_application_waiting_and_answers_it(app, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    """Every department sees what waits for it (desk, to-do list, inbox) — and only its own steps; the police
    answer 赵明's 落户 on the application's page, the application is finished and the office reads the answer."""
    with Session(demo.engine) as s:
        waiting = {dept: s.scalars(select(ApplicationStep).where(ApplicationStep.department.has(name=dept),
                                                                 ApplicationStep.state == StepState.PENDING)
                                   .order_by(ApplicationStep.id)).all() for dept, *_ in DEPARTMENTS}
        names = {step.id: step.application.card.person.name for steps in waiting.values() for step in steps}
    for department, username, _code, benefit, *_ in DEPARTMENTS:
        assert waiting[department], f"{department} has an application waiting in the demo"
        c = _log_in(app, demo, username)
        assert "一件事待办理" in c.get("/").text, username
        todo = c.get("/talent/steps").text
        for step in waiting[department]:
            assert f"一件事申请 {step.application_id}" in todo and names[step.id] in todo
        assert todo.count('data-label="申请"') == len(waiting[department])  # its own steps, not the others'
        inbox = c.get("/inbox").text
        assert all(f"{names[step.id]}申请“{benefit}”" in inbox for step in waiting[department]), username

    police = _log_in(app, demo, "hj-gongan")
    step = next(st for st in waiting["河津市公安局"] if names[st.id] == "赵明")
    page = police.get(f"/talent-applications/{step.application_id}").text
    r = police.post(f"/talent/steps/{step.id}/answer", data={"decision": "approve", "answer": "户口已迁入河津",
                                                             "csrf_token": csrf_of(page)})
    assert r.status_code == 200 and "已答复" in r.text, r.text[:500]
    with Session(demo.engine) as s:
        answered = s.get_one(ApplicationStep, step.id)
        assert (answered.state, answered.answer) == (StepState.APPROVED, "户口已迁入河津")
        assert s.get_one(ServiceApplication, step.application_id).state == ApplicationState.FULFILLED
    assert "一件事待办理" not in police.get("/").text  # nothing waits for the police any more
    office = _log_in(app, demo, "hejin")
    assert "户口已迁入河津" in office.get(f"/talent-applications/{step.application_id}").text
    # a department may not answer another department's step
    schools_step = waiting["河津市教育局"][0]
    r = police.post(f"/talent/steps/{schools_step.id}/answer",
                    data={"decision": "approve", "csrf_token": csrf_of(police.get("/account").text)})
    assert r.status_code == 403


def test_the_demo_talent_follows_a_department_answer_on_their_own_page(app, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    """The demo's talent account has a 人才公寓 step waiting at 住建局; 住建局 answers it, the talent sees it."""
    from xiaodi.accounts.models import User

    with Session(demo.engine) as s:
        person_id = s.scalars(select(User.person_id).where(User.username == "talent")).one()
        step = s.scalars(select(ApplicationStep).where(
            ApplicationStep.state == StepState.PENDING, ApplicationStep.department.has(name="河津市住房和城乡建设局"),
            ApplicationStep.application.has(ServiceApplication.card.has(person_id=person_id)))).one()
    me = _log_in(app, demo, "talent")
    assert "人才公寓拎包入住" in me.get("/talent/me").text and "待办理" in me.get("/talent/me").text
    housing = _log_in(app, demo, "hj-zhujian")
    r = housing.post(f"/talent/steps/{step.id}/answer", data={
        "decision": "approve", "answer": "已安排河津人才公寓1-301",
        "csrf_token": csrf_of(housing.get("/account").text)})
    assert r.status_code == 200, r.text[:500]
    assert "已安排河津人才公寓1-301" in me.get("/talent/me").text
    assert "河津市住房和城乡建设局答复“人才公寓拎包入住”——已办结" in me.get("/inbox").text  # 办理进展 in the inbox


def test_hejin_hosts_interns_and_its_figures_page_counts_them(app, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    """河津's own office opens 工作数据: 实习实训学生 > 0, with 河津 in the by-region table and the slag base in the
    by-base one; the students came from the county's partner universities."""
    from xiaodi.directory.models import Region
    from xiaodi.events.models import Internship
    from xiaodi.talent.figures import talent_figures

    with Session(demo.engine) as s:
        hejin = s.scalars(select(Region).where(Region.full_name == "山西省运城市河津市")).one()
        interns = s.scalars(select(Internship).where(Internship.region_id == hejin.id)).all()
        assert interns and {i.university.name for i in interns} <= {"江西理工大学", "武汉理工大学"}
        assert all(i.host.region_id == hejin.id for i in interns)
        counted = talent_figures(s, regions=[hejin.id]).interns
    assert counted == len(interns) > 0
    office = _log_in(app, demo, "hejin")
    page = office.get("/figures").text
    section = page.split('id="talent-figures"')[1].split("</section>\n</section>")[0]
    shown = re.search(r'figure-value">(\d+)</span><span class="figure-label">实习实训学生', section)
    assert shown and int(shown.group(1)) == counted
    assert "山西省运城市河津市" in section and HEJIN_INTERNSHIP_BASE in section

