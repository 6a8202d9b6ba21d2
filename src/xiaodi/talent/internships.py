"""Internships and practice (实习实训): posts offered by host units and bases, students placed from universities
with their days, subsidy (实习补贴), accommodation (拎包入住) and insurance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases.models import ProgrammeBase
from xiaodi.core.errors import Conflict, ValidationFailed
from xiaodi.core.records import create, get_live
from xiaodi.directory.models import Organisation, OrgKind
from xiaodi.events.models import Internship, InternshipState
from xiaodi.talent import access
from xiaodi.talent.models import InternshipPost


def internship_problems(*, starts_on: dt.date | None, ends_on: dt.date | None, days: int | None = None,
                        subsidy_amount: Decimal | None = None) -> list[tuple[str, str]]:
    """The rules of one internship's dates, days and subsidy, as (field, reason): an end not before the start, at
    least one day, no negative subsidy. Placing a student (``place_student``) and the 实习实训信息表 import
    (``tables.talent_tables``) apply them alike; empty when the internship keeps them."""
    problems: list[tuple[str, str]] = []
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        problems.append(("ends_on", "结束日期不能早于开始日期"))
    if days is not None and days < 1:
        problems.append(("days", "实习天数应至少为 1 天"))
    if subsidy_amount is not None and subsidy_amount < 0:
        problems.append(("subsidy_amount", "实习补贴不能为负数"))
    return problems


def check_internship(*, starts_on: dt.date | None, ends_on: dt.date | None, days: int | None = None,
                     subsidy_amount: Decimal | None = None) -> None:
    """``internship_problems`` as the pages and the API see it: the first problem, as ``ValidationFailed``."""
    problems = internship_problems(starts_on=starts_on, ends_on=ends_on, days=days, subsidy_amount=subsidy_amount)
    if problems:
        raise ValidationFailed(problems[0][1])


def offer_post(
    session: Session, viewer: Viewer, *, title: str, host_org_id: int, places: int, starts_on: dt.date,
    ends_on: dt.date, base_id: int | None = None, daily_subsidy: Decimal | None = None,
    accommodation: bool = False, insurance: bool = False, region_id: int | None = None,
) -> InternshipPost:
    """Offer an internship post (发布实习岗位) at a host unit, optionally at one of its bases."""
    host = get_live(session, Organisation, host_org_id, "接收单位")
    if base_id is not None:
        base = get_live(session, ProgrammeBase, base_id, "基地")
        region_id = region_id or base.region_id
    region_id = region_id or host.region_id
    access.require(access.can_offer_post(viewer, host.id, region_id), "为该单位发布实习岗位")
    if not title.strip():
        raise ValidationFailed("岗位名称不能为空")
    if not 1 <= places <= 10_000:
        raise ValidationFailed("岗位人数应为1–10000")
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期")
    if daily_subsidy is not None and daily_subsidy < 0:
        raise ValidationFailed("实习补贴不能为负数")
    post = InternshipPost(title=title.strip(), host_org_id=host.id, base_id=base_id, region_id=region_id,
                          places=places, starts_on=starts_on, ends_on=ends_on, daily_subsidy=daily_subsidy,
                          accommodation=accommodation, insurance=insurance)
    return create(session, post, actor=viewer.actor, label=f"实习岗位“{title}”")


def place_student(
    session: Session, viewer: Viewer, *, post_id: int, student_name: str, university_id: int,
    starts_on: dt.date | None = None, ends_on: dt.date | None = None, major: str | None = None,
) -> Internship:
    """Place a student from a university on a post (安排实习): the days, the subsidy they earn at the post's daily
    rate, and the post's accommodation and insurance. A full post is refused."""
    post = get_live(session, InternshipPost, post_id, "实习岗位")
    university = get_live(session, Organisation, university_id, "高校")
    access.require(access.can_place(viewer, post.host_org_id, university.id, post.region_id), "安排该岗位的实习")
    if university.kind not in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE):
        raise ValidationFailed(f"“{university.name}”不是高校或院所")
    if not student_name.strip():
        raise ValidationFailed("学生姓名不能为空")
    start, end = starts_on or post.starts_on, ends_on or post.ends_on
    if start is None or end is None or end < start:
        raise ValidationFailed("请填写实习起止日期（结束不早于开始）")
    # the 实习实训信息表's key (学生姓名+高校+开始日期): a second placement of the same student counted them twice
    # and made the table's own export refuse to import again
    same = session.scalar(select(Internship.id).where(
        Internship.student_name == student_name.strip(), Internship.university_id == university.id,
        Internship.starts_on == start, Internship.state != InternshipState.CANCELLED))
    if same is not None:
        raise Conflict(f"“{student_name.strip()}”（{university.name}）已安排 {start} 开始的实习（编号 {same}），"
                       "不能重复安排")
    taken = session.scalar(select(func.count()).select_from(Internship).where(
        Internship.post_id == post.id, Internship.state != InternshipState.CANCELLED)) or 0
    if taken >= post.places:
        raise Conflict(f"岗位“{post.title}”的 {post.places} 个名额已满")
    days = (end - start).days + 1
    subsidy = (post.daily_subsidy or Decimal(0)) * days if post.daily_subsidy is not None else None
    check_internship(starts_on=start, ends_on=end, days=days, subsidy_amount=subsidy)
    internship = Internship(post_id=post.id, base_id=post.base_id, host_org_id=post.host_org_id,
                            university_id=university.id, region_id=post.region_id, student_name=student_name.strip(),
                            major=(major or "").strip() or None, position=post.title, starts_on=start, ends_on=end,
                            days=days, subsidy_amount=subsidy, accommodation=post.accommodation,
                            insured=post.insurance, state=InternshipState.PLANNED)
    return create(session, internship, actor=viewer.actor, label=f"实习“{student_name}”")
