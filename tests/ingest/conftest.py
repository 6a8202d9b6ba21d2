"""Shared paths for the ingest tests: seeds live beside the repo in ../shared/seeds and are never copied in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = (REPO / ".." / "shared" / "seeds").resolve()
FIXTURES = REPO / "tests" / "fixtures" / "ingest"
REPORTS = FIXTURES / "reports"


def load_labels(name: str) -> dict[str, list[dict]]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not paths:
        pytest.skip("../shared/seeds is not present")
    return paths
