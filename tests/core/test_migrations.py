"""The migrations build exactly the schema the models describe, so tests and deployments agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import xiaodi.models  # noqa: F401
from xiaodi.core.models import Base
from xiaodi.core.search import is_search_structure


def models_only(name: str | None, type_: str, _parents: object) -> bool:
    return not is_search_structure(name)  # the search index is built by SQL of its own (core.search)


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
