"""Semantic encoding as a job on the queue (语义编码, ``matching.encode``): on PostgreSQL with ``xiaodi worker`` the
worker encodes the matching documents' passages and stores their vectors in the database (``passage_vector``);
every application host takes them from there before its next query instead of running the model itself.

The work list is the index change feed (``matching.feed``, issue 19 item 1), not a list of its own: the job encodes
the records of the feed rows after the position it last finished (a ``shared_counter`` row per target), and moves
the position in the same transaction as the vectors — a worker killed mid-job leaves neither, its retry does the
same work once. A vector is keyed by the hash of its passage (``EmbeddingCache.key``): a passage already stored is
never encoded again, so a job started twice, or by several web processes at once, does nothing the second time.
A new or reloaded index asks for its whole target (``{"target": …}``), which costs one lookup per stored passage.
A demand's query vector is encoded with its passage (``matching.prepare``), so its first match needs no model.

On SQLite (and ``XIAODI_JOBS=inline``) nothing here runs: each index encodes in its process's thread, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from threading import Lock
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.core import jobs
from xiaodi.core.counters import SharedCounter
from xiaodi.matching import feed
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, SharedVectors, open_encoder
from xiaodi.matching.engine import dense_text, prepare_record
from xiaodi.matching.profiles import TARGETS, Document, build_documents, check_target

ENCODE_JOB = "matching.encode"
BATCH = 64
_encoders: dict[tuple[str, str], CachedEncoder] = {}
_encoders_lock = Lock()


def position_name(target: str) -> str:
    """The ``shared_counter`` row holding the last feed row whose records the worker encoded."""
    return f"matching.encoded.{target}"


def request_encoding(engine: Engine, *, target: str | None = None) -> int | None:
    """Ask the queue's worker to encode what waits (``target``: that target's every passage; None: the feed's new
    rows); a request already waiting covers this one (the job reads the feed when it runs). The run id, or None."""
    args: dict[str, Any] = {"target": check_target(target)} if target else {}
    with Session(engine) as session:
        waiting: list[dict[str, Any]] = list(session.scalars(select(jobs.JobRun.args).where(
            jobs.JobRun.kind == ENCODE_JOB,
            jobs.JobRun.state.in_([jobs.JobState.QUEUED.value, jobs.JobState.RETRYING.value]))))
    if any((a or {}) == args for a in waiting):
        return None
    label = f"语义编码（{TARGETS[args['target']]}）" if target else "语义编码（新增和修改的记录）"
    return jobs.submit(engine, ENCODE_JOB, user_id=None, args=args, label=label)


def _encoder(session: Session, engine: Engine) -> CachedEncoder | None:
    """The worker's encoder (loaded once per process), or None when matching runs lexical only."""
    from xiaodi.matching.service import encoder_name, index_root

    name = encoder_name()
    if name is None:
        return None
    root = index_root(session)
    key = (str(root), name)
    with _encoders_lock:
        if key not in _encoders:
            root.mkdir(parents=True, exist_ok=True)
            _encoders[key] = open_encoder(name, root / "embeddings.sqlite", SharedVectors(engine))
        return _encoders[key]


def passages(target: str, docs: Iterable[Document], name: str | None) -> list[str]:
    """The passages the target's index hands its encoder for ``docs`` (``engine.dense_text``), each once."""
    from xiaodi.matching.service import engine_config

    config = engine_config(name)
    return list(dict.fromkeys(dense_text(prepare_record(d.id, d.text, d.meta, config)[0], config) for d in docs))


def encode(session: Session, ctx: jobs.JobContext) -> str:
    """The job: encode the passages not yet stored, store them with the moved feed positions, in one transaction."""
    encoder = _encoder(session, ctx.engine)
    whole = ctx.args.get("target")
    targets = [check_target(whole)] if whole else list(TARGETS)
    texts: dict[bytes, tuple[str, str]] = {}  # key → (side, text): passages, and the saved demands' queries
    for target in targets:
        ids: list[int] | None = None
        if not whole:
            at = session.get(SharedCounter, position_name(target))
            rows = feed.since(session, target, at.value if at else 0, limit=feed.REPLAY_MAX)
            ids = sorted({r for _, r in rows})
            if rows:
                session.merge(SharedCounter(name=position_name(target), value=rows[-1][0]))
        if encoder is not None and (ids is None or ids):
            texts.update(_texts(session, target, ids, encoder.name))
    if encoder is None:
        return "未启用语义模型（XIAODI_MATCH_ENCODER=none），无需编码"
    shipped = encoder.shipped.get_many([k for k, (side, _) in texts.items() if side == "p"])
    have = set(shipped) | set(SharedVectors(session.connection()).get_many(list(texts)))
    missing = [(k, side, t) for k, (side, t) in texts.items() if k not in have]
    ctx.progress(0, len(missing))
    done = 0
    for side, encode_side in (("p", encoder.encode_passages), ("q", encoder.encode_queries)):
        todo = [(k, t) for k, s, t in missing if s == side]
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            vectors = encode_side([t for _, t in batch])  # this host's cache first, then the model
            SharedVectors.put_many(session.connection(), [(k, v) for (k, _), v in zip(batch, vectors, strict=True)])
            done += len(batch)
            ctx.progress(done, len(missing))
    return f"已编码 {len(missing)} 段文本（共 {len(texts)} 段，其余已编码过）"


def _texts(session: Session, target: str, ids: list[int] | None, name: str) -> dict[bytes, tuple[str, str]]:
    """The texts the target's records need encoded, by key: their passages, and for demands their query
    (``matching.prepare``: the first match of a saved demand reads it instead of running the model)."""
    from xiaodi.matching.prepare import demand_query_texts
    from xiaodi.matching.service import engine_config

    docs = build_documents(session, target, ids=ids)
    found = {EmbeddingCache.key(name, "p", t): ("p", t) for t in passages(target, docs, name)}
    if target == "demand":
        queries = demand_query_texts(session, ids, engine_config(name))
        found.update({EmbeddingCache.key(name, "q", t): ("q", t) for t in queries})
    return found


jobs.job(ENCODE_JOB, "语义编码")(encode)
