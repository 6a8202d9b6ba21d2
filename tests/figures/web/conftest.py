"""The figures pages are told with the personas of the web tests (tests/web/conftest.py)."""

from tests.web.conftest import app, client, login, personas, world  # noqa: F401

