"""A programme office starts the talent services on a fresh ledger: the province publishes its talent tiers (人才层次)
first — before, nothing but the demo created them, so 人才登记 --tier, 人才卡 and every benefit by tier failed with
"没有人才层次" on a real deployment and no command could help."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import initialised_ledger
from xiaodi.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = initialised_ledger(tmp_path / "fresh.db")
    for name, role, region in (("shanxi", "province_office", "山西省"), ("hejin", "county_office", "河津市")):
        added = runner.invoke(app, ["user", "add", name, "--role", role, "--region", region, "--db", url])
        assert added.exit_code == 0, added.output
    return url


def _run(db: str, *args: str) -> Result:
    return runner.invoke(app, ["talent", *args, "--db", db])


def test_the_province_publishes_tiers_and_a_county_registers_talents_by_them(db: str) -> None:
    refused = _run(db, "register", "--name", "吴工", "--region", "河津市", "--tier", "C")
    assert refused.exit_code == 2 and "尚未登记任何人才层次" in refused.output and "tier-add" in refused.output
    assert "尚未登记人才层次" in _run(db, "tiers").output

    county = _run(db, "tier-add", "C", "高端人才", "--rank", "3", "--user", "hejin")
    assert county.exit_code == 2 and "省级办公室" in county.output  # the province's classification
    for code, name, rank in (("A", "顶尖人才", "1"), ("C", "高端人才", "3")):
        added = _run(db, "tier-add", code, name, "--rank", rank, "--user", "shanxi")
        assert added.exit_code == 0 and f"已登记人才层次：{code} {name}" in added.output
    again = _run(db, "tier-add", "C", "另一个名称", "--rank", "4", "--user", "shanxi")
    assert again.exit_code == 2 and "已登记" in again.output

    listed = _run(db, "tiers", "--json")
    assert '"code": "A"' in listed.output and listed.output.index('"A"') < listed.output.index('"C"')
    registered = _run(db, "register", "--name", "吴工", "--region", "河津市", "--tier", "高端人才", "--user", "hejin")
    assert registered.exit_code == 0 and "已登记人才：吴工" in registered.output
