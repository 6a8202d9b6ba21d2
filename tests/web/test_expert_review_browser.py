"""Browser (headless Chromium via Playwright): an expert invited to review a 揭榜 claim logs in with the password
the office gave, is sent to change it first, then finds the invitation in the inbox, declares no conflict of
interest and submits a score — the whole review as the expert clicks through it.

Skipped when /usr/bin/chromium or the playwright package is missing (no browser is ever downloaded).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.browser import SHOTS, serving
from tests.browser import submit as _submit

PASSWORD = "Xiaodi2025given"  # set by the office: the expert must change it
NEW_PASSWORD = "Xiaodi2025mine"
TITLE = "铝灰渣无害化处置技术攻关"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server over a fresh SQLite ledger: a published 河津 demand with one screened claim of 山西大学 and an
    expert account (password set by the office) invited to review it."""
    from sqlalchemy import select

    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.bootstrap import init_database
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine, transaction
    from xiaodi.core.settings import Settings
    from xiaodi.demands import service as demands
    from xiaodi.demands import service_claims as claims
    from xiaodi.directory.models import Organisation, OrgKind, PersonKind, Region
    from xiaodi.directory.service import create_organisation, create_person
    from xiaodi.web.app import create_app

    folder = tmp_path_factory.mktemp("expert")
    engine = make_engine(f"sqlite:///{folder / 'expert.db'}")
    init_database(engine)
    actor = Actor.system("e2e")
    with transaction(engine) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        ent = create_organisation(s, actor=actor, kind=OrgKind.ENTERPRISE, name="山西河津示例铝业有限公司",
                                  region_id=hejin.id)
        demand = demands.create_demand(s, actor=actor, owner_id=ent.id, title=TITLE, kind="technology",
                                       description="铝灰渣含氮化铝，遇水放出氨气", budget=Decimal("800000"))
        for step in ("submit", "review", "publish"):
            demands.transition(s, actor=actor, demand_id=demand.id, step=step)
        claim = claims.submit_claim(s, actor=actor, demand_id=demand.id, claimant_org_id=uni.id,
                                    approach="湿法脱氨与铝回收联合工艺")
        office = accounts.create_user(s, actor=actor, username="hejin", display_name="王敏", password=PASSWORD,
                                      role=Role.COUNTY_OFFICE, region_id=hejin.id)
        claims.screen_claim(s, actor=actor, claim_id=claim.id, reviewer_user_id=office.id, passed=True)
        # a reviewer of another university: one of the claimant's own would have to recuse
        other = s.scalars(select(Organisation).where(Organisation.name == "太原理工大学")).one()
        person = create_person(s, actor=actor, kind=PersonKind.EXPERT, name="赵评审", organisation_id=other.id,
                               title="教授")
        expert = accounts.create_user(s, actor=actor, username="expert", display_name="赵评审", password=PASSWORD,
                                      role=Role.EXPERT, person_id=person.id, must_change_password=True)
        claims.invite_reviewer(s, actor=actor, demand_id=demand.id, reviewer_user_id=expert.id)
    app = create_app(engine, settings=Settings(data_dir=folder, secret_key="e2e-secret-key-0123456789"))
    with serving(app) as base:
        yield base
    engine.dispose()


def test_an_invited_expert_reviews_a_claim_in_the_browser(server: str, browser: object) -> None:
    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # login with the password the office gave: the account page asks for a new one first
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "expert")
    page.fill("input[name=password]", PASSWORD)
    _submit(page, "button[type=submit]")
    assert page.url.startswith(f"{server}/account")
    assert "请先修改" in page.content()
    page.goto(f"{server}/demands")  # nothing else opens until then
    assert page.url.startswith(f"{server}/account")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    _submit(page, "form[action='/account/password'] button[type=submit]")
    assert page.url == f"{server}/" and "密码已修改" in page.content()

    # the invitation is in the inbox and leads to the demand's review
    page.goto(f"{server}/inbox")
    _submit(page, f"text=邀请您评审需求“{TITLE}”的揭榜方案")
    assert f"{server}/demands/" in page.url and TITLE in page.content()
    assert "山西大学" in page.content()  # the claim is the expert's to read
    _submit(page, "form[action$='/conflict-declarations'] button[type=submit]")
    assert "可以开始打分" in page.content()

    page.click("details.score-form summary")
    for name, score in (("技术先进性", "90"), ("实施方案可行性", "80"), ("团队实力", "85"), ("经费合理性", "70")):
        page.fill(f"input[name='score_{name}']", score)
    page.fill("details.score-form input[name=comment]", "工艺路线清楚，氨气回收需补充中试数据")
    _submit(page, "details.score-form button[type=submit]")
    assert "评分已提交，加权得分 82.75" in page.content()
    assert "评审排名" in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "expert-review.png"), full_page=True)
    ctx.close()
    assert not errors, errors
