"""The office works from the command line: a job fair, its outcomes, the agreement signed at it, a 挂职 post and a
contact — and a county office's account (``--user``) is refused another region's event as on the pages. Mistakes
print one Chinese line; nothing is written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.demands import service as demands
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.directory.service import create_organisation
from xiaodi.events import cli as events_cli
from xiaodi.events.models import EventOutcome
from xiaodi.notifications import cli as notify_cli
from xiaodi.projects import service as projects

runner = CliRunner()
ACTOR = Actor.system("test")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from xiaodi.bootstrap import init_database

    url = f"sqlite:///{Path(tmp_path_factory.mktemp('events-cli')) / 'events.db'}"
    eng: Engine = make_engine(url)
    init_database(eng)
    with transaction(eng) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        ent = create_organisation(s, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="河津命令行铝业有限公司",
                                  region_id=hejin.id)
        projects.create_agreement(
            s, actor=ACTOR, title="命令行铝材合作协议", kind="tech_development", code="XY-2025-900001",
            signed_on=dt.date(2025, 3, 15), amount=Decimal("100000"), region_id=hejin.id,
            parties=[projects.PartySpec(organisation_id=ent.id, name=ent.name, role="party_a"),
                     projects.PartySpec(organisation_id=uni.id, name=uni.name, role="party_b")])
        p = projects.create_project(s, actor=ACTOR, name="命令行中试线", region_id=hejin.id, enterprise_id=ent.id)
        demands.create_demand(s, actor=ACTOR, owner_id=ent.id, title="铝灰资源化", kind="technology",
                              code="XQ-2025-900001")
        projects.add_milestone(s, actor=ACTOR, project_id=p.id, title="设备进场", due_on=dt.date(2025, 4, 3))
        accounts.create_user(s, actor=ACTOR, username="hejin", display_name="王敏", password="Xiaodi2025cli!",
                             role=Role.COUNTY_OFFICE, region_id=hejin.id)
    eng.dispose()
    yield url


def invoke(app: object, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))  # type: ignore[arg-type]
    return result.exit_code, result.output


def test_a_job_fair_from_the_command_line(db: str) -> None:
    code, out = invoke(events_cli.app, "add", "河津命令行招聘会", "--kind", "招聘会", "--date", "2025-03-15",
                       "--region", "河津市", "--user", "hejin", "--db", db, "--json")
    assert code == 0, out
    eid = json.loads(out)["id"]
    for metric, value in (("positions", "2135"), ("达成意向（人）", "148")):
        code, out = invoke(events_cli.app, "outcome", str(eid), "--metric", metric, "--value", value,
                           "--user", "hejin", "--db", db)
        assert code == 0 and out.rstrip().endswith(f" {value}"), out  # 2135 posts, not "2135.00"
    code, out = invoke(events_cli.app, "agreement", str(eid), "XY-2025-900001", "--user", "hejin", "--db", db)
    assert code == 0 and "已记为活动" in out
    code, out = invoke(events_cli.app, "secondment", "--person", "孙博士", "--unit", "河津命令行铝业有限公司",
                       "--post", "科技副总", "--start", "2025-04-01", "--event", str(eid), "--db", db)
    assert code == 0, out
    code, out = invoke(events_cli.app, "list", "--region", "河津市", "--db", db, "--json")
    [row] = json.loads(out)
    assert (row["positions"], row["intent_people"]) == (2135, 148)  # counts as numbers, as people count them
    code, out = invoke(events_cli.contact_app, "add", "--date", "2025-03-20", "--channel", "电话",
                       "--summary", "回访招聘会企业", "--to", "河津命令行铝业有限公司", "--user", "hejin", "--db", db,
                       "--demand", "XQ-2025-900001")  # the demand by the 需求编号 the lists show
    assert code == 0, out
    code, out = invoke(events_cli.contact_app, "counts", "--db", db, "--json")
    assert json.loads(out) == [{"region": "河津市", "month": "2025-03", "count": 1}]


def test_refusals_and_mistakes_print_one_chinese_line(db: str) -> None:
    code, out = invoke(events_cli.app, "add", "太原活动", "--kind", "对接会", "--date", "2025-03-15",
                       "--region", "太原市", "--user", "hejin", "--db", db)
    assert code == 2 and "只能登记本辖区的活动" in out
    code, out = invoke(events_cli.app, "add", "太原活动", "--kind", "对接会", "--date", "2025-03-15",
                       "--region", "太原市", "--db", db, "--json")
    assert code == 0  # the console's operator is trusted
    taiyuan = json.loads(out)["id"]
    code, out = invoke(events_cli.app, "outcome", str(taiyuan), "--metric", "positions", "--value", "5",
                       "--user", "hejin", "--db", db)
    assert code == 2 and "不存在或您无权查看" in out
    code, out = invoke(events_cli.app, "outcome", str(taiyuan), "--metric", "positions", "--value", "-5", "--db", db)
    assert code == 2 and "应为 0 到" in out
    code, out = invoke(events_cli.app, "add", "无效", "--kind", "宴会", "--date", "2025-03-15", "--region", "河津市",
                       "--db", db)
    assert code == 2 and "活动类别无效" in out
    eng = make_engine(db)
    with transaction(eng) as s:
        assert s.scalar(select(func.count()).select_from(EventOutcome).where(EventOutcome.event_id == taiyuan)) == 0
    eng.dispose()


def test_notify_due_reminds_once(db: str) -> None:
    code, out = invoke(notify_cli.app, "due", "--today", "2025-03-30", "--db", db, "--json")
    assert code == 0 and json.loads(out)["sent"] == 1  # 设备进场, due 2025-04-03, to 河津's office
    code, out = invoke(notify_cli.app, "due", "--today", "2025-03-31", "--db", db, "--json")
    assert json.loads(out)["sent"] == 0
    code, out = invoke(notify_cli.app, "list", "hejin", "--db", db, "--json")
    [message] = json.loads(out)
    assert "设备进场" in message["title"] and message["link"].startswith("/projects/")
