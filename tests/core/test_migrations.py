"""The migrations build exactly the schema the models describe, so tests and deployments agree."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import xiaodi.migrations
import xiaodi.models  # registers every area's tables
from xiaodi.core.models import Base
from xiaodi.core.queue import is_queue_structure
from xiaodi.core.search import is_search_structure


def models_only(name: str | None, type_: str, _parents: object) -> bool:
    # the search index is built by SQL of its own (core.search), the job queue by procrastinate's (core.queue)
    return not is_search_structure(name) and not is_queue_structure(name)


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": models_only})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_constraint_names_fit_postgresql_identifier_limit() -> None:
    too_long = [
        c.name for t in Base.metadata.tables.values() for c in [*t.constraints, *t.indexes]
        if c.name and len(str(c.name)) > 63
    ]
    assert too_long == []


def test_migrations_import_no_live_code_of_the_platform() -> None:
    """A revision freezes the SQL and columns it creates: editing today's code must not change what an old
    revision does. From xiaodi it may import only the column types its tables were written with."""
    allowed = {"xiaodi.core.models"}  # UTCDateTime, the column type autogenerate writes into a revision
    versions = Path(xiaodi.migrations.__file__).parent / "versions"
    imported: dict[str, set[str]] = {}
    for revision in sorted(versions.glob("*.py")):
        for node in ast.walk(ast.parse(revision.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.split(".")[0] == "xiaodi" and name not in allowed:
                    imported.setdefault(revision.name, set()).add(name)
    assert imported == {}
    search_index = next(versions.glob("*keyword_search_index*.py")).read_text(encoding="utf-8")
    assert "core.search import" not in search_index
