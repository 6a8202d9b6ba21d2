"""Alembic environment: the URL comes from the caller's config or XIAODI_DATABASE_URL; the metadata from every area."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import xiaodi.models  # noqa: F401  (registers every area's tables)
from xiaodi.core.db import make_engine
from xiaodi.core.models import Base
from xiaodi.core.search import is_search_structure

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
        include_name=lambda name, _type, _parents: not is_search_structure(name),  # built by core.search's SQL
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
