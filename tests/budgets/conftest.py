"""The web world of tests/web (河津 and 太原, a Hejin enterprise, 山西大学, personas) serves these tests too."""

from __future__ import annotations

from tests.web.conftest import app, client, login, personas, world  # noqa: F401
