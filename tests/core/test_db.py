"""The engines the platform opens: SQLite in WAL mode, PostgreSQL with JIT compilation off."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from xiaodi.core.db import make_engine


def test_sqlite_ledger_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_postgres_connections_turn_jit_off(pg_url: str) -> None:
    # JIT compiled the scoped list counts for longer than they ran (docs/benchmarks_web.md).
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW jit")).scalar() == "off"
    engine.dispose()


def test_postgres_url_options_win_over_the_default(pg_url: str) -> None:
    engine = make_engine(pg_url + "?options=-c%20jit%3Don")
    with engine.connect() as conn:
        assert conn.execute(text("SHOW jit")).scalar() == "on"
    engine.dispose()
