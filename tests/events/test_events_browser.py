"""Browser stories (headless Chromium via Playwright): the 河津 office runs a job fair and records its outcomes; the
agreement signed at a matchmaking meeting shows up under the meeting; the header counts unread messages and the
inbox opens. Skipped when /usr/bin/chromium or playwright is missing (no browser is ever downloaded)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.browser import PASSWORD, chromium, logged_in, serving
from tests.browser import shot as _shot
from tests.browser import submit as _submit

AGREEMENT_CODE = "XY-2025-800001"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from sqlalchemy import select

    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.bootstrap import init_database
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine, transaction
    from xiaodi.core.settings import Settings
    from xiaodi.directory.models import Organisation, OrgKind, Region
    from xiaodi.directory.service import create_organisation
    from xiaodi.notifications.service import notify
    from xiaodi.projects import service as projects
    from xiaodi.web.app import create_app

    folder = tmp_path_factory.mktemp("events-e2e")
    engine = make_engine(f"sqlite:///{folder / 'e2e.db'}")
    init_database(engine)
    actor = Actor.system("e2e")
    with transaction(engine) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        ent = create_organisation(s, actor=actor, kind=OrgKind.ENTERPRISE, name="山西河津示例铝业有限公司",
                                  region_id=hejin.id)
        projects.create_agreement(
            s, actor=actor, title="铝基新材料联合研发协议", kind="tech_development", code=AGREEMENT_CODE,
            signed_on=dt.date(2025, 4, 2), amount=Decimal("3000000"), region_id=hejin.id,
            parties=[projects.PartySpec(organisation_id=ent.id, name=ent.name, role="party_a"),
                     projects.PartySpec(organisation_id=uni.id, name=uni.name, role="party_b")])
        office = accounts.create_user(s, actor=actor, username="hejin", display_name="王敏", password=PASSWORD,
                                      role=Role.COUNTY_OFFICE, region_id=hejin.id)
        notify(s, kind="milestone_due", title="项目“再生铝提纯中试线”的节点“中试线开工”将于 5 天后到期",
               link="/projects", user_ids=[office.id])
    app = create_app(engine, settings=Settings(data_dir=folder, secret_key="e2e-secret-key-0123456789"))
    with serving(app) as url:
        yield url
    engine.dispose()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    """The 河津 office, logged in, for every story of the module."""
    with chromium() as browser:
        p = logged_in(browser, server, "hejin")
        yield p
        p.context.close()


def _new_event(page: object, server: str, name: str, kind: str, day: str) -> None:
    page.goto(f"{server}/events")  # type: ignore[attr-defined]
    _submit(page, "text=登记活动")
    page.fill("input[name=name]", name)  # type: ignore[attr-defined]
    page.select_option("select[name=kind]", kind)  # type: ignore[attr-defined]
    page.select_option("select[name=state]", "held")  # type: ignore[attr-defined]
    page.fill("input[name=starts_on]", day)  # type: ignore[attr-defined]
    page.fill("input[name=venue]", "河津市人才市场")  # type: ignore[attr-defined]
    page.fill("textarea[name=agenda]", "09:00 开幕式\n09:30 现场招聘")  # type: ignore[attr-defined]
    _submit(page, "button:has-text('登记活动')")
    assert f"活动“{name}”已登记" in page.content()  # type: ignore[attr-defined]


def test_the_header_counts_unread_messages_and_the_inbox_opens(page: object, server: str) -> None:
    badge = page.locator(".who .unread-count")  # type: ignore[attr-defined]
    assert badge.inner_text() == "1"
    _submit(page, ".who >> text=消息")
    assert "中试线开工" in page.content() and "【未读】" in page.content()  # type: ignore[attr-defined]
    _shot(page, "inbox")
    _submit(page, "text=中试线开工")  # opening a message marks it read and goes to its page
    assert page.locator(".who .unread-count").count() == 0  # type: ignore[attr-defined]


def test_an_office_runs_a_job_fair_and_records_its_outcomes(page: object, server: str) -> None:
    _new_event(page, server, "河津市春季校地人才招聘会", "job_fair", "2025-03-15")
    page.select_option("select[name=role]", "enterprise")  # type: ignore[attr-defined]
    page.fill("input[name=organisation]", "山西河津示例铝业有限公司")  # type: ignore[attr-defined]
    _submit(page, "button:has-text('添加参会方')")
    for metric, value in (("positions", "2135"), ("intent_people", "148")):
        page.select_option("#outcomes select[name=metric]", metric)  # type: ignore[attr-defined]
        page.fill("#outcomes input[name=value]", value)  # type: ignore[attr-defined]
        _submit(page, "button:has-text('登记成效')")
    text = page.locator("#outcomes").inner_text()  # type: ignore[attr-defined]
    assert "提供岗位（个）" in text and "2135" in text and "达成意向（人）" in text and "148" in text
    assert "山西河津示例铝业有限公司" in page.content()  # type: ignore[attr-defined]
    _shot(page, "event-job-fair")
    # the outcomes count on the office's figures page (工作数据) for the fair's year
    page.goto(f"{server}/figures?year=2025")  # type: ignore[attr-defined]
    figures = page.locator("#event-figures").inner_text()  # type: ignore[attr-defined]
    assert "2135" in figures and "148" in figures


def test_an_agreement_signed_at_a_matchmaking_meeting_shows_under_it(page: object, server: str) -> None:
    _new_event(page, server, "河津市校企技术对接会", "matchmaking", "2025-04-02")
    page.fill("#agreements input[name=agreement]", AGREEMENT_CODE)  # type: ignore[attr-defined]
    _submit(page, "button:has-text('登记为本活动签约')")
    section = page.locator("#agreements")  # type: ignore[attr-defined]
    assert "铝基新材料联合研发协议" in section.inner_text()
    _shot(page, "event-matchmaking-agreement")
    _submit(page, "#agreements >> text=铝基新材料联合研发协议")
    assert "铝基新材料联合研发协议" in page.content()  # type: ignore[attr-defined]
    # the agreement's page names the meeting it was signed at and leads back to it
    assert "签约活动" in page.locator("#related").inner_text()  # type: ignore[attr-defined]
    _submit(page, "#related >> text=河津市校企技术对接会")
    assert "铝基新材料联合研发协议" in page.locator("#agreements").inner_text()  # type: ignore[attr-defined]


def test_an_agreement_newly_signed_at_a_meeting_is_registered_from_its_page(page: object, server: str) -> None:
    """At the meeting a new agreement is signed: the office registers it from the event's page (在本活动上新签协议)
    with its parties and amount; it gets a code, shows under the event and its page names the event."""
    _new_event(page, server, "河津市钢铁产业校企签约会", "matchmaking", "2025-05-20")
    page.click("#agreements summary")  # type: ignore[attr-defined]
    form = "form[action$='/agreements/new']"
    page.fill(f"{form} input[name=title]", "钢渣微粉制备技术转让协议")  # type: ignore[attr-defined]
    page.select_option(f"{form} select[name=kind]", "tech_transfer")  # type: ignore[attr-defined]
    page.fill(f"{form} input[name=party_a]", "山西河津示例铝业有限公司")  # type: ignore[attr-defined]
    page.fill(f"{form} input[name=party_b]", "山西大学")  # type: ignore[attr-defined]
    page.fill(f"{form} input[name=amount]", "120万元")  # type: ignore[attr-defined]
    _submit(page, f"{form} button:has-text('登记签约')")
    assert "协议“钢渣微粉制备技术转让协议”已登记" in page.content()  # type: ignore[attr-defined]
    section = page.locator("#agreements").inner_text()  # type: ignore[attr-defined]
    assert "钢渣微粉制备技术转让协议" in section and "120" in section
    _submit(page, "#agreements >> text=钢渣微粉制备技术转让协议")
    text = page.content()  # type: ignore[attr-defined]
    assert "山西河津示例铝业有限公司" in text and "山西大学" in text  # its parties
    assert "河津市钢铁产业校企签约会" in page.locator("#related").inner_text()  # type: ignore[attr-defined]
