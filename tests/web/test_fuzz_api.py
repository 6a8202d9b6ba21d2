"""Property-based fuzzing of the JSON API from its own OpenAPI schema (schemathesis): whatever is sent, the API
answers with a status below 500 and, for errors, ``{"error": code, "detail": message}``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from xiaodi.accounts import service as accounts  # noqa: E402

from .conftest import ACTOR  # noqa: E402


def test_api_never_answers_5xx(app: Any, personas: dict[str, int], session: Session) -> None:
    """Every operation of the schema, fuzzed with a province office's token (so that routes are reached)."""
    from hypothesis import given

    issued = accounts.create_api_token(session, actor=ACTOR, user_id=personas["province"], name="fuzz")
    session.flush()
    headers = {"Authorization": f"Bearer {issued.secret}"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
            content_type = response.headers.get("content-type") or ""
            if isinstance(content_type, list):
                content_type = content_type[0] if content_type else ""
            if response.status_code >= 400 and content_type.startswith("application/json"):
                body = response.json()
                assert set(body) == {"error", "detail"}, body

        check()
