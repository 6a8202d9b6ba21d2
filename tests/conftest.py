"""Shared fixtures. The test database is built by running the Alembic migrations, then filled with the public
reference data once; every test runs inside a transaction that is rolled back afterwards.

``XIAODI_TEST_DATABASE_URL`` points the whole suite at PostgreSQL (as `.ci/run` does); by default it runs on a
SQLite file in a temporary directory.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade
from xiaodi.reference.curated import install as install_name_directions

# As the app factory and the CLI do: a registered, renamed or merged school's names keep its 办学方向 current.
install_name_directions()

# Jobs run in the process, as on SQLite, even when the suite runs on PostgreSQL: no test but the multi-host one
# (which starts `xiaodi worker` and says XIAODI_JOBS=queue) has a worker to run queued jobs.
os.environ.setdefault("XIAODI_JOBS", "inline")

# The indexes of a database that is not a SQLite file (the suite on PostgreSQL, the concurrency tests' own database)
# live under ``settings.data_dir``, by default the working directory: the suite keeps them out of the checkout.
if "XIAODI_DATA_DIR" not in os.environ:
    os.environ["XIAODI_DATA_DIR"] = tempfile.mkdtemp(prefix="xiaodi-test-data-")
    atexit.register(shutil.rmtree, os.environ["XIAODI_DATA_DIR"], ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
PG_ADMIN_URL = os.environ.get("XIAODI_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def initialised_ledger(path: Path) -> str:
    """The URL of a new SQLite ledger at ``path`` as ``xiaodi db init`` leaves it (reference data, no accounts)."""
    from xiaodi.bootstrap import init_database

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    init_database(engine)
    engine.dispose()
    return url


def pytest_report_header() -> str:
    return f"xiaodi test database: {os.environ.get('XIAODI_TEST_DATABASE_URL') or 'SQLite (temporary file)'}"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = os.environ.get("XIAODI_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'xiaodi-test.db'}"
    eng = make_engine(url)
    upgrade(eng)
    from xiaodi.reference.loader import load_reference_data

    with Session(eng) as session:
        load_reference_data(session)
        session.commit()
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, even when the code under test commits."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def official() -> Actor:
    """An official of a county cooperation office (县校合作办公室工作人员)."""
    return Actor(name="河津市省校合作办·王敏", user_id=None)


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    return SEEDS


def postgres_reachable() -> bool:
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 2})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for tests that need real concurrent connections; dropped afterwards."""
    if not postgres_reachable():
        pytest.skip("no PostgreSQL server reachable on 127.0.0.1:5432")
    name = f"xiaodi_t_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium for a module's browser stories (the harness: tests/browser.py); skips without it."""
    from tests.browser import chromium

    with chromium() as b:
        yield b
