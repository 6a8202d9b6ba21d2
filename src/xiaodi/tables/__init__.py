"""The information tables (信息表) offices exchange in Excel/WPS: specs, import, export and templates.

Service functions for the CLI and the web (each takes a Session, or an Engine for one whole transaction):

- ``all_tables()`` / ``get_table(name)`` — the table specs;
- ``import_table(session, spec, path, actor=…, dry_run=…)`` → ``ImportResult`` or ``ImportFailed``;
- ``export_table(session, spec, path)`` → rows written;
- ``write_template(spec, path)`` — headers, a marked example row and a 填写说明 sheet;
- ``import_file`` / ``export_file`` — the same over an Engine, in one transaction (rolled back on failure).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from xiaodi.core.audit import Actor
from xiaodi.core.db import transaction
from xiaodi.tables.exporter import export_table
from xiaodi.tables.importer import Progress, import_table
from xiaodi.tables.registry import all_tables, get_table
from xiaodi.tables.result import CellError, ImportFailed, ImportResult
from xiaodi.tables.spec import ColType, ColumnSpec, TableSpec
from xiaodi.tables.writers import write_template

__all__ = [
    "CellError", "ColType", "ColumnSpec", "ImportFailed", "ImportResult", "TableSpec", "all_tables", "export_file",
    "export_table", "get_table", "import_file", "import_table", "write_template",
]  # fmt: skip


def import_file(
    engine: Engine,
    table: str,
    path: str | Path,
    *,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a file in one transaction: committed only when every row is valid (and not a dry run)."""
    spec = get_table(table)
    with transaction(engine) as session:
        result = import_table(session, spec, path, actor=actor, dry_run=dry_run, progress=progress)
        if dry_run:
            session.rollback()
    return result


def export_file(engine: Engine, table: str, path: str | Path, *, progress: Progress | None = None) -> int:
    spec = get_table(table)
    with transaction(engine, write=False) as session:
        return export_table(session, spec, path, progress=progress)
