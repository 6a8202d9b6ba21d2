"""A short-lived cache of the dashboard's figures (工作台数据缓存).

A province office's dashboard computes its figures from the whole ledger: ~75 ms of aggregate statements over
100,000 demands and 200,000 fund records for every view, the same numbers for every office user of the region.
The dashboard keeps them for ``XIAODI_DASHBOARD_CACHE_SECONDS`` (default 30; 0 turns the cache off) and says when
they were computed. The figures page, the API and report reconciliation always compute afresh.

Freshness: a process-wide generation number goes up whenever a session of this process flushes, commits or rolls
back a change to a record the figures count; an entry of an older generation is recomputed. Only figures computed
by a session without pending changes of its own are kept. Other worker processes and other application hosts are
seen through the database: a commit of a counted change bumps the shared ``figures`` counter (``core.counters``),
and an entry computed at an older value is recomputed — one primary-key read per dashboard view. Bulk imports
written with Core statements are seen when the entry expires.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from xiaodi.bases.models import Pairing, ProgrammeBase
from xiaodi.core import counters
from xiaodi.core.db import in_savepoint
from xiaodi.demands.models import Claim, Demand
from xiaodi.directory.models import Organisation
from xiaodi.figures.compute import Figures
from xiaodi.projects.models import Agreement, AgreementParty, FundRecord, Project

COUNTER = "figures"  # the shared counter (core.counters) that other processes and hosts compare
COUNTED = (Agreement, AgreementParty, Project, FundRecord, ProgrammeBase, Pairing, Demand, Claim, Organisation)
_TOUCHED = "xiaodi_figures_touched"
log = logging.getLogger(__name__)
MAX_ENTRIES = 512


@dataclass(frozen=True)
class CachedFigures:
    figures: Figures
    computed_at: dt.datetime  # UTC
    generation: int
    shared: int  # the database's figures counter when computed (changes by other processes and hosts)
    expires: float  # time.monotonic()


class FiguresCache:
    """Figures by scope and period, kept for ``seconds`` within one generation of the ledger."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[Hashable, CachedFigures] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, key: Hashable, compute: Callable[[], Figures]) -> CachedFigures:
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
        shared = counters.read(session, COUNTER) if self.seconds > 0 else 0
        if hit is not None and hit.generation == _generation and hit.shared == shared and hit.expires > now:
            return hit
        generation = _generation
        entry = CachedFigures(compute(), dt.datetime.now(dt.UTC), generation, shared, now + self.seconds)
        if self.seconds > 0 and not _has_own_changes(session):
            with self._lock:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[key] = entry
        return entry


_generation = 0
_GENERATION_LOCK = threading.Lock()


def _bump() -> None:
    global _generation
    with _GENERATION_LOCK:
        _generation += 1


def _has_own_changes(session: Session) -> bool:
    return bool(session.info.get(_TOUCHED) or session.new or session.dirty or session.deleted)


def _flushed(session: Session, _context: Any) -> None:
    if any(isinstance(obj, COUNTED) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_TOUCHED] = True
        _bump()


def _ended(session: Session, *_: Any) -> None:
    if in_savepoint(session):  # the transaction goes on: its commit or rollback decides
        return
    if session.info.pop(_TOUCHED, False):
        _bump()


def _committed(session: Session) -> None:
    """After a commit of a counted change: this process's generation, and the one every host reads."""
    if in_savepoint(session) or not session.info.pop(_TOUCHED, False):
        return
    _bump()
    try:
        counters.bump(session.get_bind(), COUNTER)
    except Exception:  # the change has committed; other hosts see it when their entries expire
        log.exception("共享计数更新失败：其他服务器的工作台数据将在缓存到期后更新")


_INSTALLED = False


def install() -> None:
    """Listen to every session of the process (idempotent); called by the app factory."""
    global _INSTALLED
    if _INSTALLED:
        return
    event.listen(Session, "after_flush", _flushed)
    event.listen(Session, "after_commit", _committed)
    event.listen(Session, "after_rollback", _ended)
    _INSTALLED = True


__all__ = ["COUNTED", "CachedFigures", "FiguresCache", "install"]
