"""Many people log in at once on a SQLite ledger served by two worker processes (issue 15's load run: 6–7 logins of
every run were answered 500 "database is locked")."""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path

import pytest
from sqlalchemy import select

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import LoginAttempt
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.migrate import upgrade
from xiaodi.core.settings import Settings
from xiaodi.web.app import create_app

from .conftest import PASSWORD, csrf_of

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

PEOPLE = 8

pytestmark = pytest.mark.skipif(bool(os.environ.get("XIAODI_TEST_DATABASE_URL")),
                                reason="SQLite's write lock; PostgreSQL locks rows")


def test_eight_people_logging_in_at_once_through_two_workers_all_get_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    setup = make_engine(url)
    upgrade(setup)
    with transaction(setup) as session:
        for i in range(PEOPLE):
            accounts.create_user(session, actor=Actor.system("test"), username=f"official{i}",
                                 display_name=f"工作人员{i}", password=PASSWORD)
    setup.dispose()
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789")
    engines = [make_engine(url), make_engine(url)]  # two worker processes, each with its own connections
    apps = [create_app(engine, settings=settings) for engine in engines]
    clients = [TestClient(apps[i % 2], raise_server_exceptions=False) for i in range(PEOPLE)]
    tokens = [csrf_of(c.get("/login").text) for c in clients]
    start = threading.Barrier(PEOPLE)
    answers: list[int] = [0] * PEOPLE

    def log_in(i: int) -> None:
        start.wait(timeout=30)
        answers[i] = clients[i].post("/login", data={"username": f"official{i}", "password": PASSWORD,
                                                     "csrf_token": tokens[i]}, follow_redirects=False).status_code

    threads = [threading.Thread(target=log_in, args=(i,)) for i in range(PEOPLE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert answers == [303] * PEOPLE
    with transaction(engines[0], write=False) as session:
        succeeded = session.scalars(select(LoginAttempt.username).where(LoginAttempt.success.is_(True))).all()
    assert sorted(succeeded) == sorted(f"official{i}" for i in range(PEOPLE))
    for engine in engines:
        engine.dispose()
