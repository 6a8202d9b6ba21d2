"""Talent models: tiers (人才层次), cards (人才卡), benefits (待遇), one-stop applications, apartments, subsidies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow
from xiaodi.directory.models import Organisation, Person


class TalentTier(IdMixin, Base):
    """A talent tier (人才层次, A/B/C/D类). Rows, not an enum: each region publishes its own criteria."""

    __tablename__ = "talent_tier"

    code: Mapped[str] = mapped_column(String(8), unique=True)  # A, B, C, D
    name: Mapped[str] = mapped_column(String(60))  # 顶尖人才, 领军人才, 拔尖人才, 优秀人才
    criteria: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[int] = mapped_column(default=0)  # 1 is the highest; benefits require rank <= theirs


class CardState(StrEnum):
    ACTIVE = "active"  # 有效
    SUSPENDED = "suspended"  # 暂停
    EXPIRED = "expired"  # 已过期


class TalentCard(RecordMixin, VersionedMixin, Base):
    """A talent card (人才卡) issued by a region to a person; it opens the one-stop services (一站式服务)."""

    __tablename__ = "talent_card"
    __table_args__ = (CheckConstraint("expires_on IS NULL OR expires_on >= issued_on", name="dates"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    card_no: Mapped[str] = mapped_column(String(40), unique=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("talent_tier.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)  # issuing region
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    issued_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None] = mapped_column(index=True)
    state: Mapped[CardState] = mapped_column(String(12), default=CardState.ACTIVE, index=True)

    person: Mapped[Person] = relationship(lazy="joined")
    tier: Mapped[TalentTier] = relationship(lazy="joined")
    applications: Mapped[list[ServiceApplication]] = relationship(back_populates="card", lazy="raise_on_sql")


class ApplicationKind(StrEnum):
    BENEFIT = "benefit"  # 待遇兑现
    APARTMENT = "apartment"  # 人才公寓
    SUBSIDY = "subsidy"  # 生活/安家补贴
    SETTLEMENT = "settlement"  # 落户
    SCHOOLING = "schooling"  # 子女入学
    SPOUSE_JOB = "spouse_job"  # 配偶就业


class Benefit(RecordMixin, Base):
    """A benefit (人才待遇) a region offers card holders of a given tier, and the unit that provides it."""

    __tablename__ = "benefit"
    __table_args__ = (UniqueConstraint("region_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ApplicationKind] = mapped_column(String(16), default=ApplicationKind.BENEFIT)
    min_tier_id: Mapped[int | None] = mapped_column(ForeignKey("talent_tier.id"), index=True)  # None: all tiers
    description: Mapped[str | None] = mapped_column(Text)
    provider_unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    provider_name: Mapped[str | None] = mapped_column(String(200))  # 人社局, 教育局, 住建局 …
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    amount: Mapped[Decimal | None]  # standard amount (元) when the benefit is money

    min_tier: Mapped[TalentTier | None] = relationship(lazy="joined")
    provider_unit: Mapped[Organisation | None] = relationship(lazy="raise_on_sql")


class ApplicationState(StrEnum):
    SUBMITTED = "submitted"  # 已提交
    ACCEPTED = "accepted"  # 已受理
    APPROVED = "approved"  # 已批准
    REJECTED = "rejected"  # 未批准 (reason required)
    FULFILLED = "fulfilled"  # 已兑现


class ServiceApplication(RecordMixin, VersionedMixin, Base):
    """A one-stop application (一站式申请) by a card holder: a benefit, an apartment, a subsidy, 落户, 入学 …"""

    __tablename__ = "service_application"
    __table_args__ = (Index("ix_service_application_state_kind", "state", "kind"),)

    card_id: Mapped[int] = mapped_column(ForeignKey("talent_card.id"), index=True)
    kind: Mapped[ApplicationKind] = mapped_column(String(16))
    benefit_id: Mapped[int | None] = mapped_column(ForeignKey("benefit.id"), index=True)
    state: Mapped[ApplicationState] = mapped_column(String(12), default=ApplicationState.SUBMITTED)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # kind-specific form fields
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(2000))
    amount: Mapped[Decimal | None]  # approved amount (元) for subsidies

    card: Mapped[TalentCard] = relationship(back_populates="applications", lazy="joined")
    benefit: Mapped[Benefit | None] = relationship(lazy="joined")


class Apartment(RecordMixin, Base):
    """A talent apartment building (人才公寓)."""

    __tablename__ = "apartment"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    units: Mapped[int] = mapped_column(default=0)  # 套数


class ApartmentAllocation(IdMixin, TimestampMixin, Base):
    """A unit of an apartment allocated to an approved application (入住). Overlaps are refused by the service."""

    __tablename__ = "apartment_allocation"
    __table_args__ = (
        Index("ix_apartment_allocation_unit", "apartment_id", "unit_no"),
        CheckConstraint("to_on IS NULL OR to_on >= from_on", name="dates"),
    )

    apartment_id: Mapped[int] = mapped_column(ForeignKey("apartment.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("service_application.id"), index=True)
    unit_no: Mapped[str] = mapped_column(String(20))
    from_on: Mapped[dt.date]
    to_on: Mapped[dt.date | None]  # planned end
    vacated_on: Mapped[dt.date | None]  # actual move-out

    apartment: Mapped[Apartment] = relationship(lazy="joined")


class Subsidy(IdMixin, TimestampMixin, Base):
    """A subsidy payment (补贴发放) on an approved application, once per period."""

    __tablename__ = "subsidy"
    __table_args__ = (UniqueConstraint("application_id", "period"),)

    application_id: Mapped[int] = mapped_column(ForeignKey("service_application.id"), index=True)
    amount: Mapped[Decimal]
    paid_on: Mapped[dt.date] = mapped_column(index=True)
    period: Mapped[str] = mapped_column(String(20))  # "2024", "2024-03", "2024H1"
    paid_by: Mapped[str | None] = mapped_column(String(200))


class TalentStation(RecordMixin, Base):
    """A talent station (人才驿站/人才工作站) a region sets up with a host unit and a partner university."""

    __tablename__ = "talent_station"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="人才驿站")  # 人才驿站 / 人才工作站 / 专家工作站
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    host_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    set_up_on: Mapped[dt.date | None]
    address: Mapped[str | None] = mapped_column(String(300))

    host: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[host_org_id])
    partner: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[partner_org_id])
