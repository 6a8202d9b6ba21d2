"""Who may read and mark a message: its recipient, and nobody else (an administrator neither — an inbox is
personal). Another user's message answers 404, so that its existence does not leak."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.notifications import service
from xiaodi.notifications.models import Notification


def readable(viewer: Viewer) -> ColumnElement[bool]:
    return Notification.user_id == viewer.user_id if viewer.user_id is not None else false()


def own_message(session: Session, viewer: Viewer, notification_id: int) -> Notification:
    return service.get_own(session, viewer.user_id or 0, notification_id)
