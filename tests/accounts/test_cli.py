"""``xiaodi user add/list/disable/reset-password`` against a real database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import initialised_ledger
from xiaodi.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return initialised_ledger(Path(tmp_path_factory.mktemp("cli")) / "cli.db")


def test_user_commands(db: str) -> None:
    r = runner.invoke(app, ["user", "add", "wangmin", "--role", "county_office", "--region", "河津市",
                            "--name", "王敏", "--db", db])
    assert r.exit_code == 0, r.output
    assert "初始密码" in r.output
    r = runner.invoke(app, ["user", "add", "sxu", "--role", "university", "--org", "山西大学",
                            "--password", "Shanxi2025univ", "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "list", "--db", db])
    assert r.exit_code == 0 and "wangmin" in r.output and "sxu" in r.output
    r = runner.invoke(app, ["user", "reset-password", "wangmin", "--db", db])
    assert r.exit_code == 0 and "新密码" in r.output
    r = runner.invoke(app, ["user", "disable", "wangmin", "--db", db])
    assert r.exit_code == 0 and "已停用" in r.output
    r = runner.invoke(app, ["user", "list", "--db", db])
    assert "已停用" in r.output


def test_weak_password_is_refused(db: str) -> None:
    from xiaodi.core.errors import ValidationFailed

    r = runner.invoke(app, ["user", "add", "weak", "--role", "admin", "--password", "short", "--db", db])
    assert r.exit_code != 0
    assert isinstance(r.exception, ValidationFailed)
