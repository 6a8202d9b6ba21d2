"""长治市: 106 universities and 500+ cooperation results; 武汉理工大学 (周明凯, the multi-solid-waste low-carbon
materials project, 日盛达 photovoltaic glass), 哈尔滨工业大学 刘立新's silicon project in 黎城县, 中科潞安 deep-UV LEDs,
朱有勇's understory 潞党参 in 平顺县, 清华大学 (pollution tracing, laser machining, 12 bases), coal-bed methane.

Source: seed report 004 (山西日报, 2022-04-27). Amounts the report does not state are left empty; funds are
marked as demo records.
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
    BaseFact,
    BenefitFact,
    CardFact,
    ClaimFact,
    DemandFact,
    EventFact,
    FigureFact,
    FundFact,
    MilestoneFact,
    OrgFact,
    ParticipantFact,
    PersonFact,
    PlatformFact,
    ProjectFact,
    RegionProgramme,
    Rel,
    ReportFact,
)
from xiaodi.directory.models import OrgKind, PersonKind
from xiaodi.events.models import EventKind
from xiaodi.projects.models import AgreementKind, FundSource, PartyRole, ProjectStage
from xiaodi.talent.models import ApplicationKind, ApplicationState

R = "长治市"
GOV = "长治市人民政府"
SCIENCE = "长治市科学技术局"
ZONE = "长治经济技术开发区管理委员会"
LICHENG = "黎城县人民政府"
WHUT = "武汉理工大学"
WHUT_INSTITUTE = "长治市武理工工程技术研究院"
LIXIN = "山西立新硅材料科技有限公司"
ZKLA = "山西中科潞安紫外光电科技有限公司"
RSD = "山西日盛达太阳能股份有限公司"
HJQZ = "山西华境清治环保科技有限公司"
ZDDD = "山西振东道地药材开发有限公司"
LUAN = "潞安化工集团有限公司"
GKHY = "高科华烨集团"
SOURCE = "长治市深化省校合作报道（山西日报2022-04-27）"
DEMO_FUNDS = "演示记录：报道未载到位资金"

ORGANISATIONS = (
    OrgFact(GOV, OrgKind.GOVERNMENT, R),
    OrgFact(SCIENCE, OrgKind.GOVERNMENT, R, aliases=("长治市科技局",), tags=("牵头单位",)),
    OrgFact(ZONE, OrgKind.GOVERNMENT, R, aliases=("长治经开区管委会",)),
    OrgFact(LICHENG, OrgKind.GOVERNMENT, "黎城县"),
    OrgFact(WHUT_INSTITUTE, OrgKind.INSTITUTE, R, aliases=("武理工研究院",),
            description="武汉理工大学在长治的科研延伸平台"),
    OrgFact(LIXIN, OrgKind.ENTERPRISE, "黎城县", aliases=("立新硅材料",), industry_code="3218",
            tags=("新能源", "光伏"), description="物理冶金法生产太阳能级再生硅材料"),
    OrgFact(ZKLA, OrgKind.ENTERPRISE, "潞州区", aliases=("中科潞安",), industry_code="3976",
            tags=("高新技术企业",), description="深紫外LED芯片与核心器件，垂直整合型深紫外LED企业（长治高新区）"),
    OrgFact(RSD, OrgKind.ENTERPRISE, "上党区", aliases=("日盛达", "山西日盛达公司"), industry_code="3042",
            tags=("高新技术企业",), description="光伏玻璃，年产2200万平方米（上党经济技术开发区）"),
    OrgFact(HJQZ, OrgKind.ENTERPRISE, "潞州区", aliases=("华境清治",), industry_code="7461",
            description="环境污染溯源分析、环境监测防治（长治高新区），2022年4月19日正式运行"),
    OrgFact(ZDDD, OrgKind.ENTERPRISE, "平顺县", aliases=("振东道地药材",), industry_code="0179",
            description="林下潞党参种植，“公司+合作社+农户”模式"),
    OrgFact(LUAN, OrgKind.ENTERPRISE, R, aliases=("潞安化工",), industry_code="0610", tags=("国有企业",)),
    OrgFact(GKHY, OrgKind.ENTERPRISE, R, industry_code="3975", tags=("LED",), note="报道所用简称，全称待核实",
            description="RGB全彩发光二极管（长治经济技术开发区）"),
    OrgFact("长治市人才集团", OrgKind.ENTERPRISE, R, description="2022年3月25日成立"),
    OrgFact("长治市人才发展基金会", OrgKind.OTHER, R, description="2022年3月25日成立"),
)

PEOPLE = (
    PersonFact("周明凯", PersonKind.EXPERT, WHUT, title="教授", position="长治市武理工工程技术研究院院长",
               honours=("博士生导师",), disciplines=("材料科学与工程",), interests="多固废协同制备低碳新材料"),
    PersonFact("刘立新", PersonKind.EXPERT, LIXIN, region="黎城县", title="博士", position="首席科学家",
               interests="物理冶金法提纯太阳能级硅", note="技术团队负责人（哈工大）"),
    PersonFact("李晋闽", PersonKind.EXPERT, "中国科学院半导体研究所", title="研究员", position="山西中科潞安紫外光电科技有限公司董事长",
               honours=("国家科技进步奖一等奖", "何梁何利基金奖"), interests="深紫外LED芯片与器件",
               note="中国科学院大学教授"),
    PersonFact("朱有勇", PersonKind.EXPERT, "云南农业大学", position="名誉校长",
               honours=("中国工程院院士", "时代楷模", "全国脱贫攻坚先进个人"), interests="林下中药材生态种植"),
    PersonFact("黄惠川", PersonKind.EXPERT, "云南农业大学", department="植物保护学院", title="副教授",
               interests="林下潞党参种植技术"),
    PersonFact("韩福柱", PersonKind.EXPERT, "清华大学", department="机械工程系", title="教授", interests="激光加工、特种加工"),
    PersonFact("石军太", PersonKind.EXPERT, "中国石油大学（北京）", department="石油工程学院", title="副教授",
               position="主任（煤层气研究中心）；长治市科技局挂职副局长", interests="煤层气高效开发"),
    PersonFact("王志坚", PersonKind.EXPERT, "中北大学", department="机械工程学院", title="教授",
               position="挂职长治经济技术开发区管委会副主任"),
    PersonFact("曹华", PersonKind.CONTACT, RSD, position="总经理兼技术总监"),
    PersonFact("崔程远", PersonKind.CONTACT, GKHY, position="总经理"),
    PersonFact("吕大伟", PersonKind.CONTACT, "清华大学", department="机械工程系", title="工程师", position="科研助理"),
    PersonFact("高鹏", PersonKind.TALENT, None, region=R, title="硕士",
               note="武汉理工大学2020届材料科学与工程硕士，毕业后留长治工作"),
    PersonFact("信思金", PersonKind.CONTACT, WHUT, position="党委书记"),
    PersonFact("屈文谦", PersonKind.CONTACT, "武汉大学", position="党委副书记"),
    PersonFact("杨勤荣", PersonKind.OFFICIAL, None, region=R, position="长治市委书记"),
    PersonFact("陈耳东", PersonKind.OFFICIAL, GOV, region=R, position="长治市市长"),
)

ACHIEVEMENTS = (
    AchievementFact("多固废协同制备低碳新材料技术", WHUT, "周明凯", "固废资源化、低碳建材", ("多固废", "低碳", "新材料", "胶凝材料"),
                    Maturity.INDUSTRIAL, TransferMode.JOINT, "多种工业固废协同制备低碳新材料并产业化。",
                    dt.date(2021, 6, 1), industry_code="3011"),
    AchievementFact("催化冶金熔炼提纯硅技术", "哈尔滨工业大学", "刘立新", "太阳能级硅材料", ("硅", "提纯", "物理冶金", "光伏"),
                    Maturity.INDUSTRIAL, TransferMode.EQUITY, "物理冶金法规模化生产太阳能级硅，低成本、低能耗、低污染。",
                    dt.date(2021, 3, 1), industry_code="3218", ip_kind="发明专利"),
    AchievementFact("非线性凝固提纯技术", "哈尔滨工业大学", "刘立新", "太阳能级硅材料", ("硅", "凝固提纯", "光伏"),
                    Maturity.INDUSTRIAL, TransferMode.EQUITY, "与催化冶金熔炼配套的硅材料提纯工艺。",
                    dt.date(2021, 3, 1), industry_code="3218", ip_kind="发明专利"),
    AchievementFact("深紫外LED芯片与核心器件技术", "中国科学院半导体研究所", "李晋闽", "半导体光电子", ("深紫外", "LED", "消毒", "芯片"),
                    Maturity.INDUSTRIAL, TransferMode.EQUITY, "深紫外LED芯片技术产业化与核心器件国产化，应用于消毒防疫。",
                    dt.date(2020, 1, 1), industry_code="3976"),
    AchievementFact("林下中药材生态种植技术", "云南农业大学", "朱有勇", "中药材种植", ("潞党参", "林下种植", "连作障碍", "生态种植"),
                    Maturity.MATURE, TransferMode.SERVICE, "不用农药解决连作障碍的林下中药材生态种植模式。",
                    dt.date(2020, 6, 1), industry_code="0179"),
    AchievementFact("环境污染预警溯源技术", "清华大学", None, "环境监测", ("污染溯源", "环境监测", "预警"),
                    Maturity.INDUSTRIAL, TransferMode.LICENCE, "环境污染溯源分析与预警，服务高耗能企业污染治理。",
                    dt.date(2021, 6, 1), industry_code="7461", ip_kind="发明专利"),
    AchievementFact("激光加工与特种加工技术", "清华大学", "韩福柱", "特种加工", ("激光加工", "特种加工", "样机"),
                    Maturity.PILOT, TransferMode.JOINT, "激光加工样机基本设计完成，填补特种加工领域部分技术空白。",
                    dt.date(2022, 3, 1)),
    AchievementFact("光伏玻璃透光率提升与镀膜涂层技术", WHUT, None, "光伏玻璃", ("光伏玻璃", "镀膜", "透光率", "节能熔化"),
                    Maturity.PILOT, TransferMode.JOINT, "工艺流程设计仿真、薄膜镀膜涂层、透光率提升与高效节能熔化。",
                    dt.date(2021, 9, 1), industry_code="3042"),
)

PLATFORMS = (
    PlatformFact(WHUT_INSTITUTE, PlatformKind.NEW_RD_INSTITUTE, WHUT, "市级", "材料科学与工程、固废资源化", "长治市",
                 host_name="武汉理工大学、长治市人民政府"),
    PlatformFact("中北大学-长治产业研究院", PlatformKind.NEW_RD_INSTITUTE, "中北大学", "市级", "机械工程、产业技术", "长治市",
                 note="建设中"),
    PlatformFact("环境污染预警溯源、损害司法鉴定重点实验室", PlatformKind.KEY_LAB, HJQZ, "市级", "环境监测、污染溯源", "长治市",
                 established_year=2022, host_name="山西华境清治环保科技有限公司、清华大学环境学院"),
    PlatformFact("环境治理设备生产及环境监测防治技术研发中心", PlatformKind.ENGINEERING_CENTRE, HJQZ, "市级", "环境治理设备",
                 "长治市", established_year=2022),
)

DEMANDS = (
    DemandFact("CZ-XQ-2022-001", "长治地区煤层气高效开发利用（揭榜挂帅）", DemandKind.TECHNOLOGY, LUAN, R, DemandState.CLAIMED,
               "申报山西省科技重大专项“揭榜挂帅”项目，实现煤层气高效开发和利用。", ("煤层气", "高效开发", "揭榜挂帅"),
               "山西省科技重大专项", lead_unit=SCIENCE, industry_code="0721", deadline=Rel(20),
               claims=(ClaimFact("中国石油大学（北京）", "煤层气储层改造与高效排采技术方案", person="石军太"),)),
    DemandFact("CZ-XQ-2021-002", "光伏玻璃透光率提升与节能熔化技术", DemandKind.TECHNOLOGY, RSD, R, DemandState.CONTRACTED,
               "光伏玻璃工艺流程设计仿真、薄膜镀膜、透光率提升和高效节能熔化关键技术研发。",
               ("光伏玻璃", "透光率", "镀膜", "节能"), "企业技术需求", lead_unit=SCIENCE, industry_code="3042",
               claims=(ClaimFact(WHUT, "光伏玻璃关键技术联合研发方案", outcome=ClaimState.SELECTED),)),
    DemandFact("CZ-XQ-2021-003", "潞党参连作障碍与林下种植", DemandKind.TECHNOLOGY, ZDDD, R, DemandState.CONTRACTED,
               "潞党参山多地少、连作障碍，产量和品质下降，需开发林下种植新模式。", ("潞党参", "连作障碍", "林下种植", "中药材"),
               "企业技术需求", industry_code="0179",
               claims=(ClaimFact("云南农业大学", "林下潞党参有机种植技术与“公司+合作社+农户”模式", person="朱有勇",
                                 outcome=ClaimState.SELECTED),)),
    DemandFact("CZ-XQ-2022-004", "污染溯源与环境监测技术", DemandKind.TECHNOLOGY, HJQZ, R, DemandState.CONTRACTED,
               "为钢、焦、煤、电企业提供污染溯源分析与智慧环保服务的技术支撑。", ("污染溯源", "环境监测", "智慧环保"),
               "企业技术需求", industry_code="7461",
               claims=(ClaimFact("清华大学", "环境污染预警溯源技术许可与联合研发", outcome=ClaimState.SELECTED),)),
    DemandFact("CZ-XQ-2022-005", "RGB全彩LED研发人才", DemandKind.TALENT, GKHY, R, DemandState.PUBLISHED,
               "光电、微电子、材料专业研发人员。", ("LED", "光电", "微电子"), "企业人才需求", lead_unit=SCIENCE,
               headcount=20, qualifications="硕士及以上", deadline=Rel(75)),
)

LIXIN_PROJECT = ProjectFact(
    "CZ-XM-2021-001", "山西立新物理冶金法年产1万吨再生硅材料项目", "黎城县", ProjectStage.STARTED,
    "政府与哈工大刘立新团队共建；县里的头号重点项目，列入2022年度省重点工程。",
    responsible_unit=LICHENG, partner="哈尔滨工业大学", enterprise=LIXIN, leader_person="刘立新", industry_code="3218",
    is_key_project=True,
    stage_dates=((ProjectStage.SIGNED, dt.date(2021, 5, 18)), (ProjectStage.STARTED, dt.date(2021, 10, 8))),
    milestones=(
        MilestoneFact("列入山西省重点工程", dt.date(2022, 3, 31), done=dt.date(2022, 3, 10)),
        MilestoneFact("主体厂房封顶", Rel(-40), original_due=Rel(-130), responsible=LICHENG),
        MilestoneFact("设备安装调试", Rel(60), responsible=LIXIN),
        MilestoneFact("试生产", Rel(150), target_stage=ProjectStage.LANDED, responsible=LIXIN),
    ),
    funds=(FundFact(D("50000000"), dt.date(2021, 10, 8), FundSource.SELF_RAISED, DEMO_FUNDS),
           FundFact(D("30000000"), Rel(-200), FundSource.BANK_LOAN, DEMO_FUNDS),
           FundFact(D("10000000"), Rel(-25), FundSource.FISCAL, DEMO_FUNDS)),
)

AGREEMENTS = (
    AgreementFact("CZ-XY-2021-001", "物理冶金法再生硅材料项目合作共建协议", AgreementKind.PROJECT_COOPERATION, "黎城县",
                  dt.date(2021, 5, 18), ((LICHENG, PartyRole.PARTY_A), ("哈尔滨工业大学", PartyRole.PARTY_B),
                                         (LIXIN, PartyRole.PARTY_C)), SOURCE + "；签约日期为演示估计",
                  projects=(LIXIN_PROJECT,)),
    AgreementFact("CZ-XY-2021-002", "光伏玻璃关键技术研发合作协议", AgreementKind.TECH_DEVELOPMENT, R, dt.date(2021, 10, 15),
                  ((RSD, PartyRole.PARTY_A), (WHUT, PartyRole.PARTY_B)), SOURCE, demand="CZ-XQ-2021-002",
                  projects=(ProjectFact(
                      "CZ-XM-2022-002", "山西日盛达2×1000TD光伏玻璃生产线及配套深加工项目", "上党区", ProjectStage.STARTED,
                      "二期光伏玻璃项目，2022年3月列入山西省重点工程；与武汉理工大学联合申报省重点科技计划项目。",
                      responsible_unit=SCIENCE, partner=WHUT, enterprise=RSD, industry_code="3042", is_key_project=True,
                      stage_dates=((ProjectStage.SIGNED, dt.date(2021, 10, 15)), (ProjectStage.STARTED, dt.date(2022, 3, 1))),
                      milestones=(
                          MilestoneFact("窑炉基坑开挖完成", dt.date(2022, 4, 30), done=dt.date(2022, 4, 15)),
                          MilestoneFact("窑炉砌筑与点火", Rel(-12), responsible=RSD),
                          MilestoneFact("联合申报省重点科技计划项目", Rel(30), responsible=SCIENCE),
                      ),
                      funds=(FundFact(D("120000000"), dt.date(2022, 3, 1), FundSource.SELF_RAISED, DEMO_FUNDS),
                             FundFact(D("80000000"), Rel(-90), FundSource.BANK_LOAN, DEMO_FUNDS)),
                  ),)),
    AgreementFact("CZ-XY-2021-003", "林下潞党参种植技术合作协议", AgreementKind.TECH_DEVELOPMENT, "平顺县", dt.date(2021, 10, 10),
                  ((ZDDD, PartyRole.PARTY_A), ("云南农业大学", PartyRole.PARTY_B)), SOURCE + "；签约日期为演示估计",
                  demand="CZ-XQ-2021-003",
                  projects=(ProjectFact(
                      "CZ-XM-2021-003", "平顺县林下潞党参有机种植示范项目", "平顺县", ProjectStage.LANDED,
                      "“公司+合作社+农户”模式，潞党参由“论斤卖”变为“论根卖”，亩效益由8000—10000元提高到5—10万元。",
                      partner="云南农业大学", enterprise=ZDDD, leader_person="朱有勇", industry_code="0179",
                      stage_dates=((ProjectStage.SIGNED, dt.date(2021, 10, 10)), (ProjectStage.STARTED, dt.date(2021, 11, 15)),
                                   (ProjectStage.LANDED, dt.date(2022, 4, 10))),
                      milestones=(MilestoneFact("示范地块选址考察", dt.date(2021, 11, 30), done=dt.date(2021, 11, 20)),
                                  MilestoneFact("林下种植技术线上培训", dt.date(2022, 4, 30), done=dt.date(2022, 4, 12)),
                                  MilestoneFact("首批林下潞党参采收测产", Rel(100), target_stage=ProjectStage.IN_PRODUCTION)),
                      funds=(FundFact(D("5000000"), dt.date(2021, 11, 15), FundSource.SELF_RAISED, DEMO_FUNDS),),
                  ),)),
    AgreementFact("CZ-XY-2022-004", "环境污染溯源技术合作协议", AgreementKind.TECH_LICENCE, R, dt.date(2022, 1, 20),
                  ((HJQZ, PartyRole.PARTY_A), ("清华大学", PartyRole.PARTY_B)), SOURCE + "；签约日期为演示估计",
                  demand="CZ-XQ-2022-004", note="清华大学与长治市开展的第11个合作项目",
                  projects=(ProjectFact(
                      "CZ-XM-2022-004", "环境治理设备生产及环境监测防治技术研发中心", R, ProjectStage.IN_PRODUCTION,
                      "利用溯源等专利技术建设研发中心和重点实验室，2022年4月19日正式运行。", partner="清华大学",
                      enterprise=HJQZ, industry_code="7461",
                      stage_dates=((ProjectStage.SIGNED, dt.date(2022, 1, 20)), (ProjectStage.STARTED, dt.date(2022, 2, 15)),
                                   (ProjectStage.LANDED, dt.date(2022, 4, 1)), (ProjectStage.IN_PRODUCTION, dt.date(2022, 4, 19))),
                      milestones=(MilestoneFact("正式运行", dt.date(2022, 4, 30), done=dt.date(2022, 4, 19)),
                                  MilestoneFact("重点实验室认定申报", Rel(-55), responsible=HJQZ)),
                      funds=(FundFact(D("20000000"), dt.date(2022, 2, 15), FundSource.SELF_RAISED, DEMO_FUNDS),
                             FundFact(D("6000000"), Rel(-10), FundSource.SELF_RAISED, DEMO_FUNDS)),
                  ),)),
)

PROJECTS = (
    ProjectFact("CZ-XM-2022-005", "山西卓越多固废协同制备低碳新材料产业化项目", R, ProjectStage.STARTED,
                "周明凯教授领衔，2022年度山西省重点工程项目。", responsible_unit=WHUT_INSTITUTE, partner=WHUT,
                leader_person="周明凯", industry_code="3011", is_key_project=True,
                stage_dates=((ProjectStage.SIGNED, dt.date(2021, 12, 1)), (ProjectStage.STARTED, dt.date(2022, 3, 15))),
                milestones=(MilestoneFact("列入山西省重点工程", dt.date(2022, 3, 31), done=dt.date(2022, 3, 10)),
                            MilestoneFact("生产线建成", Rel(-3), responsible=WHUT_INSTITUTE),
                            MilestoneFact("投产", Rel(120), target_stage=ProjectStage.IN_PRODUCTION)),
                funds=(FundFact(D("40000000"), dt.date(2022, 3, 15), FundSource.SELF_RAISED, DEMO_FUNDS),)),
    ProjectFact("CZ-XM-2020-006", "深紫外LED芯片产业化项目", "潞州区", ProjectStage.IN_PRODUCTION,
                "李晋闽团队在长治高新区创办中科潞安，实现深紫外LED芯片产业化；北京冬奥会供应智能消毒机器人3台、"
                "包裹消毒机8台、空气消毒机15台。", partner="中国科学院半导体研究所", enterprise=ZKLA,
                leader_person="李晋闽", leader_in_charge="杨勤荣", industry_code="3976",
                stage_dates=((ProjectStage.SIGNED, dt.date(2018, 6, 1)), (ProjectStage.STARTED, dt.date(2018, 10, 1)),
                             (ProjectStage.LANDED, dt.date(2019, 6, 1)), (ProjectStage.IN_PRODUCTION, dt.date(2020, 1, 1)))),
)

BASES = (
    BaseFact("清华大学潞城区科技成果转化基地", "tech_transfer", "潞城区", BaseState.OPERATING, partner="清华大学",
             lead_unit=SCIENCE, plaque_on=dt.date(2021, 11, 1), note="韩福柱教授团队在城南双创园区开展激光加工攻关",
             activities=((dt.date(2022, 4, 20), "技术攻关", 6, "激光加工样机设计"),)),
    BaseFact("华境清治环境监测防治技术研发基地", "research_extension", R, BaseState.OPERATING, host=HJQZ, partner="清华大学",
             plaque_on=dt.date(2022, 4, 19)),
    BaseFact("武汉理工大学长治科研平台延伸基地", "research_extension", R, BaseState.OPERATING, host=WHUT_INSTITUTE,
             partner=WHUT, lead_unit=SCIENCE, plaque_on=dt.date(2021, 6, 1),
             activities=((dt.date(2022, 4, 1), "实习实训", 12, "武汉理工大学学生在研究院实验操作"),)),
    BaseFact("平顺县林下潞党参种植现代农业基地", "agri_supply", "平顺县", BaseState.PLAQUED, host=ZDDD, partner="云南农业大学",
             plaque_on=dt.date(2022, 3, 1), ceremony="平顺县林下潞党参基地挂牌（日期为演示假定）",
             activities=((dt.date(2022, 4, 12), "培训", 40, "林下潞党参种植技术线上培训"),), batch_days=2),
)

BENEFITS = (
    BenefitFact(R, "CZ-LH", "落户安居", ApplicationKind.SETTLEMENT, "长治市公安局", "太行英才卡持卡人落户安居"),
    BenefitFact(R, "CZ-JY", "子女教育", ApplicationKind.SCHOOLING, "长治市教育局", "子女入学"),
    BenefitFact(R, "CZ-YL", "医疗保健", ApplicationKind.BENEFIT, "长治市卫生健康委员会", "就医绿色通道"),
    BenefitFact(R, "CZ-JR", "金融支持", ApplicationKind.BENEFIT, "长治市人才集团", "人才创业金融支持", min_tier="C"),
    BenefitFact(R, "CZ-JT", "交通出行", ApplicationKind.BENEFIT, "长治市交通运输局", "交通出行优惠"),
)

CARDS = (
    CardFact("CZ-TH-2022-0001", "周明凯", "B", R, dt.date(2022, 6, 1), employer=WHUT_INSTITUTE),
    CardFact("CZ-TH-2022-0002", "刘立新", "B", "黎城县", dt.date(2022, 6, 1), employer=LIXIN),
    CardFact("CZ-TH-2022-0003", "高鹏", "D", R, dt.date(2022, 6, 1),
             applications=((ApplicationKind.SETTLEMENT, "CZ-LH", ApplicationState.FULFILLED, "落户长治"),)),
)

EVENTS = (
    EventFact("cz-wuhan", "“人到山西好风光”人才引进暨合作推介活动（武汉）", EventKind.MATCHMAKING, R, dt.date(2021, 12, 15),
              "长治市组织企事业单位赴武汉开展人才引进与合作推介，拜会武汉理工大学、武汉大学等高校。",
              SOURCE + "；日期为演示估计（报道称去年12月）", organiser=GOV, venue="武汉市",
              participants=(ParticipantFact("拜会高校", org=WHUT), ParticipantFact("拜会高校", org="武汉大学"),
                            ParticipantFact("高校领导", person="信思金"), ParticipantFact("高校领导", person="屈文谦"))),
    EventFact("cz-dangshen", "林下潞党参种植技术线上培训", EventKind.TRAINING, "平顺县", dt.date(2022, 4, 12),
              "云南农业大学专家通过视频为赵店村村民讲解林下潞党参土地整理、翻耕、起垄、栽培技术。",
              SOURCE + "；日期为演示估计（报道称四月）", venue="平顺县西沟乡赵店村",
              participants=(ParticipantFact("授课专家", person="黄惠川"), ParticipantFact("村民", label="赵店村村民", count=40))),
    EventFact("cz-talent-group", "长治市人才集团和人才发展基金会成立", EventKind.OTHER, R, dt.date(2022, 3, 25),
              "构筑人才工作“四梁八柱”，推行“太行英才卡”。", SOURCE, organiser=GOV,
              participants=(ParticipantFact("成立单位", org="长治市人才集团"), ParticipantFact("成立单位", org="长治市人才发展基金会"))),
)

REPORT = ReportFact(
    "004_1b1a24af7ea58fae.txt", "f126b3f3af3302c8c3311e614b1b99bd58c16856166f1727bd9ffc771e993ee8", 34476,
    "长治让科技成果从“书架”走向“货架”", R, dt.date(2022, 4, 27), "山西日报", "李家鸣、崔笛洋",
    figures=(
        FigureFact("universities", D(106), "106所", "所", "与省内外106所高校达成合作", R),
        FigureFact("projects_signed", D(12), "12个", "个", "12个深化省校合作科研项目列入2022年度山西省重点工程", R,
                   period_text="2022年", period_from=dt.date(2022, 1, 1), period_to=dt.date(2022, 12, 31)),
        FigureFact("bases", D(12), "3+2+5+2个", "个", "清华大学在长治建成实习实训、就业创业、科研平台延伸和成果转化、智库基地共12个",
                   R),
    ),
)

PROGRAMME = RegionProgramme(
    region=R, organisations=ORGANISATIONS, people=PEOPLE, achievements=ACHIEVEMENTS, platforms=PLATFORMS,
    demands=DEMANDS, agreements=AGREEMENTS, projects=PROJECTS, bases=BASES, benefits=BENEFITS, cards=CARDS,
    events=EVENTS, report=REPORT,
)
