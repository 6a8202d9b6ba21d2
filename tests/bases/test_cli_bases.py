"""``xiaodi base …`` at the console: the office takes a base from 申报 to 挂牌 and records a batch, figures follow;
``--user`` acts as an account and its role and region are checked as on the pages; a pairing gets a duty and
the lead-unit account reports it done; a wrong-kind pairing is refused with nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.bases import service
from xiaodi.bases.models import BaseState, Duty, DutyState, Pairing, ProgrammeBase
from xiaodi.cli import app
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed
from xiaodi.core.migrate import upgrade
from xiaodi.core.settings import local_today
from xiaodi.directory.models import Organisation, OrgKind, Region, RegionLevel

runner = CliRunner()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('cli-bases')) / 'bases.db'}"
    eng = make_engine(url)
    upgrade(eng)
    actor = Actor(name="测试")
    with transaction(eng) as s:
        sx = Region(code="140000", name="山西省", level=RegionLevel.PROVINCE, full_name="山西省")
        s.add(sx)
        s.flush()
        yc = Region(code="140800", name="运城市", level=RegionLevel.CITY, parent_id=sx.id, full_name="山西省运城市")
        ty = Region(code="140100", name="太原市", level=RegionLevel.CITY, parent_id=sx.id, full_name="山西省太原市")
        s.add_all([yc, ty])
        s.flush()
        hj = Region(code="140882", name="河津市", level=RegionLevel.COUNTY, parent_id=yc.id,
                    full_name="山西省运城市河津市")
        s.add(hj)
        s.add_all([Organisation(kind=OrgKind.UNIVERSITY, name="山西大学"),
                   Organisation(kind=OrgKind.ENTERPRISE, name="河津测试铝业有限公司")])
        lead = Organisation(kind=OrgKind.GOVERNMENT, name="河津市人力资源和社会保障局")
        s.add(lead)
        s.flush()
        service.seed_base_types(s, actor=actor)
        for name, kwargs in {"hejin": {"role": Role.COUNTY_OFFICE, "region_id": hj.id},
                             "taiyuan": {"role": Role.CITY_OFFICE, "region_id": ty.id},
                             "lead": {"role": Role.LEAD_UNIT, "organisation_id": lead.id}}.items():
            accounts.create_user(s, actor=actor, username=name, display_name=name, password="Xiaodi2025test",
                                 **kwargs)  # type: ignore[arg-type]
    yield eng, url
    eng.dispose()


def run(url: str, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", url])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def refused(url: str, *args: str) -> BaseException:
    result = runner.invoke(app, [*args, "--db", url])
    assert result.exit_code != 0 and result.exception is not None, result.output
    return result.exception


def test_a_base_from_proposal_to_plaque_with_a_batch(ledger: tuple[Engine, str]) -> None:
    eng, url = ledger
    name = "山西大学河津大学生实习实训基地"
    out = run(url, "base", "add", name, "--type", "大学生实习实训基地", "--region", "河津市",
              "--host", "河津测试铝业有限公司", "--partner", "山西大学", "--lead-unit", "河津市人力资源和社会保障局",
              "--json")
    assert json.loads(out)["state"] == "proposed"
    assert isinstance(refused(url, "base", "step", name, "plaque", "--ceremony", "仪式", "--user", "hejin"),
                      ValidationFailed)
    assert isinstance(refused(url, "base", "step", name, "review", "--user", "taiyuan"), NotFound)
    assert isinstance(refused(url, "base", "step", name, "review", "--user", "lead"), Forbidden)
    run(url, "base", "step", name, "review", "--user", "hejin")
    run(url, "base", "step", name, "recognise", "--on", "2025-05-01", "--user", "hejin")
    assert "已挂牌" in run(url, "base", "step", name, "plaque", "--on", "2025-06-01", "--ceremony", "市政府会议室",
                           "--user", "hejin")
    assert "30 人次" in run(url, "base", "activity", name, "--kind", "实习实训", "--on", "2025-07-01",
                           "--people", "30", "--days", "20", "--user", "lead")
    figures = json.loads(run(url, "base", "figures", "--region", "河津市", "--json"))
    assert figures["by_type"] == {"大学生实习实训基地": 1}
    assert figures["activities"][0]["person_days"] == 600
    with Session(eng) as s:
        assert s.scalars(select(ProgrammeBase.state)).one() == BaseState.PLAQUED


def test_a_pairing_duty_reported_done_by_the_lead_unit(ledger: tuple[Engine, str]) -> None:
    eng, url = ledger
    assert isinstance(refused(url, "base", "pairing", "add", "--university", "河津测试铝业有限公司",
                              "--lead-unit", "河津市人力资源和社会保障局", "--region", "河津市"), ValidationFailed)
    with Session(eng) as s:
        assert s.scalar(select(func.count()).select_from(Pairing)) == 0
    assert "已建立结对" in run(url, "base", "pairing", "add", "--university", "山西大学", "--lead-unit",
                               "河津市人力资源和社会保障局", "--region", "河津市", "--user", "hejin")
    with Session(eng) as s:
        pairing_id = s.scalars(select(Pairing.id)).one()
    run(url, "base", "pairing", "duty-add", str(pairing_id), "--unit", "河津市人力资源和社会保障局", "--title",
        "组织暑期实习实训", "--due", "2025-08-31", "--milestone", "发布岗位,2025-06-30", "--user", "hejin")
    with Session(eng) as s:
        duty_id = s.scalars(select(Duty.id)).one()
    listed = json.loads(run(url, "base", "pairing", "duties", "--user", "lead", "--json"))
    assert [d["title"] for d in listed] == ["组织暑期实习实训"]
    assert isinstance(refused(url, "base", "pairing", "report", str(duty_id), "--note", "x", "--user", "taiyuan"),
                      NotFound)
    run(url, "base", "pairing", "report", str(duty_id), "--note", "接收实习学生30人", "--evidence", "名单.xlsx",
        "--done", "--user", "lead")
    with Session(eng) as s:
        assert s.scalars(select(Duty.state)).one() == DutyState.DONE


def test_the_type_list_is_the_province_offices(ledger: tuple[Engine, str]) -> None:
    _eng, url = ledger
    assert isinstance(refused(url, "base", "type-add", "县办自创基地", "--user", "hejin"), Forbidden)
    run(url, "base", "type-add", "乡村振兴示范基地", "--code", "rural")
    assert "已停用" in run(url, "base", "type-edit", "rural", "--inactive", "--reason", "试行结束")
    assert "乡村振兴示范基地" in run(url, "base", "types")


def test_the_dispatch_meeting_decides_on_a_duty_milestone_from_the_console(ledger: tuple[Engine, str]) -> None:
    """``xiaodi dispatch`` lists the duty's overdue milestone as ZR…; ``dispatch record --decide ZR…`` moves it;
    the second postponement is escalated to the city, as a project milestone's is."""
    import datetime as dt

    from xiaodi.bases.models import DutyMilestone

    eng, url = ledger
    today = local_today()
    with transaction(eng) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        edu = Organisation(kind=OrgKind.GOVERNMENT, name="河津市教育局", region_id=hejin.id)
        s.add(edu)
        s.flush()
        office = Viewer(user_id=None, name="河津市办", roles=frozenset({Role.COUNTY_OFFICE}),
                                region_ids=frozenset({hejin.id}), office_region_ids=frozenset({hejin.id}))
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        pairing = service.create_pairing(s, office, university_id=uni.id, lead_unit_id=edu.id, region_id=hejin.id)
        service.add_duty(s, office, pairing.id, service.DutyInput(
            unit_id=edu.id, title="共建研学实践课程", due_on=today + dt.timedelta(days=90),
            milestones=[service.MilestoneIn("课程方案定稿", today - dt.timedelta(days=5))]))
    with Session(eng) as s:
        milestone_id = s.scalars(select(DutyMilestone.id).where(DutyMilestone.title == "课程方案定稿")).one()
    listed = json.loads(run(url, "dispatch", "--region", "河津市", "--json"))
    entry = next(e for e in listed["entries"] if e["duty_milestone_id"] == milestone_id)
    assert (entry["kind"], entry["source"], entry["days_overdue"]) == ("overdue", "duty", 5)
    assert f"ZR{milestone_id}" in run(url, "dispatch", "--region", "河津市")

    later = (today + dt.timedelta(days=10)).isoformat()
    out = run(url, "dispatch", "record", "--region", "河津市", "--decide", f"ZR{milestone_id},{later},教育局十日内定稿",
              "--json")
    first = json.loads(out)["items"][0]
    assert (first["duty_milestone_id"], first["new_due_on"], first["escalated_to_level"]) == (
        milestone_id, later, None)
    latest = (today + dt.timedelta(days=12)).isoformat()
    out = run(url, "dispatch", "record", "--region", "河津市", "--decide", f"ZR{milestone_id},{latest},再延两日")
    assert f"职责任务节点 ZR{milestone_id}" in out and "提请市级调度" in out
    with Session(eng) as s:
        ms = s.get(DutyMilestone, milestone_id)
        assert ms is not None and (ms.slip_count, ms.due_on) == (2, today + dt.timedelta(days=12))
    assert isinstance(refused(url, "dispatch", "record", "--region", "河津市", "--decide", "ZR999999,,无此节点"),
                      NotFound)


def test_a_fresh_ledger_says_how_base_types_come(tmp_path: Path) -> None:
    """Right after db init there are no base types: the refusal says how to load them, not 可选： and nothing."""
    from sqlalchemy.orm import Session

    from xiaodi.core.errors import ValidationFailed
    from xiaodi.core.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    with Session(engine) as s, pytest.raises(ValidationFailed, match="xiaodi base seed-types"):
        service.type_by_name(s, "大学生实习实训基地")
    engine.dispose()
