"""Fixtures of the dispatch tests (调度清单, 调度会): the same world of 河津市 as tests/demands and tests/projects."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.demands.loop_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
