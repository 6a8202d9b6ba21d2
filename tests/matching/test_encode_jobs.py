"""Semantic encoding on the queue (语义编码, ``matching.encode``): the worker encodes the passages of the records the
change feed names and stores their vectors in the database, once — a job run again, or asked for by several web
processes, encodes nothing twice — and an application host on the queue takes those vectors instead of running
the model. (On SQLite each index keeps encoding in its own thread: ``tests/matching/test_service.py``.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import Achievement
from xiaodi.core import jobs
from xiaodi.core.counters import SharedCounter
from xiaodi.directory.models import Organisation, OrgKind
from xiaodi.matching import feed
from xiaodi.matching import jobs as matching_jobs
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, SharedVectors
from xiaodi.matching.engine import EngineConfig, HybridIndex
from xiaodi.matching.models import PassageVector
from xiaodi.matching.profiles import TARGETS
from xiaodi.matching.text import Tokenizer


class CountingEncoder:
    """A stand-in model: a vector from the text's hash, and a count of the passages it was asked for."""

    name = "counting"
    dim = 8

    def __init__(self) -> None:
        self.passages: list[str] = []

    def _vectors(self, texts: list[str]) -> np.ndarray:
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(self.dim) for t in texts]
        out = np.asarray(rows, np.float32).reshape(len(texts), self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True).clip(1e-9)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += texts
        return self._vectors(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)


class NoModel(CountingEncoder):
    """A web host on the queue: it must never run the model on a document."""

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"the web process encoded {len(texts)} passages itself")


def _achievement(session: Session, owner: Organisation, title: str) -> Achievement:
    found = Achievement(title=title, owner_id=owner.id, keywords=title[:4])
    session.add(found)
    session.flush()
    feed.record(session.connection(), [("achievement", found.id)])  # as matching.sync writes it with the change
    return found


def _run(session: Session, engine: Engine, **args: object) -> str:
    ctx = jobs.JobContext(engine, 0, dict(args), None)
    ctx.progress = lambda done, total=None: None  # type: ignore[method-assign]
    return matching_jobs.encode(session, ctx)


def test_the_worker_encodes_each_changed_passage_once_and_a_host_on_the_queue_takes_the_vectors(
        session: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = CountingEncoder()
    worker = CachedEncoder(model, EmbeddingCache(tmp_path / "worker.sqlite"))  # type: ignore[arg-type]
    monkeypatch.setattr(matching_jobs, "_encoder", lambda _session, _engine: worker)
    before = session.scalar(select(func.count()).select_from(PassageVector)) or 0
    # this story's target only (a university's profile changes with its achievements when matching.sync is
    # installed), and a worker up to date with whatever the database held before it
    monkeypatch.setattr(matching_jobs, "TARGETS", {"achievement": TARGETS["achievement"]})
    session.merge(SharedCounter(name=matching_jobs.position_name("achievement"), value=feed.head(session)))
    owner = Organisation(kind=OrgKind.UNIVERSITY, name="编码测试大学")
    session.add(owner)
    session.flush()
    first = _achievement(session, owner, "赤泥脱碱与建材化利用技术")
    _achievement(session, owner, "高炉渣微粉制备技术")

    assert _run(session, engine).startswith("已编码 2 段文本")
    assert len(model.passages) == 2
    assert (session.scalar(select(func.count()).select_from(PassageVector)) or 0) == before + 2
    position = session.get(SharedCounter, matching_jobs.position_name("achievement"))
    assert position is not None and feed.since(session, "achievement", position.value) == []  # moved with them

    # run again (the queue delivered it twice, or two web processes asked): nothing new to encode
    assert _run(session, engine).startswith("已编码 0 段文本")
    assert _run(session, engine, target="achievement").startswith("已编码 0 段文本")  # a host's whole target
    assert len(model.passages) == 2

    first.title = "赤泥脱碱与钢渣协同利用技术"  # a changed record: only its new passage is encoded
    session.flush()
    feed.record(session.connection(), [("achievement", first.id)])
    assert _run(session, engine).startswith("已编码 1 段文本") and "钢渣协同" in model.passages[-1]

    # an application host on the queue: the index takes the worker's vectors and never runs the model
    host = CachedEncoder(NoModel(), EmbeddingCache(tmp_path / "host.sqlite"),  # type: ignore[arg-type]
                         shared=SharedVectors(session.connection()))
    index = HybridIndex(Tokenizer(), host, EngineConfig(encode_here=False))
    from xiaodi.matching.profiles import build_documents

    docs = build_documents(session, "achievement", ids=[first.id])
    index.add_many([(d.id, d.text, d.meta) for d in docs])
    assert index.dense_ready and index.dense is not None and len(index.dense) == 1
    # a record added later waits (lexical only) until the worker has encoded it, then joins at the next query
    later = _achievement(session, owner, "煤矸石制备陶粒技术")
    index.add_many([(d.id, d.text, d.meta) for d in build_documents(session, "achievement", ids=[later.id])])
    assert not index.dense_ready
    assert _run(session, engine).startswith("已编码 1 段文本")
    usable, notes = index._dense_usable()
    assert usable and notes == [] and index.dense_ready and len(index.dense) == 2


def test_the_worker_encodes_a_saved_demands_query_and_its_first_match_on_a_host_needs_no_model(
        session: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """预编码 on the queue: the demand's passage and its query are encoded by the worker and stored in the database;
    an application host finds the query vector there, and a withdrawn demand's query is not encoded."""
    from xiaodi.demands.models import Demand, DemandKind, DemandState
    from xiaodi.matching.engine import query_dense_text
    from xiaodi.matching.service import demand_match_text

    model = CountingEncoder()
    queries: list[str] = []
    count_queries = model.encode_queries
    monkeypatch.setattr(model, "encode_queries", lambda texts: queries.extend(texts) or count_queries(texts))
    worker = CachedEncoder(model, EmbeddingCache(tmp_path / "worker.sqlite"))  # type: ignore[arg-type]
    monkeypatch.setattr(matching_jobs, "_encoder", lambda _session, _engine: worker)
    monkeypatch.setattr(matching_jobs, "TARGETS", {"demand": TARGETS["demand"]})
    session.merge(SharedCounter(name=matching_jobs.position_name("demand"), value=feed.head(session)))
    owner = Organisation(kind=OrgKind.ENTERPRISE, name="预编码测试钢铁公司")
    session.add(owner)
    session.flush()
    open_one = Demand(code="XQ-T-0801", title="转炉钢渣余热回收", kind=DemandKind.TECHNOLOGY, owner_id=owner.id,
                      description="回收钢渣显热发电", state=DemandState.PUBLISHED)
    over = Demand(code="XQ-T-0802", title="高炉渣微粉制备", kind=DemandKind.TECHNOLOGY, owner_id=owner.id,
                  state=DemandState.WITHDRAWN)
    session.add_all([open_one, over])
    session.flush()
    feed.record(session.connection(), [("demand", open_one.id), ("demand", over.id)])

    _run(session, engine)
    wanted = query_dense_text(demand_match_text(open_one), EngineConfig())
    assert queries == [wanted]  # the open demand's query only
    host = CachedEncoder(NoModel(), EmbeddingCache(tmp_path / "host.sqlite"),  # type: ignore[arg-type]
                         shared=SharedVectors(session.connection()))
    vector = host.known_query(wanted)
    assert vector is not None and np.allclose(vector, model._vectors([wanted])[0])
    assert _run(session, engine, target="demand").startswith("已编码 0 段文本")  # a whole target: all stored
