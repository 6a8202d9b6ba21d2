"""Contact numbers (联系电话) as offices write them — one rule for forms, the API, the CLI and table imports.

A phone field held anything: "abc" was saved as a company's 联系电话 and shown masked as if it were a number. What
people write is a mobile (13912345678), a landline with its area code (0351-7010000, (0351)7010000), an extension
(转8001, ext. 8001), a country code (+86) or two numbers side by side (0351-7010000、13912345678). The check allows
those characters only and asks for 7 to 40 digits in all; the text itself is kept as typed (trimmed), never
reformatted.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from xiaodi.core.errors import ValidationFailed

# Digits (ASCII and full-width), +, brackets, dashes, spaces, the words of an extension and the separators of two
# numbers; one flat class and one alternation, so a long bad text is refused in linear time. The table column
# pattern (``tables.spec.ColumnSpec.pattern``) is this one, so an import and a form say the same.
# A run of digits that begins with 1 is a mobile number, which has 11 digits (no landline's local part begins with
# 1): 1391234567 is a mobile with a digit lost, refused rather than kept as a number nobody can call.
PHONE_PATTERN = (r"(?=(?:[^0-9０-９]*[0-9０-９]){7})"
                 r"(?!.*?(?<![0-9０-９])[1１](?:[0-9０-９]{7,9}|[0-9０-９]{11})(?![0-9０-９]))"
                 r"(?:[0-9０-９+＋()（）\-－—\s.、,，/;；]|转|分机|[eE][xX][tT])*")
PHONE_HELP = "联系电话应为手机（11位）或固定电话号码，如 13912345678、0351-7010000（可带分机“转8001”）"
_PHONE = re.compile(PHONE_PATTERN)
_DIGIT = re.compile(r"[0-9０-９]")


def is_phone(text: str) -> bool:
    """Whether ``text`` reads as one or two phone numbers (7–40 digits in all; the pattern asks for the 7)."""
    return bool(_PHONE.fullmatch(text)) and len(_DIGIT.findall(text)) <= 40


def checked_phone(value: str | None, label: str = "联系电话") -> str | None:
    """``value`` trimmed, or None when blank; a text that is no phone number is refused in Chinese."""
    text = (value or "").strip()
    if not text:
        return None
    if not is_phone(text):
        raise ValidationFailed(f"{label}“{text[:40]}”格式不对：{PHONE_HELP}")
    return text


def checked_phones(*attributes: Any) -> None:
    """Check every value set on these mapped attributes (``Person.phone`` …) with ``checked_phone``, whoever sets
    it — a form, the API, the CLI, an import, a demo builder — so no interface can skip the rule."""
    for attribute in attributes:
        event.listen(attribute, "set", _on_set, retval=True)


def _on_set(_target: object, value: str | None, _old: object, _initiator: object) -> str | None:
    return checked_phone(value)
