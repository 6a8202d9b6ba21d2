"""Intent models: a cooperation intent (合作意向) between an enterprise or unit and a university or institute."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, RecordMixin, VersionedMixin
from xiaodi.directory.models import Organisation, Region


class IntentState(Labelled):
    """An intent is followed until it is signed (an agreement) or closed with a reason."""

    OPEN = "open", "洽谈中"
    SIGNED = "signed", "已签约"
    CLOSED = "closed", "已终止"


class Intent(RecordMixin, VersionedMixin, Base):
    """A cooperation intent (合作意向, "达成合作意向"): two parties agreed to cooperate on a topic, at an event or a
    visit, before an agreement is signed."""

    __tablename__ = "cooperation_intent"
    __table_args__ = (
        Index("ix_cooperation_intent_region_agreed", "region_id", "agreed_on"),
        # A signed intent names its agreement; a closed one says why (the service enforces it, the schema too).
        CheckConstraint("state <> 'signed' OR agreement_id IS NOT NULL", name="signed_agreement"),
        CheckConstraint("state <> 'closed' OR close_reason IS NOT NULL", name="closed_reason"),
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)  # 意向编号
    topic: Mapped[str] = mapped_column(String(300), index=True)  # 合作内容
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # 企业/单位
    university_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # 高校/院所
    agreed_on: Mapped[dt.date] = mapped_column(index=True)  # 达成意向日期
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)  # the event or visit (走访)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), index=True)  # when signed
    state: Mapped[IntentState] = mapped_column(String(12), default=IntentState.OPEN, index=True)
    closed_on: Mapped[dt.date | None]
    close_reason: Mapped[str | None] = mapped_column(String(2000))
    source: Mapped[str | None] = mapped_column(String(200))

    enterprise: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[enterprise_id])
    university: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[university_id])
    region: Mapped[Region | None] = relationship(lazy="joined")
