"""Backup and restore of the ledger (数据备份与恢复), with the database's own tools.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot taken while the platform keeps serving) and
``pg_restore`` into an empty database. SQLite: the online backup API, which copies a consistent image while
other connections write (WAL). A backup holds the whole ledger — personal data included — so it is written with
owner-only permissions. The matching indexes are caches and are not backed up: a restored database rebuilds them
on first use (the change feed starts afresh).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from xiaodi.core.db import make_engine, normalise_url
from xiaodi.core.errors import ValidationFailed, XiaodiError


def backup(url: str, out: Path) -> Path:
    """Write a backup of the database at ``url`` to ``out`` (a new file; an existing one is never overwritten)."""
    parsed = make_url(normalise_url(url))
    out = Path(out)
    if out.exists():
        raise ValidationFailed(f"备份文件 {out} 已存在；请换一个文件名，以免覆盖旧的备份")
    out.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_path(parsed), out)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out), *_pg_args(parsed)], parsed)
    os.chmod(out, 0o600)
    return out


def restore(source: Path, url: str) -> None:
    """Restore the backup ``source`` into the empty database at ``url`` (refused when it holds a ledger)."""
    source = Path(source)
    if not source.is_file():
        raise ValidationFailed(f"找不到备份文件 {source}")
    parsed = make_url(normalise_url(url))
    _check_is_backup(source, parsed.get_backend_name())  # before the target is opened (SQLite would create it)
    engine = make_engine(url)
    try:
        if inspect(engine).get_table_names():
            raise ValidationFailed("目标数据库不是空的；恢复只写入新建的空数据库，以免覆盖现有数据")
    finally:
        engine.dispose()
    if parsed.get_backend_name() == "sqlite":
        _sqlite_backup(source, _sqlite_path(parsed))
    else:
        _run(["pg_restore", "--no-owner", "--exit-on-error", *_pg_args(parsed), str(source)], parsed)


# How a backup of each kind begins: SQLite's database header, pg_dump's custom archive.
BACKUP_MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}


def _check_is_backup(source: Path, backend: str) -> None:
    """Refuse a file that is no backup of this kind (a Word briefing chosen by mistake) before anything is written:
    it failed in the middle, in English, and left an empty database file behind."""
    magic = BACKUP_MAGIC.get(backend)
    with source.open("rb") as f:
        head = f.read(len(magic)) if magic else b""
    if magic and head != magic:
        kind = "SQLite 数据库备份" if backend == "sqlite" else "pg_dump 备份（-Fc）"
        raise ValidationFailed(f"{source} 不是{kind}文件，请选择 xiaodi db backup 生成的备份")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise ValidationFailed("内存数据库无法备份或恢复，请指定数据库文件")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise ValidationFailed(f"找不到数据库文件 {source}")
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_args(url: URL) -> list[str]:
    args = ["--dbname", str(url.database)]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


def _run(command: list[str], url: URL) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise XiaodiError(f"未找到 {tool}：请安装与数据库服务器同版本的 PostgreSQL 客户端工具")
    env = dict(os.environ)
    if url.password:  # through the environment, never on the command line where other users could read it
        env["PGPASSWORD"] = str(url.password)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise XiaodiError(f"{tool} 失败：{result.stderr.strip()[-500:]}")
