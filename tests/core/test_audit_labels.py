"""A county office reads a record's trail (操作留痕): every action the platform records is named in Chinese — no
``reschedule`` or ``create_token`` on a page. The actions are found in the code itself, so a new one without a label
fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from xiaodi.bases.service import STEPS
from xiaodi.core.audit import ACTION_LABELS, action_label

SRC = Path(__file__).resolve().parents[2] / "src" / "xiaodi"
HAN = range(0x4E00, 0xA000)


def _literal_actions() -> dict[str, str]:
    """``action="…"`` and ``action`` passed as text to the trail's writers, wherever the code names one."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            values = [kw.value for kw in node.keywords if kw.arg == "action"]
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("_change", "_act"):  # talent cards' and jobs' own writers take the action positionally
                values += [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)][:1]
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    found.setdefault(v.value, str(path.relative_to(SRC)))
    found.pop("store_true", None)  # argparse's, not the trail's
    return found


def test_every_recorded_action_has_a_chinese_label() -> None:
    actions = {**_literal_actions(), **{f"base_{s}": "bases/service.py" for s in STEPS}, "read_id_number": "listing"}
    assert len(actions) > 30  # the scan found the writers
    missing = {a: where for a, where in actions.items() if a not in ACTION_LABELS}
    assert not missing, missing
    assert all(any(ord(ch) in HAN for ch in label) for label in ACTION_LABELS.values())


def test_a_word_that_means_something_else_on_one_record_is_named_for_it() -> None:
    assert action_label("talent_card", "revoke") == "撤销人才卡"
    assert action_label("user", "revoke") == "撤销授权"
    assert action_label("programme_base", "create") == "申报"
    assert action_label("demand", "some_future_action") == "some_future_action"  # shown, never hidden
