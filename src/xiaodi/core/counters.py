"""Shared counters (共享计数): a generation number every host reads from the database.

A process that changes what a cache holds bumps the cache's counter after its commit, in a short transaction of
its own (so no user's transaction ever waits on the counter's row); every process compares the number with the
one its cached entry was computed at. This is how a cache kept in each process's memory stays as fresh across
several application hosts as within one.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Connection, Engine, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from xiaodi.core.models import Base


class SharedCounter(Base):
    """One named generation number (``figures``: the dashboard figures)."""

    __tablename__ = "shared_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


def read(session: Session, name: str) -> int:
    """The counter's value (0 when the row is missing: a database not yet upgraded)."""
    return int(session.scalar(select(SharedCounter.value).where(SharedCounter.name == name)) or 0)


def bump(bind: Engine | Connection, name: str) -> None:
    """Add one, in a transaction of its own (on a connection: inside whatever that connection is doing)."""
    stmt = update(SharedCounter).where(SharedCounter.name == name).values(value=SharedCounter.value + 1)
    if isinstance(bind, Connection):
        bind.execute(stmt)
        return
    with bind.begin() as connection:
        connection.execute(stmt)
