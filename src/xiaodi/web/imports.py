"""Import pages (导入信息表): upload → validation report listing every error → confirm.

Each row may create or change only what the user may create or change on the pages (``web.import_rules``): the
check and the confirmation both run the import with the user's ``ImportGuard``.

The tables area does the work (``xiaodi.tables.import_table``); the upload waits in the data directory between
the check and the confirmation, named by a random id kept in the user's session, and is deleted when confirmed or
after ``XIAODI_UPLOAD_KEEP_MINUTES``. The upload is written to disk in pieces (never held whole in memory) and
the check runs in a worker thread: a large or hostile file never stops the server answering others.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from sqlalchemy.orm import Session, sessionmaker

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.db import engine_of
from xiaodi.core.errors import Forbidden, ValidationFailed
from xiaodi.core.settings import Settings
from xiaodi.web.import_rules import ImportGuard

IMPORTERS = (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE, Role.ADMIN)
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")


def require_importer(viewer: Viewer) -> None:
    if not viewer.has_role(*IMPORTERS):
        raise Forbidden("只有办公室或管理员可以导入信息表")


def table_choices() -> list[tuple[str, str]]:
    try:
        from xiaodi.tables import all_tables
    except ImportError:
        return []
    return [(name, spec.title) for name, spec in all_tables().items()]


def template(table: str) -> tuple[str, bytes]:
    """The table's 填报模板 (.xlsx): its title and the workbook (headers, a marked example row, 填写说明)."""
    from xiaodi.tables import get_table, write_template

    spec = get_table(table)
    with tempfile.TemporaryDirectory(prefix="xiaodi-template-") as folder:
        path = write_template(spec, Path(folder) / f"{spec.name}.xlsx")
        return spec.title, path.read_bytes()


def _upload_dir(settings: Settings) -> Path:
    folder = Path(settings.data_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationFailed(f"只能导入 Excel（.xlsx/.xls）或 CSV 文件，收到的是“{filename}”")
    return suffix


def save_upload(settings: Settings, filename: str, content: bytes) -> str:
    """Keep an upload given whole (tests, small tools); the pages stream theirs (``receive_upload``)."""
    suffix = _suffix(filename)
    if not content:
        raise ValidationFailed("上传的文件是空的")
    if len(content) > settings.max_upload_mb * 1024 * 1024:
        raise ValidationFailed(f"文件超过 {settings.max_upload_mb} MB")
    sweep_uploads(settings)
    upload_id = secrets.token_urlsafe(18)
    (_upload_dir(settings) / f"{upload_id}{suffix}").write_bytes(content)
    return upload_id


async def receive_upload(settings: Settings, file: UploadFile) -> str:
    """Write the uploaded file to the data directory 1 MB at a time, refusing it once past the size limit."""
    suffix = _suffix(file.filename or "upload.xlsx")
    sweep_uploads(settings)
    limit = settings.max_upload_mb * 1024 * 1024
    upload_id = secrets.token_urlsafe(18)
    target = _upload_dir(settings) / f"{upload_id}{suffix}"
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(f"文件超过 {settings.max_upload_mb} MB")
                out.write(chunk)
        if size == 0:
            raise ValidationFailed("上传的文件是空的")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return upload_id


def sweep_uploads(settings: Settings) -> int:
    """Delete the uploads nobody confirmed within ``upload_keep_minutes``; returns how many."""
    cutoff = time.time() - settings.upload_keep_minutes * 60
    removed = 0
    for old in _upload_dir(settings).iterdir():
        with contextlib.suppress(OSError):  # another worker removed it first
            if old.is_file() and old.stat().st_mtime < cutoff:
                old.unlink()
                removed += 1
    return removed


def upload_path(settings: Settings, upload_id: str) -> Path:
    """The waiting upload of ``upload_id``; refused when unknown or older than the keeping time."""
    if not _ID_RE.match(upload_id):
        raise ValidationFailed("上传编号无效")
    found = sorted(_upload_dir(settings).glob(f"{upload_id}.*"))
    if not found or found[0].stat().st_mtime < time.time() - settings.upload_keep_minutes * 60:
        raise ValidationFailed("上传的文件已过期，请重新上传")
    return found[0]


def check(factory: sessionmaker[Session], table: str, upload_id: str, viewer: Viewer,
          settings: Settings | None = None) -> tuple[Any, list[Any]]:
    """A dry run in its own transaction, always rolled back: the report and every error."""
    from xiaodi.tables import ImportFailed, get_table, import_table
    from xiaodi.tables.readers import Limits

    settings = settings or Settings()
    spec = get_table(table)
    with factory() as session:
        try:
            result = import_table(session, spec, upload_path(settings, upload_id), actor=viewer.actor, dry_run=True,
                                  guard=ImportGuard(viewer), limits=Limits.from_settings(settings))
            return result, []
        except ImportFailed as exc:
            return exc.result, exc.errors
        finally:
            session.rollback()


def confirm(session: Session, settings: Settings, table: str, upload_id: str, viewer: Viewer) -> Any:
    from xiaodi.tables import get_table, import_table
    from xiaodi.tables.readers import Limits

    path = upload_path(settings, upload_id)
    result = import_table(session, get_table(table), path, actor=viewer.actor, guard=ImportGuard(viewer),
                          limits=Limits.from_settings(settings))
    path.unlink(missing_ok=True)
    return result


# ---- the import as a background job (PostgreSQL: the queue's worker; SQLite: a large file, in a thread) --------------

IMPORT_JOB = "tables.import"
JOB_CHUNK_ROWS = 1000  # the progress bar moves every thousand rows (the console's import: every 5,000)


def runs_as_job(engine: Any, settings: Settings, rows: int | None) -> bool:
    """Whether a confirmed import becomes a job: always on the queue (PostgreSQL); in-process (SQLite, inline) when
    the checked file has more than ``XIAODI_IMPORT_JOB_ROWS`` rows — a request would wait minutes for it, and the
    user would see no progress."""
    from xiaodi.core import jobs

    if jobs.queue_enabled(engine):
        return True
    return rows is not None and rows > settings.import_job_rows


def submit_confirmed(session: Session, settings: Settings, table: str, upload_id: str, viewer: Viewer,
                     rows: int | None = None, filename: str | None = None) -> int | None:
    """Hand the confirmed upload to a job and return its run id — on the queue (PostgreSQL), or in a thread of this
    process for a large file (``runs_as_job``); the file travels in the run's row, so the worker need not share this
    host's disk. None: import it in the request, as before (a small file on SQLite)."""

    from xiaodi.core import jobs
    from xiaodi.tables import get_table

    engine = engine_of(session)
    if not runs_as_job(engine, settings, rows):
        return None
    spec = get_table(table)
    path = upload_path(settings, upload_id)
    shown = Path(filename).name if filename else path.name
    # recorded in the request's transaction (on SQLite the one writer), started once it commits
    run_id = jobs.submit_with(session, IMPORT_JOB, user_id=viewer.user_id, args={"table": table},
                              label=f"导入{spec.title}（{shown}）", input_name=path.name,
                              input_data=path.read_bytes())
    path.unlink(missing_ok=True)
    return run_id


def _import_job(session: Session, ctx: Any) -> str:
    """Run a confirmed import with the rules of the user who confirmed it (all or nothing, as on the page)."""
    from xiaodi.accounts.models import User
    from xiaodi.accounts.scope import viewer_for
    from xiaodi.core.errors import NotFound
    from xiaodi.tables import get_table, import_table
    from xiaodi.tables.readers import Limits

    user = session.get(User, ctx.user_id) if ctx.user_id else None
    if user is None or not user.is_active:
        raise NotFound("提交导入的账号不存在或已停用")
    viewer = viewer_for(session, user)
    require_importer(viewer)
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="xiaodi-import-") as folder:
        path = Path(folder) / Path(ctx.input_name or "upload.xlsx").name
        path.write_bytes(ctx.input_data or b"")
        result = import_table(session, get_table(ctx.args["table"]), path, actor=viewer.actor,
                              guard=ImportGuard(viewer), limits=Limits.from_settings(settings),
                              progress=ctx.progress, chunk_rows=JOB_CHUNK_ROWS)
    return str(result.summary())


def register_jobs() -> None:
    from xiaodi.core.jobs import job

    job(IMPORT_JOB, "导入信息表")(_import_job)


register_jobs()
