"""Event models: events (活动) such as 对接会 and 招聘会, who took part, what came of them, internships (实习实训)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin
from xiaodi.directory.models import Organisation, Person, Region


class EventKind(Labelled):
    """The kinds of event (活动类别) of the programme; the values predate the labels and are kept as stored."""

    VISIT = "visit", "考察回访"  # 走访/考察/回访
    MATCHMAKING = "matchmaking", "对接会"  # 对接会/洽谈会
    JOB_FAIR = "job_fair", "招聘会"
    PROMOTION = "promotion", "推介会"
    TRAINING = "training", "研修班/培训"
    SECONDMENT = "secondment", "挂职/科技博士服务团"
    INTERNSHIP = "internship", "实习实训"  # a batch of students
    FORUM = "forum", "论坛"  # 论坛/研讨会
    SIGNING = "signing", "签约仪式"
    TALENT_WEEK = "talent_week", "人才周"
    OTHER = "other", "其他"


class EventState(Labelled):
    PLANNED = "planned", "筹备中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


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
    agenda: Mapped[str | None] = mapped_column(Text)  # 议程: one item a line ("09:00 开幕式")
    created_by_user_id: Mapped[int | None]  # the account that registered it (no key: users are never deleted)

    organiser: Mapped[Organisation | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="raise_on_sql")
    participants: Mapped[list[EventParticipant]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    outcomes: Mapped[list[EventOutcome]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="raise_on_sql"
    )


class ParticipantRole(Labelled):
    """How an organisation or person took part (参与身份). Rows written before the labels hold free Chinese text
    (主办, 参会 …), which pages show as written."""

    HOST = "host", "主办"
    CO_HOST = "co_host", "承办"
    UNIVERSITY = "university", "参会高校"
    ENTERPRISE = "enterprise", "参会企业"
    EXPERT = "expert", "专家"
    GUEST = "guest", "嘉宾"
    GROUP = "group", "参会群体"


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


class OutcomeMetric(Labelled):
    """What an event's outcome counts (活动成效). The values are ledger metric keys (``ingest.models.Metric``) where
    one exists, so report figures and the reconciliation read the same keys; ``intent_people`` and
    ``demands_released`` are new keys (a metric is a plain string column, no migration)."""

    INTENTS = "intents", "合作意向（项）"
    POSITIONS = "positions", "提供岗位（个）"
    INTENT_PEOPLE = "intent_people", "达成意向（人）"
    ACHIEVEMENTS = "achievements", "发布成果（项）"
    DEMANDS_RELEASED = "demands_released", "发布需求（项）"
    ENTERPRISES = "enterprises", "参与企业（家）"
    STUDENTS = "students", "参与学生（人）"
    TRAININGS = "trainings", "培训人次"
    AMOUNT_SIGNED = "amount_signed", "签约金额（元）"


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


class Secondment(RecordMixin, VersionedMixin, Base):
    """A temporary post (挂职): a person from a university serves for a term in a unit of the region, often as one
    of a 科技博士服务团 sent at an event."""

    __tablename__ = "secondment"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="term"),)

    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(60))  # as the list names them
    home_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 派出单位
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 挂职单位
    unit_name: Mapped[str] = mapped_column(String(200))
    post: Mapped[str] = mapped_column(String(120))  # 挂职岗位: 副县长, 科技副总 …
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None]

    home_org: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[home_org_id])
    unit: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[unit_id])
    event: Mapped[Event | None] = relationship(lazy="raise_on_sql")


class ContactChannel(Labelled):
    VISIT = "visit", "走访"
    CALL = "call", "电话"
    VIDEO = "video", "视频"
    MEETING = "meeting", "会谈"


class ContactLog(RecordMixin, VersionedMixin, Base):
    """One contact of the programme (对接记录): who talked to whom, how, about which demand or university, and
    what follows. The figures count them per region and period (对接次数)."""

    __tablename__ = "contact_log"
    __table_args__ = (Index("ix_contact_log_region_on", "region_id", "contacted_on"),)

    contacted_on: Mapped[dt.date] = mapped_column(index=True)
    channel: Mapped[ContactChannel] = mapped_column(String(12))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    from_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 发起方
    from_person: Mapped[str | None] = mapped_column(String(120))
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 对接方
    to_person: Mapped[str | None] = mapped_column(String(120))
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    university_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)  # 对接内容
    follow_up: Mapped[str | None] = mapped_column(String(2000))  # 下一步
    follow_up_on: Mapped[dt.date | None]
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    from_org: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[from_org_id])
    to_org: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[to_org_id])
    university: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[university_id])


class InternshipState(Labelled):
    """A student's internship placement (实习实训) from arrangement to its end."""

    PLANNED = "planned", "已安排"
    ONGOING = "ongoing", "实习中"
    COMPLETED = "completed", "已结束"
    HIRED = "hired", "留用"  # 留用/转就业
    CANCELLED = "cancelled", "已取消"


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
