"""The administrator stops a running import on the embedded SQLite ledger. The import holds the database's one write
lock until it ends, so a 取消 that waited for that lock first timed out ("database is locked") and the import ran on
to its end; the stop now reaches the job before the request asks for the lock — from the page, from the API with a
token, and from another worker process of the same host."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role, User
from xiaodi.core import jobs
from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.core.settings import Settings
from xiaodi.directory.models import Organisation, OrgKind
from xiaodi.web.app import create_app

from .conftest import PASSWORD, csrf_of

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

pytestmark = pytest.mark.skipif(bool(os.environ.get("XIAODI_TEST_DATABASE_URL")),
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


def _running_import(ledger: Ledger) -> int:
    WRITING.clear()
    run_id = jobs.submit(ledger.engine, "test.long_import", user_id=None, inline=True)
    assert WRITING.wait(30), "the import never started"
    return run_id


def _ended(ledger: Ledger, run_id: int) -> jobs.JobRun:
    deadline = time.monotonic() + 30
    while True:
        with Session(ledger.engine) as s:
            run = s.get(jobs.JobRun, run_id)
            assert run is not None
            if run.state in jobs.ENDED_STATES:
                return run
        assert time.monotonic() < deadline, "the import did not stop"
        time.sleep(0.05)


def _nothing_written(ledger: Ledger, run_id: int) -> bool:
    with Session(ledger.engine) as s:
        return s.scalar(select(func.count()).select_from(Organisation)
                        .where(Organisation.name == f"停止测试企业{run_id}")) == 0


def _admin(app_engine: Engine, ledger: Ledger) -> TestClient:
    client = TestClient(create_app(app_engine, settings=ledger.settings), raise_server_exceptions=False)
    r = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                    "csrf_token": csrf_of(client.get("/login").text)}, follow_redirects=False)
    assert r.status_code == 303
    return client


def test_the_administrator_stops_a_running_import_from_its_page(ledger: Ledger) -> None:
    admin = _admin(ledger.engine, ledger)
    run_id = _running_import(ledger)
    page = admin.get(f"/jobs/{run_id}").text
    r = admin.post(f"/jobs/{run_id}/cancel", data={"csrf_token": csrf_of(page), "reason": "文件选错了"})
    # the job let go of the lock before the request wrote (已取消), or just after (正在停止 → 已取消)
    assert r.status_code == 200 and (f"任务（编号 {run_id}）已取消" in r.text
                                     or f"任务（编号 {run_id}）将在下一次进度检查时停止" in r.text)
    run = _ended(ledger, run_id)
    assert (run.state, run.error) == (jobs.JobState.CANCELLED, "任务已被管理员取消，数据未作任何修改")
    assert _nothing_written(ledger, run_id)
    with Session(ledger.engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "cancel")).one()
    assert (entry.reason, entry.before["state"]) == ("文件选错了", "running")
    assert entry.after["state"] in ("cancelled", "cancelling")


def test_the_administrator_stops_it_through_the_api_with_a_token(ledger: Ledger) -> None:
    with transaction(ledger.engine) as session:
        admin_id = session.scalars(select(User.id).where(User.username == "admin")).one()
        secret = accounts.create_api_token(session, actor=Actor.system("test"), user_id=admin_id,
                                           name="运维脚本").secret
    client = TestClient(create_app(ledger.engine, settings=ledger.settings), raise_server_exceptions=False)
    run_id = _running_import(ledger)
    r = client.post(f"/api/jobs/{run_id}/cancel", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200 and r.json()["state"] in ("cancelled", "cancelling")
    assert _ended(ledger, run_id).state == jobs.JobState.CANCELLED and _nothing_written(ledger, run_id)


def test_a_stop_asked_in_another_worker_process_reaches_the_import(ledger: Ledger) -> None:
    run_id = _running_import(ledger)
    # ``xiaodi serve --workers 2``: the administrator's request lands in the process that is not running the import
    subprocess.run([sys.executable, "-c", "import sys; from xiaodi.core import db, jobs; "
                    "jobs.ask_to_stop(db.make_engine(sys.argv[1]), int(sys.argv[2]))", ledger.url, str(run_id)],
                   check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert _ended(ledger, run_id).state == jobs.JobState.CANCELLED and _nothing_written(ledger, run_id)
    assert not list(Path(ledger.settings.data_dir).glob("ledger.db-stop-*"))  # the marker went with the run
