"""A list's Excel export in its information table's own columns (需求清单 → 企业需求清单), so it imports back.

The page's columns (类别, 揭榜截止 …) are for reading; a file an office edits and uploads again must carry the
headers and cell formats of the import (需求类型, 截止日期, amounts as numbers in 万元). Personal data the reader
may not see is masked in the file as on the page — on the page's export and on ``xiaodi export --user``, which
writes the same file for an account from the console (``export_for_account``, installed by ``xiaodi.cli``: the
tables' commands sit below the pages and cannot ask them).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer, viewer_of_account
from xiaodi.web.listing import MASKERS, ResourceSpec

if TYPE_CHECKING:
    from xiaodi.tables.spec import TableSpec

Redact = Callable[[int, list[Any]], list[Any]]


def redactor(spec: ResourceSpec, table: TableSpec, items: list[Any], viewer: Viewer) -> Redact:
    """Masks, in a row of ``table``, the personal cells (phone, e-mail, ID number — as the list ``spec`` marks
    them) of every record of ``items`` whose personal data ``viewer`` may not see (``spec.sees_personal``)."""
    personal = {col.key: col.personal for col in spec.detail if col.personal}
    masked = [(i, MASKERS[personal[c.key]]) for i, c in enumerate(table.columns) if personal.get(c.key)]
    hidden = {obj.id for obj in items if masked and not spec.sees_personal(viewer, obj)}

    def redact(record_id: int, cells: list[Any]) -> list[Any]:
        if record_id in hidden:
            for i, mask in masked:
                cells[i] = mask(cells[i]) if cells[i] else cells[i]
        return cells

    return redact


def table_workbook(session: Session, spec: ResourceSpec, items: list[Any], viewer: Viewer) -> bytes | None:
    """The records ``items`` of the list as its information table (.xlsx bytes), or None if it has none."""
    from xiaodi.tables import all_tables
    from xiaodi.tables.exporter import export_records

    table = all_tables().get(spec.table or "")
    if table is None:
        return None
    with tempfile.TemporaryDirectory(prefix="xiaodi-export-") as folder:
        path = Path(folder) / f"{table.name}.xlsx"
        export_records(session, table, [obj.id for obj in items], path, redact=redactor(spec, table, items, viewer))
        return path.read_bytes()


def list_of(table: TableSpec) -> ResourceSpec | None:
    """The pages' list whose records ``table`` holds: the one exported as this table, else the list of the same
    records (高校联络信息表 and 企业信息表 are kinds of the 单位 list)."""
    from xiaodi.web.resources import load_specs

    specs = list(load_specs().values())
    return (next((s for s in specs if s.table == table.name), None)
            or next((s for s in specs if s.model is table.model and s.table), None))


def export_for_account(engine: Engine, table_name: str, path: Path, username: str) -> int:
    """``xiaodi export 表名 文件 --user 账号`` (按账号导出): the information table as that account exports its list
    on the pages — only the records it sees there, the personal data it may not see masked; .xlsx or .csv.
    Returns the rows written."""
    from xiaodi.core.errors import ValidationFailed
    from xiaodi.tables import get_table
    from xiaodi.tables.exporter import export_records
    from xiaodi.web.listing import fetch_all, parse_query

    table = get_table(table_name)
    spec = list_of(table)
    if spec is None:
        raise ValidationFailed(f"{table.title}在网页上没有对应的清单，不能按账号导出（去掉 --user 由运维人员导出）")
    with Session(engine) as session:  # it only reads: on SQLite a write transaction would hold up every writer
        viewer = viewer_of_account(session, username)
        spec.admit(viewer)  # 403, as the page, for a role the list is not for
        items = [obj for obj in fetch_all(session, spec, viewer, parse_query(spec, {}))
                 if all(getattr(obj, key) == value for key, value in table.fixed.items())]
        return export_records(session, table, [obj.id for obj in items], path,
                              redact=redactor(spec, table, items, viewer))
