"""Create and fill a database: run the migrations, then load the public reference data (xiaodi db init)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from xiaodi.core.db import transaction
from xiaodi.core.migrate import upgrade

Progress = Callable[[str, int, int], None]


def init_database(engine: Engine, *, progress: Progress | None = None) -> dict[str, int]:
    """Bring the schema to head and load the reference data in one transaction; safe to run again."""
    from xiaodi.reference.loader import load_reference_data

    upgrade(engine)
    with transaction(engine) as session:
        return load_reference_data(session, progress=progress)
