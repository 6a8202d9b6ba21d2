"""河津市 (运城): the "6+1" universities (江西理工大学 and six in 武汉), the enterprise demand list (企业需求清单),
steel-slag and carbon-microsphere cooperation, talent agreements, and the 2021 figures.

Source: seed report 000 (山西日报-style feature on 河津市省校合作). Dates of signings the report does not give are
estimates within 2021 and say so in the agreement's source.
"""

# ruff: noqa: E501 — a data module: one fact per entry reads better than entries wrapped at CJK display width

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xiaodi.bases.models import BaseState
from xiaodi.catalog.models import Maturity, TransferMode
from xiaodi.demands.models import ClaimState, DemandKind, DemandState
from xiaodi.demo.facts.common import WUHAN_SIX
from xiaodi.demo.schema import (
    AchievementFact,
    AgreementFact,
    ApartmentFact,
    BaseFact,
    CardFact,
    ClaimFact,
    DemandFact,
    EventFact,
    FigureFact,
    FundFact,
    MilestoneFact,
    OrderFact,
    OrgFact,
    OutcomeFact,
    ParticipantFact,
    PersonFact,
    ProjectFact,
    RegionProgramme,
    Rel,
    ReportFact,
    ServiceTeamFact,
    StationFact,
)
from xiaodi.directory.models import OrgKind, PersonKind
from xiaodi.events.models import EventKind
from xiaodi.orders.models import OrderState, ServiceKind
from xiaodi.projects.models import AgreementKind, FundSource, PartyRole, ProjectStage

R = "河津市"
GOV = "河津市人民政府"
ORG_DEPT = "中共河津市委组织部"
HRSS = "河津市人力资源和社会保障局"
MIIT = "河津市工业和信息化局"
JXUST = "江西理工大学"
SHORT = "报道所用简称，全称待核实"
ESTIMATE = "河津市省校合作报道；签约日期为演示估计"

ORGANISATIONS = (
    OrgFact(GOV, OrgKind.GOVERNMENT, R, description="河津市省校合作工作领导机构所在单位"),
    OrgFact(ORG_DEPT, OrgKind.GOVERNMENT, R, description="人才工作牵头部门"),
    OrgFact(HRSS, OrgKind.GOVERNMENT, R, aliases=("河津市人社局",), description="人才引进、技能人才输送牵头部门"),
    OrgFact(MIIT, OrgKind.GOVERNMENT, R, description="企业技术需求收集、企业对接牵头部门"),
    OrgFact("华鑫源钢铁", OrgKind.ENTERPRISE, R, industry_code="3120", tags=("规上企业",), note=SHORT,
            description="钢铁冶炼企业，与江西理工大学开展钢渣绿色处理新技术合作"),
    OrgFact("宏达钢铁", OrgKind.ENTERPRISE, R, industry_code="3120", tags=("规上企业",), note=SHORT,
            description="钢铁冶炼企业，与江西理工大学开展钢渣绿色处理新技术合作"),
    OrgFact("山西豪仑科化工有限公司", OrgKind.ENTERPRISE, R, aliases=("豪仑科化工",), industry_code="3091",
            description="炭材料企业，与江西理工大学合作开展炭微球（MCMB）性能评价研究"),
)

ACHIEVEMENTS = (
    AchievementFact("钢渣绿色处理新技术", JXUST, None, "冶金固废资源化", ("钢渣", "固废", "绿色处理", "资源化利用"),
                    Maturity.PILOT, TransferMode.JOINT, "钢渣绿色处理与资源化利用技术，面向钢铁企业的固废处置需求。",
                    dt.date(2021, 9, 1), industry_code="7723"),
    AchievementFact("中间相炭微球（MCMB）性能评价方法", JXUST, None, "炭材料", ("炭微球", "MCMB", "负极材料", "性能评价"),
                    Maturity.LAB, TransferMode.SERVICE, "中间相炭微球的结构与电化学性能评价方法。",
                    dt.date(2021, 9, 1), industry_code="3091"),
)

DEMANDS = (
    DemandFact("HJ-XQ-2021-001", "钢渣绿色处理新技术", DemandKind.TECHNOLOGY, "华鑫源钢铁", R, DemandState.CONTRACTED,
               "转炉钢渣堆存量大、利用率低，寻求钢渣绿色处理与高值化利用技术。", ("钢渣", "固废", "资源化"),
               "企业需求清单（面向“6+1”高校发榜）", lead_unit=MIIT, industry_code="3120",
               claims=(ClaimFact(JXUST, "钢渣稳定化处理与建材化利用的中试方案", outcome=ClaimState.SELECTED),)),
    DemandFact("HJ-XQ-2021-002", "钢渣处理与综合利用技术合作", DemandKind.TECHNOLOGY, "宏达钢铁", R,
               DemandState.CONTRACTED, "钢渣处理工艺升级，提高尾渣综合利用率。", ("钢渣", "综合利用"),
               "企业需求清单（面向“6+1”高校发榜）", lead_unit=MIIT, industry_code="3120",
               claims=(ClaimFact(JXUST, "钢渣绿色处理新技术工程化应用方案", outcome=ClaimState.SELECTED),)),
    DemandFact("HJ-XQ-2021-003", "炭微球（MCMB）性能评价研究", DemandKind.TECHNOLOGY, "山西豪仑科化工有限公司", R,
               DemandState.CONTRACTED, "中间相炭微球产品性能评价与工艺优化。", ("炭微球", "MCMB", "负极材料"),
               "企业需求清单（面向“6+1”高校发榜）", lead_unit=MIIT, industry_code="3091",
               claims=(ClaimFact(JXUST, "MCMB结构表征与电化学性能评价", outcome=ClaimState.SELECTED),)),
    DemandFact("HJ-XQ-2021-004", "冶金、材料类专业毕业生", DemandKind.TALENT, "宏达钢铁", R, DemandState.PUBLISHED,
               "冶金工程、材料科学与工程、有色金属冶金等专业本科及以上毕业生。", ("冶金工程", "材料", "有色金属"),
               "企业需求清单（人才需求）", lead_unit=HRSS, headcount=30, qualifications="本科及以上，冶金、材料类专业",
               deadline=Rel(60)),
    DemandFact("HJ-XQ-2021-005", "炭材料研发工程师", DemandKind.TALENT, "山西豪仑科化工有限公司", R,
               DemandState.REVIEWED, "负极材料、炭材料方向研发人员。", ("炭材料", "负极材料"), "企业需求清单（人才需求）",
               lead_unit=HRSS, headcount=5, qualifications="硕士及以上，材料、化工类专业"),
)

SLAG_TEAM = "江西理工大学钢渣处理技术团队"
AGREEMENTS = (
    AgreementFact("HJ-XY-2021-001", "钢渣绿色处理新技术合作协议", AgreementKind.TECH_DEVELOPMENT, R, dt.date(2021, 10, 20),
                  (("华鑫源钢铁", PartyRole.PARTY_A), (JXUST, PartyRole.PARTY_B)), ESTIMATE,
                  demand="HJ-XQ-2021-001",
                  projects=(ProjectFact(
                      "HJ-XM-2021-001", "华鑫源钢铁钢渣绿色处理新技术应用项目", R, ProjectStage.STARTED,
                      "与江西理工大学合作，建设钢渣绿色处理中试线。", responsible_unit=MIIT, partner=JXUST,
                      enterprise="华鑫源钢铁", industry_code="3120",
                      stage_dates=((ProjectStage.SIGNED, dt.date(2021, 10, 20)), (ProjectStage.STARTED, dt.date(2022, 3, 1))),
                      milestones=(
                          MilestoneFact("技术方案评审", dt.date(2021, 12, 31), done=dt.date(2021, 12, 20)),
                          MilestoneFact("钢渣处理中试线建成", Rel(-21), original_due=Rel(-111),
                                        target_stage=ProjectStage.LANDED, responsible=MIIT),
                          MilestoneFact("中试产品检测与验收", Rel(75)),
                      ),
                      funds=(FundFact(D("3000000"), Rel(-400), FundSource.SELF_RAISED, "中试线首期投入"),
                             FundFact(D("1500000"), Rel(-60), FundSource.SELF_RAISED, "设备采购")),
                  ),)),
    AgreementFact("HJ-XY-2021-002", "钢渣处理与综合利用技术合作协议", AgreementKind.TECH_DEVELOPMENT, R, dt.date(2021, 11, 5),
                  (("宏达钢铁", PartyRole.PARTY_A), (JXUST, PartyRole.PARTY_B)), ESTIMATE, demand="HJ-XQ-2021-002",
                  projects=(ProjectFact(
                      "HJ-XM-2021-002", "宏达钢铁钢渣综合利用技术合作项目", R, ProjectStage.SIGNED,
                      "钢渣处理工艺升级与尾渣综合利用。", responsible_unit=MIIT, partner=JXUST, enterprise="宏达钢铁",
                      industry_code="3120", stage_dates=((ProjectStage.SIGNED, dt.date(2021, 11, 5)),),
                      milestones=(MilestoneFact("完成工艺诊断与技术方案", Rel(-9), responsible=MIIT),
                                  MilestoneFact("开工建设", Rel(40), target_stage=ProjectStage.STARTED)),
                  ),)),
    AgreementFact("HJ-XY-2021-003", "炭微球MCMB性能评价研究合作协议", AgreementKind.TECH_DEVELOPMENT, R, dt.date(2021, 11, 18),
                  (("山西豪仑科化工有限公司", PartyRole.PARTY_A), (JXUST, PartyRole.PARTY_B)), ESTIMATE,
                  demand="HJ-XQ-2021-003",
                  projects=(ProjectFact(
                      "HJ-XM-2021-003", "炭微球（MCMB）性能评价研究", R, ProjectStage.LANDED,
                      "江西理工大学对企业炭微球产品开展结构表征与性能评价，指导工艺优化。", responsible_unit=MIIT,
                      partner=JXUST, enterprise="山西豪仑科化工有限公司", industry_code="3091",
                      stage_dates=((ProjectStage.SIGNED, dt.date(2021, 11, 18)), (ProjectStage.STARTED, dt.date(2022, 1, 10)),
                                   (ProjectStage.LANDED, dt.date(2022, 6, 30))),
                      milestones=(MilestoneFact("性能评价报告", dt.date(2022, 6, 30), done=dt.date(2022, 6, 28)),
                                  MilestoneFact("工艺优化中试", Rel(-4), responsible="山西豪仑科化工有限公司"),
                                  MilestoneFact("成果验收", Rel(120), target_stage=ProjectStage.ACCEPTED)),
                      funds=(FundFact(D("800000"), dt.date(2022, 1, 10), FundSource.SELF_RAISED, "研究经费"),),
                  ),)),
    AgreementFact("HJ-XY-2021-004", "共建河津市在赣人才工作站协议", AgreementKind.JOINT_PLATFORM, R, dt.date(2021, 9, 15),
                  ((ORG_DEPT, PartyRole.PARTY_A), (JXUST, PartyRole.PARTY_B)), ESTIMATE),
    AgreementFact("HJ-XY-2021-005", "技能人才输送合作协议（江西理工大学）", AgreementKind.TALENT_SUPPLY, R, dt.date(2021, 12, 8),
                  ((HRSS, PartyRole.PARTY_A), (JXUST, PartyRole.PARTY_B)), ESTIMATE),
    *(
        AgreementFact(f"HJ-XY-2021-{i:03d}", f"技能人才输送合作协议（{uni}）", AgreementKind.TALENT_SUPPLY, R,
                      dt.date(2021, 12, 10), ((HRSS, PartyRole.PARTY_A), (uni, PartyRole.PARTY_B)), ESTIMATE,
                      note="报道称与“6+1”高校签订多个技能人才输送协议，未列校名；武汉高校为演示假定")
        for i, uni in enumerate(WUHAN_SIX[:3], start=6)
    ),
)

EVENT_SOURCE = "河津市省校合作报道；日期为演示估计"
EVENTS = (
    EventFact("hj-youth-class", "河津市青年人才国情研修班", EventKind.TRAINING, R, dt.date(2021, 8, 16),
              "组织拔尖人才赴江西理工大学研修，高校教授针对河津产业特点授课。", EVENT_SOURCE,
              organiser=ORG_DEPT, venue="江西理工大学", ends_on=dt.date(2021, 8, 22),
              participants=(ParticipantFact("承办高校", org=JXUST), ParticipantFact("学员", label="河津市拔尖人才", count=40)),
              outcomes=(OutcomeFact("trainings", D(40), "人次", "40余名拔尖人才"),)),
    EventFact("hj-job-fair-jx", "江西理工大学高校毕业生有色金属专场招聘会", EventKind.JOB_FAIR, R, dt.date(2021, 10, 26),
              "河津市企业赴江西理工大学举办有色金属专场招聘会。", EVENT_SOURCE, organiser=HRSS,
              venue="江西理工大学", participants=(ParticipantFact("合作高校", org=JXUST),)),
    EventFact("hj-wuhan-fair", "2021年秋季在汉部属高校研究生、本科生双选会", EventKind.JOB_FAIR, R, dt.date(2021, 11, 12),
              "河津市企业赴武汉参加武汉10所部属高校毕业生双选会。", EVENT_SOURCE, organiser=HRSS, venue="武汉市",
              participants=tuple(ParticipantFact("参会高校", org=uni) for uni in WUHAN_SIX),
              outcomes=(OutcomeFact("intents", D(400), "人", "达成合作意向400余人"),)),
    EventFact("hj-visit-jx", "赴江西理工大学对接省校合作", EventKind.VISIT, R, dt.date(2021, 7, 20),
              "市委主要领导带队赴江西理工大学对接，商定合作意向；前后三次组团赴江西理工大学、两次赴武汉高校。",
              EVENT_SOURCE, organiser=GOV, venue="江西理工大学",
              participants=(ParticipantFact("对接高校", org=JXUST),),
              outcomes=(OutcomeFact("events", D(5), "次", "三次赴江西理工大学、两次赴武汉高校"),)),
)

STATIONS = (
    StationFact("河津市在赣人才工作站", "人才工作站", R, dt.date(2021, 9, 15), partner=JXUST, address="江西理工大学"),
    StationFact("河津籍在外人员赣州服务站", "人才驿站", R, dt.date(2021, 9, 15), partner=JXUST, address="江西省赣州市"),
)

APARTMENTS = (
    ApartmentFact("河津市人才公寓（电梯公寓）", R, 44, None, note="统筹协调电梯公寓44套；新建小区按5%配建人才公寓"),
)

BASES = (
    BaseFact("江西理工大学河津市钢渣资源化技术转移转化基地", "tech_transfer", R, BaseState.RECOGNISED, host="华鑫源钢铁",
             partner=JXUST, lead_unit=MIIT, plaque_on=dt.date(2021, 12, 1),
             note="依托钢渣绿色处理合作建设；报道未载认定日期，2021-12-01 为演示假定"),
)

SXU = "山西大学"  # the demo's university account acts for it (xiaodi.accounts.demo)
SXU_EXPERT = "山西大学服务团专家（演示）"
SXU_TEAM = "山西大学校地合作服务团（演示）"

PEOPLE = (
    PersonFact("高层次人才（演示）甲", PersonKind.TALENT, "华鑫源钢铁", region=R, title="工程师",
               note="演示人物：报道称为人才颁发“人才身份证”，未列姓名"),
    PersonFact(SXU_EXPERT, PersonKind.EXPERT, SXU, department="材料科学研究所", title="教授",
               interests="冶金固废资源化、材料表征", note="演示人物：演示专家账号所代表的专家，非报道人物"),
)

# The demo university's service team and an order waiting for it, so 派单 can be tried from the demo accounts
# (the enterprise account orders, the university account assigns, the expert account answers).
SERVICE_TEAMS = (
    ServiceTeamFact(SXU_TEAM, SXU, SXU_EXPERT, (SXU_EXPERT,), ("冶金固废", "材料检测", "技术咨询")),
)

ORDERS = (
    OrderFact("华鑫源钢铁", "钢渣微粉活性检测与配比咨询", ServiceKind.TESTING, SXU, OrderState.PLACED,
              "演示订单：企业向山西大学点单，等待学校派单给服务团。"),
)

CARDS = (
    CardFact("HJ-RC-2022-0001", "高层次人才（演示）甲", "C", R, dt.date(2022, 3, 1), employer="华鑫源钢铁"),
)

REPORT = ReportFact(
    "000_24698bec246fc3b5.txt", "7754aeddf525cc83c0a55a539137bd2c0a9806f282680d590d265f3543121884", 6546,
    "河津市深化省校合作工作报道", R, None, None, "邢智轩",
    figures=(
        FigureFact("universities", D(7), "“6+1”高校", "所", "河津市对口合作“6+1”高校（武汉6所和江西理工大学）", R),
        FigureFact("agreements", D(40), "近40个", "个", "60家单位、学校、企业与“6+1”高校签订合作协议近40个", R, approx=True),
        FigureFact("enterprises", D(60), "60家", "家", "与“6+1”高校签约的单位、学校、企业60家", R),
        FigureFact("agreements", D(94), "94个", "个", "2021年6月以来与全国高校签订各项协议94个", R,
                   period_text="2021年6月以来", period_from=dt.date(2021, 6, 1)),
        FigureFact("projects_landed", D(80), "80个", "个", "2021年6月以来落地项目80个", R,
                   period_text="2021年6月以来", period_from=dt.date(2021, 6, 1)),
        FigureFact("talent_demand", D(485), "485人", "人", "企业需求清单：人才需求485人", R),
        FigureFact("tech_demand", D(24), "24项", "项", "企业需求清单：技术需求24项", R),
        FigureFact("project_demand", D(21), "21个", "个", "企业需求清单：项目需求21个", R),
        FigureFact("positions", D(620), "620个", "个", "13个企业与“6+1”高校达成人才引进协议，可提供岗位620个", R),
        FigureFact("intents", D(400), "400余人", "人", "武汉双选会达成合作意向400余人", R, approx=True),
        FigureFact("trainings", D(40), "40余名", "人", "40余名拔尖人才参加江西理工大学青年人才国情研修班", R, approx=True),
        FigureFact("projects_signed", D(32), "32个", "个", "2021年共签约项目32个", R, period_text="2021年",
                   period_from=dt.date(2021, 1, 1), period_to=dt.date(2021, 12, 31)),
        FigureFact("amount_signed", D("23730000000"), "237.3亿元", "亿元", "2021年签约金额237.3亿元", R,
                   period_text="2021年", period_from=dt.date(2021, 1, 1), period_to=dt.date(2021, 12, 31)),
        FigureFact("funds_in_place", D("5250000000"), "52.5亿元", "亿元", "2021年到位资金52.5亿元", R,
                   period_text="2021年", period_from=dt.date(2021, 1, 1), period_to=dt.date(2021, 12, 31)),
    ),
)

PROGRAMME = RegionProgramme(
    region=R, organisations=ORGANISATIONS, people=PEOPLE, achievements=ACHIEVEMENTS, demands=DEMANDS, agreements=AGREEMENTS,
    events=EVENTS, stations=STATIONS, apartments=APARTMENTS, bases=BASES, cards=CARDS, report=REPORT,
    service_teams=SERVICE_TEAMS, orders=ORDERS,
)
