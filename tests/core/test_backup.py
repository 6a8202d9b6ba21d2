"""Backup and restore (数据备份与恢复): ``xiaodi db backup`` while the platform serves, ``xiaodi db restore`` into a
new, empty database — and the restored ledger gives the same figures, table by table.

On PostgreSQL (``XIAODI_TEST_DATABASE_URL``) through pg_dump/pg_restore into databases of its own; else SQLite."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from xiaodi.bootstrap import init_database
from xiaodi.cli import app
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.directory.service import create_organisation
from xiaodi.figures.compute import compute_figures
from xiaodi.projects import service as projects

ACTOR = Actor.system("backup test")


@pytest.fixture
def urls(tmp_path: Path) -> Iterator[tuple[str, str]]:
    shared = os.environ.get("XIAODI_TEST_DATABASE_URL")
    if not shared:
        yield f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    import psycopg

    url = make_url(shared)
    names = [f"xiaodi_backup_{os.getpid()}_{which}" for which in ("live", "restored")]
    admin = f"host={url.host} port={url.port or 5432} user={url.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    yield tuple(url.set(database=n).render_as_string(hide_password=False) for n in names)  # type: ignore[misc]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _ledger(engine: Engine) -> None:
    init_database(engine)
    with transaction(engine) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        uni = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        ent = create_organisation(s, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="山西河津备份测试铝业有限公司",
                                  region_id=hejin.id, contact_phone="13912345678")
        projects.create_agreement(
            s, actor=ACTOR, title="再生铝技术开发合同", kind="tech_development", signed_on=dt.date(2025, 5, 10),
            amount=Decimal("1200000"), region_id=hejin.id,
            parties=[projects.PartySpec(organisation_id=ent.id, name=ent.name, role="party_a"),
                     projects.PartySpec(organisation_id=uni.id, name=uni.name, role="party_b")])


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {name: int(s.scalar(select(func.count()).select_from(table(name))) or 0)
                for name in sorted(inspect(engine).get_table_names())}


def _figures(engine: Engine) -> dict[str, object]:
    with Session(engine) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        return dict(vars(compute_figures(s, region_id=hejin.id)))


def test_a_restored_backup_gives_the_same_ledger_and_figures(urls: tuple[str, str], tmp_path: Path) -> None:
    live_url, restored_url = urls
    live = make_engine(live_url)
    _ledger(live)
    out = tmp_path / "backups" / "xiaodi-2026-12-06.dump"
    runner = CliRunner()
    result = runner.invoke(app, ["db", "backup", "--out", str(out), "--db", live_url])
    assert result.exit_code == 0, result.output
    assert "已备份" in result.output and out.stat().st_mode & 0o077 == 0  # personal data: owner only

    result = runner.invoke(app, ["db", "restore", str(out), "--db", restored_url])
    assert result.exit_code == 0, result.output
    restored = make_engine(restored_url)
    assert _counts(restored) == _counts(live)
    assert _figures(restored) == _figures(live)

    again = runner.invoke(app, ["db", "restore", str(out), "--db", restored_url])
    assert again.exit_code != 0 and "不是空的" in str(again.exception)  # never over a ledger
    twice = runner.invoke(app, ["db", "backup", "--out", str(out), "--db", live_url])
    assert twice.exit_code != 0 and "已存在" in str(twice.exception)  # never over an older backup
    live.dispose()
    restored.dispose()


def test_a_file_that_is_no_backup_is_refused_before_anything_is_written(urls: tuple[str, str],
                                                                      tmp_path: Path) -> None:
    """A Word briefing chosen by mistake: said in Chinese, and no empty database file is left behind."""
    from xiaodi.core.backup import restore
    from xiaodi.core.errors import ValidationFailed

    briefing = tmp_path / "简报.docx"
    briefing.write_bytes(b"PK\x03\x04 not a backup")
    target = urls[1]
    with pytest.raises(ValidationFailed, match=r"不是.*备份"):
        restore(briefing, target)
    if target.startswith("sqlite"):
        assert not Path(make_url(target).database or "").exists()
