"""The README's command table and the `xiaodi` command agree, so the documentation never drifts."""

from __future__ import annotations

import re
from pathlib import Path

from xiaodi.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _registered() -> set[str]:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    for g in app.registered_groups:  # a module-level Typer app names itself (``typer.Typer(name=…)``)
        name = g.name if isinstance(g.name, str) else g.typer_instance.info.name if g.typer_instance else None
        if isinstance(name, str) and name:
            names.add(name)
    return names


def test_every_command_in_the_readme_exists_and_every_command_is_documented() -> None:
    documented = set(re.findall(r"^\| `xiaodi ([a-z-]+)", README.read_text(encoding="utf-8"), flags=re.M))
    assert documented == _registered()
