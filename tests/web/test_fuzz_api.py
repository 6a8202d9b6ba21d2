"""The JSON API fuzzed from its own OpenAPI schema with schemathesis, every check on, as a province office and as
an administrator (security issue #16, item 3).

Whatever is sent — a year of 0, a date at the end of the calendar, a page past 64 bits, ``"deadline": 0``, TRACE —
the API answers below 500, with the statuses, headers and ``{"error", "detail"}`` body its schema declares.

Each persona gets ``XIAODI_FUZZ_SECONDS`` (default 25) of the coverage phase (boundary values, wrong types,
undeclared methods) and then random fuzzing; CI runs the suite on SQLite and on PostgreSQL, so the default costs
about two minutes in all. Set it higher for a deeper run, e.g. ``XIAODI_FUZZ_SECONDS=600``.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from sqlalchemy.orm import Session

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import Status, events  # noqa: E402

from xiaodi.accounts import service as accounts  # noqa: E402

from .conftest import ACTOR  # noqa: E402

BUDGET = float(os.environ.get("XIAODI_FUZZ_SECONDS", "25"))

# Every check schemathesis has. One is given a wider "accepted" set, for what a schema cannot state: a valid
# request may still break a business rule (拒单必须说明原因, 只有高校或院所账号可以揭榜 …), answered with a Chinese
# 422 like any other refusal. The server-error, conformance and method checks are as strict as they come.
CONFIG = """
max-time = {budget}
suppress-health-check = ["all"]
workers = 1
seed = {seed}

[headers]
Authorization = "Bearer {token}"

[generation]
database = "none"

[phases.examples]
enabled = false
[phases.coverage]
enabled = true
[phases.fuzzing]
enabled = true
[phases.stateful]
enabled = false

[checks]
enabled = true
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
"""


def _fuzz(app: Any, token: str, seed: int) -> tuple[Counter[str], list[str], int]:
    """Run schemathesis against ``app`` in process; returns (cases per status, failures, operations)."""
    config = SchemathesisConfig.from_str(CONFIG.format(budget=BUDGET, token=token, seed=seed))
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None:
                    statuses[str(interaction.response.status_code)] += 1
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        case, failure = event.recorder.cases[case_id].value, check.failure_info.failure
                        failures.append(f"{check.name}: {case.method} {case.formatted_path} — "
                                        f"{failure.title}: {failure.message}"[:600])
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"error: {getattr(event, 'info', event)}"[:600])
    return statuses, failures, len(list(schema.get_all_operations()))


@pytest.mark.parametrize("persona", ["province", "admin"])
def test_the_api_survives_fuzzing_with_every_check(app: Any, personas: dict[str, int], session: Session,
                                                   persona: str) -> None:
    issued = accounts.create_api_token(session, actor=ACTOR, user_id=personas[persona], name="fuzz")
    session.flush()
    statuses, failures, operations = _fuzz(app, issued.secret, seed=16 + len(persona))
    assert operations > 60
    assert sum(statuses.values()) > 100, statuses  # the budget reached the API, not only the schema
    assert not [s for s in statuses if s.startswith("5")], statuses
    assert not failures, "\n".join(sorted(set(failures))[:40])
