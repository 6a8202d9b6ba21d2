"""Where the public reference data (公开参考数据) lives: ``data/reference`` in the checkout, or a configured folder."""

from __future__ import annotations

import os
from pathlib import Path

from xiaodi.core.errors import NotFound

ENV_VAR = "XIAODI_REFERENCE_DIR"
# A file every copy of the reference data carries; it tells a real data folder from an empty one.
MARKER = "SOURCES.md"


def reference_data_dir() -> Path:
    """The reference data folder.

    ``XIAODI_REFERENCE_DIR`` wins when set. Otherwise look upward from this module for ``data/reference`` —
    that finds the repository's folder both in a checkout and in an editable install — and last in the
    current directory.
    """
    configured = os.environ.get(ENV_VAR)
    if configured:
        path = Path(configured).expanduser()
        if not (path / MARKER).is_file():
            raise NotFound(
                f"参考数据目录无效：{path}（环境变量 {ENV_VAR}，缺少 {MARKER}）", code="reference_data_missing"
            )
        return path
    here = Path(__file__).resolve()
    for folder in [*here.parents, Path.cwd()]:
        candidate = folder / "data" / "reference"
        if (candidate / MARKER).is_file():
            return candidate
    raise NotFound(f"找不到参考数据目录 data/reference；请设置环境变量 {ENV_VAR}", code="reference_data_missing")
