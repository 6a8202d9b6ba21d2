"""Demo stories of events, 挂职, contacts and notifications, written through the events and notifications services
(``build_demo`` calls ``load`` after the demo accounts exist, so their inboxes fill too).

河津's spring job fair with posts and people reaching intent (the seed: "岗位2135个…148人达成初步意向"), the
matchmaking meeting at which the 钢渣处理与综合利用 agreement was signed, a 科技博士服务团 with two 挂职 posts, a
few contacts (对接记录), and messages in the demo accounts' inboxes — a milestone due within 7 days among them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Membership, Role, User
from xiaodi.accounts.scope import Viewer
from xiaodi.directory.models import Organisation, Region
from xiaodi.events import service
from xiaodi.notifications.service import notify
from xiaodi.projects.models import Agreement
from xiaodi.projects.reminders import notify_due_milestones

DEMO = Viewer(user_id=None, name="系统:demo", roles=frozenset({Role.ADMIN}))


def _org(session: Session, name: str) -> int | None:
    return session.scalar(select(Organisation.id).where(Organisation.name == name, Organisation.retired_at.is_(None)))


def _organisation_of(session: Session, username: str) -> int | None:
    """The organisation a demo login acts for (its first live membership), if the login exists."""
    return session.scalar(select(Membership.organisation_id).join(User, User.id == Membership.user_id).where(
        User.username == username, Membership.organisation_id.is_not(None), Membership.retired_at.is_(None))
        .order_by(Membership.id).limit(1))


def load(session: Session, *, today: dt.date) -> dict[str, int]:
    """Write the stories; returns what was written, per kind. Skips quietly what the ledger lacks (a demo built
    without some programme)."""
    hejin = session.scalar(select(Region.id).where(Region.code == "140882"))
    if hejin is None:
        return {}
    jxust, hongda, sxu = _org(session, "江西理工大学"), _org(session, "宏达钢铁"), _org(session, "山西大学")
    hrss = _org(session, "河津市人力资源和社会保障局")
    written = {"events": 0, "secondments": 0, "contacts": 0, "notifications": 0}

    fair = service.create_event(
        session, DEMO, name="河津市2025年春季校地人才招聘会", kind="job_fair", state="held",
        starts_on=dt.date(2025, 3, 15), region_id=hejin, organiser_id=hrss, venue="河津市人才市场",
        agenda="09:00 开幕式\n09:30 企业现场招聘\n14:00 高校毕业生专场双选", source="演示数据")
    # Adding a firm or school to the list invites it: the events service tells its members (the demo enterprise's
    # login among them, "您单位受邀参加…"), and as a participant it may open the fair the message links to.
    participants = {jxust: "university", sxu: "university", hongda: "enterprise",
                    _organisation_of(session, "enterprise"): "enterprise"}
    for org, role in participants.items():
        if org is not None:
            service.add_participant(session, DEMO, fair.id, role=role, organisation_id=org)
    service.add_participant(session, DEMO, fair.id, role="group", label="应届高校毕业生", count=1200)
    service.record_outcome(session, DEMO, fair.id, metric="positions", value=2135, note="参会企业提供岗位")
    service.record_outcome(session, DEMO, fair.id, metric="intent_people", value=148, note="现场达成初步就业意向")
    written["events"] += 1

    meeting = service.create_event(
        session, DEMO, name="河津市钢铁企业与江西理工大学技术对接会", kind="matchmaking", state="held",
        starts_on=dt.date(2021, 11, 5), region_id=hejin, venue="河津市", source="演示数据",
        agenda="企业提出钢渣处理技术需求\n江西理工大学团队介绍方案\n签约仪式")
    if jxust is not None:
        service.add_participant(session, DEMO, meeting.id, role="university", organisation_id=jxust)
    if hongda is not None:
        service.add_participant(session, DEMO, meeting.id, role="enterprise", organisation_id=hongda)
    service.record_outcome(session, DEMO, meeting.id, metric="intents", value=3)
    signed = session.scalar(select(Agreement.id).where(Agreement.title == "钢渣处理与综合利用技术合作协议"))
    if signed is not None:
        service.link_agreement(session, DEMO, meeting.id, agreement_id=signed)
    written["events"] += 1

    team = service.create_event(
        session, DEMO, name="科技博士服务团河津分团", kind="secondment", state="held", starts_on=dt.date(2025, 4, 1),
        region_id=hejin, source="演示数据")
    for name, unit, post, home in (("刘博士", hongda, "科技副总", jxust),
                                   ("陈博士", None, "河津市工业和信息化局副局长", sxu or jxust)):
        service.add_secondment(session, DEMO, event_id=team.id, person_name=name, unit_id=unit,
                               unit_name=None if unit else "河津市工业和信息化局", post=post,
                               starts_on=dt.date(2025, 4, 1), ends_on=dt.date(2026, 3, 31), home_org_id=home)
        written["secondments"] += 1
    written["events"] += 1

    for day, channel, summary, follow in (
        (dt.date(2025, 3, 20), "visit", "回访招聘会参会企业宏达钢铁，了解毕业生到岗情况", "4月底前汇总到岗人数"),
        (dt.date(2025, 4, 8), "video", "与江西理工大学视频会商钢渣综合利用中试方案", "双方5月上旬现场踏勘"),
        (dt.date(2025, 5, 12), "call", "电话对接山西大学，推介河津铝镁新材料需求", "邀请专家团队来河津考察"),
    ):
        service.record_contact(session, DEMO, contacted_on=day, channel=channel, summary=summary, region_id=hejin,
                               from_org_id=hongda if channel == "visit" else None,
                               university_id=sxu if channel == "call" else jxust, follow_up=follow)
        written["contacts"] += 1

    users = dict(session.execute(select(User.username, User.id)).all())
    for username, title, link in (
        ("hejin", "请登记“河津市2025年春季校地人才招聘会”的活动成效", f"/events/{fair.id}"),
        ("hejin", "协议“钢渣处理与综合利用技术合作协议”已记为对接会签约", f"/events/{meeting.id}"),
        ("province", "河津市春季招聘会：提供岗位2135个，148人达成初步意向", f"/events/{fair.id}"),
        ("university", "科技博士服务团河津分团挂职安排已登记", f"/events/{team.id}"),
    ):
        if username in users:
            written["notifications"] += len(notify(session, kind="event", title=title, link=link,
                                                   user_ids=[users[username]]))
    written["notifications"] += notify_due_milestones(session, today=today)
    return written
