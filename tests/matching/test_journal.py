"""Incremental updates go to a journal beside the snapshot (索引变更日志): one record's change costs an appended
line, not a rewrite of the whole index, and every other process replays it before its next query."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.matching.test_service import _open, template  # noqa: F401 (template is a fixture)
from xiaodi.catalog.models import Achievement
from xiaodi.matching import journal, service
from xiaodi.matching.service import MatchService, rebuild_index


@pytest.fixture
def ledger(template: tuple[Path, dict[str, int]], tmp_path: Path,  # noqa: F811
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Session, dict[str, int], Path]]:
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.delenv("XIAODI_MATCH_INDEX_DIR", raising=False)
    session, engine = _open(template[0], tmp_path)
    rebuild_index(session, "achievement")
    yield session, template[1], tmp_path / "xiaodi-index"
    session.close()
    engine.dispose()
    service.reset_services()


def _names(svc: MatchService, session: Session, text: str) -> list[str]:
    return [c.name for c in svc.search(session, text, "achievement", 5, None)]


def _add(session: Session, owner: int, title: str, words: list[str]) -> Achievement:
    new = Achievement(title=title, owner_id=owner, keywords=words)
    session.add(new)
    session.commit()
    return new


def test_a_change_is_a_journal_line_and_another_process_replays_it(ledger) -> None:  # type: ignore[no-untyped-def]
    session, ids, root = ledger
    snapshot = root / "achievement" / "records.jsonl"
    written = snapshot.stat().st_mtime_ns
    here = service.service_for(session)
    there = MatchService(root, None)  # another worker process, its index loaded before the change
    assert "钢渣" in "".join(_names(there, session, "钢渣"))

    new = _add(session, ids["whut"], "赤泥脱碱与建材化利用技术", ["赤泥", "脱碱"])
    assert here.update(session, "achievement", new.id)
    assert snapshot.stat().st_mtime_ns == written  # the snapshot was not rewritten
    assert len((root / "achievement" / journal.JOURNAL).read_bytes().splitlines()) == 1
    assert _names(there, session, "赤泥 脱碱")[0] == "赤泥脱碱与建材化利用技术"

    new.title, new.keywords = "高炉渣微粉制备技术", ["高炉渣", "微粉"]
    session.commit()
    here.update(session, "achievement", new.id)
    assert _names(there, session, "高炉渣 微粉")[0] == "高炉渣微粉制备技术"
    assert "高炉渣微粉制备技术" not in _names(there, session, "赤泥 脱碱 钢渣")

    here.remove(session, "achievement", new.id)
    assert "高炉渣微粉制备技术" not in _names(there, session, "高炉渣 微粉 钢渣")
    service.reset_services()  # a process started now: snapshot + journal
    assert "高炉渣微粉制备技术" not in _names(service.service_for(session), session, "高炉渣 微粉 钢渣")


def test_a_long_journal_is_folded_into_a_new_snapshot(ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    session, ids, root = ledger
    snapshot = root / "achievement" / "records.jsonl"
    written = snapshot.stat().st_mtime_ns
    there = MatchService(root, None)
    _names(there, session, "钢渣")
    monkeypatch.setattr(service, "JOURNAL_FOLD_BYTES", 1)
    new = _add(session, ids["whut"], "锂渣综合利用技术", ["锂渣"])
    service.service_for(session).update(session, "achievement", new.id)
    assert snapshot.stat().st_mtime_ns != written
    assert (root / "achievement" / journal.JOURNAL).read_bytes() == b""  # a new, empty journal
    assert _names(there, session, "锂渣")[0] == "锂渣综合利用技术"  # the other process reloads the snapshot


def test_a_line_still_being_written_is_read_when_it_is_complete(ledger) -> None:  # type: ignore[no-untyped-def]
    session, _, root = ledger
    there = MatchService(root, None)
    _names(there, session, "钢渣")
    line = journal.Change("add", "999999", "镁渣资源化技术", {"name": "镁渣资源化技术", "kind": "achievement"}).line()
    path = root / "achievement" / journal.JOURNAL
    with open(path, "ab") as handle:
        handle.write(line[:20])
    assert "镁渣资源化技术" not in _names(there, session, "镁渣资源化技术 钢渣")
    with open(path, "ab") as handle:
        handle.write(line[20:])
    assert _names(there, session, "镁渣资源化技术")[0] == "镁渣资源化技术"


def test_dropping_an_index_removes_its_journal_and_other_processes_rebuild(ledger) -> None:  # type: ignore[no-untyped-def]
    session, ids, root = ledger
    there = MatchService(root, None)
    _names(there, session, "钢渣")
    new = _add(session, ids["whut"], "锂渣综合利用技术", ["锂渣"])
    here = service.service_for(session)
    here.update(session, "achievement", new.id)
    here.drop("achievement")
    assert not (root / "achievement" / journal.JOURNAL).exists()
    assert _names(there, session, "锂渣")[0] == "锂渣综合利用技术"  # rebuilt from the ledger
