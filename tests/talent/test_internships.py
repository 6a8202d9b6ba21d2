"""Internships (实习实训): a host unit offers posts at its base, universities place students, the subsidy and days
follow from the post; the figures count students and days by region and by base."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.core.errors import Conflict, Forbidden
from xiaodi.directory.models import Organisation
from xiaodi.talent import figures
from xiaodi.talent.internships import offer_post, place_student

from .conftest import TalentWorld


def test_posts_placements_and_figures(session: Session, tw: TalentWorld) -> None:
    uni = session.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
    post = offer_post(session, tw.employer_staff, title="材料检测实习", host_org_id=tw.employer.id, places=2,
                      starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 30), daily_subsidy=Decimal("100"),
                      accommodation=True, insurance=True)
    with pytest.raises(Forbidden):
        offer_post(session, tw.taiyuan_office, title="越权", host_org_id=tw.employer.id, places=1,
                   starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 2))
    one = place_student(session, tw.office, post_id=post.id, student_name="学生甲", university_id=uni.id)
    assert (one.days, one.subsidy_amount, one.accommodation, one.insured) == (30, Decimal("3000.00"), True, True)
    with pytest.raises(Conflict, match="不能重复安排"):  # the same student placed twice was counted twice
        place_student(session, tw.office, post_id=post.id, student_name="学生甲", university_id=uni.id)
    place_student(session, tw.office, post_id=post.id, student_name="学生乙", university_id=uni.id,
                  starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10))
    with pytest.raises(Conflict, match="名额已满"):
        place_student(session, tw.office, post_id=post.id, student_name="学生丙", university_id=uni.id)

    total = figures.talent_figures(session, regions=[tw.hejin.id])
    assert (total.interns, total.intern_days) == (2, 40)
    assert total.talents == 1 and total.card_holders == 0
    by_region = figures.internships_by_region(session, regions=[tw.hejin.id])
    assert [(r.students, r.days) for r in by_region] == [(2, 40)]
    assert [(r.label, r.students) for r in figures.internships_by_base(session, regions=[tw.hejin.id])] == [
        ("基地外", 2)]
    assert figures.talent_figures(session, regions=[tw.taiyuan.id]).interns == 0
