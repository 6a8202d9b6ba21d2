"""Create and fill a database: run the migrations, then load the public reference data (xiaodi db init)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select

from xiaodi.core.db import transaction
from xiaodi.core.migrate import upgrade

Progress = Callable[[str, int, int], None]


def init_database(engine: Engine, *, progress: Progress | None = None) -> dict[str, int]:
    """Bring the schema to head and load the reference data in one transaction; safe to run again."""
    from xiaodi.reference.loader import load_reference_data

    upgrade(engine)
    with transaction(engine) as session:
        return load_reference_data(session, progress=progress)


def has_reference_data(engine: Engine) -> bool:
    """Whether the public reference data is in the ledger (参考数据已装载): ``db upgrade`` brings only the schema, so
    a database made by it alone has no regions, universities or key labs — and matching has nothing to offer."""
    from xiaodi.directory.models import Region

    with engine.connect() as conn:
        return conn.execute(select(Region.id).limit(1)).first() is not None
