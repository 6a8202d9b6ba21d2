"""Browser story (headless Chromium via Playwright): the 河津 office plaques a recognised base (date and ceremony)
and records an internship batch; the lead unit (牵头单位) reports its duty done with evidence.

Skipped when /usr/bin/chromium or the playwright package is missing (no browser is ever downloaded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.browser import PASSWORD, serving
from tests.browser import login as _login
from tests.browser import submit as _submit
from xiaodi.core.settings import local_today


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, int]]:
    """A real server over a fresh SQLite ledger: a recognised base in 河津 and a pairing duty of its lead unit."""
    from sqlalchemy import select

    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.accounts.scope import Viewer
    from xiaodi.bases import service
    from xiaodi.bootstrap import init_database
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine, transaction
    from xiaodi.core.settings import Settings
    from xiaodi.directory.models import Organisation, OrgKind, Region
    from xiaodi.directory.service import create_organisation
    from xiaodi.web.app import create_app

    folder = tmp_path_factory.mktemp("e2e-bases")
    engine = make_engine(f"sqlite:///{folder / 'e2e.db'}")
    init_database(engine)
    actor = Actor.system("e2e")
    office = Viewer(user_id=None, name="e2e", roles=frozenset({Role.ADMIN}))
    with transaction(engine) as s:
        service.seed_base_types(s, actor=actor)
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        ent = create_organisation(s, actor=actor, kind=OrgKind.ENTERPRISE, name="山西河津示例铝业有限公司",
                                  region_id=hejin.id)
        lead = create_organisation(s, actor=actor, kind=OrgKind.GOVERNMENT, name="河津市人力资源和社会保障局",
                                   region_id=hejin.id)
        base = service.propose_base(s, office, service.BaseInput(
            name="山西大学河津大学生实习实训基地", base_type_id=service.type_by_name(s, "internship").id,
            region_id=hejin.id, host_org_id=ent.id, partner_org_id=uni.id, lead_unit_id=lead.id))
        for step in ("review", "recognise"):  # recognised in May 2025: the page plaques it on 1 June
            service.take_step(s, office, base.id, step, on=dt.date(2025, 5, 1))
        pairing = service.create_pairing(s, office, university_id=uni.id, lead_unit_id=lead.id,
                                         region_id=hejin.id, base_ids=[base.id])
        duty = service.add_duty(s, office, pairing.id, service.DutyInput(
            unit_id=lead.id, title="组织暑期实习实训", due_on=local_today() + dt.timedelta(days=30),
            milestones=[service.MilestoneIn("发布实习岗位", local_today() + dt.timedelta(days=10))]))
        accounts.create_user(s, actor=actor, username="hejin", display_name="王敏", password=PASSWORD,
                             role=Role.COUNTY_OFFICE, region_id=hejin.id)
        accounts.create_user(s, actor=actor, username="lead", display_name="赵科长", password=PASSWORD,
                             role=Role.LEAD_UNIT, organisation_id=lead.id)
        base_id, duty_id = base.id, duty.id
    app = create_app(engine, settings=Settings(data_dir=folder, secret_key="e2e-secret-key-0123456789"))
    with serving(app) as url:
        yield url, base_id, duty_id
    engine.dispose()


def test_the_office_plaques_a_base_and_the_lead_unit_reports_its_duty_done(
    server: tuple[str, int, int], browser: object
) -> None:
    url, base_id, duty_id = server
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, url, "hejin")
    page.goto(f"{url}/bases/{base_id}")
    assert "已认定" in page.inner_text("#life")
    page.fill("form[data-step=plaque] input[name=on]", "2025-06-01")
    page.fill("form[data-step=plaque] input[name=ceremony]", "河津市政府会议室，副市长出席")
    _submit(page, "form[data-step=plaque] button[type=submit]")
    assert "已办理挂牌" in page.content()
    assert "已挂牌" in page.inner_text("#life")
    page.select_option("#activity-form select[name=kind]", "internship")
    page.fill("#activity-form input[name=participants]", "30")
    page.fill("#activity-form input[name=days]", "20")
    page.fill("#activity-form input[name=summary]", "暑期实习实训第一批")
    _submit(page, "#activity-form button[type=submit]")
    activities = page.inner_text("#activities")
    assert "实习实训" in activities and "30" in activities and "暑期实习实训第一批" in activities
    context.close()

    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, url, "lead")
    page.goto(f"{url}/duties")
    assert "组织暑期实习实训" in page.content()
    page.goto(f"{url}/duties/{duty_id}")
    page.fill("#report-form textarea[name=note]", "两批学生到岗，接收实习学生30人")
    page.fill("#report-form input[name=evidence]", "实习人员名单.xlsx")
    page.check("#report-form input[name=done]")
    _submit(page, "#report-form button[type=submit]")
    assert "已报告完成" in page.content()
    assert "实习人员名单.xlsx" in page.inner_text("#reports")
    assert "已完成" in page.content()
    context.close()


def test_the_office_edits_the_base_and_a_mistake_keeps_what_was_typed(
    server: tuple[str, int, int], browser: object
) -> None:
    url, base_id, _duty_id = server
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, url, "hejin")
    page.goto(f"{url}/bases/{base_id}")
    _submit(page, f"a[href='/bases/{base_id}/edit']")
    form = "form[aria-label=修改基地信息]"
    assert page.input_value(f"{form} input[name=name]") == "山西大学河津大学生实习实训基地"
    page.fill(f"{form} input[name=capacity]", "二百")  # not a number: the form comes back as typed
    page.fill(f"{form} input[name=contact_name]", "李工")
    _submit(page, f"{form} button[type=submit]")
    assert "年承载人次应为非负整数" in page.content()
    assert page.input_value(f"{form} input[name=contact_name]") == "李工"
    page.fill(f"{form} input[name=capacity]", "200")
    page.fill(f"{form} input[name=contact_phone]", "0359-5012345")
    page.fill(f"{form} input[name=reason]", "明确年接纳能力和联系人")
    _submit(page, f"{form} button[type=submit]")
    assert "的信息已保存" in page.content()
    detail = page.inner_text("main")
    assert "200" in detail and "李工" in detail
    context.close()
