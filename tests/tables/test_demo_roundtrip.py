"""An office exports each of its tables from the demo programme, changes nothing, and imports the file again:
no errors, nothing created or updated, the database unchanged, and a second export identical to the first.

The demo carries the reference lists as published — 中国矿业大学（北京） with full-width brackets, the MOE
list's “渤海船舶职业学院 ” with a trailing space and “江西省       ” as an authority — and records whose
person belongs to another organisation (刘立新 leads 哈尔滨工业大学's achievements from his company).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine
from xiaodi.core.models import Base
from xiaodi.demo.builder import build_demo
from xiaodi.tables import all_tables, export_file, import_file
from xiaodi.tables.readers import read_all

TABLES = list(all_tables())


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    build_demo(engine, accounts=False)
    engine.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the demo database of its own for each test, since imports commit."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the ledger, in primary-key order."""
    with Session(engine) as s:
        return {
            t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("name", TABLES)
def test_an_unchanged_export_imports_back_changing_nothing(
    demo: Engine, tmp_path: Path, name: str, suffix: str
) -> None:
    first = tmp_path / f"first{suffix}"
    rows = export_file(demo, name, first)
    assert rows > 0, f"the demo has no {name}"
    before = everything(demo)

    result = import_file(demo, name, first, actor=Actor.system("导入"))

    assert (result.created, result.updated, result.unchanged, result.people_created) == (0, 0, rows, 0)
    assert everything(demo) == before
    second = tmp_path / f"second{suffix}"
    export_file(demo, name, second)
    if suffix == ".csv":
        assert second.read_bytes() == first.read_bytes()
    else:  # a zip's timestamps differ from one export to the next; its cells must not
        assert read_all(second) == read_all(first)


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
