from tests.events.conftest import lead_unit, taiyuan_event, viewer  # noqa: F401
from tests.web.conftest import app, client, login, personas, world  # noqa: F401
