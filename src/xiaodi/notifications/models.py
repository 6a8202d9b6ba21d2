"""Inbox and outbox (站内消息与邮件发件箱)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, utcnow


class NoticeKind(Labelled):
    """Why a message was sent (消息类别)."""

    DEMAND_PUBLISHED = "demand_published", "需求发榜"
    DEMAND_CLAIMED = "demand_claimed", "需求被揭榜"
    CLAIM_SELECTED = "claim_selected", "揭榜方案选定"
    REVIEW_INVITED = "review_invited", "评审邀请"
    MILESTONE_DUE = "milestone_due", "节点即将到期"
    APPLICATION_WAITING = "application_waiting", "待办申请"
    APPLICATION_ANSWERED = "application_answered", "办理进展"  # a talent's card decided or step answered
    APPEAL = "appeal", "待答复诉求"
    EVENT = "event", "活动"
    OTHER = "other", "其他"


class OutboxState(Labelled):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Notification(IdMixin, Base):
    """One message in a user's inbox (站内消息). ``key`` makes a repeated reminder (the same milestone due on the
    same day) arrive once."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        Index("ix_notification_user_id_id", "user_id", "id"),  # the inbox's page, newest first
        Index("ix_notification_user_key", "user_id", "key", unique=True),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[NoticeKind] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(300))
    key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class OutboxMail(IdMixin, Base):
    """An e-mail copy of a notification (邮件发件箱): written with the notification, sent after the commit; a
    failure stays here with its error and is retried by ``xiaodi notify send`` — it never breaks the request."""

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_state", "state", "id"),)

    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    address: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(2000))
    state: Mapped[OutboxState] = mapped_column(String(12), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    notification: Mapped[Notification] = relationship(lazy="joined")
