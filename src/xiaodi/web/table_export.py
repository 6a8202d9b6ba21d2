"""A list's Excel export in its information table's own columns (需求清单 → 企业需求清单), so it imports back.

The page's columns (类别, 揭榜截止 …) are for reading; a file an office edits and uploads again must carry the
headers and cell formats of the import (需求类型, 截止日期, amounts as numbers in 万元). Personal data the reader
may not see is masked in the file as on the page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.web.listing import MASKERS, ResourceSpec


def table_workbook(session: Session, spec: ResourceSpec, items: list[Any], viewer: Viewer) -> bytes | None:
    """The records ``items`` of the list as its information table (.xlsx bytes), or None if it has none."""
    from xiaodi.tables import all_tables
    from xiaodi.tables.exporter import export_records

    table = all_tables().get(spec.table or "")
    if table is None:
        return None
    personal = {col.key: col.personal for col in spec.detail if col.personal}
    masked = [(i, MASKERS[personal[c.key]]) for i, c in enumerate(table.columns) if personal.get(c.key)]
    hidden = {obj.id for obj in items if masked and not spec.sees_personal(viewer, obj)}

    def redact(record_id: int, cells: list[Any]) -> list[Any]:
        if record_id in hidden:
            for i, mask in masked:
                cells[i] = mask(cells[i]) if cells[i] else cells[i]
        return cells

    with tempfile.TemporaryDirectory(prefix="xiaodi-export-") as folder:
        path = Path(folder) / f"{table.name}.xlsx"
        export_records(session, table, [obj.id for obj in items], path, redact=redact)
        return path.read_bytes()
