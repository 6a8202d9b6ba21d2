"""Encoding a demand's query ahead of its match (需求查询预编码).

Most of a new query's time is the model encoding its text (docs/benchmarks_matching.md): a demand matched for the
first time waited for it, every later match read the vector from the embedding cache. A demand's text is known
when it is saved, and a demand is matched many times after that (its page, the matching page, the API, the
office's batch), so its query vector is encoded when it is saved and its first match is as fast as the next ones.

Where it runs:
- on SQLite (and ``XIAODI_JOBS=inline``): after the commit that saved the demand, in that process, like the index
  update beside it (``matching.sync``); a commit of more than ``sync.BULK`` demands (an import) is left to their
  first match, or to ``xiaodi index rebuild --wait-dense``, which encodes every open demand's query;
- on the queue (PostgreSQL with ``xiaodi worker``): the worker's ``matching.encode`` job encodes them with the
  passages and stores them in the database, where every application host finds them (``SharedVectors``).

Demands whose matching is over (contracted, closed, withdrawn, rejected) or retired are not encoded.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.demands.models import Demand, DemandState
from xiaodi.matching.engine import EngineConfig, query_dense_text
from xiaodi.matching.service import Progress, demand_match_text, service_for

S = DemandState
# Demands still to be matched: from the draft an office may already match to the claims being weighed.
TO_MATCH = (S.DRAFT, S.SUBMITTED, S.REVIEWED, S.PUBLISHED, S.CLAIMED, S.SHORTLISTED)


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
