"""Directory pages (名录): organisations (高校、院所、企业、政府部门) and experts (专家教授) — list specs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.catalog.models import EVALUATION, OrganisationDiscipline
from xiaodi.directory.access import sees_person_data
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind
from xiaodi.web.listing import Column, Filter, ResourceSpec

GRADE_ORDER = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-")

KIND_CHOICES = list(OrgKind.labels().items())


def organisation_extras(session: Session, viewer: Viewer, org: Organisation) -> dict[str, Any]:
    """A university's or institute's 学科评估 grades and the strengths matching reads (with their bases)."""
    if org.kind not in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE):
        return {}
    from xiaodi.matching.profiles import Lookups
    from xiaodi.matching.strength import institution_strengths

    grades = session.scalars(select(OrganisationDiscipline).where(
        OrganisationDiscipline.organisation_id == org.id, OrganisationDiscipline.relation == EVALUATION)).all()
    evaluation = sorted(grades, key=lambda g: (GRADE_ORDER.index(g.grade) if g.grade in GRADE_ORDER else 99,
                                               g.discipline_name))
    found = institution_strengths(session, Lookups(session).router, {org.name: org.id}, {org.id}).get(org.id)
    return {"evaluation": evaluation, "strengths": found.as_meta() if found else []}


def specs() -> list[ResourceSpec]:
    org_labels = OrgKind.labels()
    organisations = ResourceSpec(
        name="organisations", label="单位名录", noun="单位", model=Organisation, area="directory",
        columns=[
            Column("name", "单位名称", sort=Organisation.name, link=True),
            Column("kind", "类别", labels=org_labels, sort=Organisation.kind),
            Column("level", "层次"),
            Column("region.full_name", "所在地"),
            Column("contact_name", "联系人"),
            Column("contact_phone", "联系电话", kind="personal:phone"),
        ],
        detail=[
            Column("name", "单位名称"), Column("kind", "类别", labels=org_labels), Column("code", "代码"),
            Column("level", "层次"), Column("region.full_name", "所在地"), Column("authority", "主管部门"),
            Column("industry_code", "行业代码"), Column("tags", "标签"), Column("website", "网址"),
            Column("address", "地址"), Column("contact_name", "联系人"),
            Column("contact_phone", "联系电话", kind="personal:phone"),
            Column("contact_email", "电子邮箱", kind="personal:email"), Column("description", "简介"),
        ],
        search=[Organisation.name, Organisation.code, Organisation.city],
        filters=[Filter("kind", "类别", Organisation.kind, KIND_CHOICES)],
        default_sort="name",
        personal_owner=lambda o: (o.id,),
        table="organisations",
        extras=organisation_extras,
        detail_partial="organisation_detail.html",
    )
    experts = ResourceSpec(
        name="experts", label="专家教授", noun="专家", model=Person, area="directory",
        columns=[
            Column("name", "姓名", sort=Person.name, link=True),
            Column("organisation.name", "单位"),
            Column("department", "院系"),
            Column("title", "职称", sort=Person.title),
            Column("research_interests", "研究方向"),
            Column("phone", "电话", kind="personal:phone"),
            Column("email", "电子邮箱", kind="personal:email"),
        ],
        detail=[
            Column("name", "姓名"), Column("organisation.name", "单位"), Column("department", "院系/部门"),
            Column("title", "职称"), Column("position", "职务"), Column("honours", "荣誉称号"),
            Column("disciplines", "学科"), Column("research_interests", "研究方向"),
            Column("phone", "电话", kind="personal:phone"), Column("email", "电子邮箱", kind="personal:email"),
            Column("id_number", "身份证号", kind="personal:id_number"),
        ],
        search=[Person.name, Person.research_interests, Person.department],
        filters=[],
        default_sort="name",
        where=lambda: Person.kind == PersonKind.EXPERT,
        personal_owner=lambda p: (p.organisation_id,),
        personal_rule=sees_person_data,
        table="experts",
    )
    return [organisations, experts]


__all__ = ["KIND_CHOICES", "OrgKind", "specs"]
