"""CSV injection (CWE-1236): a CSV cell that starts like a formula is written behind an apostrophe.

Excel, WPS and LibreOffice run a CSV cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (a tab or a
carriage return before one is skipped), so text that someone typed into the ledger could run on the machine of
whoever opens an export. The .xlsx writers need nothing: their cells are typed strings, never formulas.

The apostrophe is the prefix OWASP advises and spreadsheets show as "text". Reading a CSV takes it off again:
text that itself starts with an apostrophe before such a character (or before another apostrophe) gets one
more on the way out, so ``restore_formula(neutralise_formula(t)) == t`` for every text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_AFTER_APOSTROPHE = (*FORMULA_STARTS, "'")


def _escaped(text: str) -> bool:
    """Whether ``text`` is an apostrophe before a formula start or another apostrophe."""
    return text[:1] == "'" and len(text) > 1 and text[1] in _AFTER_APOSTROPHE


def neutralise_formula(text: str) -> str:
    """The text as a CSV cell that no spreadsheet runs."""
    return "'" + text if text.startswith(FORMULA_STARTS) or _escaped(text) else text


def restore_formula(text: str) -> str:
    """The original text of a CSV cell that ``neutralise_formula`` wrote; any other cell as it is."""
    return text[1:] if _escaped(text) else text
