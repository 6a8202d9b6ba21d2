"""The inbox page (消息, /inbox): a user's messages newest first, unread marked; opening one marks it read and goes
to its page; 全部标为已读. Every logged-in account has one, with or without a role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from xiaodi.accounts.models import User
from xiaodi.notifications import access, service
from xiaodi.notifications.models import NoticeKind
from xiaodi.web.deps import PAGE_HOOKS, CurrentUser, RecordId, SessionDep
from xiaodi.web.listing import ResourceSpec
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)


def _unread_in_header(request: Request, session: Session, user: User) -> None:
    """Every page's header shows the person's unread count (one indexed count)."""
    request.state.unread = service.unread_count(session, user.id)


PAGE_HOOKS.append(_unread_in_header)


def specs() -> list[ResourceSpec]:
    return []  # the inbox is personal, not a list of the programme


@router.get("/inbox")
def inbox_page(
    request: Request, session: SessionDep, viewer: CurrentUser,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1, unread: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    rows, total = service.inbox(session, viewer.user_id or 0, unread_only=bool(unread), page=page)
    pages = max(1, (total + service.PAGE - 1) // service.PAGE)
    return render(request, "inbox.html", {"page_title": "消息", "messages": rows, "total": total, "page": page,
                                          "pages": pages, "unread_only": bool(unread),
                                          "kinds": NoticeKind.labels()})


@router.get("/inbox/{notification_id}")
def open_message(notification_id: RecordId, session: SessionDep, viewer: CurrentUser) -> RedirectResponse:
    message = access.own_message(session, viewer, notification_id)
    service.mark_read(session, viewer.user_id or 0, [message.id])
    return RedirectResponse(message.link or "/inbox", status_code=303)


@router.post("/inbox/read")
def mark_all_read(request: Request, session: SessionDep, viewer: CurrentUser,
                  notification_id: Annotated[str, Form(max_length=12)] = "") -> RedirectResponse:
    ids = None
    if notification_id.strip():
        if not (notification_id.isascii() and notification_id.isdigit()):
            from xiaodi.core.errors import ValidationFailed

            raise ValidationFailed("消息编号无效")
        ids = [int(notification_id)]
    count = service.mark_read(session, viewer.user_id or 0, ids)
    flash(request, f"已将 {count} 条消息标为已读")
    return RedirectResponse("/inbox", status_code=303)
