"""What offices tell matching (匹配反馈): a candidate of a demand marked 已对接 or 不合适, with a reason."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, utcnow


class Verdict(Labelled):
    """An office's verdict on one candidate (对接结论)."""

    CONTACTED = "contacted", "已对接"  # the office has put the two sides in touch — evidence for similar demands
    UNSUITABLE = "unsuitable", "不合适"  # not for this demand (the reason says why); it goes to the end of the list


class MatchFeedback(IdMixin, Base):
    """One verdict on one candidate of one demand; the latest verdict of a candidate is the one that counts."""

    __tablename__ = "match_feedback"
    __table_args__ = (Index("ix_match_feedback_candidate", "demand_id", "target", "record_id"),)

    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    target: Mapped[str] = mapped_column(String(16))  # university | expert | achievement | platform
    record_id: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[Verdict] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IndexChange(Base):
    """A record whose matching document changed (索引变更记录), written in the transaction that changed it.

    The database is the one source of truth for every application host: each host replays the rows after the
    last one it applied before its next query (``matching.feed``); the indexes on a host's disk are caches.
    """

    __tablename__ = "index_change"
    __table_args__ = (Index("ix_index_change_target_id", "target", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    target: Mapped[str] = mapped_column(String(16))  # university | expert | achievement | platform | …
    record_id: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class PassageVector(Base):
    """A passage's vector (段落向量), keyed by sha256 of encoder, side and text (``EmbeddingCache.key``): what the
    queue's worker encoded, for every application host to take instead of encoding it again — the passages, and the
    saved demands' query vectors (side ``q``, ``matching.prepare``).

    Written by the ``matching.encode`` job on the queue (PostgreSQL) only; the embedded default keeps its vectors in
    each index directory's ``embeddings.sqlite``, as before.
    """

    __tablename__ = "passage_vector"

    key: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
