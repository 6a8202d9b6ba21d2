"""Two application hosts on one database (多机部署): what is added through one is found through the other.

Each host keeps its matching indexes on its own disk; the database's change feed (``index_change``, written in the
transaction of the change) is how the other host learns of it before its next query."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.matching.test_service import _open, template  # noqa: F401 (template is a fixture)
from xiaodi.catalog.models import Achievement
from xiaodi.matching import feed, service, sync
from xiaodi.matching.models import IndexChange
from xiaodi.matching.service import MatchService


@pytest.fixture
def two_hosts(template: tuple[Path, dict[str, int]], tmp_path: Path,  # noqa: F811
              monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Session, dict[str, int], MatchService, MatchService]]:
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "host-a"))  # the process's own service is host A
    session, engine = _open(template[0], tmp_path)
    sync.install()
    host_a = service.service_for(session)
    host_b = MatchService(tmp_path / "host-b", None)  # another server: its own disk, the same database
    yield session, template[1], host_a, host_b
    sync.uninstall()
    session.close()
    engine.dispose()
    service.reset_services()


def _names(host: MatchService, session: Session, text: str) -> list[str]:
    return [c.name for c in host.search(session, text, "achievement", 5, None)]


def test_an_achievement_added_through_one_host_is_found_through_the_other(two_hosts) -> None:  # type: ignore[no-untyped-def]
    session, ids, host_a, host_b = two_hosts
    assert "赤泥脱碱与建材化利用技术" not in _names(host_a, session, "赤泥 脱碱 钢渣")
    assert "赤泥脱碱与建材化利用技术" not in _names(host_b, session, "赤泥 脱碱 钢渣")  # both built and warm

    new = Achievement(title="赤泥脱碱与建材化利用技术", owner_id=ids["whut"], keywords=["赤泥", "脱碱"])
    session.add(new)
    session.commit()  # through host A: the feed row commits with the achievement
    assert _names(host_b, session, "赤泥 脱碱")[0] == "赤泥脱碱与建材化利用技术"

    new.title, new.keywords = "高炉渣微粉制备技术", ["高炉渣", "微粉"]
    session.commit()
    assert _names(host_b, session, "高炉渣 微粉")[0] == "高炉渣微粉制备技术"
    assert "赤泥脱碱与建材化利用技术" not in _names(host_b, session, "赤泥 脱碱 钢渣")

    new.retired_at = dt.datetime.now(dt.UTC)
    session.commit()
    assert "高炉渣微粉制备技术" not in _names(host_b, session, "高炉渣 微粉 钢渣")


def test_a_change_rolled_back_leaves_no_trace_in_the_feed(two_hosts) -> None:  # type: ignore[no-untyped-def]
    session, ids, _, _ = two_hosts
    before = feed.head(session)
    session.add(Achievement(title="未保存的成果", owner_id=ids["whut"], keywords=["未保存"]))
    session.flush()  # the row is written in the transaction …
    assert feed.head(session) > before
    session.rollback()  # … and goes with it
    assert feed.head(session) == before


def test_a_snapshot_carries_its_feed_position_and_a_new_process_replays_only_what_came_after(two_hosts) -> None:  # type: ignore[no-untyped-def]
    session, ids, _, host_b = two_hosts
    _names(host_b, session, "钢渣")  # host B builds its snapshot
    position = json.loads((host_b.root / "achievement" / service.FEED_POSITION).read_text())["position"]
    assert position == feed.head(session)
    session.add(Achievement(title="锂渣综合利用技术", owner_id=ids["whut"], keywords=["锂渣"]))
    session.commit()
    restarted = MatchService(host_b.root, None)  # host B's process restarted: snapshot + the feed after it
    assert _names(restarted, session, "锂渣")[0] == "锂渣综合利用技术"
    newest = session.scalar(select(func.max(IndexChange.id)).where(IndexChange.target == "achievement"))
    assert restarted._indexes["achievement"].feed == newest


def test_an_index_that_may_have_missed_pruned_rows_is_rebuilt_from_the_ledger(two_hosts) -> None:  # type: ignore[no-untyped-def]
    session, ids, _, host_b = two_hosts
    _names(host_b, session, "钢渣")
    session.add(Achievement(title="镁渣资源化技术", owner_id=ids["whut"], keywords=["镁渣"]))
    session.commit()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=feed.RETENTION_DAYS + 1)
    session.execute(update(IndexChange).values(changed_at=long_ago))
    assert feed.prune(session) >= 1  # pruned: the row host B would need is gone …
    session.commit()
    assert session.scalar(select(func.count()).select_from(IndexChange)) == 0
    host_b._indexes["achievement"].followed_at = long_ago  # … and host B has not asked for a month
    assert _names(host_b, session, "镁渣")[0] == "镁渣资源化技术"  # so it rebuilt from the ledger


def test_the_prune_command_keeps_the_retention(two_hosts) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from xiaodi.cli import app
    from xiaodi.cli_options import fixed_engine

    session, ids, _, _ = two_hosts
    session.add(Achievement(title="钛渣资源化技术", owner_id=ids["whut"], keywords=["钛渣"]))
    session.commit()
    rows = session.scalar(select(func.count()).select_from(IndexChange))
    with fixed_engine(session.get_bind()):
        too_short = CliRunner().invoke(app, ["index", "prune", "--days", "3"])
        kept = CliRunner().invoke(app, ["index", "prune"])
    assert too_short.exit_code != 0  # fewer days than a host may go without asking: refused
    assert kept.exit_code == 0 and "已清理 0 条" in kept.output
    assert session.scalar(select(func.count()).select_from(IndexChange)) == rows  # recent rows stay
