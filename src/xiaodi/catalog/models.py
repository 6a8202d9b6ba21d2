"""Catalog models: disciplines (学科), Double First-Class pairs, achievements (科技成果), platforms (科研平台)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.models import Base, IdMixin, RecordMixin, VersionedMixin
from xiaodi.directory.models import Organisation, Person


class Discipline(IdMixin, Base):
    """A discipline (学科): the 2022 graduate catalogue (门类/一级学科/专业学位) or an NSFC code (基金委学科代码)."""

    __tablename__ = "discipline"
    __table_args__ = (UniqueConstraint("scheme", "code"),)

    scheme: Mapped[str] = mapped_column(String(12))  # moe2022 | nsfc
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120), index=True)
    level: Mapped[str] = mapped_column(String(16))  # 门类, 一级学科, 专业学位类别, 二级/三级 (nsfc)
    parent_code: Mapped[str | None] = mapped_column(String(16))


# OrganisationDiscipline.relation: how the organisation is known to work in the discipline.
DOUBLE_FIRST_CLASS = "double_first_class"  # 双一流建设学科
CURATED_FIELD = "curated"  # an institute's main disciplines (xiaodi-curated)
EVALUATION = "evaluation"  # 第四轮学科评估 grade (A+ … C-), in ``grade``
NAME_IMPLIED = "name_implied"  # 办学方向 its name or a former name states (冶金 → 冶金工程); not a claim of strength


class OrganisationDiscipline(IdMixin, Base):
    """A discipline an organisation is strong in: Double First-Class (双一流建设学科), evaluation grade, or declared."""

    __tablename__ = "organisation_discipline"
    __table_args__ = (
        UniqueConstraint("organisation_id", "discipline_name", "relation", name="uq_org_discipline_relation"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    discipline_id: Mapped[int | None] = mapped_column(ForeignKey("discipline.id"), index=True)
    discipline_name: Mapped[str] = mapped_column(String(120))
    relation: Mapped[str] = mapped_column(String(24))  # the constants above | evaluation | declared
    grade: Mapped[str | None] = mapped_column(String(8))  # A+, A, B+ … when from an evaluation
    source: Mapped[str | None] = mapped_column(String(120))


class Maturity(StrEnum):
    """Technology maturity (成熟度) of an achievement."""

    RESEARCH = "研发阶段"
    LAB = "小试"
    PILOT = "中试"
    INDUSTRIAL = "产业化"
    MATURE = "成熟应用"


class TransferMode(StrEnum):
    """How an achievement may pass to an enterprise (转化方式)."""

    TRANSFER = "转让"
    LICENCE = "许可"
    EQUITY = "作价入股"
    JOINT = "合作开发"
    SERVICE = "技术服务"
    OTHER = "其他"


class Achievement(RecordMixin, VersionedMixin, Base):
    """A new technology achievement (新科技成果) published by a university or institute for transfer."""

    __tablename__ = "achievement"
    __table_args__ = (
        UniqueConstraint("owner_id", "title"),
        Index("ix_achievement_discipline", "discipline_code"),
        Index("ix_achievement_live", "retired_at", "maturity", "transfer_mode"),  # list counts without the rows
        Index("ix_achievement_price", "price"),  # the list sorted by price walks it instead of reading every row
    )

    title: Mapped[str] = mapped_column(String(300), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(500))
    discipline_code: Mapped[str | None] = mapped_column(String(16))
    industry_code: Mapped[str | None] = mapped_column(String(8), index=True)
    field: Mapped[str | None] = mapped_column(String(200))  # 应用领域
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    maturity: Mapped[Maturity | None] = mapped_column(String(16))
    ip_kind: Mapped[str | None] = mapped_column(String(60))  # 发明专利、实用新型、软件著作权 …
    ip_numbers: Mapped[str | None] = mapped_column(String(500))
    transfer_mode: Mapped[TransferMode | None] = mapped_column(String(16))
    price: Mapped[Decimal | None]  # 参考价格 (元)
    published_on: Mapped[dt.date | None]

    owner: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[owner_id])
    leader: Mapped[Person | None] = relationship(lazy="joined", foreign_keys=[leader_id])


class PlatformKind(StrEnum):
    """Kinds of research platform (科研平台)."""

    STATE_KEY_LAB = "全国重点实验室"
    KEY_LAB = "重点实验室"
    ENGINEERING_CENTRE = "工程研究中心"
    TECH_CENTRE = "技术创新中心"
    NEW_RD_INSTITUTE = "新型研发机构"
    WORKSTATION = "工作站"
    OTHER = "其他"


class Platform(RecordMixin, VersionedMixin, Base):
    """A research platform or key lab (科研平台/重点实验室) hosted by a university, institute or enterprise."""

    __tablename__ = "platform"
    __table_args__ = (UniqueConstraint("name"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PlatformKind] = mapped_column(String(24))
    level: Mapped[str | None] = mapped_column(String(16))  # 国家级/省级/市级
    host_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    host_name: Mapped[str | None] = mapped_column(String(300))  # as published, incl. co-hosts
    discipline_code: Mapped[str | None] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(300))  # 学科领域/研究方向
    directions: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    established_year: Mapped[int | None]
    city: Mapped[str | None] = mapped_column(String(60))
    source: Mapped[str | None] = mapped_column(String(200))
    equipment: Mapped[list[str]] = mapped_column(JSON, default=list)

    host: Mapped[Organisation | None] = relationship(lazy="joined")
