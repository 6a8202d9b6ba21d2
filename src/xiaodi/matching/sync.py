"""Keeping the matching indexes in step with the ledger (索引同步).

After a transaction that created, changed or retired an indexed record commits, the records it touched are
re-read and replaced in the indexes that are in use (an index nobody has built yet is left to be built from the
ledger on first use). A university's profile aggregates its achievements, experts and platforms, so a new
achievement also refreshes its owner's profile. A bulk change (an import of thousands of rows) is not replayed
record by record: the target's index is dropped and rebuilt from the ledger on its next use.

The update runs after the commit, on a session of its own; it never fails the user's write — an error is
logged and the next rebuild (``xiaodi index rebuild``) repairs the index. A saved demand's query vector is encoded
then too (``matching.prepare``), so its first match does not wait for the model.

Other processes and other hosts learn of the change from the feed (``matching.feed``): each flush writes the
records it touched into ``index_change`` on the transaction's own connection, so the rows commit or roll back
with the change itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from xiaodi.catalog.models import Achievement, Platform
from xiaodi.core.db import engine_of, in_savepoint, reading
from xiaodi.demands.models import Claim, Demand
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind
from xiaodi.matching import feed
from xiaodi.matching.models import MatchFeedback

log = logging.getLogger(__name__)

# More records than this for one target in one commit: rebuild that target on next use instead.
BULK = 200
_PENDING = "xiaodi_matching_touched"
_FLUSHED = "xiaodi_matching_flushed"
_UNIVERSITY_KINDS = {OrgKind.UNIVERSITY.value, OrgKind.INSTITUTE.value}


def touched(obj: Any) -> Iterator[tuple[str, int]]:
    """The (target, record id) pairs whose documents a changed object is part of."""
    if isinstance(obj, Organisation):
        kind = str(obj.kind)
        if kind in _UNIVERSITY_KINDS:
            yield "university", obj.id
        elif kind == OrgKind.ENTERPRISE.value:
            yield "enterprise", obj.id
    elif isinstance(obj, Achievement):
        yield "achievement", obj.id
        yield "university", obj.owner_id
    elif isinstance(obj, Platform):
        yield "platform", obj.id
        if obj.host_id is not None:
            yield "university", obj.host_id
    elif isinstance(obj, Person):
        if str(obj.kind) == PersonKind.EXPERT.value:
            yield "expert", obj.id
            if obj.organisation_id is not None:
                yield "university", obj.organisation_id
    elif isinstance(obj, Demand):
        yield "demand", obj.id
    elif isinstance(obj, MatchFeedback):  # 已对接 is evidence in the school's profile (strength and text)
        if obj.target == "university":
            yield "university", obj.record_id
    elif isinstance(obj, Claim):  # a selected 揭榜 claim likewise
        yield "university", obj.claimant_org_id


def _collect(session: Session, _flush_context: Any) -> None:
    pending: set[tuple[str, int]] = session.info.setdefault(_PENDING, set())
    flushed: set[tuple[str, int]] = session.info.setdefault(_FLUSHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        for target, record_id in touched(obj):
            if record_id is not None:
                pending.add((target, int(record_id)))
                flushed.add((target, int(record_id)))


def _write_feed(session: Session, _flush_context: Any) -> None:
    """The flush's touched records into the change feed, in the same transaction as the change."""
    flushed: set[tuple[str, int]] = session.info.pop(_FLUSHED, set())
    if flushed:
        feed.record(session.connection(), flushed)


def _forget(session: Session, *_: Any) -> None:
    if in_savepoint(session):  # a savepoint rolled back: the transaction's other changes still stand
        return
    session.info.pop(_PENDING, None)
    session.info.pop(_FLUSHED, None)


def _apply(session: Session) -> None:
    if in_savepoint(session):  # not committed yet: the other connections that re-read the records cannot see it
        return
    pending: set[tuple[str, int]] = session.info.pop(_PENDING, set())
    if not pending:
        return
    try:
        apply_changes(session.get_bind(), pending)
    except Exception:  # the write has committed; the index catches up at the next rebuild
        log.exception("匹配索引同步失败，可运行 xiaodi index rebuild 重建")
    try:
        prepare_queries(session.get_bind(), pending)
    except Exception:  # the demand's first match encodes its query instead
        log.exception("需求查询向量预编码失败，该需求首次匹配时再编码")
    try:
        request_encoding(session.get_bind())
    except Exception:  # the feed keeps the work: the next change (or index load) asks again
        log.exception("语义编码任务提交失败")


def request_encoding(bind: Any) -> None:
    """On the queue, the worker encodes the changed records' passages (``matching.jobs``); nothing on SQLite, where
    each index encodes in its own thread."""
    from xiaodi.core import jobs
    from xiaodi.matching.service import encoder_name

    engine = engine_of(bind)
    if jobs.queue_enabled(engine) and encoder_name() is not None:
        from xiaodi.matching import jobs as matching_jobs

        matching_jobs.request_encoding(engine)


def prepare_queries(bind: Any, pending: set[tuple[str, int]]) -> None:
    """The saved demands' query vectors, encoded in this process's background thread (``matching.prepare``): not on
    the queue, whose worker encodes them with the passages, nor for more than ``BULK`` demands in one commit (an
    import)."""
    from xiaodi.core import jobs
    from xiaodi.matching.service import encoder_name

    ids = sorted(record_id for target, record_id in pending if target == "demand")
    engine = engine_of(bind)
    if not ids or len(ids) > BULK or encoder_name() is None or jobs.queue_enabled(engine):
        return
    from xiaodi.matching.prepare import prepare_later

    with Session(bind=reading(bind)) as reader:
        prepare_later(reader, ids)


def apply_changes(bind: Any, pending: set[tuple[str, int]]) -> None:
    """Re-index the touched records of every target whose index is in use."""
    from xiaodi.matching.service import service_for

    by_target: dict[str, set[int]] = {}
    for target, record_id in pending:
        by_target.setdefault(target, set()).add(record_id)
    with Session(bind=reading(bind)) as reader:  # a writer's bind: not to wait for another writer's lock
        svc = service_for(reader)
        for target, ids in sorted(by_target.items()):
            if not svc.in_use(target):
                continue
            if len(ids) > BULK:
                svc.drop(target)
                continue
            svc.update_many(reader, target, sorted(ids))


_INSTALLED = False


def install() -> None:
    """Listen to every session of the process (idempotent). Called by the app factory and the CLI."""
    global _INSTALLED
    if _INSTALLED:
        return
    event.listen(Session, "after_flush", _collect)
    event.listen(Session, "after_flush_postexec", _write_feed)
    event.listen(Session, "after_commit", _apply)
    event.listen(Session, "after_rollback", _forget)
    _INSTALLED = True


def uninstall() -> None:
    global _INSTALLED
    if not _INSTALLED:
        return
    event.remove(Session, "after_flush", _collect)
    event.remove(Session, "after_flush_postexec", _write_feed)
    event.remove(Session, "after_commit", _apply)
    event.remove(Session, "after_rollback", _forget)
    _INSTALLED = False
