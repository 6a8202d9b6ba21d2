"""A province on two application servers (多机部署, issue #19): two ``xiaodi serve`` processes, each with its own
index directory, on one database. A demand published through the first is matched through the second at its next
query — the database's change feed, not either server's disk, is the truth.

On PostgreSQL one ``xiaodi worker`` runs the background jobs beside them (the queue, ``core.queue``): an import
confirmed on a page runs on the worker, and a worker killed in the middle of it and started again finishes the
import exactly once.

Runs on PostgreSQL when ``XIAODI_TEST_DATABASE_URL`` points there (in a database of its own, since the servers
commit), else on a SQLite file (the servers only: SQLite has no queue and no worker).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.bootstrap import init_database
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.directory.models import OrgKind, Region
from xiaodi.directory.service import create_organisation

ACTOR = Actor.system("multi-host test")
# A committed change is visible at the other server's next query; the bound allows for a slow CI machine.
VISIBLE_WITHIN_SECONDS = 5.0
# A worker silent this long is taken for dead and its job queued again (XIAODI_WORKER_STALLED_SECONDS).
STALLED_SECONDS = 3
ADMIN_PASSWORD = "Province-ops-2026x"
IMPORT_ROWS = 4000  # four progress steps of the job (a thousand rows each): killed after the first


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    shared = os.environ.get("XIAODI_TEST_DATABASE_URL")
    if not shared:
        yield f"sqlite:///{tmp_path_factory.mktemp('multihost') / 'xiaodi.db'}"
        return
    import psycopg

    url = make_url(shared)
    name = f"xiaodi_multihost_{os.getpid()}"
    admin = f"host={url.host} port={url.port or 5432} user={url.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def ledger(database: str) -> tuple[str, int]:
    """The initialised ledger with an office account's token and one enterprise."""
    engine = make_engine(database)
    init_database(engine)
    with transaction(engine) as s:
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        ent = create_organisation(s, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="山西河津多机测试铝业有限公司",
                                  region_id=hejin.id)
        user = accounts.create_user(s, actor=ACTOR, username="office", display_name="河津办", role=Role.COUNTY_OFFICE,
                                    password="Multi-host-2026x", region_id=hejin.id)
        token = accounts.create_api_token(s, actor=ACTOR, user_id=user.id, name="test").secret
        accounts.create_user(s, actor=ACTOR, username="admin", display_name="省级管理员", role=Role.ADMIN,
                             password=ADMIN_PASSWORD)
        enterprise_id = ent.id
    engine.dispose()
    return token, enterprise_id


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command() -> list[str]:
    xiaodi = Path(sys.executable).parent / "xiaodi"
    return [str(xiaodi)] if xiaodi.exists() else [sys.executable, "-c", "from xiaodi.cli import main; main()"]


def _env(database: str, **extra: str) -> dict[str, str]:
    on_queue = database.startswith("postgresql")
    return {**os.environ, "XIAODI_DATABASE_URL": database, "XIAODI_SECRET_KEY": "multi-host-secret-0123456789",
            "XIAODI_MATCH_ENCODER": "none", "XIAODI_SEARCH_FOLD_SECONDS": "0",
            "XIAODI_JOBS": "queue" if on_queue else "inline", "XIAODI_WORKER_STALLED_SECONDS": str(STALLED_SECONDS),
            **extra}


class Worker:
    """The ``xiaodi worker`` process of the deployment's worker host, which the test may kill and start again."""

    def __init__(self, database: str, log: Path) -> None:
        self.database, self.log = database, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([*_command(), "worker"], env=_env(self.database), stdout=out, stderr=out,
                                         start_new_session=True)

    def kill(self) -> None:
        """As a power cut would: no chance to finish or hand back its job."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def worker(database: str, ledger: tuple[str, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker | None]:
    if not database.startswith("postgresql"):
        yield None  # SQLite: jobs run in the web process, as they always did
        return
    w = Worker(database, tmp_path_factory.mktemp("worker") / "worker.log")
    w.start()
    try:
        yield w
    finally:
        w.stop()


@pytest.fixture(scope="module")
def servers(database: str, ledger: tuple[str, int], worker: Worker | None,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    procs, bases = [], []
    for host in ("a", "b"):
        port = _free_port()
        env = _env(database, XIAODI_MATCH_INDEX_DIR=str(tmp_path_factory.mktemp(f"host-{host}")))
        procs.append(subprocess.Popen([*_command(), "serve", "--port", str(port)], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, proc in zip(bases, procs, strict=True):
            _wait_up(base, proc)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)


def _wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


def _matched(base: str, token: str, text: str) -> list[str]:
    r = httpx.get(f"{base}/api/match", params={"text": text, "target": "demand", "top": 5},
                  headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text
    return [item["name"] for item in r.json()["items"]]


def _publish(base: str, token: str, enterprise_id: int, title: str, description: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    r = httpx.post(f"{base}/api/demands", json={"title": title, "description": description, "owner_id": enterprise_id},
                   headers=auth, timeout=30)
    assert r.status_code == 201, r.text
    demand_id = r.json()["id"]
    for step in ("submit", "review", "publish"):
        r = httpx.post(f"{base}/api/demands/{demand_id}/transition", json={"step": step}, headers=auth, timeout=30)
        assert r.status_code == 200, r.text


def test_a_demand_published_through_one_server_is_matched_through_the_other(
    servers: list[str], ledger: tuple[str, int],
) -> None:
    host_a, host_b = servers
    token, enterprise_id = ledger
    _publish(host_a, token, enterprise_id, "铝灰渣无害化处置技术需求", "铝灰渣含氮化铝，需无害化处置并回收氧化铝")
    for host in (host_a, host_b):  # both servers build their demand index and hold it in memory
        assert _matched(host, token, "铝灰渣 无害化")[0] == "铝灰渣无害化处置技术需求"

    _publish(host_a, token, enterprise_id, "赤泥脱碱与建材化利用需求", "氧化铝厂赤泥堆存量大，需脱碱后制备建材")
    started = time.monotonic()
    while "赤泥脱碱与建材化利用需求" not in _matched(host_b, token, "赤泥 脱碱 建材"):
        assert time.monotonic() - started < VISIBLE_WITHIN_SECONDS, "host B never saw host A's demand"
        time.sleep(0.2)
    assert _matched(host_a, token, "赤泥 脱碱 建材")[0] == "赤泥脱碱与建材化利用需求"


# ---- the worker host ------------------------------------------------------------------------------------------


def _csrf(client: httpx.Client, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no form on {path}"
    return found.group(1)


def _logged_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, headers={"Origin": base})
    r = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": _csrf(
        client, "/login")})
    assert r.status_code == 303, r.text
    return client


def _achievements_file(marker: str) -> bytes:
    lines = ["成果名称,所属单位,成果简介"]
    lines += [f"{marker}第{i:05d}号成果,山西大学,{marker}批量导入的成果简介" for i in range(IMPORT_ROWS)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _confirm_import(client: httpx.Client, marker: str) -> int:
    """An office's import as on the pages: upload, read the check, confirm; the page that follows is the job's."""
    r = client.post("/import", data={"table": "achievements", "csrf_token": _csrf(client, "/import")},
                    files={"file": (f"{marker}.csv", _achievements_file(marker), "text/csv")})
    assert r.status_code == 200, r.text[-2000:]
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', r.text)
    assert upload_id, r.text[-2000:]
    r = client.post("/import/confirm", data={"upload_id": upload_id.group(1), "csrf_token": _csrf(client, "/import")})
    assert r.status_code == 303, r.text
    found = re.fullmatch(r"/jobs/(\d+)", r.headers["location"])
    assert found, r.headers["location"]
    return int(found.group(1))


def _progress(client: httpx.Client, run_id: int) -> dict[str, object]:
    r = client.get(f"/api/jobs/{run_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def _wait(client: httpx.Client, run_id: int, until: object, seconds: float) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        job = _progress(client, run_id)
        if until(job):  # type: ignore[operator]
            return job
        assert time.monotonic() < deadline, f"job {run_id} stuck at {job}"
        time.sleep(0.1)


def _imported(database: str, marker: str) -> int:
    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("select count(*) from achievement where title like :m"),
                                   {"m": f"{marker}%"}) or 0)
    finally:
        engine.dispose()


def test_an_import_confirmed_on_one_server_runs_on_the_worker_with_its_progress_on_the_other(
    servers: list[str], worker: Worker | None, database: str,
) -> None:
    if worker is None:
        pytest.skip("SQLite has no queue: the import runs in the web process, as before")
    host_a, host_b = servers
    with closing(_logged_in(host_a)) as on_a, closing(_logged_in(host_b)) as on_b:
        run_id = _confirm_import(on_a, "太行")
        page = on_b.get(f"/jobs/{run_id}")  # the progress page is served by any host
        assert page.status_code == 200 and "data-job-progress" in page.text
        job = _wait(on_b, run_id, lambda j: j["state"] in ("done", "failed"), 120)
    assert job["state"] == "done", job
    assert job["percent"] == 100 and f"新增 {IMPORT_ROWS}" in str(job["summary"])
    assert _imported(database, "太行") == IMPORT_ROWS


def test_a_worker_killed_in_the_middle_of_an_import_finishes_it_once_when_started_again(
    servers: list[str], worker: Worker | None, database: str,
) -> None:
    if worker is None:
        pytest.skip("SQLite has no queue and no worker")
    with closing(_logged_in(servers[0])) as client:
        run_id = _confirm_import(client, "吕梁")
        _wait(client, run_id, lambda j: j["state"] == "running" and 0 < int(j["done"]) < IMPORT_ROWS, 120)
        worker.kill()
        stopped = _progress(client, run_id)
        assert stopped["state"] == "running"  # as far as the database knows: nobody said otherwise
        assert _imported(database, "吕梁") == 0  # all or nothing: the killed transaction wrote nothing

        worker.start()  # it finds the job of the silent worker and queues it again
        job = _wait(client, run_id, lambda j: j["state"] in ("done", "failed"), 120 + 4 * STALLED_SECONDS)
    assert job["state"] == "done", job
    assert job["attempts"] == 2
    assert _imported(database, "吕梁") == IMPORT_ROWS  # once: not twice, not half
    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            queue_job = conn.execute(text("select j.status from procrastinate_jobs j join job_run r "
                                          "on r.queue_job_id = j.id where r.id = :id"), {"id": run_id}).one()
    finally:
        engine.dispose()
    assert queue_job.status == "succeeded"


def test_an_administrator_on_another_host_stops_a_running_import_and_retries_it(
    servers: list[str], worker: Worker | None, database: str,
) -> None:
    """停止 on host B reaches the worker through the run's row: the import stops at its next thousand rows, rolls
    back and ends 已取消; 重新运行 then imports the file once."""
    if worker is None:
        pytest.skip("SQLite has no queue and no worker")
    host_a, host_b = servers
    with closing(_logged_in(host_a)) as on_a, closing(_logged_in(host_b)) as on_b:
        run_id = _confirm_import(on_a, "临汾")
        _wait(on_b, run_id, lambda j: j["state"] == "running" and 0 < int(j["done"]) < IMPORT_ROWS, 120)
        r = on_b.post(f"/api/jobs/{run_id}/cancel", headers={"X-CSRF-Token": _csrf(on_b, "/import")})
        assert r.status_code == 200 and r.json()["state"] in ("cancelling", "cancelled"), r.text
        job = _wait(on_b, run_id, lambda j: j["state"] in ("cancelled", "done", "failed"), 60)
        assert job["state"] == "cancelled", job
        assert _imported(database, "临汾") == 0  # stopped where it checked: nothing half-written

        r = on_a.post(f"/api/jobs/{run_id}/retry", headers={"X-CSRF-Token": _csrf(on_a, "/import")})
        assert r.status_code == 200, r.text
        job = _wait(on_a, run_id, lambda j: j["state"] in ("done", "failed"), 120)
    assert job["state"] == "done", job
    assert _imported(database, "临汾") == IMPORT_ROWS
