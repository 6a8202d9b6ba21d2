"""Labels defined once: an enum whose members carry their Chinese label (标签).

``class BaseState(Labelled): PROPOSED = "proposed", "已申报"`` — the value is what the database and the API store,
the label what pages, exports and the CLI print. Every interface asks the enum (``BaseState.PROPOSED.label``,
``BaseState.labels()``, ``BaseState.from_label("已申报")``), so a label is written in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A ``StrEnum`` whose members are declared as ``NAME = "value", "中文标签"``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """value → label, in declaration order (for selects, filters and table choices)."""
        return {m.value: m.label for m in cls}

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value; a value that is none of the members is shown as it is."""
        try:
            return cls(value).label
        except ValueError:
            return value

    @classmethod
    def from_label(cls, text: str) -> Self:
        """The member whose label or value is ``text`` (a table cell may hold either); ``ValueError`` otherwise."""
        text = text.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        raise ValueError(f"“{text}”不是有效的取值，可选：{'、'.join(m.label for m in cls)}")
