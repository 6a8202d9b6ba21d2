"""An office keeps one record per organisation: it registers, renames, merges duplicates and resolves names."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import NAME_IMPLIED, OrganisationDiscipline
from xiaodi.catalog.service import create_achievement
from xiaodi.core.audit import Actor, AuditEntry, history
from xiaodi.core.errors import Ambiguous, Conflict, NotFound
from xiaodi.directory.models import Organisation, OrgKind, PersonKind
from xiaodi.directory.service import (
    OrganisationIndex,
    add_alias,
    bare_region_name,
    create_organisation,
    create_person,
    merge_organisations,
    merge_people,
    resolve_organisation,
    resolve_person,
    resolve_region,
    update_organisation,
)


def test_registering_an_enterprise_is_audited(session: Session, official: Actor) -> None:
    org = create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="山西示例焦化集团有限公司",
                              aliases=["示例焦化"], tags=["专精特新"])
    trail = history(session, "organisation", org.id)
    assert [e.action for e in trail] == ["create", "add_alias"]
    assert trail[0].actor == official.name
    assert trail[0].after is not None and trail[0].after["name"] == "山西示例焦化集团有限公司"


def test_a_second_record_with_the_same_name_is_refused(session: Session, official: Actor) -> None:
    create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="河津示例铝业有限公司")
    with pytest.raises(Conflict, match="已存在"):
        create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="河津示例铝业 有限公司")


def test_update_records_before_and_after_and_keeps_the_old_name(session: Session, official: Actor) -> None:
    org = create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="旧名称科技有限公司")
    update_organisation(session, actor=official, organisation_id=org.id, name="新名称科技有限公司",
                        expected_version=org.version, reason="企业更名")
    trail = history(session, "organisation", org.id)
    change = next(e for e in trail if e.action == "update")
    assert change.before == {"name": "旧名称科技有限公司", "version": 1}
    assert change.after == {"name": "新名称科技有限公司", "version": 2}
    assert change.reason == "企业更名"
    assert resolve_organisation(session, "旧名称科技有限公司").id == org.id


def test_a_stale_edit_is_a_conflict(session: Session, official: Actor) -> None:
    org = create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="并发测试有限公司")
    update_organisation(session, actor=official, organisation_id=org.id, address="河津市", expected_version=1)
    with pytest.raises(Conflict, match="已被他人修改"):
        update_organisation(session, actor=official, organisation_id=org.id, address="稷山县", expected_version=1)


def test_resolving_by_name_alias_and_suggestion(session: Session, official: Actor) -> None:
    jxust = resolve_organisation(session, "江西理工大学", kind=OrgKind.UNIVERSITY)
    add_alias(session, actor=official, organisation_id=jxust.id, alias="江理工")
    assert resolve_organisation(session, "江理工").id == jxust.id
    with pytest.raises(Ambiguous) as excinfo:
        resolve_organisation(session, "江西理工学院", kind=OrgKind.UNIVERSITY)
    assert "江西理工大学" in excinfo.value.suggestions
    with pytest.raises(NotFound):
        resolve_organisation(session, "完全不存在的某某机构XYZ")


def test_merging_duplicates_moves_everything_to_the_survivor(session: Session, official: Actor) -> None:
    keep = create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="山西立新示例硅材料有限公司")
    dup = create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="立新示例硅材料公司")
    expert = create_person(session, actor=official, kind=PersonKind.CONTACT, name="刘示例", organisation_id=dup.id)
    uni = resolve_organisation(session, "哈尔滨工业大学")
    ach = create_achievement(session, actor=official, title="物理冶金法提纯硅示例", owner_id=uni.id)
    moved = merge_organisations(session, actor=official, keep_id=keep.id, duplicate_id=dup.id, reason="同一企业")
    assert moved["person.organisation_id"] == 1
    assert expert.organisation_id == keep.id
    session.refresh(dup)
    assert dup.retired_at is not None and dup.merged_into_id == keep.id
    assert resolve_organisation(session, "立新示例硅材料公司").id == keep.id
    assert ach.owner_id == uni.id
    assert session.get(Organisation, dup.id) is not None  # never hard deleted


def test_people_resolve_by_name_and_organisation(session: Session, official: Actor) -> None:
    whut = resolve_organisation(session, "武汉理工大学")
    jxust = resolve_organisation(session, "江西理工大学")
    a = create_person(session, actor=official, kind=PersonKind.EXPERT, name="张示例", organisation_id=whut.id,
                      title="教授")
    b = create_person(session, actor=official, kind=PersonKind.EXPERT, name="张示例", organisation_id=jxust.id)
    with pytest.raises(Ambiguous):
        resolve_person(session, "张示例")
    assert resolve_person(session, "张示例", organisation_id=whut.id).id == a.id
    c = create_person(session, actor=official, kind=PersonKind.EXPERT, name="张示例2", organisation_id=jxust.id,
                      phone="13800000000")
    merge_people(session, actor=official, keep_id=b.id, duplicate_id=c.id, reason="重复录入")
    assert b.phone == "13800000000"


def test_regions_resolve_and_ambiguous_names_ask_for_the_full_name(session: Session) -> None:
    hejin = resolve_region(session, "河津市")
    assert hejin.code.startswith("140882")
    assert "运城市" in hejin.full_name
    with pytest.raises(Ambiguous):
        resolve_region(session, "朝阳区")
    assert resolve_region(session, "朝阳市").full_name.startswith("辽宁省")


def test_a_region_is_found_without_its_shi_xian_qu(session: Session) -> None:
    """Offices write 河津 for 河津市 and 尧都 for 尧都区; a name that fits several regions asks which one."""
    assert resolve_region(session, "河津").full_name == "山西省运城市河津市"
    assert resolve_region(session, "尧都").full_name == "山西省临汾市尧都区"
    with pytest.raises(Ambiguous, match="“朝阳”对应多个行政区"):
        resolve_region(session, "朝阳")
    assert bare_region_name("城区") == "城区" and bare_region_name("河津市") == "河津"


def test_a_region_is_found_by_its_path_without_the_province(session: Session) -> None:
    """An admin types 长治市潞州区 for the county office's 辖区, as the name is said; 城区 under a city is one place."""
    assert resolve_region(session, "长治市潞州区").full_name == "山西省长治市潞州区"
    assert resolve_region(session, "运城市河津市").full_name == "山西省运城市河津市"
    assert resolve_region(session, "晋城市城区").full_name == "山西省晋城市城区"
    with pytest.raises(Ambiguous):
        resolve_region(session, "城区")


def test_index_resolves_many_names_without_queries(session: Session) -> None:
    index = OrganisationIndex(session, [OrgKind.UNIVERSITY])
    assert index.resolve("清华大学").matched_by == "exact"
    assert index.resolve("清华大学XX").record_id is None


def name_directions(session: Session, org: Organisation) -> dict[str, str]:
    rows = session.execute(
        select(OrganisationDiscipline.discipline_name, OrganisationDiscipline.source).where(
            OrganisationDiscipline.organisation_id == org.id, OrganisationDiscipline.relation == NAME_IMPLIED
        )
    )
    return dict(rows.all())


def test_a_registered_school_gets_the_direction_its_name_states(session: Session, official: Actor) -> None:
    school = create_organisation(session, actor=official, kind=OrgKind.UNIVERSITY, name="某省农业职业学院")
    assert name_directions(session, school)["植物保护"] == "校名含“农业”"
    trail = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "organisation_discipline", AuditEntry.actor == official.name)
    ).all()
    assert {(e.action, e.reason) for e in trail} == {("create", "名称所示方向")}
    assert len(trail) == len(name_directions(session, school))
    # Renamed, it keeps the old name as 曾用名 — and the direction that name states, with that basis.
    update_organisation(session, actor=official, organisation_id=school.id, name="某省职业学院")
    assert name_directions(session, school)["植物保护"] == "曾用名“某省农业职业学院”含“农业”"
    # An enterprise's name states no 办学方向.
    firm = create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="某某农业科技有限公司")
    assert name_directions(session, firm) == {}
