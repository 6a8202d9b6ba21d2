"""Two officials at once: run acts in parallel threads, each in its own transaction on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xiaodi.core.db import transaction
from xiaodi.core.errors import Conflict


def race(eng: Engine, load: Callable[[Session], object], *acts: Callable[[Session], object]) -> list[str]:
    """Every act first loads the record (the page each official has open), then all write at once.

    Returns, per act, "ok" when its transaction committed and "conflict" when it was refused as stale.
    """
    barrier = threading.Barrier(len(acts))
    outcome = ["?"] * len(acts)

    def run(i: int, act: Callable[[Session], object]) -> None:
        try:
            with transaction(eng) as session:
                load(session)
                barrier.wait(timeout=10)
                act(session)
        except Conflict:
            outcome[i] = "conflict"
        else:
            outcome[i] = "ok"

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(acts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcome
