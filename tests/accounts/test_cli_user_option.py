"""``--user`` on every command that has it: the command acts with that account's rights, and a disabled account —
like an unknown one — acts for nobody. Before, ``budget`` and ``intent`` (which checked a field accounts do not
have) and ``demand list`` (which did not check) kept working for an account an administrator had disabled."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import initialised_ledger
from xiaodi.cli import app

runner = CliRunner()

COMMANDS = [  # each with --user, as an operator would type it
    ["budget", "add", "--name", "停用账号登记的预算", "--region", "河津市", "--year", "2026", "--amount", "10万元"],
    ["budget", "list"],
    ["intent", "list"],
    ["demand", "list"],
    ["event", "list"],
    ["assessment", "list"],
    ["base", "list"],
    ["talent", "totals"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = initialised_ledger(Path(tmp_path_factory.mktemp("cli")) / "cli.db")
    r = runner.invoke(app, ["user", "add", "wangmin", "--role", "county_office", "--region", "河津市",
                            "--name", "王敏", "--db", url])
    assert r.exit_code == 0, r.output
    return url


def _said(result: Result) -> str:
    """What the operator reads: the output, or the error ``xiaodi``'s entry point prints (the runner raises it)."""
    return result.output + str(result.exception or "")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_active_account_acts_and_a_disabled_one_is_refused(db: str, command: list[str]) -> None:
    active = runner.invoke(app, [*command, "--user", "wangmin", "--db", db])
    assert active.exit_code == 0, active.output
    assert runner.invoke(app, ["user", "disable", "wangmin", "--db", db]).exit_code == 0
    try:
        refused = runner.invoke(app, [*command, "--user", "wangmin", "--db", db])
        assert refused.exit_code != 0 and "账号“wangmin”不存在或已停用" in _said(refused)
        unknown = runner.invoke(app, [*command, "--user", "nobody", "--db", db])
        assert unknown.exit_code != 0 and "账号“nobody”不存在或已停用" in _said(unknown)
    finally:
        assert runner.invoke(app, ["user", "enable", "wangmin", "--db", db]).exit_code == 0
