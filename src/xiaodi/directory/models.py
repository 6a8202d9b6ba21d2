"""Directory models: regions (行政区划), organisations (单位) with aliases, people (专家/联系人), industries."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.contact import checked_phones
from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, VersionedMixin


class RegionLevel(Labelled):
    """省级 / 地级 / 县级 — the three levels a cooperation office works at (and a 调度会 is held at)."""

    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Region(IdMixin, Base):
    """An administrative division (行政区划) with its 6-digit code (GB/T 2260)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    level: Mapped[RegionLevel] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200), index=True)  # 山西省运城市河津市
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    parent: Mapped[Region | None] = relationship(remote_side="Region.id", lazy="raise_on_sql")


class Industry(IdMixin, Base):
    """An industry of the national classification GB/T 4754-2017 (国民经济行业分类)."""

    __tablename__ = "industry"

    code: Mapped[str] = mapped_column(String(8), unique=True)  # A, 01, 011, 0111
    name: Mapped[str] = mapped_column(String(120), index=True)
    level: Mapped[str] = mapped_column(String(8))  # 门类/大类/中类/小类
    parent_code: Mapped[str | None] = mapped_column(String(8), index=True)


class OrgKind(Labelled):
    """The kinds of organisation the programme brings together."""

    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    ENTERPRISE = "enterprise", "企业"
    GOVERNMENT = "government", "政府部门"  # 含牵头单位
    OTHER = "other", "其他单位"  # 协会、医院、学校等


class Organisation(RecordMixin, VersionedMixin, Base):
    """An organisation (单位): university, institute, enterprise or government unit.

    ``code`` is the MOE school code (学校标识码) for universities or the unified social credit code
    (统一社会信用代码) for enterprises. ``merged_into_id`` points at the surviving record after a merge.
    """

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("kind", "name"), Index("ix_organisation_region_kind", "region_id", "kind"))

    kind: Mapped[OrgKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), index=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    level: Mapped[str | None] = mapped_column(String(40))  # 本科/专科/成人高校; 国家级/省级; 规上企业
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    province: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(60))
    authority: Mapped[str | None] = mapped_column(String(120))  # 主管部门
    industry_code: Mapped[str | None] = mapped_column(String(8), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # 专精特新, 高新技术企业, 双一流, 985 …
    website: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)

    aliases: Mapped[list[OrganisationAlias]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin"
    )
    region: Mapped[Region | None] = relationship(lazy="joined")


class OrganisationAlias(IdMixin, Base):
    """Another name of an organisation: 简称 (short name), 曾用名 (former name), English name."""

    __tablename__ = "organisation_alias"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="简称")

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class PersonKind(StrEnum):
    EXPERT = "expert"  # 专家教授
    CONTACT = "contact"  # 联络人
    TALENT = "talent"  # 引进人才
    OFFICIAL = "official"  # 包联领导/工作人员


class Person(RecordMixin, VersionedMixin, Base):
    """A person (人员): an expert or professor (专家教授), a liaison (联络人), a talent or an official.

    Phones, e-mail and ID numbers are personal data: pages and exports mask them unless the role needs them.
    """

    __tablename__ = "person"
    __table_args__ = (Index("ix_person_name_org", "name", "organisation_id"),)

    kind: Mapped[PersonKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    department: Mapped[str | None] = mapped_column(String(120))  # 院系/部门
    title: Mapped[str | None] = mapped_column(String(60))  # 职称: 教授、研究员、高级工程师
    position: Mapped[str | None] = mapped_column(String(120))  # 职务
    honours: Mapped[list[str]] = mapped_column(JSON, default=list)  # 院士、长江学者、博士生导师 …
    disciplines: Mapped[list[str]] = mapped_column(JSON, default=list)  # discipline names or codes
    research_interests: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    id_number: Mapped[str | None] = mapped_column(String(18))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


checked_phones(Organisation.contact_phone, Person.phone)  # 联系电话: one rule for every interface (core.contact)
