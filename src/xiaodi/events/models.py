"""Event models: events (活动) such as 对接会 and 招聘会, who took part, what came of them, internships (实习实训)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin
from xiaodi.directory.models import Organisation, Person, Region


class EventKind(StrEnum):
    VISIT = "visit"  # 走访/考察
    MATCHMAKING = "matchmaking"  # 对接会/洽谈会
    JOB_FAIR = "job_fair"  # 招聘会
    INTERNSHIP = "internship"  # 实习实训 (a batch of students)
    TRAINING = "training"  # 培训
    FORUM = "forum"  # 论坛/研讨会
    SIGNING = "signing"  # 签约仪式
    TALENT_WEEK = "talent_week"  # 人才周
    OTHER = "other"


EVENT_KIND_LABELS: dict[EventKind, str] = {
    EventKind.VISIT: "走访考察",
    EventKind.MATCHMAKING: "对接会",
    EventKind.JOB_FAIR: "招聘会",
    EventKind.INTERNSHIP: "实习实训",
    EventKind.TRAINING: "培训",
    EventKind.FORUM: "论坛",
    EventKind.SIGNING: "签约仪式",
    EventKind.TALENT_WEEK: "人才周",
    EventKind.OTHER: "其他",
}


class EventState(StrEnum):
    PLANNED = "planned"  # 筹备中
    HELD = "held"  # 已举办
    CANCELLED = "cancelled"  # 已取消


class Event(RecordMixin, VersionedMixin, Base):
    """An event (活动) of the programme: a visit, a 对接会, a 招聘会, a training, a signing ceremony …"""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_region_starts", "region_id", "starts_on"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
    )

    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[EventKind] = mapped_column(String(16), index=True)
    state: Mapped[EventState] = mapped_column(String(12), default=EventState.HELD)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 主办单位
    starts_on: Mapped[dt.date] = mapped_column(index=True)
    ends_on: Mapped[dt.date | None]
    venue: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))

    organiser: Mapped[Organisation | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="raise_on_sql")
    participants: Mapped[list[EventParticipant]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    outcomes: Mapped[list[EventOutcome]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="raise_on_sql"
    )


class EventParticipant(IdMixin, Base):
    """Who took part in an event: an organisation, a person, or a counted group (200余名大学生)."""

    __tablename__ = "event_participant"
    __table_args__ = (
        CheckConstraint(
            "organisation_id IS NOT NULL OR person_id IS NOT NULL OR label IS NOT NULL", name="participant"
        ),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(200))  # a group without a record: "芮城籍大学生"
    role: Mapped[str] = mapped_column(String(40), default="参会")  # 主办, 承办, 参会高校, 参会企业, 嘉宾 …
    count: Mapped[int] = mapped_column(default=1, server_default="1")

    event: Mapped[Event] = relationship(back_populates="participants")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    person: Mapped[Person | None] = relationship(lazy="joined")


class EventOutcome(IdMixin, Base):
    """A figure an event produced (活动成效), keyed by the ledger metric (``xiaodi.ingest.models.Metric``)."""

    __tablename__ = "event_outcome"
    __table_args__ = (UniqueConstraint("event_id", "metric"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    metric: Mapped[str] = mapped_column(String(40), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(24, 2))  # base unit: 元 for money metrics, else a count
    unit: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(2000))

    event: Mapped[Event] = relationship(back_populates="outcomes")


class InternshipState(StrEnum):
    PLANNED = "planned"  # 已安排
    ONGOING = "ongoing"  # 实习中
    COMPLETED = "completed"  # 已结束
    HIRED = "hired"  # 留用/转就业
    CANCELLED = "cancelled"


class Internship(IdMixin, TimestampMixin, Base):
    """A student's internship (实习实训) at a host unit, often one of a batch arranged at an event."""

    __tablename__ = "internship"
    __table_args__ = (Index("ix_internship_host_starts", "host_org_id", "starts_on"),)

    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("programme_base.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    student_name: Mapped[str] = mapped_column(String(60))
    major: Mapped[str | None] = mapped_column(String(120))
    university_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    host_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    position: Mapped[str | None] = mapped_column(String(120))
    starts_on: Mapped[dt.date | None]
    ends_on: Mapped[dt.date | None]
    state: Mapped[InternshipState] = mapped_column(String(12), default=InternshipState.PLANNED, index=True)
    note: Mapped[str | None] = mapped_column(String(2000))
    # 实习实训 placements (talent.internships): the post, the region counted, days, subsidy, 拎包入住, insurance.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("internship_post.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    days: Mapped[int | None]
    subsidy_amount: Mapped[Decimal | None]
    accommodation: Mapped[bool] = mapped_column(default=False, server_default="0")
    insured: Mapped[bool] = mapped_column(default=False, server_default="0")

    university: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[university_id])
    host: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[host_org_id])
