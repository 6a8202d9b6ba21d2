"""专项考核 in a real browser (headless Chromium via Playwright, as tests/web/test_e2e_browser.py): 运城市's office
scores the 2024 period and publishes the ranking; 河津市's office sees its rank and appeals; the office downloads
the Word briefing from the figures page. Skipped when /usr/bin/chromium or playwright is missing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser import logged_in, serving
from tests.browser import submit as _submit

PASSWORD = "Xiaodi2025kaohe"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A server over a fresh ledger: two agreements in 河津市 in 2024, the city's assessment defined with its
    2024 period (not yet scored), and the two offices' accounts."""
    from sqlalchemy import select

    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.accounts.scope import viewer_for
    from xiaodi.assessment import service
    from xiaodi.bootstrap import init_database
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine, transaction
    from xiaodi.core.settings import Settings
    from xiaodi.directory.models import Organisation, OrgKind, Region
    from xiaodi.directory.service import create_organisation
    from xiaodi.projects import service as projects
    from xiaodi.web.app import create_app

    folder = tmp_path_factory.mktemp("assess-e2e")
    engine = make_engine(f"sqlite:///{folder / 'e2e.db'}")
    init_database(engine)
    actor = Actor.system("e2e")
    with transaction(engine) as s:
        city = s.scalars(select(Region).where(Region.code == "140800")).one()
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        ent = create_organisation(s, actor=actor, kind=OrgKind.ENTERPRISE, name="山西河津考核示例铝业有限公司",
                                  region_id=hejin.id)
        parties = [projects.PartySpec(organisation_id=ent.id, name=ent.name, role="party_a"),
                   projects.PartySpec(organisation_id=uni.id, name=uni.name, role="party_b")]
        for n in range(2):
            projects.create_agreement(s, actor=actor, title=f"河津技术合作协议{n + 1}", kind="tech_development",
                                      signed_on=dt.date(2024, 4, 1 + n), amount=Decimal("500000"),
                                      region_id=hejin.id, parties=parties)
        office = accounts.create_user(s, actor=actor, username="yuncheng", display_name="李芳", password=PASSWORD,
                                      role=Role.CITY_OFFICE, region_id=city.id)
        accounts.create_user(s, actor=actor, username="hejin", display_name="王敏", password=PASSWORD,
                             role=Role.COUNTY_OFFICE, region_id=hejin.id)
        viewer = viewer_for(s, office)
        made = service.define_set(s, viewer, name="运城市省校合作专项考核", year=2024, region_id=city.id,
                                  subject="region", indicators=[
                                      service.IndicatorInput("XY", "签约协议", 60, 4, metric="agreements"),
                                      service.IndicatorInput("XC", "宣传工作", 40, 10)])
        period = service.add_period(s, viewer, set_id=made.id, name="2024年度", starts_on=dt.date(2024, 1, 1),
                                    ends_on=dt.date(2024, 12, 31))
        period_id = period.id
    app = create_app(engine, settings=Settings(data_dir=folder, secret_key="e2e-secret-key-0123456789"))
    with serving(app) as url:
        yield url, period_id
    engine.dispose()


def _login(browser: object, base: str, username: str) -> object:
    return logged_in(browser, base, username, password=PASSWORD, accept_downloads=True)


def test_score_publish_appeal_and_download_the_briefing(server: tuple[str, int], browser: object) -> None:
    base, period_id = server
    office = _login(browser, base, "yuncheng")
    _submit(office, "nav >> text=专项考核")
    _submit(office, "text=2024年度")
    _submit(office, "button:has-text('评分')")
    assert "已评分：13个单位" in office.inner_text("body")  # type: ignore[attr-defined]
    first = office.inner_text("#ranking tbody tr:first-child")  # type: ignore[attr-defined]
    assert "山西省运城市河津市" in first and "30.00" in first  # 2 of 4 agreements: 60 × 0.5
    _submit(office, "button:has-text('发布排名')")
    assert office.inner_text("#period-state") == "已发布"  # type: ignore[attr-defined]

    county = _login(browser, base, "hejin")
    county.goto(f"{base}/assessment/periods/{period_id}")  # type: ignore[attr-defined]
    mine = county.inner_text("#ranking tr.own")  # type: ignore[attr-defined]
    assert "（本单位）" in mine and mine.split()[0] == "第1名"
    county.select_option("select[name=indicator_id]", label="宣传工作")  # type: ignore[attr-defined]
    county.fill("textarea[name=reason]", "全年宣传报道9篇，清单附后")  # type: ignore[attr-defined]
    _submit(county, "button:has-text('提交申诉')")
    assert "申诉已提交" in county.inner_text("body")  # type: ignore[attr-defined]
    assert "待答复" in county.inner_text("#appeals")  # type: ignore[attr-defined]

    office.goto(f"{base}/figures?region=140800&year=2024")  # type: ignore[attr-defined]
    with office.expect_download() as info:  # type: ignore[attr-defined]
        office.click("text=工作简报（Word）")  # type: ignore[attr-defined]
    from docx import Document

    doc = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert doc.paragraphs[0].text == "山西省运城市省校合作工作简报"
    assert any(p.text == "五、专项考核" for p in doc.paragraphs) and len(doc.inline_shapes) == 2
