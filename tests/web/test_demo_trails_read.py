"""A trail (操作留痕) reads as people write: a tester found ``类别one_stop``, ``申请内容{'说明': ...}`` and
``2026-12-07T05:37:43.289833+00:00`` on a one-stop application's page, and raw UTC ISO times on demand and claim
trails. Enum values show their labels (the enum's own, ``core.labels``), a dict shows 键：值, a moment shows in the
deployment's time zone as YYYY-MM-DD HH:MM — one rendering for every trail (``web.pages.trail_of``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.core.audit import AuditEntry
from xiaodi.core.settings import get_settings
from xiaodi.talent.models import ServiceApplication

from .conftest import demo_app, demo_login

RAW_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _trail(html: str) -> str:
    return html[html.index("操作留痕"):]


def test_trails_show_labels_key_value_pairs_and_local_minutes(demo: tuple[Engine, dict[str, str]],
                                                               tmp_path: Path) -> None:
    engine, passwords = demo
    with Session(engine) as session:
        one_stop = session.scalar(select(ServiceApplication.id).where(ServiceApplication.kind == "one_stop")
                                  .order_by(ServiceApplication.id).limit(1))
        detailed = next((a.id for a in session.scalars(select(ServiceApplication).order_by(ServiceApplication.id))
                         if a.details), None)
        moments = {entity: session.scalars(select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.action == "transition").order_by(AuditEntry.id).limit(1)).first()
            for entity in ("demand", "claim")}
    assert one_stop is not None and detailed is not None and all(moments.values())
    client = demo_login(demo_app(engine, tmp_path), "admin", passwords["admin"])

    trail = _trail(client.get(f"/talent-applications/{one_stop}").text)
    assert "one_stop" not in trail and "一件事" in trail, trail[:3000]
    assert not RAW_MOMENT.search(trail), trail[:3000]
    trail = _trail(client.get(f"/talent-applications/{detailed}").text)
    assert "{'" not in trail and re.search(r"<tr><td>申请内容</td><td></td><td>[^<{]+：[^<]+</td></tr>", trail), \
        trail[:3000]

    for entity, entry in moments.items():
        page = {"demand": "/demands", "claim": "/claims"}[entity]
        trail = _trail(client.get(f"{page}/{entry.entity_id}").text)
        assert not RAW_MOMENT.search(trail), (entity, RAW_MOMENT.search(trail), trail[:3000])
        stamps = [v for v in (entry.after or {}).values() if isinstance(v, str) and RAW_MOMENT.match(v)]
        for stamp in stamps:  # each stored UTC moment appears in the deployment's zone
            local = dt.datetime.fromisoformat(stamp).astimezone(get_settings().zone).strftime("%Y-%m-%d %H:%M")
            assert f"<td>{local}</td>" in trail, (entity, stamp, local)
        assert "+00:00" not in trail


def test_a_stored_moment_reads_in_the_zone_the_deployment_names(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from xiaodi.core.settings import local_minute
    from xiaodi.talent.models import ServiceApplication as App
    from xiaodi.web.pages import _TrailValues

    monkeypatch.setenv("XIAODI_TIMEZONE", "Asia/Urumqi")  # UTC+6
    get_settings.cache_clear()
    try:
        assert local_minute(dt.datetime(2026, 12, 7, 5, 37, 43, tzinfo=dt.UTC)) == "2026-12-07 11:37"
        values = _TrailValues(App)
        assert values.show("2026-12-07T05:37:43.289833+00:00") == "2026-12-07 11:37"
        assert values.show({"说明": "申请人才公寓", "份数": 2}) == "说明：申请人才公寓；份数：2"
        assert values.labels_of("kind") is not None and values.labels_of("kind")["one_stop"] == "一件事"
    finally:
        get_settings.cache_clear()
