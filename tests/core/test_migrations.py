"""The migrations build exactly the schema the models describe, so tests and deployments agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import xiaodi.models  # noqa: F401
from xiaodi.core.models import Base


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_constraint_names_fit_postgresql_identifier_limit() -> None:
    too_long = [
        c.name for t in Base.metadata.tables.values() for c in [*t.constraints, *t.indexes]
        if c.name and len(str(c.name)) > 63
    ]
    assert too_long == []
