"""A county's report states talents brought in, interns, events, posts and contacts (引进人才、接收实习实训大学生、
举办活动、提供岗位、培训人次、对接次数): the reconciliation puts each beside what the talent and events areas hold
for the same region and period, and lists the card holders, which only the ledger counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor
from xiaodi.directory.models import Organisation
from xiaodi.events import service as events
from xiaodi.ingest.service import accept_report, reconcile, store_report
from xiaodi.talent import service
from xiaodi.talent.internships import offer_post, place_student

from .conftest import TalentWorld

REPORT = ("2026年河津市校地合作成效：全年引进人才3人，接收实习实训大学生2名，举办招才引智活动1场次，"
          "提供岗位120个，开展对接5次，60家企业参加。").encode()


def test_talent_and_event_figures_are_reconciled_with_the_ledger(session: Session, tw: TalentWorld,
                                                                 official: Actor) -> None:
    card = service.apply_for_card(session, tw.talent_viewer, talent_id=tw.talent.id, card_name="河东英才卡")
    service.issue_card(session, tw.office, card_id=card.id, issued_on=dt.date(2026, 4, 1))
    uni = session.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
    post = offer_post(session, tw.office, title="质检实习", host_org_id=tw.employer.id, places=2,
                      starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10))
    for name in ("学生甲", "学生乙"):
        place_student(session, tw.office, post_id=post.id, student_name=name, university_id=uni.id)
    fair = events.create_event(session, tw.office, name="河津市夏季招聘会", kind="job_fair", state="held",
                               starts_on=dt.date(2026, 6, 15), region_id=tw.hejin.id)
    events.record_outcome(session, tw.office, fair.id, metric="positions", value=120)
    events.record_outcome(session, tw.office, fair.id, metric="trainings", value=40)
    events.record_contact(session, tw.office, contacted_on=dt.date(2026, 6, 20), channel="visit",
                          summary="走访山西大学", region_id=tw.hejin.id, university_id=uni.id)
    report = store_report(session, actor=official, raw=REPORT, filename="河津2026.txt", region_name="河津市")
    accept_report(session, actor=official, report_id=report.id)

    rows = {r.ledger_metric: r for r in reconcile(session, region_id=tw.hejin.id)}

    assert (rows["talents"].reported, rows["talents"].ledger, rows["talents"].label) == (3, 1, "引进人才")
    assert rows["talents"].flagged
    assert (rows["students"].reported, rows["students"].ledger) == (2, 2) and not rows["students"].flagged
    assert (rows["events"].reported, rows["events"].ledger) == (1, 1)
    assert (rows["positions"].reported, rows["positions"].ledger) == (120, 120)
    assert (rows["contacts"].reported, rows["contacts"].ledger) == (5, 1)
    # 培训人次 recorded as an event's outcome is the ledger's (it showed "—" beside a report's 40)
    assert (rows["trainings"].ledger, rows["trainings"].label) == (40, "培训人次")
    # 参与企业 is a figure the ledger does not count: said so, not flagged as a difference
    assert rows["enterprises"].uncounted and not rows["enterprises"].flagged
    holders = rows["card_holders"]  # no report states it: the ledger's figure is listed for the chosen period
    assert (holders.reported, holders.ledger, holders.label) == (None, 1, "持卡人才")
    assert not {"talents", "card_holders"} & {r.ledger_metric for r in reconcile(session, region_id=tw.taiyuan.id)}
