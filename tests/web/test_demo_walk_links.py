"""A page links only to what its reader may open (a tester's walk of the demo).

The event pages linked every participating organisation to ``/organisations/{id}``; the demo enterprise and
university on the spring job fair (河津市2025年春季校地人才招聘会) and the lead unit on 芮城县's base ceremony met
links that answered 404 "不存在或您无权查看". The name is now plain text unless the directory's own rule
(``directory.access.organisation_scope``) lets the reader open it — on event, agreement and intent pages alike.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.events.models import Event
from xiaodi.intents.models import Intent
from xiaodi.projects.models import Agreement

from .conftest import demo_app, demo_login

ORG_LINK = re.compile(r'href="(/organisations/\d+)"')


def test_every_organisation_link_on_record_pages_opens_for_its_reader(demo: tuple[Engine, dict[str, str]],
                                                                       tmp_path: Path) -> None:
    engine, passwords = demo
    with Session(engine) as session:
        pages = [f"/events/{i}" for i in session.scalars(select(Event.id).order_by(Event.id))]
        pages += [f"/agreements/{i}" for i in session.scalars(select(Agreement.id).order_by(Agreement.id).limit(60))]
        pages += [f"/intents/{i}" for i in session.scalars(select(Intent.id).order_by(Intent.id).limit(60))]
        fair = session.scalar(select(Event.id).where(Event.name == "河津市2025年春季校地人才招聘会"))
    app = demo_app(engine, tmp_path)
    broken: list[str] = []
    shown = 0
    for account in ("enterprise", "university", "leadunit"):
        client = demo_login(app, account, passwords[account])
        opens: dict[str, int] = {}
        for page in pages:
            r = client.get(page)
            if r.status_code != 200:
                continue
            shown += 1
            for link in set(ORG_LINK.findall(r.text)):
                if link not in opens:
                    opens[link] = client.get(link).status_code
                if opens[link] != 200:
                    broken.append(f"{account} {page} → {link}: {opens[link]}")
        if account == "enterprise":
            # the fair still names every participant, linked or not
            text = client.get(f"/events/{fair}").text
            assert "江西理工大学" in text and "宏达钢铁" in text
    assert not broken, "links the reader may not open:\n" + "\n".join(broken)
    assert shown >= 5
