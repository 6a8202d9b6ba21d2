"""A tiny committed ledger for the matching tests (imported by test_service.py and test_match_cli.py; no tests
here). A Shanxi steel works asks about steel slag and a Jiangxi university holds the achievement, the pairing the
河津 reports describe. Built once per module in a SQLite file by the migrations, then copied per test so that
each test owns its database and the index directory beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from xiaodi.catalog.models import Achievement, OrganisationDiscipline, Platform, PlatformKind
from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade
from xiaodi.demands.models import Demand, DemandKind, DemandState, Visibility
from xiaodi.directory.models import Industry, Organisation, OrgKind, Person, PersonKind, Region, RegionLevel
from xiaodi.projects.models import Agreement, AgreementKind, AgreementParty, PartyRole

SLAG_DEMAND = "钢渣绿色处理新技术：转炉钢渣稳定化处理与建材化利用，降低固废堆存"


def build_ledger(path: Path) -> dict[str, int]:
    """Write the tiny ledger to the SQLite file ``path``; returns the ids tests refer to."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with Session(engine) as s:
        shanxi = Region(code="140000", name="山西省", level=RegionLevel.PROVINCE, full_name="山西省")
        s.add(shanxi)
        s.flush()
        yuncheng = Region(code="140800", name="运城市", level=RegionLevel.CITY, parent_id=shanxi.id,
                          full_name="山西省运城市")
        s.add(yuncheng)
        s.flush()
        hejin = Region(code="140882", name="河津市", level=RegionLevel.COUNTY, parent_id=yuncheng.id,
                       full_name="山西省运城市河津市")
        s.add_all([hejin, Industry(code="C31", name="黑色金属冶炼和压延加工业", level="大类")])

        def org(name: str, kind: OrgKind, province: str, **kw: object) -> Organisation:
            o = Organisation(name=name, kind=kind, province=province, tags=kw.pop("tags", []), **kw)
            s.add(o)
            return o

        jxust = org("江西理工大学", OrgKind.UNIVERSITY, "江西省", level="本科", tags=["本科"])
        whut = org("武汉理工大学", OrgKind.UNIVERSITY, "湖北省", level="本科", tags=["本科", "双一流"])
        cup = org("中国石油大学(北京)", OrgKind.UNIVERSITY, "北京市", level="本科", tags=["双一流"])
        tyut = org("太原理工大学", OrgKind.UNIVERSITY, "山西省", level="本科", tags=["双一流"])
        semi = org("中国科学院半导体研究所", OrgKind.INSTITUTE, "北京市")
        steel = org("山西华鑫源钢铁集团有限公司", OrgKind.ENTERPRISE, "山西省", industry_code="C31",
                    tags=["规上企业"])
        glass = org("山西日盛达太阳能股份有限公司", OrgKind.ENTERPRISE, "山西省", tags=["高新技术企业"])
        s.flush()
        steel.region_id = hejin.id
        s.add_all([
            OrganisationDiscipline(organisation_id=whut.id, discipline_name="材料科学与工程",
                                   relation="double_first_class"),
            OrganisationDiscipline(organisation_id=cup.id, discipline_name="石油与天然气工程",
                                   relation="double_first_class"),
            OrganisationDiscipline(organisation_id=tyut.id, discipline_name="化学工程与技术",
                                   relation="double_first_class"),
            Platform(name="硅酸盐建筑材料国家重点实验室", kind=PlatformKind.STATE_KEY_LAB, level="国家级",
                     host_id=whut.id, host_name="武汉理工大学", field="材料 建筑材料 玻璃"),
            Platform(name="煤层气资源与成藏过程重点实验室", kind=PlatformKind.KEY_LAB, level="省级",
                     host_id=cup.id, host_name="中国石油大学(北京)", field="煤层气 开发"),
        ])
        slag = Achievement(title="钢渣绿色处理与资源化利用技术", owner_id=jxust.id,
                           keywords=["钢渣", "冶金固废", "资源化利用"], field="冶金 固废利用",
                           summary="转炉钢渣稳定化处理后制备建筑材料和路基材料。")
        mcmb = Achievement(title="炭微球（MCMB）制备与性能评价", owner_id=jxust.id, keywords=["炭微球", "负极材料"],
                           field="新能源材料", summary="中间相炭微球的制备及锂电负极性能评价。")
        glass_ach = Achievement(title="超薄光伏玻璃高效节能熔化技术", owner_id=whut.id,
                                keywords=["光伏玻璃", "镀膜", "透光率"], field="玻璃 新能源")
        s.add_all([slag, mcmb, glass_ach])
        s.flush()
        expert = Person(kind=PersonKind.EXPERT, name="李冶", organisation_id=jxust.id, title="教授",
                        disciplines=["冶金工程"], research_interests="冶金渣综合利用、钢渣处理")
        demand = Demand(code="XQ-T-0001", title="钢渣绿色处理新技术", kind=DemandKind.TECHNOLOGY, owner_id=steel.id,
                        region_id=hejin.id, description=SLAG_DEMAND, keywords=["钢渣", "固废"],
                        state=DemandState.PUBLISHED, visibility=Visibility.PUBLIC,
                        published_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
        talent = Demand(code="XQ-R-0001", title="招聘光伏玻璃镀膜工艺工程师", kind=DemandKind.TALENT,
                        owner_id=glass.id, description="光伏玻璃镀膜、透光率提升方向，材料类硕士",
                        state=DemandState.PUBLISHED, visibility=Visibility.PUBLIC)
        s.add_all([expert, demand, talent])
        s.flush()
        agreement = Agreement(code="XY-0001", title="钢渣处理技术合作协议", kind=AgreementKind.TECH_DEVELOPMENT)
        s.add(agreement)
        s.flush()
        s.add_all([
            AgreementParty(agreement_id=agreement.id, organisation_id=steel.id, name=steel.name,
                           role=PartyRole.PARTY_A),
            AgreementParty(agreement_id=agreement.id, organisation_id=jxust.id, name=jxust.name,
                           role=PartyRole.PARTY_B),
        ])
        s.commit()
        ids = {"jxust": jxust.id, "whut": whut.id, "cup": cup.id, "semi": semi.id, "steel": steel.id,
               "glass": glass.id, "slag": slag.id, "mcmb": mcmb.id, "glass_ach": glass_ach.id,
               "expert": expert.id, "demand": demand.id, "talent": talent.id, "tyut": tyut.id}
    engine.dispose()
    return ids
