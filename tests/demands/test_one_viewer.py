"""One viewer for the whole demands area (唯一的 Viewer): 王经理 works for two enterprises, 河津示例铝业 and
稷山示例食品.
The service lists, the claims and the command line see what both of his organisations may see — the old adapter
kept only the smaller organisation id for the lists while the claims used both."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.demands.loop_world import World, build_world, draft_demand
from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import viewer_for
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.demands import cli as demands_cli
from xiaodi.demands.service import create_demand, demand_board, visible_demands

runner = CliRunner()
ACTOR = Actor.system("test")


def two_enterprises(session: Session, w: World) -> tuple[int, int]:
    """王经理 and a draft of each of his enterprises; returns the two drafts' ids."""
    user = accounts.create_user(session, actor=ACTOR, username="wang_two_orgs", display_name="王经理",
                                password="Xiaodi2025test", role=Role.ENTERPRISE, organisation_id=w.enterprise.id)
    accounts.add_membership(session, actor=ACTOR, user_id=user.id, role=Role.ENTERPRISE,
                            organisation_id=w.other_enterprise.id)
    first = draft_demand(session, w, ACTOR, title="河津铝业的草稿需求")
    second = create_demand(session, actor=ACTOR, owner_id=w.other_enterprise.id, title="稷山食品的草稿需求",
                           kind="technology")
    session.flush()
    return first.id, second.id


def test_the_service_lists_the_demands_of_both_organisations(session: Session, world: World) -> None:
    first, second = two_enterprises(session, world)
    viewer = viewer_for(session, accounts.get_user(session, "wang_two_orgs"))
    listed = {d.id for d in visible_demands(session, viewer=viewer, limit=10_000)}
    assert {first, second} <= listed
    assert demand_board(session, viewer=viewer)["draft"] >= 2


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, int, int]]:
    """A ledger of its own: the commands commit, which the shared rolled-back session must not see."""
    eng = make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('one-viewer')) / 'demands.db'}")
    upgrade(eng)
    with transaction(eng) as session:
        first, second = two_enterprises(session, build_world(session))
    yield eng, first, second
    eng.dispose()


def test_the_command_line_lists_what_the_account_sees(cli_db: tuple[Engine, int, int]) -> None:
    eng, _first, _second = cli_db
    app = typer.Typer(pretty_exceptions_enable=False)
    app.add_typer(demands_cli.app)
    with patch.object(demands_cli, "engine_for", lambda _url: eng):  # the test's ledger instead of --db
        result = runner.invoke(app, ["demand", "list", "--user", "wang_two_orgs", "--json"])
    assert result.exit_code == 0, result.output
    titles = {row["title"] for row in json.loads(result.output)}
    assert {"河津铝业的草稿需求", "稷山食品的草稿需求"} <= titles
