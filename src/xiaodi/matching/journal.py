"""The change journal of an on-disk index (索引变更日志): one JSON line per added, changed or removed record.

Rewriting a province's index after every edit took seconds (the BM25 matrix is rebuilt and 100,000 records are
written again), so a change is appended here instead, and every process that holds the index replays the lines
it has not seen yet before its next query. The journal is folded into a new snapshot (``HybridIndex.save``)
when it grows long, or by ``xiaodi index rebuild``.

Processes coordinate through an advisory lock on ``journal.lock`` (POSIX ``flock``): appends and the fold take
it; readers do not, and read only up to the last complete line. A fold replaces the journal with a new, empty
file (a new inode), which is how a reader knows that its offset no longer applies. Replaying is idempotent
(an add replaces, a remove of an absent record does nothing), so reading a line twice is harmless.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: one process per index directory (the threads of it share the lock below)
    fcntl = None  # type: ignore[assignment]

JOURNAL = "journal.jsonl"
_THREADS = threading.Lock()


@dataclass(frozen=True)
class Change:
    """One line: ``add`` (a record's id, its text and meta, which carries name and kind) or ``remove``."""

    op: str
    id: str
    text: str = ""
    meta: dict[str, Any] | None = None

    def line(self) -> bytes:
        body = [self.op, self.id, self.text, self.meta] if self.op == "add" else [self.op, self.id]
        return (json.dumps(body, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def parse(cls, raw: bytes) -> Change:
        op, doc_id, *rest = json.loads(raw)
        if op == "add":
            return cls("add", str(doc_id), str(rest[0]), dict(rest[1] or {}))
        return cls("remove", str(doc_id))


@dataclass(frozen=True)
class Position:
    """How far a process has read: which journal file (its inode) and up to which byte."""

    inode: int = -1
    offset: int = 0


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the index directory's journal lock (across processes where the platform allows)."""
    directory.mkdir(parents=True, exist_ok=True)
    with _THREADS, open(directory / "journal.lock", "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def append(directory: Path, changes: list[Change], seen: Position) -> tuple[Position, int]:
    """Append changes (caller holds ``locked``); returns the new position when nothing else was written since
    ``seen`` (else ``seen``, so the other lines get replayed) and the journal's size in bytes."""
    path = directory / JOURNAL
    data = b"".join(c.line() for c in changes)
    with open(path, "ab") as handle:
        before = handle.seek(0, os.SEEK_END)
        handle.write(data)
        inode = os.fstat(handle.fileno()).st_ino
    size = before + len(data)
    if inode == seen.inode and before == seen.offset:
        return Position(inode, size), size
    return seen, size


def read_new(directory: Path, seen: Position) -> tuple[list[Change], Position, bool]:
    """The complete lines written since ``seen``; the third value is True when the journal was replaced (folded
    or removed) since, in which case the caller must reload its snapshot before replaying from the start."""
    path = directory / JOURNAL
    try:
        with open(path, "rb") as handle:
            inode = os.fstat(handle.fileno()).st_ino
            replaced = inode != seen.inode and seen.inode != -1
            start = 0 if inode != seen.inode else seen.offset
            handle.seek(start)
            raw = handle.read()
    except FileNotFoundError:
        return [], Position(), seen.inode != -1
    complete = raw[: raw.rfind(b"\n") + 1]  # a line still being written is read next time
    changes = [Change.parse(line) for line in complete.splitlines() if line.strip()]
    return changes, Position(inode, start + len(complete)), replaced


def restart(directory: Path) -> Position:
    """Replace the journal with a new, empty file (after a snapshot was written; caller holds ``locked``)."""
    directory.mkdir(parents=True, exist_ok=True)
    fresh = directory / (JOURNAL + ".new")
    fresh.write_bytes(b"")
    os.replace(fresh, directory / JOURNAL)
    return Position(os.stat(directory / JOURNAL).st_ino, 0)


__all__ = ["JOURNAL", "Change", "Position", "append", "locked", "read_new", "restart"]
