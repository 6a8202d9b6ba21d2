"""Order models (点单/派单/接单): an enterprise's service order, the university's service teams, each 派单 of an
order to a team or an expert and their answer, and the records of the service delivered.

Moved out of ``demands.models`` with their tables unchanged (``service_order``, ``service_team``, ``dispatch``,
``service_record``): no migration. 派单 is *assignment* in code (调度 keeps *dispatch*); the table, its
columns and the stored state values keep their first names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.contact import checked_phones
from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, VersionedMixin, utcnow
from xiaodi.directory.models import Organisation, Person


class ServiceKind(Labelled):
    """What an enterprise orders from a university (点单内容)."""

    CONSULTING = "consulting", "技术咨询"
    DIAGNOSIS = "diagnosis", "问题诊断"
    DEVELOPMENT = "development", "技术攻关"  # 技术攻关/开发
    TESTING = "testing", "检验检测"
    TRAINING = "training", "人才培训"
    TALENT = "talent", "人才招引"
    OTHER = "other", "其他"


class OrderState(Labelled):
    PLACED = "placed", "已点单"
    ASSIGNED = "dispatched", "已派单"  # the value keeps its first name: stored rows
    ACCEPTED = "accepted", "已接单"
    DECLINED = "declined", "被拒单，待重新派单"  # every assignment declined; the order is assigned again
    IN_SERVICE = "in_service", "服务中"
    SERVED = "served", "已服务"
    RATED = "rated", "已评价"
    CANCELLED = "cancelled", "已取消"


class ServiceOrder(RecordMixin, VersionedMixin, Base):
    """An order (企业点单): an enterprise asks a university for a service; the university or the office assigns
    it (派单)."""

    __tablename__ = "service_order"
    __table_args__ = (CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),)

    code: Mapped[str] = mapped_column(String(40), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    university_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # 点的学校
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)  # when from a demand
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[ServiceKind] = mapped_column(String(16), default=ServiceKind.CONSULTING)
    state: Mapped[OrderState] = mapped_column(String(16), default=OrderState.PLACED, index=True)
    placed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    rating: Mapped[int | None]  # 1–5, given by the enterprise after service
    rating_comment: Mapped[str | None] = mapped_column(String(2000))

    enterprise: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[enterprise_id])
    university: Mapped[Organisation | None] = relationship(lazy="joined", foreign_keys=[university_id])
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="order", lazy="raise_on_sql", order_by="Assignment.id"
    )
    records: Mapped[list[ServiceRecord]] = relationship(back_populates="order", lazy="raise_on_sql")


class ServiceTeam(RecordMixin, Base):
    """A service team (服务团/专家服务团) a university sends to enterprises."""

    __tablename__ = "service_team"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    members: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{person_id, name, title}]
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # 服务领域

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    leader: Mapped[Person | None] = relationship(lazy="raise_on_sql")


class AssignmentState(Labelled):
    PENDING = "pending", "待接单"
    ACCEPTED = "accepted", "已接单"
    DECLINED = "declined", "已拒单"  # reason required


class Assignment(IdMixin, TimestampMixin, Base):
    """One assignment (派单) of an order to a service team or an expert, and their answer (接单/拒单)."""

    __tablename__ = "dispatch"
    __table_args__ = (CheckConstraint("team_id IS NOT NULL OR expert_id IS NOT NULL", name="assignee"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("service_team.id"), index=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    dispatched_by: Mapped[str] = mapped_column(String(200))
    dispatched_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    state: Mapped[AssignmentState] = mapped_column(String(12), default=AssignmentState.PENDING, index=True)
    response_reason: Mapped[str | None] = mapped_column(String(2000))
    responded_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    order: Mapped[ServiceOrder] = relationship(back_populates="assignments")
    team: Mapped[ServiceTeam | None] = relationship(lazy="joined")
    expert: Mapped[Person | None] = relationship(lazy="joined")


class ServiceRecord(IdMixin, TimestampMixin, Base):
    """A record of service delivered on an order (服务记录): when, how long, what was done, what came of it."""

    __tablename__ = "service_record"

    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), index=True)
    served_on: Mapped[dt.date]
    hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(200))

    order: Mapped[ServiceOrder] = relationship(back_populates="records")


checked_phones(ServiceOrder.contact_phone)  # 联系电话: one rule for every interface (core.contact)
