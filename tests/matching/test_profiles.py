"""University profiles (高校画像) on the public reference data: what a cold-start profile carries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.directory.models import Organisation
from xiaodi.matching.engine import SEMANTIC_CONTEXT
from xiaodi.matching.profiles import build_documents


def profile(session: Session, name: str) -> tuple[str, dict[str, object]]:
    org_id = session.scalars(select(Organisation.id).where(Organisation.name == name)).one()
    (doc,) = build_documents(session, "university", ids=[org_id])
    return doc.text, doc.meta


def test_a_schools_history_is_text_and_its_direction_is_context(session: Session) -> None:
    text, meta = profile(session, "江西理工大学")
    # Former names are what the school was called: words a report or a table may use.
    assert "南方冶金学院" in text and "江西冶金学院" in text
    # The direction they state is an inference: read for meaning, never indexed as the school's words.
    assert "冶金工程" not in text
    assert meta[SEMANTIC_CONTEXT] == "办学方向：冶金工程、材料科学与工程"
    assert meta["directions"] == [["冶金工程", "曾用名“江西冶金学院”含“冶金”"],
                                  ["材料科学与工程", "曾用名“江西冶金学院”含“冶金”"]]


def test_a_direction_already_held_as_a_discipline_is_not_repeated(session: Session) -> None:
    text, meta = profile(session, "武汉大学")
    assert "双一流建设学科测绘科学与技术" in text
    directions = [d for d, _ in meta["directions"]]  # type: ignore[attr-defined]
    assert "测绘科学与技术" not in directions and "遥感科学与技术" in directions


def test_a_curated_institute_has_a_profile(session: Session) -> None:
    text, meta = profile(session, "中国科学院赣江创新研究院")
    assert meta["kind"] == "institute" and meta["region"] == "江西省"
    assert "冶金工程" in text and meta["disciplines"] == ["冶金工程", "材料科学与工程"]
