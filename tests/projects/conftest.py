"""Fixtures of the project, dispatch and figures tests: the same world of 河津市 as tests/demands."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

# The world builder lives beside the demand tests; both directories tell the same story.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "demands"))

from loop_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
