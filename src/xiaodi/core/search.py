"""The keyword search index (关键词检索索引) of the large lists: demands and achievements.

A list search (``?q=``) asks for the records whose text contains the term — a substring, since Chinese is
written without spaces (“机床” in “数控机床加工”). Without an index every search reads the text of every row:
~130 ms for a province's 100k demands, the slowest request of the list pages. Word indexes (FTS5's unicode61,
PostgreSQL's tsvector) do not answer substring questions about Chinese, and trigram indexes (FTS5 trigram,
pg_trgm) cannot answer two-character terms, which most Chinese search terms are. So:

* **SQLite**: an FTS5 trigram index over the record's searched columns. A term of three characters or more is
  a phrase of its trigrams; a term of two characters is a prefix of the trigrams that start with it, read from
  the index's term list (``fts5vocab``) — every column is indexed followed by a line break, so a term at the
  end of a column still starts a trigram. The index keeps no copy of the text (external content, read through
  the ``<table>_search_doc`` view); a trigger removes a record's old text from it when the text changes.
* **PostgreSQL**: a table of each record's distinct character pairs (bigrams) with a GIN index; a term's
  candidates are the records holding all of its pairs.

Both only narrow the rows: the list still tests each candidate with the same ``LIKE`` as before, so the index
can never change what a search finds, only how fast (a candidate may be a false one; a record is never
missed).

**Staying current without slowing writes.** Indexing costs ~0.15 ms per record — 15 s for an import of 100k
achievements, more than the import itself. So writes only note the record in ``search_pending`` (a trigger,
whatever writes: the ORM, bulk inserts, SQL), and searches read the pending records as candidates too; the
folding of pending records into the index (``fold_pending``) runs in the background of the web server
(``SearchFolder``) and in ``xiaodi index rebuild``. Until then a search is as fast as it was before the index,
never wrong. One folder works at a time (SQLite's write lock; a PostgreSQL advisory lock), and a fold reads
the pending notes before the records' text, so a change committed meanwhile keeps its note for the next fold.

Terms the index cannot answer exactly — one character, or letters with case outside ASCII (whose folding
differs between Python, FTS5 and PostgreSQL's ``ILIKE``) — are searched by reading every row, as before.
"""

from __future__ import annotations

import itertools
import logging
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    CompoundSelect,
    Engine,
    Index,
    Integer,
    Select,
    String,
    bindparam,
    column,
    func,
    select,
    text,
    union,
)
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Mapped, Session, mapped_column

from xiaodi.core.models import Base

log = logging.getLogger(__name__)

COMMON_SHARE = 0.05  # a term in more of the records than this is searched by reading the table in order …
COMMON_FLOOR = 2_000  # … once it is in this many records at least (a small table is read quickly either way)
ANALYZE_AFTER = 5_000  # folded records after which the web server gathers PostgreSQL's statistics again
FOLD_BATCH = 500  # records per fold transaction: ~75 ms of SQLite's write lock
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class SearchedTable:
    """A table whose list search is indexed, and the columns the search reads (its list's ``search``)."""

    table: str
    columns: tuple[str, ...]

    @property
    def index(self) -> str:
        return f"{self.table}_search"


SEARCHED: dict[str, SearchedTable] = {
    t.table: t for t in (
        SearchedTable("demand", ("title", "code", "description")),
        SearchedTable("achievement", ("title", "field", "summary")),
    )
}


class SearchPending(Base):
    """A record whose text changed after the search index last read it (待索引); removed when folded in."""

    __tablename__ = "search_pending"

    __table_args__ = (Index("ix_search_pending_kind_record", "kind", "record_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))  # the searched table
    record_id: Mapped[int] = mapped_column(Integer)


def is_search_structure(name: str | None) -> bool:
    """Whether a database object belongs to a search index (built by SQL of this module, not by the models)."""
    return bool(name) and any(str(name).startswith(t.index) for t in SEARCHED.values())


# ---- the term's candidates ----------------------------------------------------------------------------------


def indexable(term: str) -> bool:
    """Whether the index answers ``term`` exactly: two characters or more, letters cased only in ASCII, and no
    NUL (FTS5's query parser ends a string there) nor the last code point (no successor bounds a prefix)."""
    return (len(term) >= 2 and all(c.isascii() or c.lower() == c.upper() for c in term)
            and "\x00" not in term and "\U0010ffff" not in term)


def bigram_keys(value: str) -> list[int]:
    """The distinct character pairs of ``value`` as PostgreSQL's index keys: two BMP characters packed in one
    32-bit integer (a quarter of the space of the pairs as text), ASCII letters in lower case. A pair beyond the
    BMP is hashed into the same range: a collision only adds a candidate, which the text test then rejects."""
    folded = value.translate(_ASCII_LOWER)
    keys = set()
    for a, b in itertools.pairwise(folded):
        code = (ord(a) << 16 | ord(b)) if ord(a) <= 0xFFFF and ord(b) <= 0xFFFF else zlib.crc32((a + b).encode())
        keys.add(code - (1 << 32) if code >= 1 << 31 else code)
    return sorted(keys)


def candidates(session: Session, table: str, term: str) -> CompoundSelect[Any] | None:
    """Ids of the records of ``table`` whose text may contain ``term``: the index's matches and the records it
    has not read yet. ``None`` when the search should read the table instead: no index, a term the index cannot
    answer, or a term so common (over ``COMMON_SHARE`` of the records) that reading the table in the list's
    order stops sooner — a page of 技术 is found in its first few thousand rows, while its 15k candidates would
    each be looked up (measured: ~8 against ~40 ms on SQLite, 413 ms through the index on PostgreSQL)."""
    searched = SEARCHED.get(table)
    if searched is None or not indexable(term):
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        matched, estimate = _sqlite_matches(session, searched, term)
    elif dialect == "postgresql":
        matched, estimate = _postgresql_matches(session, searched, term)
    else:
        return None
    size = session.scalar(text(f"SELECT max(id) FROM {searched.table}")) or 0
    if estimate > max(COMMON_FLOOR, COMMON_SHARE * size):
        return None
    return union(matched, select(SearchPending.record_id).where(SearchPending.kind == table))


def _sqlite_matches(session: Session, searched: SearchedTable, term: str) -> tuple[Select[Any], int]:
    """The FTS5 trigram index's matches and how many there are at most (from its term list's counts)."""
    folded = term.translate(_ASCII_LOWER)
    counts = sql_table(f"{searched.index}_rows", column("term"), column("doc"))
    if len(term) == 2:  # the trigrams that start with the term: [term, term's successor)
        occurrences = sql_table(f"{searched.index}_terms", column("term"), column("doc"))
        after = folded[0] + chr(ord(folded[1]) + 1)
        estimate = session.scalar(select(func.coalesce(func.sum(counts.c.doc), 0))
                                  .where(counts.c.term >= folded, counts.c.term < after))
        matched = select(occurrences.c.doc).where(occurrences.c.term >= folded, occurrences.c.term < after)
    else:
        trigrams = {folded[i:i + 3] for i in range(len(folded) - 2)}
        found: list[int] = list(session.scalars(select(counts.c.doc).where(counts.c.term.in_(trigrams))))
        estimate = min(found) if len(found) == len(trigrams) else 0  # a trigram nowhere: no record matches
        phrase = '"' + folded.replace('"', '""') + '"'
        matched = select(column("rowid")).select_from(sql_table(searched.index)).where(
            text(f"{searched.index} MATCH :phrase").bindparams(phrase=phrase))
    return matched, int(estimate or 0)


def _postgresql_matches(session: Session, searched: SearchedTable, term: str) -> tuple[Select[Any], int]:
    """The bigram table's matches and the planner's estimate of how many (its statistics know common pairs)."""
    keys = bindparam("keys", bigram_keys(term), type_=ARRAY(Integer))
    matched: Select[Any] = select(column("id")).select_from(sql_table(searched.index)).where(
        column("keys").op("@>")(keys))
    explain = text(f"EXPLAIN (FORMAT JSON) SELECT id FROM {searched.index} WHERE keys @> :keys").bindparams(keys)
    plan: list[dict[str, Any]] = session.execute(explain).scalar_one()
    return matched, int(plan[0]["Plan"]["Plan Rows"])


# ---- folding pending records into the index -----------------------------------------------------------------


def _document_sql(searched: SearchedTable, row: str) -> str:
    """The indexed text of a record (SQLite): its searched columns, each followed by a line break. The view and
    the triggers use this one expression, so a removal always names exactly the text that was indexed."""
    return " || ".join(f"coalesce({row}.{c}, '') || char(10)" for c in searched.columns)


def fold_pending(session: Session, *, limit: int = FOLD_BATCH) -> int:
    """Fold up to ``limit`` pending records of each searched table into the index; the caller commits.

    Returns how many pending notes were folded (0: the index is current, or another process is folding)."""
    dialect = session.get_bind().dialect.name
    fold = _fold_sqlite if dialect == "sqlite" else _fold_postgresql
    return sum(fold(session, searched, limit) for searched in SEARCHED.values())


def _has_pending(session: Session, searched: SearchedTable) -> bool:
    return session.scalar(select(SearchPending.seq).where(SearchPending.kind == searched.table).limit(1)) is not None


def _fold_sqlite(session: Session, searched: SearchedTable, limit: int) -> int:
    # The INSERT takes SQLite's write lock before it reads the batch, and both statements run under it: no
    # write can come between them, so the batch the DELETE removes is the batch that was indexed.
    if not _has_pending(session, searched):
        return 0  # an idle server does not take the write lock every tick
    batch = "SELECT record_id FROM search_pending WHERE kind = :kind ORDER BY seq LIMIT :limit"
    params = {"kind": searched.table, "limit": limit}
    session.execute(text(f"INSERT INTO {searched.index}(rowid, doc) SELECT id, doc FROM {searched.index}_doc "
                         f"WHERE id IN ({batch})"), params)
    done = session.execute(text("DELETE FROM search_pending WHERE seq IN "
                                "(SELECT seq FROM search_pending WHERE kind = :kind ORDER BY seq LIMIT :limit)"),
                           params)
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def _fold_postgresql(session: Session, searched: SearchedTable, limit: int) -> int:
    locked = session.scalar(select(func.pg_try_advisory_xact_lock(func.hashtext("xiaodi search " + searched.table))))
    if not locked:
        return 0
    notes = session.execute(select(SearchPending.seq, SearchPending.record_id)
                            .where(SearchPending.kind == searched.table)
                            .order_by(SearchPending.seq).limit(limit)).all()
    if not notes:
        return 0
    ids = sorted({record_id for _, record_id in notes})
    columns = ", ".join(searched.columns)
    rows = session.execute(text(f"SELECT id, {columns} FROM {searched.table} WHERE id = ANY(:ids)"), {"ids": ids})
    documents = [{"id": row[0], "keys": bigram_keys("\n".join(v or "" for v in row[1:]))} for row in rows]
    session.execute(text(f"DELETE FROM {searched.index} WHERE id = ANY(:ids)"), {"ids": ids})
    if documents:
        session.execute(text(f"INSERT INTO {searched.index} (id, keys) VALUES (:id, :keys)"), documents)
    session.execute(text("DELETE FROM search_pending WHERE seq = ANY(:seqs)"), {"seqs": [s for s, _ in notes]})
    return len(notes)


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SearchPending)) or 0)


def reindex_everything(session: Session) -> None:
    """Empty the index and note every searched record as pending (``xiaodi index rebuild``); the caller commits
    and then folds."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    for searched in SEARCHED.values():
        if sqlite:
            session.execute(text(f"INSERT INTO {searched.index}({searched.index}) VALUES ('delete-all')"))
        else:
            session.execute(text(f"DELETE FROM {searched.index}"))
        session.execute(text("DELETE FROM search_pending WHERE kind = :kind"), {"kind": searched.table})
        session.execute(text(f"INSERT INTO search_pending (kind, record_id) SELECT :kind, id FROM {searched.table} "
                             "ORDER BY id"), {"kind": searched.table})


def fold_everything(engine: Engine, progress: Callable[[int], None] | None = None) -> int:
    """Fold every pending record, one committed batch at a time; ``progress`` gets each batch's count."""
    total = 0
    while True:
        with Session(engine) as session:
            done = fold_pending(session, limit=FOLD_BATCH * 4)
            session.commit()
        if not done:
            if total:
                refresh_statistics(engine)
            return total
        total += done
        if progress:
            progress(done)


def refresh_statistics(engine: Engine) -> None:
    """Vacuum and analyse the pending notes and the key tables after a large fold (PostgreSQL).

    Without it the planner plans a search from the notes' state before the fold: an import's 200k notes, now
    deleted, made it expect 200k candidates and read the whole demand table in parallel (86 ms instead of 3,
    measured); and with no statistics of the key tables it judges every term rare and sends common ones
    (技术 in 47k achievements) through the index (205 ms instead of 24). Vacuuming the key tables also moves
    the GIN index's pending entries into the index proper. Autovacuum would do all this, minutes later."""
    if engine.dialect.name != "postgresql":
        return  # SQLite's estimate reads exact counts from the FTS5 term list
    tables = ", ".join(["search_pending", *(searched.index for searched in SEARCHED.values())])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {tables}"))


# ---- schema (used by the migration that creates the index) --------------------------------------------------


def create_statements(dialect: str, tables: Iterable[SearchedTable]) -> list[str]:
    """The SQL that builds the search index of ``tables``, and notes every existing record as pending (the web
    server or ``xiaodi index rebuild`` folds them in). A migration names its tables itself, so that adding a
    table to ``SEARCHED`` later does not change what an old migration did."""
    statements: list[str] = [] if dialect == "sqlite" else [_PG_NOTE_FUNCTION]
    for searched in tables:
        statements += _sqlite_index(searched) if dialect == "sqlite" else _postgresql_index(searched)
        statements.append(f"INSERT INTO search_pending (kind, record_id) SELECT '{searched.table}', id "
                          f"FROM {searched.table} ORDER BY id")
    return statements


def drop_statements(dialect: str, tables: Iterable[SearchedTable]) -> list[str]:
    statements: list[str] = []
    for searched in tables:
        name = searched.index
        if dialect == "sqlite":
            statements += [f"DROP TRIGGER {name}_{event}" for event in ("insert", "update", "delete")]
            statements += [f"DROP TABLE {name}_rows", f"DROP TABLE {name}_terms", f"DROP TABLE {name}",
                           f"DROP VIEW {name}_doc"]
        else:
            statements += [f"DROP TRIGGER {name}_{event} ON {searched.table}" for event in ("write", "update")]
            statements.append(f"DROP TABLE {name}")
    return statements + ([] if dialect == "sqlite" else ["DROP FUNCTION xiaodi_search_note()"])


def _sqlite_index(searched: SearchedTable) -> list[str]:
    name, table = searched.index, searched.table
    note = (f"INSERT INTO search_pending (kind, record_id) SELECT '{table}', new.id WHERE NOT EXISTS "
            f"(SELECT 1 FROM search_pending WHERE kind = '{table}' AND record_id = new.id);")
    indexed = f"NOT EXISTS (SELECT 1 FROM search_pending WHERE kind = '{table}' AND record_id = old.id)"
    forget = f"INSERT INTO {name}({name}, rowid, doc) VALUES ('delete', old.id, {_document_sql(searched, 'old')});"
    changed = f"{_document_sql(searched, 'old')} IS NOT {_document_sql(searched, 'new')}"
    return [
        f"CREATE VIEW {name}_doc AS SELECT id, {_document_sql(searched, table)} AS doc FROM {table}",
        f"CREATE VIRTUAL TABLE {name} USING fts5(doc, tokenize = 'trigram', content = '{name}_doc', "
        "content_rowid = 'id')",
        f"CREATE VIRTUAL TABLE {name}_terms USING fts5vocab('{name}', 'instance')",
        f"CREATE VIRTUAL TABLE {name}_rows USING fts5vocab('{name}', 'row')",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {note} END",
        # a pending record is not in the index yet: nothing to remove, and it stays pending
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(searched.columns)} ON {table} "
        f"WHEN {changed} BEGIN "
        f"INSERT INTO {name}({name}, rowid, doc) SELECT 'delete', old.id, {_document_sql(searched, 'old')} "
        f"WHERE {indexed}; {note} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN {indexed} BEGIN {forget} END",
    ]


_PG_NOTE_FUNCTION = """CREATE FUNCTION xiaodi_search_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_pending (kind, record_id)
    VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$"""


def _postgresql_index(searched: SearchedTable) -> list[str]:
    name, table = searched.index, searched.table
    old = ", ".join(f"OLD.{c}" for c in searched.columns)
    new = ", ".join(f"NEW.{c}" for c in searched.columns)
    return [
        f"CREATE TABLE {name} (id integer PRIMARY KEY, keys integer[] NOT NULL)",
        f"CREATE INDEX {name}_keys ON {name} USING gin (keys)",
        f"CREATE TRIGGER {name}_write AFTER INSERT OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION xiaodi_search_note('{table}')",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(searched.columns)} ON {table} "
        f"FOR EACH ROW WHEN (({old}) IS DISTINCT FROM ({new})) EXECUTE FUNCTION xiaodi_search_note('{table}')",
    ]


# ---- the background folder ----------------------------------------------------------------------------------


class SearchFolder:
    """A daemon thread of the web server that folds pending records into the index every ``seconds``."""

    def __init__(self, engine: Engine, seconds: float) -> None:
        self.engine = engine
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="xiaodi-search-folder", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        unmeasured = 0  # records folded since the statistics were last gathered
        while not self._stop.is_set():
            try:
                with Session(self.engine) as session:
                    done = fold_pending(session)
                    session.commit()
                unmeasured += done
                if not done and unmeasured >= ANALYZE_AFTER:  # an import has just been folded in
                    refresh_statistics(self.engine)
                    unmeasured = 0
            except Exception:  # a busy database or a lost connection: try again at the next tick
                log.exception("search index: folding pending records failed")
                done = 0
            self._stop.wait(0.05 if done else self.seconds)
