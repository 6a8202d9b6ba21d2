"""The office runs an order from the command line: 河津示例铝业 orders a diagnosis from 江西理工大学, the
university's team declines, its expert 张冶金 accepts, records the service and finishes it, and the enterprise
rates it — every step under the name of the official who typed it. Mistakes print one Chinese line, no traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
import typer
from click.testing import Result
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.demands.loop_world import build_world
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.orders import cli as orders_cli

runner = CliRunner()
ENTERPRISE, UNIVERSITY = "河津示例铝业有限公司", "江西理工大学"
TEAM, EXPERT = "江西理工大学冶金技术服务团", "张冶金"


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A ledger of its own: the commands commit, which the shared rolled-back session must not see."""
    eng = make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('orders-cli')) / 'orders.db'}")
    upgrade(eng)
    with transaction(eng) as session:
        build_world(session)
    yield eng
    eng.dispose()


def order(eng: Engine, *args: str) -> Result:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.add_typer(orders_cli.app)
    with patch.object(orders_cli, "engine_for", lambda _url: eng):  # the test's ledger instead of --db
        return runner.invoke(app, ["order", *args])


def ok(eng: Engine, *args: str) -> str:
    result = order(eng, *args)
    assert result.exit_code == 0, result.output
    return result.output


def refused(eng: Engine, *args: str) -> str:
    """A command that breaks a rule: exit status 2, one Chinese line on stderr, no traceback."""
    result = order(eng, *args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and result.stderr.startswith("错误：")
    return result.stderr


def place(eng: Engine, title: str, *extra: str) -> str:
    out = ok(eng, "place", "--enterprise", ENTERPRISE, "--university", UNIVERSITY, "--title", title,
             "--kind", "diagnosis", "--as", "河津示例铝业·赵总", "--json", *extra)
    return str(json.loads(out)["code"])


def test_an_order_is_declined_redispatched_served_and_rated(cli_db: Engine) -> None:
    code = place(cli_db, "电解槽能耗诊断")
    assert code.startswith("DD-")
    out = ok(cli_db, "dispatch", code, "--team", TEAM, "--as", "江西理工大学科技处·陈老师")
    assert f"已派给{TEAM}" in out and "已派单" in out
    assert "拒单必须说明原因" in refused(cli_db, "respond", code, "--decline")
    out = ok(cli_db, "respond", code, "--decline", "--reason", "团队成员本月在外地", "--as", "服务团·刘团长")
    assert "已拒单" in out and "待重新派单" in out
    ok(cli_db, "dispatch", code, "--expert", EXPERT, "--as", "江西理工大学科技处·陈老师")
    assert "已接单" in ok(cli_db, "respond", code, "--accept", "--as", EXPERT)
    out = ok(cli_db, "record", code, "--date", "2025-06-03", "--hours", "6", "--summary", "现场测试槽电压",
             "--outcome", "吨铝电耗预计降低 200 千瓦时", "--as", EXPERT)
    assert "服务中" in out
    assert "已服务" in ok(cli_db, "finish", code, "--as", EXPERT)
    assert "5 分" in ok(cli_db, "rate", code, "--rating", "5", "--comment", "专业、及时", "--as", "河津示例铝业·赵总")

    shown = json.loads(ok(cli_db, "show", code, "--json"))
    assert (shown["state"], shown["rating"], shown["university"]) == ("rated", 5, UNIVERSITY)
    assert [(d["to"], d["state"], d["reason"], d["by"]) for d in shown["dispatches"]] == [
        (TEAM, "declined", "团队成员本月在外地", "江西理工大学科技处·陈老师"),
        (EXPERT, "accepted", None, "江西理工大学科技处·陈老师")]
    assert shown["records"][0]["recorded_by"] == EXPERT and shown["records"][0]["hours"] == "6.0"
    listed = json.loads(ok(cli_db, "list", "--state", "rated", "--enterprise", ENTERPRISE, "--json"))
    assert code in [o["code"] for o in listed]
    table = ok(cli_db, "show", code)
    assert "派单记录" in table and "服务记录" in table


def test_mistakes_are_refused_with_clear_chinese_messages(cli_db: Engine) -> None:
    assert "未找到订单“DD-1999-000001”" in refused(cli_db, "finish", "DD-1999-000001")
    code = place(cli_db, "检测服务")
    assert "当前为“已点单”，不能评价" in refused(cli_db, "rate", code, "--rating", "4")
    assert "二选一" in refused(cli_db, "dispatch", code, "--team", TEAM, "--expert", EXPERT)
    assert "没有待答复的派单" in refused(cli_db, "respond", code, "--accept")
    assert "承接高校“江西理工大学”没有名为“李材料”的专家" in refused(cli_db, "dispatch", code, "--expert", "李材料")
    assert "未找到服务团队" in refused(cli_db, "dispatch", code, "--team", "不存在的服务团")
    ok(cli_db, "dispatch", code, "--team", TEAM)
    # A stale version: the order moved on since the official looked at it.
    assert "已被他人修改" in refused(cli_db, "cancel", code, "--reason", "改期", "--version", "1")
    assert "取消" in ok(cli_db, "cancel", code, "--reason", "改期", "--version", "2")
    assert "“已取消”，不能派单" in refused(cli_db, "dispatch", code, "--team", TEAM)
    assert "未找到" in refused(cli_db, "place", "--enterprise", "没有这家公司", "--title", "x")


def test_an_order_without_a_university_gets_one_when_dispatched(cli_db: Engine) -> None:
    out = ok(cli_db, "place", "--enterprise", ENTERPRISE, "--title", "人才培训", "--kind", "training")
    assert "待办公室指定高校" in out
    code = out.split("：", 1)[1].split()[0]
    ok(cli_db, "dispatch", code, "--team", TEAM, "--as", "河津市校地合作办·王敏")
    assert json.loads(ok(cli_db, "show", code, "--json"))["university"] == UNIVERSITY


def test_the_order_commands_are_documented(cli_db: Engine) -> None:
    out = ok(cli_db, "--help")
    for command in ("place", "dispatch", "respond", "record", "finish", "rate", "cancel", "list", "show"):
        assert command in out
    assert "点单派单" in out
