"""The administrator stops a running import on the embedded SQLite ledger. The import holds the database's one write
lock until it ends, so a 取消 that waited for that lock first timed out ("database is locked") and the import ran on
to its end; the stop now reaches the job before the request asks for the lock — from the page, from the API with a
token, and from another worker process of the same host."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import User
from xiaodi.core import jobs
from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.core.db import transaction
from xiaodi.web.app import create_app

from .conftest import PASSWORD, csrf_of
from .sqlite_running_import import SQLITE_ONLY, Ledger, ended, ledger, nothing_written, running_import

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

pytestmark = SQLITE_ONLY
__all__ = ["ledger"]  # the fixture: a file database with an administrator


def _admin(app_engine: Engine, ledger: Ledger) -> TestClient:
    client = TestClient(create_app(app_engine, settings=ledger.settings), raise_server_exceptions=False)
    r = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                    "csrf_token": csrf_of(client.get("/login").text)}, follow_redirects=False)
    assert r.status_code == 303
    return client


def test_the_administrator_stops_a_running_import_from_its_page(ledger: Ledger) -> None:
    admin = _admin(ledger.engine, ledger)
    run_id = running_import(ledger)
    page = admin.get(f"/jobs/{run_id}").text
    r = admin.post(f"/jobs/{run_id}/cancel", data={"csrf_token": csrf_of(page), "reason": "文件选错了"})
    # the job let go of the lock before the request wrote (已取消), or just after (正在停止 → 已取消)
    assert r.status_code == 200 and (f"任务（编号 {run_id}）已取消" in r.text
                                     or f"任务（编号 {run_id}）将在下一次进度检查时停止" in r.text)
    run = ended(ledger, run_id)
    assert (run.state, run.error) == (jobs.JobState.CANCELLED, "任务已被管理员取消，数据未作任何修改")
    assert nothing_written(ledger, run_id)
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
    run_id = running_import(ledger)
    r = client.post(f"/api/jobs/{run_id}/cancel", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200 and r.json()["state"] in ("cancelled", "cancelling")
    assert ended(ledger, run_id).state == jobs.JobState.CANCELLED and nothing_written(ledger, run_id)


def test_a_stop_asked_in_another_worker_process_reaches_the_import(ledger: Ledger) -> None:
    run_id = running_import(ledger)
    # ``xiaodi serve --workers 2``: the administrator's request lands in the process that is not running the import
    subprocess.run([sys.executable, "-c", "import sys; from xiaodi.core import db, jobs; "
                    "jobs.ask_to_stop(db.make_engine(sys.argv[1]), int(sys.argv[2]))", ledger.url, str(run_id)],
                   check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert ended(ledger, run_id).state == jobs.JobState.CANCELLED and nothing_written(ledger, run_id)
    assert not list(Path(ledger.settings.data_dir).glob("ledger.db-stop-*"))  # the marker went with the run
