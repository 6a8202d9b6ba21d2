"""The console's import as a job on the queue (``xiaodi import --background``, 导入信息表（控制台）): the operator's
trusted import (no row guard, as ``xiaodi import``), run by ``xiaodi worker`` so that a closed terminal or a lost
SSH session does not stop it; all or nothing, marked done in the import's own transaction (``core.jobs.run``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from xiaodi.core import jobs
from xiaodi.core.audit import Actor

CONSOLE_IMPORT_JOB = "tables.import_console"
JOB_CHUNK_ROWS = 1000  # the progress moves every thousand rows, and a stop is seen there


def _console_import(session: Session, ctx: jobs.JobContext) -> str:
    from xiaodi.tables import get_table, import_table

    with tempfile.TemporaryDirectory(prefix="xiaodi-import-") as folder:
        path = Path(folder) / Path(ctx.input_name or "upload.xlsx").name
        path.write_bytes(ctx.input_data or b"")
        result = import_table(session, get_table(ctx.args["table"]), path, actor=Actor.system("导入"),
                              progress=ctx.progress, chunk_rows=JOB_CHUNK_ROWS)
    return str(result.summary())


jobs.job(CONSOLE_IMPORT_JOB, "导入信息表（控制台）")(_console_import)
