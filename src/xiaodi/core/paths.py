"""A file a person names on the command line (导出到、读取自): what is wrong with it, said in Chinese.

``check_input`` and ``check_output`` look before a command does its work (a briefing is not built for a folder
that does not exist); ``path_problem`` words an ``OSError`` met anyway (a disk full, a file locked by Excel), for
the readers of many files (``ingest``) and for ``xiaodi``'s last resort (``xiaodi.cli.main``).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from xiaodi.core.errors import XiaodiError


class PathProblem(XiaodiError):
    """A named file or folder that is missing, not writable or of the wrong kind (路径问题)."""

    status = 422
    code = "bad_path"


def _missing_folder(path: Path) -> Path | None:
    """The folder ``path`` would be in, when that folder does not exist; else ``None``."""
    folder = path.expanduser().absolute().parent
    return None if folder.exists() else folder


def check_input(path: Path) -> Path:
    """``path`` as a file to read: it exists, is a file and may be read."""
    if not path.exists():
        folder = _missing_folder(path)
        raise PathProblem(f"目录不存在：{folder}" if folder else f"文件不存在：{path}", code="not_found")
    if path.is_dir():
        raise PathProblem(f"这是一个文件夹，不是文件：{path}")
    if not os.access(path, os.R_OK):
        raise PathProblem(f"没有读取权限：{path}", code="forbidden")
    return path


def check_output(path: Path) -> Path:
    """``path`` as a file to write: its folder exists and may be written, and it is no folder itself."""
    folder = path.expanduser().absolute().parent
    if not folder.exists():
        raise PathProblem(f"目录不存在：{folder}", code="not_found")
    if not folder.is_dir():
        raise PathProblem(f"不是文件夹：{folder}")
    if path.is_dir():
        raise PathProblem(f"这是一个文件夹，不是文件：{path}")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise PathProblem(f"没有写入权限：{path if path.exists() else folder}", code="forbidden")
    return path


def path_problem(exc: OSError, path: Path | str | None = None, *, writing: bool | None = None) -> str:
    """An ``OSError`` on ``path`` (else the file the error names) in Chinese; ``writing`` unknown (``None``) is
    told from the file: one that is not there, or may be read but not written, was being written."""
    named = Path(path if path is not None else exc.filename or "")
    if writing is None:
        writing = not named.exists() or (os.access(named, os.R_OK) and not os.access(named, os.W_OK))
    if exc.errno == errno.ENOENT:
        folder = _missing_folder(named)
        if folder is not None:
            return f"目录不存在：{folder}"
        return f"无法在此创建文件：{named}" if writing else f"文件不存在：{named}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有{'写入' if writing else '读取'}权限：{named}"
    if exc.errno == errno.EISDIR:
        return f"这是一个文件夹，不是文件：{named}"
    if exc.errno == errno.ENOTDIR:
        return f"路径中有一段不是文件夹：{named}"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入：{named}"
    return f"无法{'写入' if writing else '读取'}文件 {named}：{exc.strerror or exc}"


def os_error_in(exc: BaseException) -> OSError | None:
    """The ``OSError`` behind ``exc`` (itself, or what a library wrapped: xlsxwriter's FileCreateError)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        wrapped = next((a for a in current.args if isinstance(a, OSError)), None)
        current = wrapped or current.__cause__ or current.__context__
    return None
