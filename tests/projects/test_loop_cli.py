"""The office runs the loop from the command line: moves a demand, reads the figures and a unit's dispatch list."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from unittest.mock import patch

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.demands.loop_world import build_world, draft_demand
from xiaodi.cli_options import fixed_engine
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.demands import cli as demands_cli
from xiaodi.figures import cli as figures_cli
from xiaodi.projects import cli as projects_cli
from xiaodi.projects.service import add_milestone, create_project, record_funds

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    """A ledger of its own: the commands commit, which the shared rolled-back session must not see."""
    eng = make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('cli')) / 'loop.db'}")
    upgrade(eng)
    with transaction(eng) as session:
        w = build_world(session)
        code = draft_demand(session, w, Actor(name="测试"), title="命令行需求").code
        p = create_project(session, actor=Actor(name="测试"), name="命令行项目", region_id=w.county.id,
                           responsible_unit_id=w.lead_unit.id, leader_in_charge="刘副市长")
        add_milestone(session, actor=Actor(name="测试"), project_id=p.id, title="开工", due_on=dt.date(2025, 6, 1))
        record_funds(session, actor=Actor(name="测试"), project_id=p.id, amount=Decimal(2_000_000),
                     arrived_on=dt.date(2025, 5, 1))
    with patch.object(demands_cli, "engine_for", lambda _url: eng):  # the demand commands read the test's ledger
        yield eng, code
    eng.dispose()


def app_for(eng: Engine) -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def use_this_ledger(ctx: typer.Context) -> None:  # the module-level commands open this ledger
        ctx.with_resource(fixed_engine(eng))

    app.add_typer(demands_cli.app)
    app.add_typer(figures_cli.app)
    app.add_typer(projects_cli.app)
    return app


def test_a_demand_is_moved_step_by_step_and_shows_who_did_it(cli_db: tuple[Engine, str]) -> None:
    eng, code = cli_db
    app = app_for(eng)
    result = runner.invoke(app, ["demand", "submit", code, "--as", "办公室·王敏"])
    assert result.exit_code == 0, result.output
    assert "草稿 → 待审核" in result.output
    shown = runner.invoke(app, ["demand", "show", code, "--json"])
    data = json.loads(shown.output)
    assert data["state"] == "submitted" and data["history"][-1]["actor"] == "办公室·王敏"
    refused = runner.invoke(app, ["demand", "close", code, "--reason", "x"])
    assert refused.exit_code != 0 and "不能关闭" in str(refused.exception)
    stale = runner.invoke(app, ["demand", "review", code, "--version", "1"])
    assert "已被他人修改" in str(stale.exception)
    listed = json.loads(runner.invoke(app, ["demand", "list", "--json", "--state", "submitted"]).output)
    assert code in [d["code"] for d in listed]


def test_the_steps_that_happen_by_themselves_have_no_command(cli_db: tuple[Engine, str]) -> None:
    result = runner.invoke(app_for(cli_db[0]), ["demand", "--help"])
    assert "publish" in result.output and "withdraw" in result.output
    assert " claim " not in result.output and "contract" not in result.output


def test_figures_for_a_city_as_json_use_the_metric_keys(cli_db: tuple[Engine, str]) -> None:
    result = runner.invoke(app_for(cli_db[0]), ["figures", "--region", "运城市", "--from", "2025-01-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["funds_in_place"] == 2_000_000 and data["demands_published"] == 0 and data["from"] == "2025-01-01"
    everything = json.loads(runner.invoke(app_for(cli_db[0]), ["figures", "--region", "运城市", "--json"]).output)
    assert everything["projects_signed"] == 1  # no agreement, so no signing date: counted only without a period
    table = runner.invoke(app_for(cli_db[0]), ["figures", "--region", "河津市"])
    assert "到位资金" in table.output and "200万元" in table.output


def test_the_figures_table_gives_every_amount_in_one_unit(cli_db: tuple[Engine, str]) -> None:
    """The county has 200万 in place and nothing signed yet: the table read "签约金额 0元 … 到位资金 200万元", two
    units down one column. Every amount is in 万元."""
    table = runner.invoke(app_for(cli_db[0]), ["figures", "--region", "河津市"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    shown = {cells[0]: cells[1] for line in table.output.splitlines() if "│" in line
             for cells in [[c.strip() for c in line.split("│")[1:3]]]}
    assert shown["到位资金"] == "200万元" and shown["签约金额"] == "0万元"
    assert not any(v.endswith("元") and not v.endswith("万元") for v in shown.values())


def test_a_units_dispatch_list(cli_db: tuple[Engine, str]) -> None:
    app = app_for(cli_db[0])
    result = runner.invoke(app, ["dispatch", "--unit", "河津市工业和信息化局（测试）", "--as-of", "2025-06-30",
                                 "--json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)["entries"]
    assert [(e["kind"], e["milestone"], e["days_overdue"]) for e in entries] == [("overdue", "开工", 29)]
    table = runner.invoke(app, ["dispatch", "--region", "运城市", "--as-of", "2025-06-30"])
    assert "已逾期" in table.output and "开工" in table.output and "山西省运城市 调度清单" in table.output
    bad = runner.invoke(app, ["dispatch", "--unit", "河津市工业和信息化局（测试）", "--as-of", "6月30日"])
    assert "YYYY-MM-DD" in str(bad.exception)
