"""What an import by a person (not the operator's console) must ask before a row is written: a ``RowGuard``.

The tables area knows files, columns and natural keys, not who may change what; the web layer does
(``web.import_rules``), with the same access helpers and state machines as the pages. An import without a guard
is the operator's trusted console (``xiaodi import``: whoever holds the database URL may write anything).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import ColumnElement

if TYPE_CHECKING:
    from xiaodi.tables.context import ImportContext


@dataclass(frozen=True)
class GuardRow:
    """A valid row about to be written: its values, the record it names (``None``: a new one) and what changes."""

    number: int
    values: dict[str, Any]  # the mapped columns only; a column absent from the file keeps its value
    existing: dict[str, Any] | None
    changed: frozenset[str]


@dataclass(frozen=True)
class Refusal:
    """Why a row may not be written, as the report shows it (with the row number)."""

    reason: str
    suggestion: str | None = None
    column: str | None = None  # column key, when one cell is at fault


class RowGuard(Protocol):
    def organisation_scope(self) -> ColumnElement[bool]:
        """The organisations a name in the file may resolve to (others read as not found)."""
        ...

    def code_scope(self, table: str) -> ColumnElement[bool] | None:
        """The records of ``table`` a code in the file may name (``None``: all of them)."""
        ...

    def refuse(self, ctx: ImportContext, rows: list[GuardRow]) -> dict[int, Refusal]:
        """The rows (by number) that may not be written, and why."""
        ...

    def written(self, ctx: ImportContext, ids: dict[int, int]) -> None:
        """After rows were written (row number → record id): what the pages' steps record beside the record."""
        ...
