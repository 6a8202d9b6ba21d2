"""Fixtures for the information tables: a small committed database of their own, per test.

The schema comes from the Alembic migrations (``build_engine``). On the default run each test gets its own
SQLite file; when ``XIAODI_TEST_DATABASE_URL`` points at PostgreSQL (as in CI) the tests use scratch PostgreSQL
databases beside it, emptied before each test. Imports commit, so "the database is unchanged" is checked by
counting rows from a fresh connection.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade
from xiaodi.core.models import Base


def build_engine(url: str) -> Engine:
    """A database built by the Alembic migrations, as every deployment builds it."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


def seed(session: Session) -> None:
    """What the example rows of the templates refer to: regions, two universities, an enterprise, a county."""
    from xiaodi.bases.models import DEFAULT_BASE_TYPES, BaseType
    from xiaodi.directory.models import Organisation, OrganisationAlias, OrgKind, Region, RegionLevel
    from xiaodi.projects.models import Agreement, AgreementKind

    sx = Region(code="140000", name="山西省", level=RegionLevel.PROVINCE, full_name="山西省")
    session.add(sx)
    session.flush()
    yc = Region(code="140800", name="运城市", level=RegionLevel.CITY, parent_id=sx.id, full_name="山西省运城市")
    ty = Region(code="140100", name="太原市", level=RegionLevel.CITY, parent_id=sx.id, full_name="山西省太原市")
    session.add_all([yc, ty])
    session.flush()
    session.add_all(
        [
            Region(
                code="140882", name="河津市", level=RegionLevel.COUNTY, parent_id=yc.id, full_name="山西省运城市河津市"
            ),
            Region(
                code="140105", name="小店区", level=RegionLevel.COUNTY, parent_id=ty.id, full_name="山西省太原市小店区"
            ),
            Region(code="210105", name="小店区", level=RegionLevel.COUNTY, parent_id=None, full_name="某省某市小店区"),
        ]
    )
    sxu = Organisation(kind=OrgKind.UNIVERSITY, name="山西大学", code="4114010108", province="山西省", city="太原市")
    tyut = Organisation(
        kind=OrgKind.UNIVERSITY, name="太原理工大学", code="4114010112", province="山西省", city="太原市"
    )
    session.add_all(
        [
            sxu,
            tyut,
            Organisation(kind=OrgKind.INSTITUTE, name="中国科学院山西煤炭化学研究所"),
            Organisation(kind=OrgKind.ENTERPRISE, name="山西示例新材料有限公司", code="91140800MA0K000001"),
            Organisation(kind=OrgKind.GOVERNMENT, name="河津市人民政府"),
        ]
    )
    session.flush()
    session.add(OrganisationAlias(organisation_id=tyut.id, alias="太原理工", kind="简称"))
    session.execute(
        insert(BaseType),
        [{"code": c, "name": n, "description": d, "sort_order": i} for i, (c, n, d) in enumerate(DEFAULT_BASE_TYPES)],
    )
    session.add(
        Agreement(code="XY-2024-0001", title="山西大学—河津市校地合作框架协议", kind=AgreementKind.STRATEGIC_FRAMEWORK)
    )


class ScratchDatabases:
    """Seeded databases by name: SQLite files in the test's directory, or scratch PostgreSQL databases."""

    def __init__(self) -> None:
        self.base = os.environ.get("XIAODI_TEST_DATABASE_URL", "")
        self.built: set[str] = set()

    @property
    def on_postgresql(self) -> bool:
        return self.base.startswith("postgresql")

    def engine(self, tmp_path: Path, name: str) -> Engine:
        engine = self._postgresql(name) if self.on_postgresql else build_engine(f"sqlite:///{tmp_path / name}")
        with Session(engine) as session:
            seed(session)
            session.commit()
        return engine

    def _postgresql(self, name: str) -> Engine:
        server, main = self.base.rsplit("/", 1)
        db = f"{main}_{re.sub(r'[^a-z0-9]+', '_', name.lower())}"
        if db not in self.built:
            self._admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", f"CREATE DATABASE {db}")
            self.built.add(db)
            return build_engine(f"{server}/{db}")
        engine = make_engine(f"{server}/{db}")
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return engine

    def _admin(self, *statements: str) -> None:
        from tests.conftest import PG_ADMIN_URL

        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
        admin.dispose()

    def drop_all(self) -> None:
        if self.built:
            self._admin(*[f"DROP DATABASE IF EXISTS {db} WITH (FORCE)" for db in sorted(self.built)])


@pytest.fixture(scope="session")
def scratch() -> Iterator[ScratchDatabases]:
    dbs = ScratchDatabases()
    yield dbs
    dbs.drop_all()


@pytest.fixture
def db_engine(tmp_path: Path, scratch: ScratchDatabases) -> Iterator[Engine]:
    engine = scratch.engine(tmp_path, "tables.db")
    yield engine
    engine.dispose()


@pytest.fixture
def actor() -> Actor:
    return Actor(name="河津市省校合作办·王敏")


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table, read on a fresh connection: equal before and after means the database is unchanged."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.sorted_tables
        }


def every_row(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the ledger in primary-key order, read on a fresh connection: equal before and
    after an import means the import changed nothing at all (not a value, not a version, not an audit entry)."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


def same_export(first: Path, second: Path) -> bool:
    """Two exports of one day are the same file, byte for byte, as CSV and as a workbook."""
    return first.read_bytes() == second.read_bytes()


@pytest.fixture
def counts():  # type: ignore[no-untyped-def]
    """``counts(engine)``: rows per table, to assert that a failed import left the database unchanged."""
    return table_counts


@pytest.fixture
def fresh_engine(tmp_path: Path, scratch: ScratchDatabases):  # type: ignore[no-untyped-def]
    """``fresh_engine(name)``: another seeded database, e.g. to import an export into an empty ledger."""
    made: list[Engine] = []

    def make(name: str) -> Engine:
        engine = scratch.engine(tmp_path, name)
        made.append(engine)
        return engine

    yield make
    for e in made:
        e.dispose()
