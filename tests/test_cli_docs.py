"""The README's command table and the `xiaodi` command agree, so the documentation never drifts."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from xiaodi.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _registered() -> set[str]:
    """Every top-level command and group, as ``xiaodi --help`` lists them (an area's unnamed app is merged in)."""
    return set(get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_in_the_readme_exists_and_every_command_is_documented() -> None:
    documented = set(re.findall(r"^\| `xiaodi ([a-z-]+)", README.read_text(encoding="utf-8"), flags=re.M))
    assert documented == _registered()
