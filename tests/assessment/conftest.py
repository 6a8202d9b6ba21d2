from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.assessment.world import AssessWorld, build_world


@pytest.fixture
def world(session: Session) -> AssessWorld:
    return build_world(session)
