"""A long import running on a real SQLite file, for the tests of stopping it (from the page, the API, another worker
process and the browser): it writes a row and then holds SQLite's one write lock, checking for a stop at each step
as an import does every thousand rows."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core import jobs
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.core.settings import Settings
from xiaodi.directory.models import Organisation, OrgKind

from .conftest import PASSWORD

SQLITE_ONLY = pytest.mark.skipif(bool(os.environ.get("XIAODI_TEST_DATABASE_URL")),
                                reason="SQLite's one write lock; on PostgreSQL the run's row carries the stop")

WRITING = threading.Event()  # the job has written its first row: it holds the write lock from here on


@jobs.job("test.long_import", "测试长时间导入")
def _long_import(session: Session, ctx: jobs.JobContext) -> str:
    """Writes a record, then works on, checking for a stop at each step as an import does every thousand rows."""
    session.add(Organisation(kind=OrgKind.ENTERPRISE, name=f"停止测试企业{ctx.run_id}"))
    session.flush()
    WRITING.set()
    deadline = time.monotonic() + 60
    step = 0
    while time.monotonic() < deadline:
        step += 1
        ctx.progress(step, 1_000_000)
        time.sleep(0.05)
    return "不应完成：没有收到停止"


@dataclass
class Ledger:
    url: str
    engine: Engine
    settings: Settings


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        accounts.create_user(session, actor=Actor.system("test"), username="admin", display_name="管理员",
                             password=PASSWORD, role=Role.ADMIN)
    yield Ledger(url, engine, Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789"))
    engine.dispose()


def running_import(ledger: Ledger) -> int:
    WRITING.clear()
    run_id = jobs.submit(ledger.engine, "test.long_import", user_id=None, inline=True)
    assert WRITING.wait(30), "the import never started"
    return run_id


def ended(ledger: Ledger, run_id: int) -> jobs.JobRun:
    deadline = time.monotonic() + 30
    while True:
        with Session(ledger.engine) as s:
            run = s.get(jobs.JobRun, run_id)
            assert run is not None
            if run.state in jobs.ENDED_STATES:
                return run
        assert time.monotonic() < deadline, "the import did not stop"
        time.sleep(0.05)


def nothing_written(ledger: Ledger, run_id: int) -> bool:
    with Session(ledger.engine) as s:
        return s.scalar(select(func.count()).select_from(Organisation)
                        .where(Organisation.name == f"停止测试企业{run_id}")) == 0
