"""An office exports each of its tables from the demo programme, changes nothing, and imports the file again:
no errors, nothing created or updated, the database unchanged, and a second export identical to the first.

The demo carries the reference lists as published — 中国矿业大学（北京） with full-width brackets, the MOE
list's “渤海船舶职业学院 ” with a trailing space and “江西省       ” as an authority — and records whose
person belongs to another organisation (刘立新 leads 哈尔滨工业大学's achievements from his company).

Every registered table is tried, as a CSV and as a workbook (both byte for byte: a workbook is dated by its day, as
its file name), on SQLite and — when the suite runs there — on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine
from xiaodi.demo.builder import build_demo
from xiaodi.tables import all_tables, export_file, import_file

from .conftest import every_row, same_export

TABLES = list(all_tables())


class DemoCopies:
    """The demo built once; each test imports into a copy of its own, since imports commit. On SQLite a copy of
    the file; when ``XIAODI_TEST_DATABASE_URL`` points at PostgreSQL, a database created from the demo's as its
    template (``CREATE DATABASE … TEMPLATE``), beside the test database."""

    def __init__(self, folder: Path) -> None:
        base = os.environ.get("XIAODI_TEST_DATABASE_URL", "")
        self.server, main = base.rsplit("/", 1) if base.startswith("postgresql") else ("", "")
        self.template = f"{main}_demo_template"
        self.copy_name = f"{main}_demo_copy"
        self.file = folder / "demo.db"
        if self.server:
            self._admin(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)", f"CREATE DATABASE {self.template}")
        engine = make_engine(f"{self.server}/{self.template}" if self.server else f"sqlite:///{self.file}")
        build_demo(engine, accounts=False)
        engine.dispose()  # a template database is copied only while nobody is connected to it

    def copy(self, folder: Path) -> Engine:
        if not self.server:
            shutil.copy(self.file, folder / "demo.db")
            return make_engine(f"sqlite:///{folder / 'demo.db'}")
        self._admin(f"DROP DATABASE IF EXISTS {self.copy_name} WITH (FORCE)",
                    f"CREATE DATABASE {self.copy_name} TEMPLATE {self.template}")
        return make_engine(f"{self.server}/{self.copy_name}")

    def drop(self) -> None:
        if self.server:
            self._admin(*(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in (self.copy_name, self.template)))

    @staticmethod
    def _admin(*statements: str) -> None:
        from tests.conftest import PG_ADMIN_URL

        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
        admin.dispose()


@pytest.fixture(scope="module")
def demo_copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCopies]:
    copies = DemoCopies(tmp_path_factory.mktemp("demo"))
    yield copies
    copies.drop()


@pytest.fixture
def demo(demo_copies: DemoCopies, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the demo database of its own for each test, since imports commit."""
    engine = demo_copies.copy(tmp_path)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("name", TABLES)
def test_an_unchanged_export_imports_back_changing_nothing(
    demo: Engine, tmp_path: Path, name: str, suffix: str
) -> None:
    first = tmp_path / f"first{suffix}"
    rows = export_file(demo, name, first)
    assert rows > 0, f"the demo has no {name}"
    before = every_row(demo)

    result = import_file(demo, name, first, actor=Actor.system("导入"))

    assert (result.created, result.updated, result.unchanged, result.people_created) == (0, 0, rows, 0)
    assert every_row(demo) == before
    second = tmp_path / f"second{suffix}"
    export_file(demo, name, second)
    assert same_export(first, second)


def test_the_reference_spellings_are_kept_as_published(demo: Engine, tmp_path: Path) -> None:
    file = tmp_path / "universities.csv"
    export_file(demo, "universities", file)
    text = file.read_text(encoding="utf-8-sig")
    assert "中国矿业大学（北京）" in text and "渤海船舶职业学院 ," in text
    import_file(demo, "universities", file, actor=Actor.system("导入"))
    from xiaodi.directory.models import Organisation

    with Session(demo) as s:
        names = set(s.scalars(select(Organisation.name).where(Organisation.name.like("渤海船舶%"))))
        authority = s.scalar(select(Organisation.authority).where(Organisation.name == "中国矿业大学（北京）"))
    assert names == {"渤海船舶职业学院 "} and authority == "教育部"
