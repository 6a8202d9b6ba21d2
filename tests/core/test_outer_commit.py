"""What runs after a commit waits for the transaction's own commit (``core.db.after_outer_commit``): SQLAlchemy also
fires ``after_commit`` when a savepoint (``begin_nested``, used by merges and by forms that must leave nothing
half-written) is released, when the rows are not yet visible to another connection and may still roll back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from xiaodi.core.db import after_outer_commit, make_engine
from xiaodi.core.migrate import upgrade


def _ledger(tmp_path: Path) -> Session:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    return Session(engine)


def test_a_hook_runs_once_after_the_outer_commit_and_not_when_a_savepoint_is_released(tmp_path: Path) -> None:
    session = _ledger(tmp_path)
    ran: list[str] = []
    session.execute(text("insert into shared_counter (name, value) values ('a', 1)"))
    after_outer_commit(session, "test", lambda: ran.append("sent"))
    with session.begin_nested():  # e.g. a merge re-pointing one column
        session.execute(text("insert into shared_counter (name, value) values ('b', 1)"))
    assert ran == []  # released savepoint: the transaction has not committed
    after_outer_commit(session, "test", lambda: ran.append("sent"))  # same key: still once
    session.commit()
    assert ran == ["sent"]
    session.commit()
    assert ran == ["sent"]


def test_a_rolled_back_transaction_drops_its_hooks_but_a_rolled_back_savepoint_does_not(tmp_path: Path) -> None:
    session = _ledger(tmp_path)
    ran: list[str] = []
    session.execute(text("insert into shared_counter (name, value) values ('a', 1)"))
    after_outer_commit(session, "kept", lambda: ran.append("kept"))
    savepoint = session.begin_nested()
    savepoint.rollback()  # a form's error undone; the rest of the transaction stands
    session.commit()
    assert ran == ["kept"]

    after_outer_commit(session, "dropped", lambda: ran.append("dropped"))
    session.execute(text("insert into shared_counter (name, value) values ('c', 1)"))
    session.rollback()
    session.commit()
    assert ran == ["kept"]
