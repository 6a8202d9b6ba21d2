"""Loading the public reference data (公开参考数据): what a programme office expects to find afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import Discipline, OrganisationDiscipline, Platform, PlatformKind
from xiaodi.core.audit import AuditEntry
from xiaodi.directory.models import Industry, Organisation, OrganisationAlias, OrgKind, Region, RegionLevel
from xiaodi.reference import load_reference_data, reference_data_dir
from xiaodi.reference.curated import former_names, read_institutes, read_name_fields
from xiaodi.reference.organisations import OrganisationNames, name_key, read_curated
from xiaodi.reference.regions import read_csv

# The suite's ``engine`` fixture (tests/conftest.py) builds the database with the migrations and runs
# ``load_reference_data`` once; ``session`` rolls back whatever a test does.


def count(session: Session, *where: Any, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def org(session: Session, name: str) -> Organisation:
    return session.scalars(select(Organisation).where(Organisation.name == name)).one()


def test_reference_dir_is_found_from_the_checkout_or_the_environment(monkeypatch, tmp_path: Path) -> None:
    assert (reference_data_dir() / "SOURCES.md").is_file()
    (tmp_path / "SOURCES.md").write_text("x", encoding="utf-8")
    monkeypatch.setenv("XIAODI_REFERENCE_DIR", str(tmp_path))
    assert reference_data_dir() == tmp_path


def test_counts_per_kind(session: Session) -> None:
    counts = load_reference_data(session)  # a second run: the suite's database is already loaded
    assert counts["regions"] == count(session, model=Region)
    assert counts["universities"] == 2919 + 248 + 4  # MOE regular + adult + 4 military not on the MOE list
    assert counts["state_key_labs"] == 253
    assert counts["lab_hosts"] == 153
    assert counts["double_first_class"] == 433
    assert counts["industries"] == 20 + 97 + 473 + 1381
    assert counts["institutes"] == 314  # xiaodi-curated institutes.csv, every row a new organisation
    assert counts["name_directions"] == count(session, OrganisationDiscipline.relation == "name_implied",
                                              model=OrganisationDiscipline)


def test_regions_cover_the_country_down_to_counties(session: Session) -> None:
    assert count(session, Region.level == RegionLevel.PROVINCE, model=Region) == 34  # 31 + 港澳台
    assert 320 <= count(session, Region.level == RegionLevel.CITY, model=Region) <= 340
    assert 2_900 <= count(session, Region.level == RegionLevel.COUNTY, model=Region) <= 3_100
    hejin = session.scalars(select(Region).where(Region.code == "140882")).one()
    assert (hejin.name, hejin.full_name, hejin.level) == ("河津市", "山西省运城市河津市", RegionLevel.COUNTY)
    assert hejin.latitude is not None and 35 < hejin.latitude < 36 and hejin.longitude is not None
    yuncheng = session.get(Region, hejin.parent_id)
    assert yuncheng is not None and (yuncheng.code, yuncheng.name) == ("140800", "运城市")
    shanxi = session.get(Region, yuncheng.parent_id)
    assert shanxi is not None and (shanxi.code, shanxi.name, shanxi.parent_id) == ("140000", "山西省", None)


def test_municipality_districts_hang_under_the_municipality(session: Session) -> None:
    dongcheng = session.scalars(select(Region).where(Region.code == "110101")).one()
    assert dongcheng.full_name == "北京市东城区"
    beijing = session.get(Region, dongcheng.parent_id)
    assert beijing is not None and beijing.code == "110000"
    assert count(session, Region.name == "市辖区", model=Region) == 0


def test_industries_follow_gbt4754_levels(session: Session) -> None:
    glass = session.scalars(select(Industry).where(Industry.code == "3041")).one()
    assert (glass.name, glass.level, glass.parent_code) == ("平板玻璃制造", "小类", "304")
    assert count(session, Industry.level == "门类", model=Industry) == 20
    assert count(session, Industry.level == "大类", model=Industry) == 97
    assert count(session, Industry.level == "中类", model=Industry) == 473
    # every parent code names an industry that exists
    codes = set(session.scalars(select(Industry.code)))
    assert set(session.scalars(select(Industry.parent_code).where(Industry.parent_code.is_not(None)))) <= codes


def test_disciplines_of_both_schemes(session: Session) -> None:
    materials = session.scalars(
        select(Discipline).where(Discipline.scheme == "moe2022", Discipline.code == "0805")
    ).one()
    assert (materials.name, materials.level, materials.parent_code) == ("材料科学与工程", "一级学科", "08")
    assert count(session, Discipline.scheme == "moe2022", Discipline.level == "门类", model=Discipline) == 14
    assert count(session, Discipline.scheme == "nsfc", model=Discipline) == 2916


def test_universities_from_the_moe_list(session: Session) -> None:
    jxust = org(session, "江西理工大学")
    assert (jxust.kind, jxust.province, jxust.city, jxust.level) == (OrgKind.UNIVERSITY, "江西省", "赣州市", "本科")
    assert jxust.code and jxust.code.startswith("41")
    assert jxust.region is not None and jxust.region.full_name == "江西省赣州市"
    assert jxust.note and "教育部" in jxust.note
    assert count(session, Organisation.level == "本科", model=Organisation) == 1365
    assert count(session, Organisation.level == "专科", model=Organisation) == 1554
    assert count(session, Organisation.level == "成人高校", model=Organisation) == 248
    private = session.scalars(select(Organisation.tags).where(Organisation.kind == OrgKind.UNIVERSITY)).all()
    assert sum("民办" in tags for tags in private) == 829 + 2


def test_double_first_class(session: Session) -> None:
    whut = org(session, "武汉理工大学")
    assert "双一流" in whut.tags
    pairs = session.scalars(
        select(OrganisationDiscipline).where(
            OrganisationDiscipline.organisation_id == whut.id, OrganisationDiscipline.relation == "double_first_class"
        )
    ).all()
    assert [(p.discipline_name, p.relation) for p in pairs] == [("材料科学与工程", "double_first_class")]
    assert pairs[0].discipline_id is not None
    tagged = [t for t in session.scalars(select(Organisation.tags)) if "双一流" in t]
    assert len(tagged) == 147


def test_double_first_class_names_outside_the_moe_list(session: Session) -> None:
    sus = org(session, "上海体育大学")
    assert "双一流" in sus.tags
    alias = session.scalars(select(OrganisationAlias).where(OrganisationAlias.alias == "上海体育学院")).one()
    assert alias.organisation_id == sus.id
    for name in ("国防科技大学", "海军军医大学", "空军军医大学"):
        military = org(session, name)
        assert military.kind == OrgKind.UNIVERSITY
        assert {"军队院校", "双一流"} <= set(military.tags)


def test_state_key_labs_link_to_their_hosts(session: Session) -> None:
    whut = org(session, "武汉理工大学")
    labs = session.scalars(select(Platform).where(Platform.host_id == whut.id)).all()
    assert "材料复合新技术国家重点实验室" in {lab.name for lab in labs}
    assert all(lab.kind == PlatformKind.STATE_KEY_LAB and lab.level == "国家级" for lab in labs)
    joint = session.scalars(select(Platform).where(Platform.name == "化学工程联合国家重点实验室")).one()
    assert joint.host is not None and joint.host.name == "清华大学"
    assert joint.host_name == "清华大学、天津大学、华东理工大学、浙江大学"
    assert joint.field == "化学"
    assert count(session, Platform.host_id.is_(None), model=Platform) == 0


def test_lab_hosts_outside_the_moe_list(session: Session) -> None:
    cas = org(session, "中国科学院大连化学物理研究所")
    assert (cas.kind, cas.province, cas.city) == (OrgKind.INSTITUTE, "辽宁省", "大连市")
    # A former name in the lab list resolves to the renamed military university.
    lab_hosts = {p.host.name for p in session.scalars(select(Platform)) if p.host is not None}
    assert "陆军军医大学" in lab_hosts and "中国人民解放军第三军医大学" not in lab_hosts


def test_one_audit_entry_per_kind(session: Session) -> None:
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "reference_load")).all()
    assert len(entries) == 12  # written by the first load only: later loads change nothing
    assert all(e.actor == "系统:reference_load" and e.after and e.after["inserted"] > 0 for e in entries)


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    tables = (
        Region,
        Industry,
        Discipline,
        Organisation,
        OrganisationAlias,
        OrganisationDiscipline,
        Platform,
        AuditEntry,
    )
    return {m.__tablename__: [tuple(r) for r in session.execute(select(m.__table__))] for m in tables}


def test_loading_twice_changes_nothing(session: Session) -> None:
    before = snapshot(session)
    again = load_reference_data(session)
    session.flush()
    assert (again["inserted"], again["updated"]) == (0, 0)
    assert snapshot(session) == before


def test_reload_keeps_user_edits_and_restores_reference_fields(session: Session) -> None:
    whut = org(session, "武汉理工大学")
    whut.tags = [*whut.tags, "校地合作重点高校"]
    whut.website = "https://www.whut.edu.cn"
    whut.city = None
    session.flush()
    counts = load_reference_data(session)
    session.expire_all()
    whut = org(session, "武汉理工大学")
    assert counts["updated"] == 1
    assert "校地合作重点高校" in whut.tags and "双一流" in whut.tags
    assert (whut.website, whut.city) == ("https://www.whut.edu.cn", "武汉市")


def directions(session: Session, name: str) -> dict[str, str]:
    rows = session.execute(
        select(OrganisationDiscipline.discipline_name, OrganisationDiscipline.source).where(
            OrganisationDiscipline.organisation_id == org(session, name).id,
            OrganisationDiscipline.relation == "name_implied",
        )
    )
    return dict(rows.all())


def test_former_and_merged_names_resolve_to_todays_school(session: Session) -> None:
    names = OrganisationNames(session)
    assert names.get("南方冶金学院") == org(session, "江西理工大学").id
    assert names.get("武汉测绘科技大学") == org(session, "武汉大学").id
    stmt = select(OrganisationAlias.alias, OrganisationAlias.kind).where(
        OrganisationAlias.alias.in_(("南方冶金学院", "武汉测绘科技大学"))
    )
    kinds = dict(session.execute(stmt).all())
    assert kinds == {"南方冶金学院": "曾用名", "武汉测绘科技大学": "并入"}


def test_a_school_renamed_since_the_2017_evaluation_is_found_by_its_old_name(session: Session) -> None:
    names = OrganisationNames(session)
    assert names.get("四川理工学院") == org(session, "四川轻化工大学").id  # the same school code
    assert names.get("广西师范学院") == org(session, "南宁师范大学").id
    # an old name that begins two schools' names of today names neither
    assert names.get("中国石油大学") is None and names.get("中国地质大学") is None


def test_curated_names_never_shadow_a_school_of_today() -> None:
    folder = reference_data_dir()
    today = {
        r["name"]
        for f in ("universities_2025_regular.csv", "universities_2025_adult.csv")
        for r in read_csv(folder / "moe-universities-2025" / f)
    }
    olds = [alias for alias, _owner, _kind in former_names(folder)]
    assert len(olds) == len(set(olds)) and not set(olds) & today
    assert {owner for _alias, owner, _kind in former_names(folder)} <= today


def test_curated_institutes_are_placed_and_keep_their_fields(session: Session) -> None:
    ganjiang = org(session, "中国科学院赣江创新研究院")
    assert (ganjiang.kind, ganjiang.province, ganjiang.city) == (OrgKind.INSTITUTE, "江西省", "赣州市")
    assert ganjiang.region is not None and ganjiang.region.full_name == "江西省赣州市"
    fields = session.scalars(
        select(OrganisationDiscipline).where(
            OrganisationDiscipline.organisation_id == ganjiang.id, OrganisationDiscipline.relation == "curated"
        )
    ).all()
    assert {f.discipline_name for f in fields} == {"冶金工程", "材料科学与工程"}
    assert all(f.discipline_id is not None for f in fields)


def test_partners_named_in_cooperation_news_are_in_the_directory(session: Session) -> None:
    names = OrganisationNames(session)
    for partner, province, city in (
        ("云南省农业科学院茶叶研究所", "云南省", "西双版纳傣族自治州"),
        ("北京市农林科学院", "北京市", "北京市"),
        ("江苏省海洋水产研究所", "江苏省", "南通市"),
        ("湖南省环境保护科学研究院", "湖南省", "长沙市"),
        ("中国林业科学研究院木材工业研究所", "北京市", "北京市"),
        ("国家林业和草原局桉树研究开发中心", "广东省", "湛江市"),
        ("上海市农业科学院食用菌研究所", "上海市", "上海市"),
    ):
        institute = org(session, partner)
        assert (institute.kind, institute.province, institute.city) == (OrgKind.INSTITUTE, province, city)
        assert names.get(partner) == institute.id
    # The military university's full name, and academies merged into a university, resolve to today's record.
    assert names.get("中国人民解放军国防科技大学") == org(session, "国防科技大学").id
    assert names.get("山西省农业科学院") == org(session, "山西农业大学").id
    assert names.get("山东省科学院") == org(session, "齐鲁工业大学").id
    wood = org(session, "中国林业科学研究院木材工业研究所")
    stmt = select(OrganisationDiscipline.discipline_name).where(
        OrganisationDiscipline.organisation_id == wood.id, OrganisationDiscipline.relation == "curated"
    )
    assert set(session.scalars(stmt)) == {"林业工程", "材料科学与工程"}


def test_every_curated_institute_sits_in_its_city(session: Session) -> None:
    for institute in read_institutes(reference_data_dir()):
        region = org(session, institute.name).region
        assert region is not None, institute.name
        assert region.full_name.startswith(institute.province) and institute.city in region.full_name, (
            institute.name, region.full_name)


def test_curated_institutes_are_new_organisations_with_catalogue_disciplines_and_real_places() -> None:
    folder = reference_data_dir()
    institutes = read_institutes(folder)
    names = [name_key(i.name) for i in institutes]
    assert len(names) == len(set(names)), "institutes.csv names one organisation twice"
    # Not a school of the MOE list, a state key lab's host, a curated university or any of their other names.
    taken = {
        name_key(r["name"])
        for f in ("universities_2025_regular.csv", "universities_2025_adult.csv")
        for r in read_csv(folder / "moe-universities-2025" / f)
    }
    taken |= {
        name_key(host)
        for r in read_csv(folder / "state-key-labs-2016" / "state_key_labs_2016.csv")
        for host in r["host_institutions"].split(";")
    }
    taken |= {name_key(n) for c in read_curated(folder) for n in (c.name, *c.former_names)}
    taken |= {name_key(alias) for alias, _owner, _kind in former_names(folder)}
    assert sorted(set(names) & taken) == []
    catalogue = {
        r["name"]
        for r in read_csv(folder / "discipline-catalog-2022" / "grad_discipline_catalog_2022.csv")
        if r["type"] == "academic"
    }
    unknown = [(i.name, d) for i in institutes for d in i.disciplines if d not in catalogue]
    assert unknown == []
    # A row leaves its disciplines empty only when its name states them (name_fields.csv: 农业, 海洋 …) or it is a
    # comprehensive academy whose work spans too many fields to name a few.
    fragments = [f.fragment for f in read_name_fields(folder)]
    unstated = {i.name for i in institutes if not i.disciplines and not any(f in i.name for f in fragments)}
    assert unstated == COMPREHENSIVE
    places = _divisions(folder)
    assert sorted((i.name, i.province, i.city) for i in institutes if (i.province, i.city) not in places) == []


COMPREHENSIVE = {
    "中国科学院上海高等研究院",
    "中国科学院重庆绿色智能技术研究院",
    "中国科学院烟台海岸带研究所",
    "上海科学院",
    "北京市科学技术研究院",
    "重庆市科学技术研究院",
}


def _divisions(folder: Path) -> set[tuple[str, str]]:
    """(province, city) pairs as written: a prefecture, a county-level city under the province, or a municipality."""
    division = folder / "china-division-npm" / "data"
    provinces = {r["code"]: r["name"] for r in read_csv(division / "provinces.csv")}
    cities = list(read_csv(division / "cities.csv"))
    direct = {c["code"] for c in cities if c["name"].endswith("直辖县级行政区划")}
    pairs = {(provinces[c["provinceCode"]], c["name"]) for c in cities}
    pairs |= {
        (provinces[a["provinceCode"]], a["name"])
        for a in read_csv(division / "areas.csv")
        if a["cityCode"] in direct
    }
    return pairs | {(name, name) for name in provinces.values()}


def test_a_name_states_a_direction_with_its_basis(session: Session) -> None:
    ynau = directions(session, "云南农业大学")
    assert ynau["植物保护"] == "校名含“农业”" and "作物学" in ynau
    # A former name's direction; the 理工 of today's name states none (a third of all schools carry it).
    assert directions(session, "江西理工大学") == {
        "冶金工程": "曾用名“江西冶金学院”含“冶金”",
        "材料科学与工程": "曾用名“江西冶金学院”含“冶金”",
    }
    # A merged-in school's direction, with the school it came from.
    assert directions(session, "华中科技大学")["临床医学"] == "并入院校“同济医科大学”含“医科”"
    assert directions(session, "中国科学院半导体研究所")["电子科学与技术"] == "名称含“半导体”"
    assert directions(session, "清华大学") == {}
    unlinked = (OrganisationDiscipline.relation == "name_implied", OrganisationDiscipline.discipline_id.is_(None))
    assert count(session, *unlinked, model=OrganisationDiscipline) == 0


def test_a_renamed_institute_loses_the_direction_its_old_name_stated(session: Session) -> None:
    institute = Organisation(kind=OrgKind.INSTITUTE, name="某市农业科学研究所", tags=[])
    session.add(institute)
    session.flush()
    load_reference_data(session)
    assert directions(session, "某市农业科学研究所")["植物保护"] == "名称含“农业”"
    institute.name = "某市综合研究所"
    session.flush()
    load_reference_data(session)
    assert directions(session, "某市综合研究所") == {}
