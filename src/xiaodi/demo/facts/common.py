"""Facts shared by every region: the places, the short names of universities, the talent tiers, the 12 base types."""

from __future__ import annotations

from xiaodi.demo.schema import RegionFact, TierFact, UniversityAliases

REGIONS: tuple[RegionFact, ...] = (
    RegionFact("运城市", "山西省运城市"),
    RegionFact("河津市", "山西省运城市河津市"),
    RegionFact("盐湖区", "山西省运城市盐湖区"),
    RegionFact("芮城县", "山西省运城市芮城县"),
    RegionFact("长治市", "山西省长治市"),
    RegionFact("黎城县", "山西省长治市黎城县"),
    RegionFact("平顺县", "山西省长治市平顺县"),
    RegionFact("潞城区", "山西省长治市潞城区"),
    RegionFact("潞州区", "山西省长治市潞州区"),
    RegionFact("上党区", "山西省长治市上党区"),
    RegionFact("朝阳市", "辽宁省朝阳市"),
    RegionFact("沈阳市", "辽宁省沈阳市"),
    RegionFact("西安市", "陕西省西安市"),
    RegionFact("赣州市", "江西省赣州市"),
)

# The regions whose programme the demo tells, in the order the summary lists them.
PROGRAMME_REGIONS: tuple[str, ...] = ("河津市", "盐湖区", "芮城县", "长治市", "朝阳市")

# Short names as the reports (and offices) write them. Each must name exactly one organisation on the reference
# list (universities, the institutes that host state key labs and the curated institutes).
UNIVERSITY_ALIASES: tuple[UniversityAliases, ...] = (
    UniversityAliases("江西理工大学", ("江理工",)),
    UniversityAliases("武汉理工大学", ("武汉理工", "武理工")),
    UniversityAliases("武汉大学", ("武大",)),
    UniversityAliases("华中科技大学", ("华科",)),
    UniversityAliases("华中师范大学", ("华中师大",)),
    UniversityAliases("哈尔滨工业大学", ("哈工大",)),
    UniversityAliases("北京航空航天大学", ("北航",)),
    UniversityAliases("北京理工大学", ("北理工",)),
    UniversityAliases("北京工业大学", ("北工大",)),
    UniversityAliases("北京科技大学", ("北科大",)),
    UniversityAliases("清华大学", ("清华",)),
    UniversityAliases("西北农林科技大学", ("西农",)),
    UniversityAliases("陕西师范大学", ("陕师大",)),
    UniversityAliases("中国科学院大学", ("国科大",)),
    UniversityAliases("中国科学院半导体研究所", ("中科院半导体所",)),
    UniversityAliases("中国科学院金属研究所", ("中科院金属所",)),
    UniversityAliases("云南农业大学", ("云农大",)),
    UniversityAliases("中北大学", ("中北",)),
)

# "6+1" of 河津: 江西理工大学 plus six universities in 武汉. The report does not list the six; the demo takes six
# of the 武汉 universities that the 省校合作 programme works with (the 长治 report names all of them). An office
# replaces this list with its own.
WUHAN_SIX: tuple[str, ...] = (
    "武汉大学", "华中科技大学", "武汉理工大学", "华中师范大学", "华中农业大学", "中国地质大学（武汉）",
)

TALENT_TIERS: tuple[TierFact, ...] = (
    TierFact("A", "顶尖人才", 1, "两院院士、国家最高科学技术奖获得者等"),
    TierFact("B", "领军人才", 2, "国家级重大人才工程入选者、国家科技奖励获得者等"),
    TierFact("C", "拔尖人才", 3, "正高级职称、博士研究生学历的高层次人才"),
    TierFact("D", "优秀青年人才", 4, "全日制硕士研究生、“双一流”高校本科毕业生"),
)
