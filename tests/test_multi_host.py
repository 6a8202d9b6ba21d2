"""A province on two application servers (多机部署, issue #19): two ``xiaodi serve`` processes, each with its own
index directory, on one database. A demand published through the first is matched through the second at its next
query — the database's change feed, not either server's disk, is the truth.

Runs on PostgreSQL when ``XIAODI_TEST_DATABASE_URL`` points there (in a database of its own, since the servers
commit), else on a SQLite file.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
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
        enterprise_id = ent.id
    engine.dispose()
    return token, enterprise_id


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def servers(database: str, ledger: tuple[str, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    xiaodi = Path(sys.executable).parent / "xiaodi"
    command = [str(xiaodi)] if xiaodi.exists() else [sys.executable, "-c", "from xiaodi.cli import main; main()"]
    procs, bases = [], []
    for host in ("a", "b"):
        port = _free_port()
        env = {**os.environ, "XIAODI_DATABASE_URL": database, "XIAODI_SECRET_KEY": "multi-host-secret-0123456789",
               "XIAODI_MATCH_ENCODER": "none", "XIAODI_SEARCH_FOLD_SECONDS": "0",
               "XIAODI_MATCH_INDEX_DIR": str(tmp_path_factory.mktemp(f"host-{host}"))}
        procs.append(subprocess.Popen([*command, "serve", "--port", str(port)], env=env,
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
