"""Engine and sessions. SQLite runs in WAL mode with foreign keys on; PostgreSQL uses psycopg 3.

On SQLite the engine begins its own transactions (the SQLAlchemy recipe for pysqlite: the driver's implicit BEGIN
off, a ``begin`` listener emits it): deferred by default, ``BEGIN IMMEDIATE`` for a unit of work that will write
(``begin_write``). A deferred transaction that has read and then writes must upgrade its lock, and when another
process wrote meanwhile SQLite answers "database is locked" at once — the busy timeout does not cover the upgrade
(6–7 logins per 50-user run failed so). An immediate transaction takes the write lock first and waits for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from xiaodi.core.settings import get_settings


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MB: a province's ledger is ~100 MB; the 2 MB default thrashes
    cursor.execute("PRAGMA mmap_size=268435456")
    # keep planner statistics fresh (the figures queries depend on them); bounded work per connection
    cursor.execute("PRAGMA analysis_limit=400")
    cursor.execute("PRAGMA optimize=0x10002")
    cursor.close()
    dbapi_connection.isolation_level = None  # pysqlite's own BEGIN off: _sqlite_begin emits it


SQLITE_BEGIN = "sqlite_begin"  # execution option: "IMMEDIATE" for a unit of work that will write


def _sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    if getattr(conn.connection.dbapi_connection, "in_transaction", False):
        # One DBAPI connection under two sessions (an in-memory database's single connection): the transaction
        # the first began is the one both use, as pysqlite's own BEGIN had it.
        return
    mode = options.get(SQLITE_BEGIN)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def begin_write(session: Session) -> None:
    """Say that ``session``'s unit of work will write, before its first statement: on SQLite its transaction
    will begin IMMEDIATE (at its first statement, which waits on the busy timeout for other writers, instead of
    failing later when it upgrades from reading to writing); on PostgreSQL nothing changes. A session whose
    transaction has already begun keeps it."""
    bind = session.get_bind()
    if session.in_transaction() or not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return  # a session on a caller's connection (a test's) runs in the caller's transaction
    session.bind = bind.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})


def engine_of(source: Session | Engine | Connection) -> Engine:
    """The engine behind a session, or behind the connection a test binds its session to."""
    bind = source.get_bind() if isinstance(source, Session) else source
    return bind if isinstance(bind, Engine) else bind.engine


READS_FIRST = "xiaodi_reads_first"  # session.info: the unit of work reads before it may wait for the write lock


def read_first(session: Session) -> None:
    """Mark ``session`` as a unit of work that must act on what it reads before it may wait for the write lock
    (``web.deps.reads_first``): it flushes nothing, and a side write (``become_writer``) does not make it the
    writer — it is dropped with the read when ``write_after_reading`` begins the writing."""
    session.autoflush = False
    session.info[READS_FIRST] = True


def write_after_reading(session: Session) -> None:
    """End ``session``'s reading transaction and make its next one a writer's (``begin_write``), for a unit of work
    that must act on what it read before it may wait for the write lock: on SQLite a deferred transaction that has
    read cannot become the writer once another connection has committed since (its snapshot is stale), so the read
    is rolled back — it wrote nothing; whatever it left unflushed (an API token's last-use stamp) is dropped — and
    the objects it loaded are read again. On PostgreSQL, or on a caller's connection (a test's), nothing changes."""
    session.autoflush = True  # off while reading (``read_first``), on for the writing
    session.info.pop(READS_FIRST, None)
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return
    session.rollback()
    begin_write(session)


def become_writer(session: Session) -> None:
    """Make ``session`` the writer before a write that a reading request makes on the side — a message marked read
    on opening it, the 留痕 of an ID number shown in full, an API token's last use. On SQLite a deferred transaction
    that has read cannot upgrade to writing once another connection has committed since: SQLite answers "database
    is locked" at once, without waiting (two people opening their messages at the same moment got a 500). So a
    reader with nothing pending ends its read (it wrote nothing; the objects it loaded are read again) and begins
    again as the writer, which waits for the lock. A session that already writes, holds changes or a savepoint,
    or runs on a caller's connection (a test's), and PostgreSQL, are left as they are; so is one that reads first
    (``read_first``: stopping a job that holds the lock must not wait for it)."""
    if session.info.get(READS_FIRST):
        return
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return
    if bind.get_execution_options().get(SQLITE_BEGIN) == "IMMEDIATE":
        return
    if session.in_transaction():
        if session.in_nested_transaction() or session.new or session.dirty or session.deleted:
            return
        session.rollback()
    begin_write(session)


def in_savepoint(session: Session) -> bool:
    """Whether the ``after_commit`` / ``after_rollback`` being handled is a savepoint's (``begin_nested``) rather
    than the transaction's own: SQLAlchemy fires both events for a savepoint too. What runs after a commit must
    wait for the outer one — only then are the rows visible to other connections and beyond rolling back."""
    return session.in_nested_transaction()


_OUTER_HOOKS = "xiaodi_after_outer_commit"


def after_outer_commit(session: Session, key: str, hook: Callable[[], None]) -> None:
    """Call ``hook`` once ``session``'s transaction has committed (not at a savepoint's release); forget it when the
    transaction rolls back. One hook per ``key`` and transaction: a second with the same key replaces the first."""
    session.info.setdefault(_OUTER_HOOKS, {})[key] = hook


def _run_outer_hooks(session: Session) -> None:
    if in_savepoint(session):
        return
    for hook in session.info.pop(_OUTER_HOOKS, {}).values():
        hook()


def _drop_outer_hooks(session: Session) -> None:
    if not in_savepoint(session):
        session.info.pop(_OUTER_HOOKS, None)


event.listen(Session, "after_commit", _run_outer_hooks)
event.listen(Session, "after_rollback", _drop_outer_hooks)


def reading(bind: Any) -> Any:
    """The bind for a session that only reads, made from a writer's (``session.get_bind()`` after ``begin_write``):
    on SQLite its transaction begins deferred, so it neither takes nor waits for the write lock."""
    if isinstance(bind, Engine) and bind.get_execution_options().get(SQLITE_BEGIN) == "IMMEDIATE":
        return bind.execution_options(**{SQLITE_BEGIN: "DEFERRED"})
    return bind


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (default: settings). Nothing is created at import time."""
    url = normalise_url(url or get_settings().database_url)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **_postgres_options(url, _pool_options(kwargs)))


def _pool_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The connection pool's size and wait (``XIAODI_DB_POOL_SIZE``, ``…_MAX_OVERFLOW``, ``…_POOL_TIMEOUT``); what
    the caller passes wins. The web app admits no more requests at once than the pool holds (``web.admission``)."""
    if "poolclass" in kwargs or "pool" in kwargs:
        return kwargs
    settings = get_settings()
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout, **kwargs}


def _postgres_options(url: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Connection options for PostgreSQL: JIT off unless the URL or the caller says otherwise.

    The ledger's statements are short, but the scope's per-row EXISTS clauses give them estimated costs past
    JIT's threshold, and compiling took 178 ms of a 227 ms list count (docs/benchmarks_web.md).
    """
    if "options=" in url:
        return kwargs
    connect_args = dict(kwargs.get("connect_args") or {})
    connect_args.setdefault("options", "-c jit=off")
    return {**kwargs, "connect_args": connect_args}


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error. It writes (``begin_write``)
    unless ``write=False`` says it only reads."""
    with make_sessionmaker(engine)() as session:
        if write:
            begin_write(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
