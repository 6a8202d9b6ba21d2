"""盐湖区 (运城): 7 lead units and 26 member units with 68 tasks, the talent policy (8 measures, 2000万元 a year,
23 talent service windows, the talent apartment at 理想创业大厦), 院士工作站, 稀土新材料, fruit direct supply.

Source: seed report 001 (运城日报, 2022-01-06, by the district's party secretary). Three lead units are named by
the report (宣传、教育、人社 work teams); the other four are the usual departments and marked as assumed.
"""

# ruff: noqa: E501 — a data module: one fact per entry reads better than entries wrapped at CJK display width

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xiaodi.bases.models import BaseState
from xiaodi.catalog.models import Maturity, PlatformKind, TransferMode
from xiaodi.demands.models import ClaimState, DemandKind, DemandState
from xiaodi.demo.schema import (
    AchievementFact,
    AgreementFact,
    ApartmentFact,
    BaseFact,
    BenefitFact,
    CardFact,
    ClaimFact,
    DemandFact,
    EventFact,
    FigureFact,
    FundFact,
    IndicatorFact,
    IndicatorSetFact,
    MilestoneFact,
    OrgFact,
    ParticipantFact,
    PersonFact,
    PlatformFact,
    ProjectFact,
    RegionProgramme,
    Rel,
    ReportFact,
    StationFact,
)
from xiaodi.directory.models import OrgKind, PersonKind
from xiaodi.events.models import EventKind
from xiaodi.projects.models import AgreementKind, FundSource, PartyRole, ProjectStage
from xiaodi.talent.models import ApplicationKind, ApplicationState

R = "盐湖区"
GOV = "运城市盐湖区人民政府"
PROPAGANDA = "中共运城市盐湖区委宣传部"
EDUCATION = "运城市盐湖区教育局"
HRSS = "运城市盐湖区人力资源和社会保障局"
SCIENCE = "运城市盐湖区科学技术局"
AGRI = "运城市盐湖区农业农村局"
CULTURE = "运城市盐湖区文化和旅游局"
HEALTH = "运城市盐湖区卫生健康局"
ASSUMED = "演示假定：报道称7家牵头单位，仅列出宣传、教育、人社专班"
LEAD_UNITS = (PROPAGANDA, EDUCATION, HRSS, SCIENCE, AGRI, CULTURE, HEALTH)
SHORT = "报道所用简称，全称待核实"
SOURCE = "盐湖区深化省校合作报道（运城日报2022-01-06）"
BJUT = "北京工业大学"

ORGANISATIONS = (
    OrgFact(GOV, OrgKind.GOVERNMENT, R, description="盐湖区省校合作领导机构（区委书记、区长任双组长）所在单位"),
    OrgFact(PROPAGANDA, OrgKind.GOVERNMENT, R, tags=("牵头单位",), description="宣传工作专班"),
    OrgFact(EDUCATION, OrgKind.GOVERNMENT, R, tags=("牵头单位",), description="教育工作专班"),
    OrgFact(HRSS, OrgKind.GOVERNMENT, R, tags=("牵头单位",), aliases=("盐湖区人社局",), description="人社工作专班"),
    OrgFact(SCIENCE, OrgKind.GOVERNMENT, R, tags=("牵头单位",), note=ASSUMED),
    OrgFact(AGRI, OrgKind.GOVERNMENT, R, tags=("牵头单位",), note=ASSUMED),
    OrgFact(CULTURE, OrgKind.GOVERNMENT, R, tags=("牵头单位",), note=ASSUMED),
    OrgFact(HEALTH, OrgKind.GOVERNMENT, R, tags=("牵头单位",), note=ASSUMED),
    OrgFact("寰烁教育", OrgKind.ENTERPRISE, R, tags=("规上企业", "院士工作站"), note=SHORT),
    OrgFact("中磁科技", OrgKind.ENTERPRISE, R, tags=("规上企业",), note=SHORT,
            description="与北京工业大学合作研发稀土新材料"),
    OrgFact("宏明空调", OrgKind.ENTERPRISE, R, industry_code="3464", tags=("规上企业",), note=SHORT),
    OrgFact("佳宇丰", OrgKind.ENTERPRISE, R, tags=("院士工作站",), note=SHORT),
    OrgFact("永农果业", OrgKind.ENTERPRISE, R, industry_code="0151", tags=("农业龙头企业",), note=SHORT),
    OrgFact("瑞国水果", OrgKind.ENTERPRISE, R, industry_code="0151", tags=("农业龙头企业",), note=SHORT),
)

PEOPLE = (
    PersonFact("张建军", PersonKind.OFFICIAL, GOV, region=R, position="中共运城市盐湖区委书记"),
    PersonFact("引进研究生（演示）乙", PersonKind.TALENT, EDUCATION, region=R, title="硕士研究生",
               note="演示人物：报道称分两批引进全日制研究生31名，未列姓名"),
    PersonFact("引进研究生（演示）丙", PersonKind.TALENT, SCIENCE, region=R, title="博士研究生",
               note="演示人物：报道称分两批引进全日制研究生31名，未列姓名"),
)

ACHIEVEMENTS = (
    AchievementFact("稀土新材料制备技术", BJUT, None, "稀土功能材料", ("稀土", "新材料", "永磁"), Maturity.PILOT,
                    TransferMode.JOINT, "稀土新材料研发，与中磁科技合作推进产业化。", dt.date(2021, 6, 1),
                    industry_code="3985"),
)

PLATFORMS = (
    PlatformFact("寰烁教育院士工作站", PlatformKind.WORKSTATION, "寰烁教育", "市级", "教育科技", "运城市",
                 established_year=2021, note="“团队+平台+项目”方式引进高校专家团队"),
    PlatformFact("佳宇丰院士工作站", PlatformKind.WORKSTATION, "佳宇丰", "市级", "现代农业", "运城市",
                 established_year=2021, note="“团队+平台+项目”方式引进高校专家团队"),
)

DEMANDS = (
    DemandFact("YH-XQ-2021-001", "稀土新材料研发", DemandKind.TECHNOLOGY, "中磁科技", R, DemandState.CONTRACTED,
               "稀土新材料制备与性能提升，寻求高校重点实验室合作。", ("稀土", "新材料"), "企业技术攻关需求库",
               lead_unit=SCIENCE, claims=(ClaimFact(BJUT, "稀土新材料联合研发方案", outcome=ClaimState.SELECTED),)),
    DemandFact("YH-XQ-2021-002", "高校后勤水果直供直销", DemandKind.PROJECT, "永农果业", R, DemandState.CONTRACTED,
               "梨、苹果、冬枣等盐湖水果直供高校食堂。", ("水果", "直供直销", "高校后勤"), "需求清单（产品直销）",
               lead_unit=AGRI, claims=(ClaimFact("武汉轻工大学", "学校后勤集中采购盐湖水果", outcome=ClaimState.SELECTED),)),
    DemandFact("YH-XQ-2021-003", "空调节能控制技术攻关", DemandKind.TECHNOLOGY, "宏明空调", R, DemandState.SUBMITTED,
               "商用空调节能控制与产品升级。", ("空调", "节能", "控制"), "企业技术攻关需求库", lead_unit=SCIENCE,
               industry_code="3464"),
    DemandFact("YH-XQ-2021-004", "舜帝德孝文化与全域旅游规划课题", DemandKind.PROJECT, CULTURE, R, DemandState.PUBLISHED,
               "舜帝德孝文化、关公忠义文化挖掘与全域旅游规划研究。", ("德孝文化", "全域旅游", "规划"),
               "部门需求清单", lead_unit=CULTURE, deadline=Rel(45)),
)

AGREEMENTS = (
    AgreementFact("YH-XY-2021-001", "稀土新材料合作研发协议", AgreementKind.TECH_DEVELOPMENT, R, dt.date(2021, 9, 28),
                  (("中磁科技", PartyRole.PARTY_A), (BJUT, PartyRole.PARTY_B)), SOURCE + "；签约日期为演示估计",
                  demand="YH-XQ-2021-001",
                  projects=(ProjectFact(
                      "YH-XM-2021-001", "中磁科技稀土新材料研发项目", R, ProjectStage.LANDED,
                      "与北京工业大学合作研发稀土新材料，列入盐湖区23个落地高科技科研项目。", responsible_unit=SCIENCE,
                      partner=BJUT, enterprise="中磁科技", industry_code="3985",
                      stage_dates=((ProjectStage.SIGNED, dt.date(2021, 9, 28)), (ProjectStage.STARTED, dt.date(2021, 11, 1)),
                                   (ProjectStage.LANDED, dt.date(2021, 12, 20))),
                      milestones=(MilestoneFact("研发中心挂牌", dt.date(2021, 12, 20), done=dt.date(2021, 12, 20)),
                                  MilestoneFact("中试样品通过检测", Rel(-35), responsible="中磁科技"),
                                  MilestoneFact("小批量试产", Rel(90), target_stage=ProjectStage.IN_PRODUCTION)),
                      funds=(FundFact(D("2000000"), dt.date(2021, 12, 1), FundSource.SELF_RAISED),
                             FundFact(D("1000000"), Rel(-150), FundSource.FISCAL, "区人才工作经费支持")),
                  ),)),
    AgreementFact("YH-XY-2021-002", "盐湖水果直供直销协议（武汉轻工大学）", AgreementKind.DIRECT_SUPPLY, R,
                  dt.date(2021, 10, 15), (("永农果业", PartyRole.PARTY_A), ("武汉轻工大学", PartyRole.PARTY_B)),
                  SOURCE + "；签约日期为演示估计", demand="YH-XQ-2021-002"),
    AgreementFact("YH-XY-2021-003", "盐湖水果直供直销协议（山西农业大学）", AgreementKind.DIRECT_SUPPLY, R,
                  dt.date(2021, 10, 20), (("瑞国水果", PartyRole.PARTY_A), ("山西农业大学", PartyRole.PARTY_B)),
                  SOURCE + "；签约日期为演示估计"),
    AgreementFact("YH-XY-2021-004", "省校合作“12大基地”共建协议（清华大学）", AgreementKind.STRATEGIC_FRAMEWORK, R,
                  dt.date(2021, 8, 30), ((GOV, PartyRole.PARTY_A), ("清华大学", PartyRole.PARTY_B)),
                  SOURCE + "；签约日期为演示估计"),
    AgreementFact("YH-XY-2021-005", "省校合作“12大基地”共建协议（武汉大学）", AgreementKind.STRATEGIC_FRAMEWORK, R,
                  dt.date(2021, 9, 6), ((GOV, PartyRole.PARTY_A), ("武汉大学", PartyRole.PARTY_B)),
                  SOURCE + "；签约日期为演示估计"),
)

BASES = (
    BaseFact("北京工业大学盐湖区稀土新材料科研平台延伸基地", "research_extension", R, BaseState.PLAQUED, host="中磁科技",
             partner=BJUT, lead_unit=SCIENCE, plaque_on=dt.date(2021, 12, 20)),
    BaseFact("盐湖区大学生实习实训基地（寰烁教育）", "internship", R, BaseState.OPERATING, host="寰烁教育",
             lead_unit=EDUCATION, plaque_on=dt.date(2021, 7, 1), capacity=50),
)

BENEFITS = (
    BenefitFact(R, "YH-HJ", "户籍迁入", ApplicationKind.SETTLEMENT, "运城市公安局盐湖分局", "人才及家属户籍随迁，即来即办"),
    BenefitFact(R, "YH-ZF", "住房保障（人才公寓）", ApplicationKind.APARTMENT, HRSS, "理想创业大厦人才公寓拎包入住"),
    BenefitFact(R, "YH-RX", "子女入学", ApplicationKind.SCHOOLING, EDUCATION, "子女就近入学、优先安排"),
    BenefitFact(R, "YH-JT", "交通出行", ApplicationKind.BENEFIT, "盐湖区交通运输局", "公共交通出行优惠"),
    BenefitFact(R, "YH-PO", "配偶就业", ApplicationKind.SPOUSE_JOB, HRSS, "配偶就业协调安置"),
    BenefitFact(R, "YH-BZ", "资金补助", ApplicationKind.SUBSIDY, HRSS, "生活、安家补助，从每年2000万元人才工作经费列支"),
    BenefitFact(R, "YH-ZC", "职称评聘", ApplicationKind.BENEFIT, HRSS, "职称评聘绿色通道", min_tier="C"),
    BenefitFact(R, "YH-ZJ", "职务职级", ApplicationKind.BENEFIT, "中共运城市盐湖区委组织部", "职务职级晋升支持",
                min_tier="B"),
)

CARDS = (
    CardFact("YH-RC-2022-0001", "引进研究生（演示）乙", "D", R, dt.date(2022, 2, 15), employer=EDUCATION,
             applications=((ApplicationKind.APARTMENT, "YH-ZF", ApplicationState.APPROVED, "申请理想创业大厦人才公寓"),
                           (ApplicationKind.SETTLEMENT, "YH-HJ", ApplicationState.FULFILLED, "户籍迁入盐湖区"))),
    CardFact("YH-RC-2022-0002", "引进研究生（演示）丙", "C", R, dt.date(2022, 2, 15), employer=SCIENCE,
             applications=((ApplicationKind.SUBSIDY, "YH-BZ", ApplicationState.SUBMITTED, "申请安家补助"),
                           (ApplicationKind.SCHOOLING, "YH-RX", ApplicationState.ACCEPTED, "子女入学"))),
)

APARTMENTS = (
    ApartmentFact("盐湖区人才公寓（理想创业大厦）", R, 0, "理想创业大厦", note="报道未载套数，待登记"),
)

STATIONS = (
    StationFact("盐湖区人才服务窗口（区党群服务中心）", "人才驿站", R, dt.date(2021, 10, 1),
                note="依托区乡两级党群服务中心建成人才服务窗口23个，此为区级窗口"),
)

EVENTS = (
    EventFact("yh-work-meeting", "盐湖区深化省校合作工作会议", EventKind.OTHER, R, dt.date(2021, 7, 12),
              "部署共建“12大基地”，明确时间表、路线图和任务书；7个工作专班，一个基地、一个专班、一套方案。",
              SOURCE + "；日期为演示估计", organiser=GOV,
              participants=(*(ParticipantFact("牵头单位", org=u) for u in LEAD_UNITS),
                            ParticipantFact("成员单位", label="区直成员单位", count=26))),
)

INDICATOR_SETS = (
    IndicatorSetFact(
        "盐湖区共建“12大基地”牵头单位专项考核", 2022, R, "lead_unit",
        "7家牵头单位、26家成员单位共68项职责任务的量化考评（演示指标与权重）",
        (
            IndicatorFact("JD", "基地建设", D(25), "bases", D(2), "个", "牵头共建基地数"),
            IndicatorFact("XY", "签约协议", D(25), "agreements", D(5), "项", "牵头签订合作协议数"),
            IndicatorFact("LD", "项目落地", D(20), "projects_landed", D(2), "个", "牵头推动落地项目数"),
            IndicatorFact("RC", "人才引进", D(20), "talents", D(5), "人", "引进人才人数"),
            IndicatorFact("HD", "活动组织", D(10), None, D(6), "次", "组织对接活动与宣传报道次数，由区办公室凭佐证认定"),
        ),
        ("2022年度", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    ),
)

REPORT = ReportFact(
    "001_dd92aab7b1df29c9.txt", "0f47067780cdaa94722fa2e68d767258230927cf164a020643b754bee65bb0a2", 8969,
    "省校合作搭平台 人才助力促发展", R, dt.date(2022, 1, 6), "运城日报", "张建军",
    figures=(
        FigureFact("universities", D(53), "53所", "所", "与53所高校签约或达成合作意向", R),
        FigureFact("funds_in_place", D("1280000000"), "12.8亿元", "亿元", "引入资金12.8亿元", R),
        FigureFact("bases", D(8), "8个", "个", "建立省校合作试点基地8个", R),
        FigureFact("events", D(30), "30余次", "次", "组织省校合作各项活动30余次", R, approx=True),
        FigureFact("agreements", D(17), "17个", "个", "8家规上企业与北航、北理工等签订成果转化和平台延伸协议17个", R),
        FigureFact("agreements", D(96), "96个", "个", "签订合作协议96个", R),
        FigureFact("platforms", D(4), "4个", "个", "示范打造院士工作站4个", R),
        FigureFact("talents", D(31), "31名", "名", "分两批引进全日制研究生31名", R),
        FigureFact("projects_landed", D(23), "23个", "个", "推动稀土新材料等23个高科技科研项目落地", R),
        FigureFact("projects_landed", D(96), "96个", "个", "落地项目96个", R),
    ),
)

PROGRAMME = RegionProgramme(
    region=R, organisations=ORGANISATIONS, people=PEOPLE, achievements=ACHIEVEMENTS, platforms=PLATFORMS,
    demands=DEMANDS, agreements=AGREEMENTS, bases=BASES, benefits=BENEFITS, cards=CARDS, apartments=APARTMENTS,
    stations=STATIONS, events=EVENTS, indicator_sets=INDICATOR_SETS, report=REPORT,
)
