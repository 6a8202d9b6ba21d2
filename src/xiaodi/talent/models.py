"""Talent models: tiers (人才层次), cards (人才卡), benefits (待遇), one-stop applications, apartments, subsidies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow
from xiaodi.directory.models import Organisation, Person


class TalentTier(IdMixin, Base):
    """A talent tier (人才层次, A/B/C/D类). Rows, not an enum: each region publishes its own criteria."""

    __tablename__ = "talent_tier"

    code: Mapped[str] = mapped_column(String(8), unique=True)  # A, B, C, D
    name: Mapped[str] = mapped_column(String(60))  # 顶尖人才, 领军人才, 拔尖人才, 优秀人才
    criteria: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[int] = mapped_column(default=0)  # 1 is the highest; benefits require rank <= theirs


class TalentMode(Labelled):
    """How a talent was brought in (引进方式)."""

    FULL_TIME = "full_time", "全职引进"
    FLEXIBLE = "flexible", "柔性引进"


class Talent(RecordMixin, VersionedMixin, Base):
    """The register of talents brought in or served (引进人才登记): who, which level, employer, region, from which
    university, when and how. The person's ID number and phone stay on ``person`` (personal data, masked)."""

    __tablename__ = "talent"

    code: Mapped[str] = mapped_column(String(40), unique=True)  # 登记编号: RC140882-000001
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("talent_tier.id"), index=True)  # 人才层次
    category: Mapped[str | None] = mapped_column(String(60))  # 人才类别: 高层次人才, 青年博士, 技能人才 …
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 用人单位
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    university_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 来源高校
    introduced_on: Mapped[dt.date | None] = mapped_column(index=True)  # 引进日期
    mode: Mapped[TalentMode] = mapped_column(String(12), default=TalentMode.FULL_TIME)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)  # 证明材料: 学位证书, 劳动合同 …

    person: Mapped[Person] = relationship(lazy="joined")
    tier: Mapped[TalentTier | None] = relationship(lazy="joined")
    employer: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[employer_id])
    university: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[university_id])


class CardState(Labelled):
    """A talent card's state: applied → active (issued) → renewed (still active) or revoked; or refused."""

    APPLIED = "applied", "待审核"
    ACTIVE = "active", "有效"
    REFUSED = "refused", "未通过"
    SUSPENDED = "suspended", "暂停"
    REVOKED = "revoked", "已撤销"
    EXPIRED = "expired", "已过期"


class TalentCard(RecordMixin, VersionedMixin, Base):
    """A talent card (人才卡) issued by a region to a person; it opens the one-stop services (一站式服务)."""

    __tablename__ = "talent_card"
    __table_args__ = (CheckConstraint("expires_on IS NULL OR expires_on >= issued_on", name="dates"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    card_no: Mapped[str | None] = mapped_column(String(40), unique=True)  # given when issued
    tier_id: Mapped[int] = mapped_column(ForeignKey("talent_tier.id"), index=True)  # applied for, then issued
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)  # issuing region
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    issued_on: Mapped[dt.date | None]
    expires_on: Mapped[dt.date | None] = mapped_column(index=True)
    state: Mapped[CardState] = mapped_column(String(12), default=CardState.ACTIVE, index=True)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talent.id"), index=True)
    card_name: Mapped[str | None] = mapped_column(String(60))  # 太行英才卡, 河东英才卡 …
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)  # 申请材料
    applied_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(2000))  # why refused or revoked

    person: Mapped[Person] = relationship(lazy="joined")
    tier: Mapped[TalentTier] = relationship(lazy="joined")
    applications: Mapped[list[ServiceApplication]] = relationship(back_populates="card", lazy="raise_on_sql")


class ApplicationKind(Labelled):
    BENEFIT = "benefit", "待遇兑现"
    APARTMENT = "apartment", "人才公寓"
    SUBSIDY = "subsidy", "补贴"
    SETTLEMENT = "settlement", "落户"
    SCHOOLING = "schooling", "子女入学"
    SPOUSE_JOB = "spouse_job", "配偶就业"
    MEDICAL = "medical", "医疗保健"
    ONE_STOP = "one_stop", "一件事"


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
    time_limit_days: Mapped[int] = mapped_column(default=15, server_default="15")  # 办理时限（天）

    min_tier: Mapped[TalentTier | None] = relationship(lazy="joined")
    provider_unit: Mapped[Organisation | None] = relationship(lazy="raise_on_sql")


class ApplicationState(Labelled):
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "办理中"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    FULFILLED = "fulfilled", "已办结"


class ServiceApplication(RecordMixin, VersionedMixin, Base):
    """A one-stop application (一站式申请) by a card holder: a benefit, an apartment, a subsidy, 落户, 入学 …"""

    __tablename__ = "service_application"
    __table_args__ = (Index("ix_service_application_state_kind", "state", "kind"),
                      Index("ix_service_application_scope", "region_id", "retired_at", "state"),
                      Index("ix_service_application_card_state", "card_id", "state"),
                      # a department's applications (ids from its steps) tested for live and region in the index
                      Index("ix_service_application_live", "id", "retired_at", "region_id"))

    card_id: Mapped[int] = mapped_column(ForeignKey("talent_card.id"), index=True)
    # the card's issuing region, copied when the application is made: the offices' lists read it by index
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
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
    steps: Mapped[list[ApplicationStep]] = relationship(
        back_populates="application", lazy="selectin", order_by="ApplicationStep.id")


class StepState(Labelled):
    PENDING = "pending", "待办理"
    APPROVED = "approved", "已办结"
    REJECTED = "rejected", "不予办理"


class ApplicationStep(IdMixin, TimestampMixin, Base):
    """One department's part of a one-stop application (一件事 分办): the benefit it grants, its time limit and
    its answer. The talent sees every step; the department answers its own."""

    __tablename__ = "application_step"
    __table_args__ = (Index("ix_application_step_dept_state", "department_id", "state", "due_on"),
                      Index("ix_application_step_dept_application", "department_id", "application_id"))

    application_id: Mapped[int] = mapped_column(ForeignKey("service_application.id"), index=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefit.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    state: Mapped[StepState] = mapped_column(String(12), default=StepState.PENDING)
    due_on: Mapped[dt.date]
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answer: Mapped[str | None] = mapped_column(String(2000))

    application: Mapped[ServiceApplication] = relationship(back_populates="steps")
    benefit: Mapped[Benefit] = relationship(lazy="joined")
    department: Mapped[Organisation] = relationship(lazy="joined")


class Apartment(RecordMixin, Base):
    """A talent apartment building (人才公寓)."""

    __tablename__ = "apartment"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    units: Mapped[int] = mapped_column(default=0)  # 套数


class ApartmentUnit(IdMixin, Base):
    """One unit (套) of a talent apartment."""

    __tablename__ = "apartment_unit"
    __table_args__ = (UniqueConstraint("apartment_id", "unit_no"),)

    apartment_id: Mapped[int] = mapped_column(ForeignKey("apartment.id"), index=True)
    unit_no: Mapped[str] = mapped_column(String(20))  # 3-1203
    layout: Mapped[str | None] = mapped_column(String(40))  # 两室一厅
    area_m2: Mapped[Decimal | None]

    apartment: Mapped[Apartment] = relationship(lazy="joined")


class StayState(Labelled):
    """Where a stay stands on a day (入住状态), computed from its dates: not stored."""

    COMING = "coming", "待入住"
    STAYING = "staying", "入住中"
    ENDED = "ended", "已到期"
    VACATED = "vacated", "已退房"


class ApartmentAllocation(IdMixin, TimestampMixin, Base):
    """A unit of an apartment allocated to a talent (入住) from a date, planned to a date, vacated on check-out.

    Two allocations of one unit never overlap: the service refuses it on every database, and on PostgreSQL an
    exclusion constraint (``ex_apartment_allocation_no_overlap``, btree_gist over a daterange) makes it impossible
    even for two writers at once."""

    __tablename__ = "apartment_allocation"
    __table_args__ = (
        Index("ix_apartment_allocation_unit", "apartment_id", "unit_no"),
        CheckConstraint("to_on IS NULL OR to_on >= from_on", name="dates"),
    )

    apartment_id: Mapped[int] = mapped_column(ForeignKey("apartment.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("service_application.id"), index=True)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talent.id"), index=True)
    unit_no: Mapped[str] = mapped_column(String(20))
    from_on: Mapped[dt.date]
    to_on: Mapped[dt.date | None]  # planned end
    vacated_on: Mapped[dt.date | None]  # actual move-out

    apartment: Mapped[Apartment] = relationship(lazy="joined")
    talent: Mapped[Talent | None] = relationship(lazy="joined")

    def state_on(self, day: dt.date) -> StayState:
        if self.vacated_on is not None:
            return StayState.VACATED
        if self.from_on > day:
            return StayState.COMING
        if self.to_on is not None and self.to_on < day:
            return StayState.ENDED
        return StayState.STAYING


class SubsidyKind(Labelled):
    LIVING = "living", "生活补贴"
    EMPLOYMENT = "employment", "就业奖励"
    SOCIAL_SECURITY = "social_security", "社保补贴"
    INTERNSHIP = "internship", "实习补贴"


class SubsidyGrant(RecordMixin, Base):
    """A subsidy decided for a talent (补贴认定) by a rule: the amount of each instalment and how many."""

    __tablename__ = "subsidy_grant"

    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    kind: Mapped[SubsidyKind] = mapped_column(String(16), index=True)
    rule: Mapped[str] = mapped_column(String(40))  # the rule's code (talent.rules.SUBSIDY_RULES)
    instalment_amount: Mapped[Decimal]
    instalments: Mapped[int]
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    decided_on: Mapped[dt.date]
    decided_by: Mapped[str | None] = mapped_column(String(200))

    talent: Mapped[Talent] = relationship(lazy="joined")
    payments: Mapped[list[Subsidy]] = relationship(lazy="selectin", order_by="Subsidy.period")

    @property
    def total(self) -> Decimal:
        return (Decimal(self.instalment_amount) * self.instalments).quantize(Decimal("0.01"))


class Subsidy(IdMixin, TimestampMixin, Base):
    """A subsidy payment (补贴发放): one instalment of a grant (or of an approved application), once per period."""

    __tablename__ = "subsidy"
    __table_args__ = (UniqueConstraint("application_id", "period"), UniqueConstraint("grant_id", "period"))

    application_id: Mapped[int | None] = mapped_column(ForeignKey("service_application.id"), index=True)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_grant.id"), index=True)
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


class InternshipPost(RecordMixin, Base):
    """A post for student interns (实习岗位) offered by a host unit, often at a base (实习实训基地): how many places,
    when, the daily subsidy (实习补贴), and whether it comes with a furnished room (拎包入住) and insurance."""

    __tablename__ = "internship_post"

    title: Mapped[str] = mapped_column(String(200))
    host_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("programme_base.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    places: Mapped[int] = mapped_column(default=1)
    starts_on: Mapped[dt.date | None]
    ends_on: Mapped[dt.date | None]
    daily_subsidy: Mapped[Decimal | None]  # 元/天
    accommodation: Mapped[bool] = mapped_column(default=False)  # 拎包入住
    insurance: Mapped[bool] = mapped_column(default=False)  # 实习保险

    host: Mapped[Organisation] = relationship(lazy="joined")
