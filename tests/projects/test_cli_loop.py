"""The office keeps the closed loop from the command line: signs the agreement for the selected 揭榜 claim (the
demand becomes 已签约), starts the project with its 倒排工期, records and corrects funds in place, holds a 调度会
that moves an overdue milestone (the second slip goes up to the city), marks the milestone reached and moves the
project on — every step under the name given with ``--as``, every mistake answered in Chinese."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tests.demands.loop_world import build_world, published_demand
from xiaodi.cli_options import fixed_engine
from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.demands.service_claims import (
    declare_conflict,
    score_claim,
    screen_claim,
    select_claim,
    shortlist,
    submit_claim,
)
from xiaodi.figures import cli as figures_cli
from xiaodi.projects import cli as projects_cli

runner = CliRunner()
OFFICIAL = "河津市校地合作办·王敏"
SCORES = {"技术先进性": 90, "实施方案可行性": 85, "团队实力": 80, "经费合理性": 75}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str, int]]:
    """A ledger of its own (the commands commit): 河津's published demand with 江西理工大学's claim selected."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('cli-loop')) / 'loop.db'}"
    eng = make_engine(url)
    upgrade(eng)
    actor = Actor(name="测试")
    with transaction(eng) as session:
        w = build_world(session)
        demand = published_demand(session, w, actor, title="高纯铝提纯工艺攻关")
        claim = submit_claim(session, actor=actor, demand_id=demand.id, claimant_org_id=w.named_uni.id,
                             approach="真空蒸馏+区域熔炼", budget=Decimal("450000"))
        reviewer = w.reviewers[0].id
        declare_conflict(session, actor=actor, demand_id=demand.id, reviewer_user_id=reviewer, has_conflict=False)
        screen_claim(session, actor=actor, claim_id=claim.id, reviewer_user_id=reviewer, passed=True)
        score_claim(session, actor=actor, claim_id=claim.id, reviewer_user_id=reviewer, scores=SCORES)
        shortlist(session, actor=actor, demand_id=demand.id, finalist_ids=[claim.id], feedback={})
        select_claim(session, actor=actor, demand_id=demand.id, claim_id=claim.id, feedback={})
        code, claim_id = demand.code, claim.id
    yield eng, code, claim_id
    eng.dispose()


def app_for(eng: Engine) -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def use_this_ledger(ctx: typer.Context) -> None:  # the module-level commands open this ledger
        ctx.with_resource(fixed_engine(eng))

    app.add_typer(figures_cli.app)
    app.add_typer(projects_cli.app)
    return app


def run(eng: Engine, *args: str) -> Any:
    """Run a command that must succeed; JSON output is parsed."""
    result = runner.invoke(app_for(eng), list(args))
    assert result.exit_code == 0, (args, result.output, result.exception)
    return json.loads(result.output) if "--json" in args else result.output


def refused(eng: Engine, *args: str) -> str:
    """Run a command that must fail; its Chinese message."""
    result = runner.invoke(app_for(eng), list(args))
    assert result.exit_code != 0, (args, result.output)
    return str(result.exception) if result.exception and not isinstance(result.exception, SystemExit) \
        else result.output


def test_the_office_runs_the_loop_from_the_command_line(ledger: tuple[Engine, str, int]) -> None:
    eng, demand_code, claim_id = ledger
    figures_before = run(eng, "figures", "--region", "河津市", "--json")

    # 签约 for the selected claim: the demand becomes 已签约, the region is the demand's.
    agreement = run(eng, "agreement", "add", "--title", "高纯铝提纯技术开发合同", "--kind", "技术开发",
                    "--party", "甲方:河津示例铝业有限公司", "--party", "乙方：江西理工大学",
                    "--party", "见证方:河津市科技局",
                    "--claim", str(claim_id), "--amount", "45万元", "--signed-on", "2025-05-08", "--as", OFFICIAL,
                    "--json")
    assert agreement["demand"]["code"] == demand_code and agreement["demand"]["state"] == "contracted"
    assert agreement["region"] == "山西省运城市河津市" and agreement["amount"] == "450000.00"
    assert [(p["role"], p["organisation_id"] is not None) for p in agreement["parties"]] == [
        ("party_a", True), ("party_b", True), ("witness", False)]  # the bureau is not in the directory: as written
    listed = run(eng, "agreement", "list", "--region", "运城市", "--json")
    assert agreement["code"] in [a["code"] for a in listed]
    shown = run(eng, "agreement", "show", agreement["code"])
    assert "甲方：河津示例铝业有限公司" in shown and "已签约" in shown and "未在名录中" in shown

    # 立项 with 倒排工期.
    project = run(eng, "project", "add", "--agreement", agreement["code"], "--name", "高纯铝中试线",
                  "--partner", "江西理工大学", "--enterprise", "河津示例铝业有限公司",
                  "--unit", "河津市工业和信息化局（测试）", "--leader", "刘副市长", "--pledged", "500万元",
                  "--milestone", "设备进场,2025-06-01,开工", "--milestone", "中试线投产,2026-12-31,投产",
                  "--as", OFFICIAL, "--json")
    assert project["region"] == "山西省运城市河津市" and project["pledged_amount"] == "5000000.00"
    assert [(m["title"], m["target_stage"]) for m in project["milestones"]] == [
        ("设备进场", "started"), ("中试线投产", "in_production")]
    code, late = project["code"], project["milestones"][0]
    assert "添加节点" in run(eng, "project", "milestone-add", code, "--title", "环评批复", "--due", "2025-09-30")

    # 到位资金, then a correction; the county's figures follow.
    out = run(eng, "project", "funds-add", code, "--amount", "120万元", "--on", "2025-04-01", "--source", "财政")
    assert "120万元" in out and "到位资金合计 120万元" in out
    fund_id = run(eng, "project", "show", code, "--json")["funds"][0]["id"]
    out = run(eng, "project", "funds-correct", str(fund_id), "--amount", "100万元", "--reason", "按回单核对")
    assert "已更正为 100万元" in out
    figures_after = run(eng, "figures", "--region", "河津市", "--json")
    assert figures_after["funds_in_place"] - figures_before["funds_in_place"] == 1_000_000
    assert figures_after["agreements"] == figures_before["agreements"] + 1
    assert figures_after["projects_signed"] == figures_before["projects_signed"] + 1

    # 调度会: the overdue milestone gets a new date; the second postponement is escalated to the city.
    listing = run(eng, "dispatch", "--region", "河津市", "--as-of", "2025-06-30", "--json")
    assert ("overdue", "设备进场") in [(e["kind"], e["milestone"]) for e in listing["entries"]]
    meeting = run(eng, "dispatch", "record", "--region", "河津市", "--held-on", "2025-06-30", "--chair", "刘副市长",
                  "--decide", f"{late['id']},2025-07-31,协调设备厂家加快供货", "--decide", f"{code},,每周报送进度",
                  "--as", OFFICIAL, "--json")
    assert meeting["level"] == "county"
    assert [(i["new_due_on"], i["escalated_to_level"]) for i in meeting["items"]] == [("2025-07-31", None),
                                                                                       (None, None)]
    again = run(eng, "dispatch", "record", "--region", "河津市", "--held-on", "2025-08-05",
                "--decide", f"{late['id']},2025-08-31,设备到货延迟，再延一个月")
    assert "提请市级调度" in again
    entry = next(e for e in run(eng, "dispatch", "--region", "运城市", "--as-of", "2025-09-05", "--json")["entries"]
                 if e["milestone"] == "设备进场")
    assert entry["slip_count"] == 2 and entry["escalated_to"] == "city" and entry["original_due_on"] == "2025-06-01"

    # The milestone is reached (from a stale version first): the project moves to 已开工, then on to 已落地.
    version = next(m for m in run(eng, "project", "show", code, "--json")["milestones"] if m["id"] == late["id"])
    assert "已被他人修改" in refused(eng, "project", "milestone-done", str(late["id"]), "--version", "1")
    out = run(eng, "project", "milestone-done", str(late["id"]), "--on", "2025-08-20", "--version",
              str(version["version"]), "--as", OFFICIAL)
    assert "已于 2025-08-20 完成" in out and "已开工" in out
    moved = run(eng, "project", "stage", code, "--to", "落地", "--on", "2025-10-01", "--as", OFFICIAL)
    assert "已开工 → 已落地" in moved

    shown = run(eng, "project", "show", code, "--json")
    assert shown["stage"] == "landed" and shown["funds_in_place"] == "1000000.00"
    assert [(s["to"], s["actor"]) for s in shown["stages"]][-2:] == [("started", OFFICIAL), ("landed", OFFICIAL)]
    table = run(eng, "project", "show", code)
    assert "设备进场" in table and "到位资金 100万元" in table and "更正第" in table
    assert "已被更正，不计入合计" in table  # the 120万元 the correction replaced, so the rows add up to the total
    assert "阶段变更" in table and "已开工 → 已落地" in table  # as the help promises, not only in --json
    assert code in [p["code"] for p in run(eng, "project", "list", "--stage", "已落地", "--json")]
    with transaction(eng) as session:  # who did it is in the audit trail
        actors = set(session.scalars(select(AuditEntry.actor).where(AuditEntry.entity == "agreement")))
    assert OFFICIAL in actors


def test_mistakes_are_answered_in_chinese(ledger: tuple[Engine, str, int]) -> None:
    eng, _code, claim_id = ledger
    assert "签约方应写作" in refused(eng, "agreement", "add", "--title", "x", "--party", "山西大学",
                                   "--party", "乙方:y")
    assert "协议类别“合资”无效" in refused(eng, "agreement", "add", "--title", "x", "--kind", "合资",
                                         "--party", "甲方:a", "--party", "乙方:b")
    assert f"揭榜方案（编号 {claim_id + 1000}）不存在" in refused(eng, "agreement", "add", "--title", "x",
                                                               "--party", "甲方:a", "--party", "乙方:b",
                                                               "--claim", str(claim_id + 1000))
    assert "至少应有两个签约方" in refused(eng, "agreement", "add", "--title", "x", "--party", "甲方:a")
    assert "节点应写作" in refused(eng, "project", "add", "--name", "x", "--milestone", "开工")
    assert "YYYY-MM-DD" in refused(eng, "project", "add", "--name", "x", "--milestone", "开工,6月30日")
    assert "未找到项目“XM-0000-000000”" in refused(eng, "project", "show", "XM-0000-000000")
    assert "不是有效金额" in refused(eng, "project", "add", "--name", "x", "--pledged", "很多")
    assert "阶段“完工”无效" in refused(eng, "project", "list", "--stage", "完工")
    assert "调度决定应写作" in refused(eng, "dispatch", "record", "--region", "河津市", "--decide", "12,督促")


def test_the_commands_speak_chinese_and_never_show_a_traceback(
    ledger: tuple[Engine, str, int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    eng = ledger[0]
    for group, commands in (("agreement", ("add", "list", "show")),
                            ("project", ("add", "show", "stage", "milestone-add", "milestone-done", "funds-add",
                                         "funds-correct")),
                            ("dispatch", ("record",))):
        result = runner.invoke(app_for(eng), [group, "--help"])
        assert result.exit_code == 0 and all(c in result.output for c in commands), result.output
    assert "调度清单" in runner.invoke(app_for(eng), ["dispatch", "--help"]).output

    from xiaodi import cli

    monkeypatch.setattr("sys.argv", ["xiaodi", "project", "show", "XM-0000-000000", "--db", str(eng.url)])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "错误：" in err and "未找到项目" in err and "Traceback" not in err
