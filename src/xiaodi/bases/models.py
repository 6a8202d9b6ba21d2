"""Base models: the 12 base types (12大基地), bases (基地) and their activity, 1+1+N pairings (结对)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin
from xiaodi.directory.models import Organisation, Region


class BaseType(IdMixin, Base):
    """A type of base (基地类型) of the 12大基地 programme. Rows, not an enum: offices adjust the list."""

    __tablename__ = "base_type"

    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str | None] = mapped_column(String(1000))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True, server_default="1")


# The 12 types of the Shanxi 省校合作 programme, as (code, name, description) for seeding a new ledger.
DEFAULT_BASE_TYPES: tuple[tuple[str, str, str], ...] = (
    ("internship", "实习实训基地", "大学生实习实训、暑期社会实践"),
    ("employment", "就业创业基地", "毕业生就业见习、创新创业孵化"),
    ("research_extension", "科研平台延伸基地", "高校科研平台向地方延伸，共建研发中心、中试平台"),
    ("tech_transfer", "技术转移转化基地", "科技成果转移转化、技术交易"),
    ("think_tank", "智库基地", "高端智库、决策咨询与规划编制"),
    ("cadre_training", "干部培训基地", "党政干部、企业经营管理人员培训"),
    ("talent", "人才引育基地", "人才引进、培育与柔性使用"),
    ("study_tour", "继续教育与研学基地", "继续教育、研学旅行"),
    ("culture_tourism", "文化旅游与康养基地", "文旅融合、康养产业合作"),
    ("agriculture", "现代农业基地", "现代农业技术示范与推广"),
    ("health", "医疗卫生合作基地", "医疗卫生、医联体合作"),
    ("alumni", "校友经济与招商基地", "校友资源对接、招商引资"),
)


class BaseState(Labelled):
    PLANNED = "planned", "规划中"
    BUILT = "built", "已建成"
    PLAQUED = "plaqued", "已挂牌"
    ACTIVE = "active", "运行中"
    RETIRED = "retired", "已撤销"


class ProgrammeBase(RecordMixin, VersionedMixin, Base):
    """A base (基地) built by a university with a host unit in a region, e.g. a 实习实训基地 plaqued (挂牌) at a firm.

    Named ProgrammeBase because ``Base`` is the declarative base.
    """

    __tablename__ = "programme_base"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    base_type_id: Mapped[int] = mapped_column(ForeignKey("base_type.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    host_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # where it sits
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 高校
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 牵头单位
    plaque_on: Mapped[dt.date | None]  # 挂牌日期
    state: Mapped[BaseState] = mapped_column(String(12), default=BaseState.PLANNED, index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int | None]  # people per year it can take (实习/培训人次)

    base_type: Mapped[BaseType] = relationship(lazy="joined")
    host: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[host_org_id])
    partner: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[partner_org_id])
    lead_unit: Mapped[Organisation | None] = relationship(lazy="raise_on_sql", foreign_keys=[lead_unit_id])
    region: Mapped[Region | None] = relationship(lazy="raise_on_sql")
    activities: Mapped[list[BaseActivity]] = relationship(
        back_populates="base", lazy="raise_on_sql", order_by="BaseActivity.held_on"
    )


class Pairing(IdMixin, TimestampMixin, Base):
    """A 1+1+N pairing (结对): one university, one lead unit (牵头单位), one region, and the N bases they build."""

    __tablename__ = "pairing"
    __table_args__ = (UniqueConstraint("university_id", "lead_unit_id", "region_id"),)

    university_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    started_on: Mapped[dt.date | None]
    ended_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(2000))

    university: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[university_id])
    lead_unit: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[lead_unit_id])
    region: Mapped[Region] = relationship(lazy="joined")
    bases: Mapped[list[ProgrammeBase]] = relationship(secondary="pairing_base", lazy="raise_on_sql")


class PairingBase(IdMixin, Base):
    """A base counted under a pairing (the N of 1+1+N)."""

    __tablename__ = "pairing_base"
    __table_args__ = (UniqueConstraint("pairing_id", "base_id"),)

    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("programme_base.id"), index=True)


class BaseActivity(IdMixin, TimestampMixin, Base):
    """Something that happened at a base (基地活动): an internship batch, a training, a study tour …"""

    __tablename__ = "base_activity"

    base_id: Mapped[int] = mapped_column(ForeignKey("programme_base.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40))  # 实习实训, 培训, 研学, 技术服务, 挂牌仪式 …
    participants: Mapped[int | None]  # 人次
    summary: Mapped[str | None] = mapped_column(Text)

    base: Mapped[ProgrammeBase] = relationship(back_populates="activities")
