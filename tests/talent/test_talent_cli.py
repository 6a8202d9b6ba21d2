"""``xiaodi talent`` as people use it: the office issues a card the talent applied for, the talent applies once,
the police answer their step; a talent who tries to issue a card, or a department that answers another's step,
gets one Chinese line and exit code 2 — the same refusals as on the pages and the API."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.directory.models import Organisation, OrgKind, Region, RegionLevel
from xiaodi.talent.cli import app
from xiaodi.talent.internships import offer_post

from .conftest import ACTOR, build_talent_world

runner = CliRunner()
PASSWORD = "Xiaodi2025test"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('talent-cli')) / 'talent.db'}"
    eng: Engine = make_engine(url)
    upgrade(eng)
    with transaction(eng) as session:
        province = Region(code="140000", name="山西省", level=RegionLevel.PROVINCE, full_name="山西省")
        session.add(province)
        session.flush()
        for code, name, level, parent in (("140800", "运城市", RegionLevel.CITY, province.id),
                                          ("140100", "太原市", RegionLevel.CITY, province.id)):
            session.add(Region(code=code, name=name, level=level, parent_id=parent, full_name="山西省" + name))
        session.flush()
        city = session.query(Region).filter_by(code="140800").one()
        session.add(Region(code="140882", name="河津市", level=RegionLevel.COUNTY, parent_id=city.id,
                           full_name="山西省运城市河津市"))
        session.add(Organisation(kind=OrgKind.UNIVERSITY, name="山西大学"))
        session.flush()
        tw = build_talent_world(session)
        for username, kwargs in {"talent1": {"role": Role.TALENT, "person_id": tw.talent.person_id},
                                 "police": {"role": Role.LEAD_UNIT, "organisation_id": tw.police.id},
                                 "hejin": {"role": Role.COUNTY_OFFICE, "region_id": tw.hejin.id}}.items():
            accounts.create_user(session, actor=ACTOR, username=username, display_name=username, password=PASSWORD,
                                 **kwargs)  # type: ignore[arg-type]
        post = offer_post(session, tw.office, title="质检实习", host_org_id=tw.employer.id, places=3,
                          starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10))
        ids = {"talent": tw.talent.id, "settle": tw.settle_id, "school": tw.school_id, "post": post.id}
    eng.dispose()
    yield url, ids


def run(url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", url])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def test_card_and_one_stop_from_the_command_line(db: tuple[str, dict[str, int]]) -> None:
    url, ids = db
    code, out = run(url, "card-apply", str(ids["talent"]), "--user", "talent1", "--evidence", "博士学位证书",
                    "--json")
    assert code == 0, out
    card_id = json.loads(out)["id"]
    code, out = run(url, "card-decide", str(card_id), "--action", "issue", "--user", "talent1")
    assert code == 2 and "无权" in out
    code, out = run(url, "card-decide", str(card_id), "--action", "发卡", "--user", "hejin")  # as the help says
    assert code == 0 and "有效" in out, out
    code, out = run(url, "apply", str(card_id), "--benefit", str(ids["school"]), "--department", "1",
                    "--user", "talent1")
    assert code == 2 and "不办理" in out, out
    code, out = run(url, "apply", str(card_id), "--benefit", str(ids["settle"]), "--benefit", str(ids["school"]),
                    "--user", "talent1", "--json")
    assert code == 0, out
    steps = json.loads(out)["steps"]
    school_step = next(s["id"] for s in steps if s["benefit"] == "子女入学")
    settle_step = next(s["id"] for s in steps if s["benefit"] == "落户")
    code, out = run(url, "answer", str(school_step), "--user", "police")
    assert code == 2 and "只能由办理该事项的部门（河津市教育局测试）答复" in out
    code, out = run(url, "answer", str(settle_step), "--user", "police", "--answer", "已落户")
    assert code == 0 and "已办结" in out and "办理中" in out
    code, out = run(url, "register", "--name", "错号", "--region", "河津市", "--id-number", "110105194912310021")
    assert code == 2 and "校验位" in out


def test_a_student_is_placed_at_a_university_named_as_people_name_it(db: tuple[str, dict[str, int]]) -> None:
    """--university takes the school's name (the lists show no unit numbers); a second placement is refused."""
    url, ids = db
    place = ("place", str(ids["post"]), "--user", "hejin", "--student")
    code, out = run(url, *place, "张同学", "--university", "山西大学")
    assert code == 0 and "已安排 张同学：10 天" in out, out
    code, out = run(url, *place, "张同学", "--university", "山西大学")
    assert code == 2 and "不能重复安排" in out
    code, out = run(url, *place, "李同学", "--university", "山西大")
    assert code == 2 and "未找到" in out


def test_an_office_registers_an_apartment_and_allocates_from_the_command_line(db: tuple[str, dict[str, int]]) -> None:
    """`talent allocate` answered 人才公寓（编号 1）不存在 on a real deployment: only the demo made apartments."""
    url, ids = db
    code, out = run(url, "apartment-add", "河津市青年人才驿站", "--region", "河津市", "--unit", "2-201",
                    "--user", "hejin")
    assert code == 0 and "已登记人才公寓：河津市青年人才驿站" in out and "房间 1 间" in out, out
    apartment_id = out.split("编号 ", 1)[1].split("，", 1)[0]
    code, out = run(url, "allocate", apartment_id, "--unit", "2-201", "--talent", str(ids["talent"]),
                    "--from", "2026-06-01", "--user", "hejin")
    assert code == 0, out
    code, out = run(url, "apartment-add", "越权公寓", "--region", "太原市", "--user", "hejin")
    assert code == 2 and "登记该地区的人才公寓" in out


def test_an_office_adds_a_benefit_and_an_internship_post_from_the_command_line(
        db: tuple[str, dict[str, int]]) -> None:
    """No command made 优惠条件 or 实习岗位: `talent apply --benefit 1` and `talent place 1` found nothing on a real
    deployment."""
    url, _ids = db
    code, out = run(url, "benefit-add", "HJ-YL", "人才医疗绿色通道", "--region", "河津市", "--department",
                    "河津市公安局测试", "--kind", "医疗保健", "--days", "7", "--user", "hejin")
    assert code == 0 and "已登记优惠条件：HJ-YL 人才医疗绿色通道" in out and "时限 7 天" in out, out
    code, out = run(url, "benefit-add", "HJ-X", "某待遇", "--region", "河津市", "--department", "河津市公安局测试",
                    "--kind", "旅游", "--user", "hejin")
    assert code == 2 and "可选：待遇兑现" in out, out
    code, out = run(url, "post-add", "化验员实习", "--host", "河津测试新材料有限公司", "--places", "2",
                    "--from", "2026-07-01", "--to", "2026-07-20", "--daily-subsidy", "80元", "--user", "hejin")
    assert code == 0 and "已发布实习岗位：化验员实习" in out, out
