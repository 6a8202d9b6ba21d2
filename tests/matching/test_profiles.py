"""University profiles (高校画像) on the public reference data: what a cold-start profile carries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.directory.models import Organisation
from xiaodi.matching.engine import SEMANTIC_CONTEXT
from xiaodi.matching.profiles import build_documents
from xiaodi.matching.routing import vocabulary
from xiaodi.matching.strength import key_lab_disciplines
from xiaodi.reference.paths import reference_data_dir
from xiaodi.reference.regions import read_csv


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


def test_a_key_lab_is_evidence_only_of_the_disciplines_its_name_states(session: Session) -> None:
    # 金属材料强度 shares "金属" with 冶金工程's words, but it is a materials lab: a person would not accept it as
    # evidence for a blast furnace (高炉). 眼科学 is clinical medicine, whatever the router's words guess.
    _, xjtu = profile(session, "西安交通大学")
    strengths = {d: bases for d, _, bases in xjtu["strengths"]}  # type: ignore[attr-defined]
    assert "金属材料强度国家重点实验室" in strengths["材料科学与工程"]
    assert "金属材料强度国家重点实验室" not in strengths.get("冶金工程", [])
    _, sysu = profile(session, "中山大学")
    strengths = {d: bases for d, _, bases in sysu["strengths"]}  # type: ignore[attr-defined]
    assert "眼科学国家重点实验室" in strengths["临床医学"]


def test_every_key_lab_of_the_2016_list_has_checked_disciplines_of_the_catalogue() -> None:
    labs = {row["name"] for row in read_csv(reference_data_dir() / "state-key-labs-2016" / "state_key_labs_2016.csv")}
    curated = key_lab_disciplines()
    assert set(curated) == labs
    catalogue = set(vocabulary())
    assert all(1 <= len(ds) <= 2 and set(ds) <= catalogue for ds in curated.values())
