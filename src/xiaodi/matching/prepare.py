"""Encoding a demand's query ahead of its match (需求查询预编码).

Most of a new query's time is the model encoding its text (docs/benchmarks_matching.md): a demand matched for the
first time waited for it, every later match read the vector from the embedding cache. A demand's text is known
when it is saved, and a demand is matched many times after that (its page, the matching page, the API, the
office's batch), so its query vector is encoded when it is saved and its first match is as fast as the next ones.

Where it runs:
- on SQLite (and ``XIAODI_JOBS=inline``): after the commit that saved the demand, in a background thread of that
  process (``prepare_later``: the save does not wait for the model, which may be loading or busy encoding an index);
  a commit of more than ``sync.BULK`` demands (an import) is left to their first match, or to
  ``xiaodi index rebuild --wait-dense``, which encodes every open demand's query;
- on the queue (PostgreSQL with ``xiaodi worker``): the worker's ``matching.encode`` job encodes them with the
  passages and stores them in the database, where every application host finds them (``SharedVectors``).

Demands whose matching is over (contracted, closed, withdrawn, rejected) or retired are not encoded.

Free text typed on the matching page is known before it is sent too: the page hands the text over while the user
types (``prepare_typed``, ``POST /api/match/prepare``), and the same thread encodes it. Only the latest text of each
service waits there — a typist's earlier drafts are dropped, never queued behind each other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.demands.models import Demand, DemandState
from xiaodi.matching.engine import EngineConfig, query_dense_text
from xiaodi.matching.service import MatchService, Progress, demand_match_text, service_for

log = logging.getLogger(__name__)
S = DemandState
# Demands still to be matched: from the draft an office may already match to the claims being weighed.
TO_MATCH = (S.DRAFT, S.SUBMITTED, S.REVIEWED, S.PUBLISHED, S.CLAIMED, S.SHORTLISTED)
# One thread: the saves of a process are encoded in their order, and never two at once beside the requests.
_PREPARING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xiaodi-demand-prepare")
# The text being typed that waits for the thread, per service (one slot each: a newer text replaces it).
_TYPED: dict[MatchService, str] = {}
_TYPED_LOCK = threading.Lock()


def demand_queries(session: Session, ids: Collection[int] | None = None) -> list[str]:
    """The match texts (``demand_match_text``) of the demands still to be matched, of ``ids`` (None: every one)."""
    stmt = select(Demand.title, Demand.keywords, Demand.description, Demand.qualifications).where(
        Demand.retired_at.is_(None), Demand.state.in_(TO_MATCH)).order_by(Demand.id)
    if ids is not None:
        stmt = stmt.where(Demand.id.in_(list(ids)))
    return [demand_match_text(row) for row in session.execute(stmt)]


def demand_query_texts(session: Session, ids: Collection[int] | None, config: EngineConfig) -> list[str]:
    """What the encoder reads of those demands' queries (``query_dense_text``), each once: the worker's list."""
    return [t for t in dict.fromkeys(query_dense_text(q, config) for q in demand_queries(session, ids)) if t]


def prepare_demand_queries(session: Session, ids: Collection[int] | None = None,
                           progress: Progress | None = None) -> int:
    """Encode the query vectors of the demands ``ids`` (None: every open demand) in this process; returns how many
    distinct texts were given (0 without an encoder)."""
    return service_for(session).prepare_queries(demand_queries(session, ids), progress)


def prepare_later(session: Session, ids: Collection[int]) -> Future[int]:
    """Read those demands' texts now, on ``session``, and encode them in the process's background thread: the thread
    never touches the database, only the service's model and embedding cache."""
    return _PREPARING.submit(_encode, service_for(session), demand_queries(session, ids))


def _encode(service: MatchService, texts: list[str]) -> int:
    try:
        return service.prepare_queries(texts)
    except Exception:  # the first match encodes its query instead
        log.exception("查询向量预编码失败，首次匹配时再编码")
        return 0


def prepare_typed(session: Session, text: str) -> None:
    """Encode free text a user is still typing on the matching page (输入中预编码) in the background thread, so the
    match the user then asks for reads a stored vector. A text already waiting is replaced by this one."""
    service = service_for(session)
    with _TYPED_LOCK:
        waiting = service in _TYPED
        _TYPED[service] = text
    if not waiting:
        _PREPARING.submit(_encode_typed, service)


def _encode_typed(service: MatchService) -> int:
    with _TYPED_LOCK:
        text = _TYPED.pop(service, "")
    return _encode(service, [text]) if text.strip() else 0


def wait_prepared(timeout: float | None = None) -> None:
    """Return once the demands saved so far in this process are encoded (the thread takes its work in order)."""
    _PREPARING.submit(lambda: None).result(timeout)
