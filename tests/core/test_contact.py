"""A phone field takes phone numbers: "abc" as a company's 联系电话 is refused in Chinese by every interface, and
what people really write (area codes, extensions, two numbers) is kept as typed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor
from xiaodi.core.contact import checked_phone, is_phone
from xiaodi.core.errors import ValidationFailed
from xiaodi.directory.models import Organisation, OrgKind, PersonKind
from xiaodi.directory.service import create_organisation, create_person, update_organisation


@pytest.mark.parametrize("text", ["13912345678", "0351-7010000", "(0351)7010000", "（0351）7010000",
                                  "0351-7010000转8001", "0351-7010000 ext. 8001", "+86 139 1234 5678",
                                  "0351-7010000、13912345678", "４００－８８８－８８８８"])
def test_what_offices_write_is_a_phone_and_is_kept_as_typed(text: str) -> None:
    assert is_phone(text)
    assert checked_phone(f"  {text} ") == text


@pytest.mark.parametrize("text", ["abc", "123", "电话13912345678", "0351-701000a", "待定", "1" * 41,
                                  "1391234567", "139123456789", "0351-7010000、1391234567"])
def test_anything_else_is_refused_with_what_to_write(text: str) -> None:
    said = f"联系电话“{text[:40]}”格式不对：联系电话应为手机（11位）或固定电话号码"
    with pytest.raises(ValidationFailed, match=said):
        checked_phone(text)


def test_a_blank_phone_is_no_phone() -> None:
    assert checked_phone("  ") is None and checked_phone(None) is None


def test_an_organisation_with_a_bad_phone_is_not_registered(session: Session, official: Actor) -> None:
    with pytest.raises(ValidationFailed, match="联系电话“abc”格式不对"):
        create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="电话测试有限公司",
                            contact_phone="abc")
    assert session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.name == "电话测试有限公司")) == 0


def test_editing_a_phone_and_registering_a_person_follow_the_same_rule(session: Session, official: Actor) -> None:
    org = create_organisation(session, actor=official, kind=OrgKind.ENTERPRISE, name="电话测试二有限公司",
                              contact_phone="0359-2020000")
    with pytest.raises(ValidationFailed, match="格式不对"):
        update_organisation(session, actor=official, organisation_id=org.id, contact_phone="见官网")
    with pytest.raises(ValidationFailed, match="联系电话“一三九”格式不对"):
        create_person(session, actor=official, kind=PersonKind.EXPERT, name="电话测试人", organisation_id=org.id,
                      phone="一三九")
