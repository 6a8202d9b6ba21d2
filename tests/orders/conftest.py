"""Fixtures of the order tests: the world of 河津市 (see ``tests.demands.loop_world``) in the rolled-back session."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.demands.loop_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
