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


def test_a_schools_names_are_read_for_meaning_and_its_grades_are_its_words(session: Session) -> None:
    text, meta = profile(session, "江西理工大学")
    # Its names — today's, former and merged-in — are not keywords: the generic words of names (理工, 学院) must
    # not decide a ranking. The encoder reads them, and a demand that names the school finds it by name.
    assert "江西理工大学" not in text and "南方冶金学院" not in text
    assert {"江西理工大学", "南方冶金学院", "江西冶金学院"} <= set(meta["names"])  # type: ignore[call-overload]
    assert "南方冶金学院" in str(meta[SEMANTIC_CONTEXT])
    # A graded discipline is a published fact: it is a word of the profile and evidence of strength; the same
    # direction stated by a former name (冶金) adds to that strength with its basis, and is not repeated as text.
    assert "冶金工程" in text and meta["directions"] == []
    strengths = {d: bases for d, _, bases in meta["strengths"]}  # type: ignore[attr-defined]
    assert strengths["冶金工程"][0].startswith("冶金工程 ") and "第四轮学科评估" in strengths["冶金工程"][0]
    assert any("曾用名“江西冶金学院”含“冶金”" in b for b in strengths["冶金工程"])


def test_a_direction_only_a_name_states_is_context_not_words(session: Session) -> None:
    text, meta = profile(session, "湖南工艺美术职业学院")
    directions = [d for d, _ in meta["directions"]]  # type: ignore[attr-defined]
    assert directions and all(d not in text for d in directions)
    assert "办学方向：" + "、".join(directions) in str(meta[SEMANTIC_CONTEXT])


def test_an_institute_is_named_for_its_field(session: Session) -> None:
    text, meta = profile(session, "中国科学院半导体研究所")
    assert "中国科学院半导体研究所" in text  # its name is its keywords
    assert "电子科学与技术" in {d for d, _, _ in meta["strengths"]}  # type: ignore[attr-defined]


def test_a_direction_already_held_as_a_discipline_is_not_repeated(session: Session) -> None:
    text, meta = profile(session, "武汉大学")
    assert "双一流建设学科测绘科学与技术" in text
    directions = [d for d, _ in meta["directions"]]  # type: ignore[attr-defined]
    assert "测绘科学与技术" not in directions and "遥感科学与技术" in directions


def test_a_curated_institute_has_a_profile(session: Session) -> None:
    text, meta = profile(session, "中国科学院赣江创新研究院")
    assert meta["kind"] == "institute" and meta["region"] == "江西省"
    assert "冶金工程" in text and meta["disciplines"] == ["冶金工程", "材料科学与工程"]
