"""Run the Alembic migrations programmatically (``xiaodi db upgrade``, tests, the demo)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

NOT_INITIALISED = "数据库尚未初始化，请先运行 xiaodi db init"
NOT_UPGRADED = "数据库结构不是最新版本，请先运行 xiaodi db upgrade"

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` to ``revision`` inside one connection; on PostgreSQL the job queue's
    tables too (procrastinate's own schema, ``core.queue.ensure_schema``), in the same transaction."""
    from xiaodi.core.queue import ensure_schema

    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
        if revision == "head":
            ensure_schema(connection)


def current_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def head_revisions() -> set[str]:
    """The revisions this version of the code expects the database to be at (read once from the scripts)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_initialised(engine: Engine) -> bool:
    """Whether ``xiaodi db init`` (or ``db upgrade``) ever ran on the database at ``engine`` (已初始化): the
    migrations' own table is there. A schema behind or ahead of the code is initialised: during a rolling upgrade
    a node runs beside it and ``/readyz`` keeps it out of the pool until ``xiaodi db upgrade``."""
    return inspect(engine).has_table("alembic_version")
