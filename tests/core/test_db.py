"""The engines the platform opens: SQLite in WAL mode, PostgreSQL with JIT compilation off."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from xiaodi.core.db import make_engine, transaction


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


def _read_then_write(engine: Engine, *, write: bool, read_done: threading.Event, go: threading.Event,
                     errors: list[str]) -> None:
    """A unit of work that reads, waits until another process has written, then writes itself."""
    try:
        with transaction(engine, write=write) as session:
            session.execute(text("SELECT count(*) FROM note")).scalar()
            read_done.set()
            go.wait(timeout=5)
            session.execute(text("INSERT INTO note (body) VALUES ('mine')"))
    except OperationalError as exc:
        errors.append(str(exc))
        read_done.set()


def _other_process_writes(url: str, read_done: threading.Event, go: threading.Event) -> None:
    other = make_engine(url)  # its own engine: the other web worker
    read_done.wait(timeout=5)
    try:
        with transaction(other) as session:
            session.execute(text("INSERT INTO note (body) VALUES ('theirs')"))
            go.set()
            time.sleep(0.2)  # still holding the write lock when the first one wants it
    finally:
        go.set()
        other.dispose()


def _race(tmp_path: Path, *, write: bool) -> tuple[list[str], int]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    with transaction(engine) as session:
        session.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    read_done, go = threading.Event(), threading.Event()
    errors: list[str] = []
    threads = [threading.Thread(target=_read_then_write, args=(engine,),
                                kwargs={"write": write, "read_done": read_done, "go": go, "errors": errors}),
               threading.Thread(target=_other_process_writes, args=(url, read_done, go))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    with engine.connect() as conn:
        notes: int = conn.execute(text("SELECT count(*) FROM note")).scalar_one()
    engine.dispose()
    return errors, notes


def test_sqlite_read_then_write_waits_for_another_writer_when_begun_for_writing(tmp_path: Path) -> None:
    # what a login does: read the account, then record the attempt, while another worker process writes
    errors, notes = _race(tmp_path, write=True)
    assert errors == []
    assert notes == 2


def test_sqlite_read_then_write_begun_deferred_fails_as_before(tmp_path: Path) -> None:
    # why begin_write exists: the busy timeout does not cover the upgrade from reading to writing
    errors, notes = _race(tmp_path, write=False)
    assert errors and "database is locked" in errors[0]
    assert notes == 1

