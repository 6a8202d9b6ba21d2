"""The demo's 专项考核 (演示): 运城市's office assesses every county of 运城市 for 2021 — the year of the demo
counties' reports — on the ledger's agreements, landed projects, bases and universities and on one item proven
by evidence; the ranking is published, 芮城县 appealed its publicity score and the office upheld it. The appeal
window is still open on the demo's day, so 河津市's demo account can appeal too.

Written through the service with the offices' own viewers, so the demo follows the same rules and audit trail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.assessment import service
from xiaodi.assessment.ledger import region_subtree_ids
from xiaodi.assessment.models import IndicatorSet, Subject
from xiaodi.directory.models import Region

NAME = "运城市省校合作专项考核"
YEAR = 2021
INDICATORS = (
    service.IndicatorInput("XY", "签约协议", 30, 10, metric="agreements", unit="项", cap="1.2"),
    service.IndicatorInput("LD", "项目落地", 20, 3, metric="projects_landed", unit="个"),
    service.IndicatorInput("JD", "基地挂牌", 20, 3, metric="bases", unit="个"),
    service.IndicatorInput("GX", "合作高校", 10, 10, metric="universities", unit="所"),
    service.IndicatorInput("XC", "宣传与活动", 20, 10, unit="次", description="对接活动与宣传报道次数，凭清单认定"),
)


def _office(session: Session, region: Region, role: Role, name: str) -> Viewer:
    return Viewer(user_id=None, name=name, roles=frozenset({role}),
                  region_ids=frozenset(region_subtree_ids(session, region.id)),
                  office_region_ids=frozenset({region.id}))


def _region(session: Session, code: str) -> Region | None:
    return session.scalar(select(Region).where(Region.code == code))


def load(session: Session, *, today: dt.date) -> IndicatorSet | None:
    """Define, score and publish the 2021 assessment of 运城市's counties, with evidence and an answered appeal."""
    city, hejin, ruicheng = _region(session, "140800"), _region(session, "140882"), _region(session, "140830")
    if city is None or hejin is None or ruicheng is None:
        return None  # a ledger without the reference regions: nothing to assess
    office = _office(session, city, Role.CITY_OFFICE, "运城市校地合作办（演示）")
    indicator_set = service.define_set(
        session, office, name=NAME, year=YEAR, region_id=city.id, subject=Subject.REGION, indicators=INDICATORS,
        description="围绕项目签订、项目落地、基地建设、高校合作等核心指标对各县（市、区）量化考评，比学赶超（演示指标与权重）")
    period = service.add_period(session, office, set_id=indicator_set.id, name=f"{YEAR}年度",
                                starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    publicity = next(i for i in indicator_set.indicators if i.code == "XC")
    for region, value, proof in (
            (hejin, 8, "河津市与高校对接活动、媒体报道清单（8次），附报道链接"),
            (ruicheng, 6, "芮城县县校合作活动与宣传报道清单（6次）")):
        viewer = _office(session, region, Role.COUNTY_OFFICE, f"{region.name}校地合作办（演示）")
        item = service.submit_evidence(session, viewer, period_id=period.id, indicator_id=publicity.id,
                                       region_id=region.id, value=value, evidence=proof)
        service.check_evidence(session, office, evidence_id=item.id, accept=True, note="材料齐全，予以认定")
    service.score_period(session, office, period_id=period.id)
    service.publish(session, office, period_id=period.id, today=today, appeal_deadline=today + dt.timedelta(days=7))
    appeal = service.file_appeal(
        session, _office(session, ruicheng, Role.COUNTY_OFFICE, "芮城县校地合作办（演示）"), period_id=period.id,
        indicator_id=publicity.id, today=today,
        reason="县校合作活动另有4次（含中北大学专家芮城行），补充清单已报送，请予核增")
    service.answer_appeal(session, office, appeal_id=appeal.id, uphold=True, corrected_value=10,
                          answer="经核对补充清单，予以采纳，宣传与活动核定为10次")
    return indicator_set
