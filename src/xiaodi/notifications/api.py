"""Inbox API (/api/notifications): the caller's messages and unread count; mark some or all read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from xiaodi.notifications import service
from xiaodi.web.deps import CurrentUser, SessionDep
from xiaodi.web.params import JsonInt

router = APIRouter(prefix="/api", tags=["消息"])


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    link: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxOut(BaseModel):
    unread: int = Field(description="未读条数")
    total: int
    items: list[NotificationOut]


class ReadIn(BaseModel):
    ids: list[Annotated[JsonInt, Field(ge=1, le=2**31 - 1)]] | None = Field(
        default=None, max_length=500, description="要标为已读的消息；不填则全部")


class ReadOut(BaseModel):
    marked: int
    unread: int


@router.get("/notifications", response_model=InboxOut, summary="我的消息")
def my_notifications(
    session: SessionDep, viewer: CurrentUser,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    unread: Annotated[bool, Query(description="只看未读")] = False,
) -> InboxOut:
    uid = viewer.user_id or 0
    rows, total = service.inbox(session, uid, unread_only=unread, page=page)
    return InboxOut(unread=service.unread_count(session, uid), total=total,
                    items=[NotificationOut.model_validate(n, from_attributes=True) for n in rows])


@router.post("/notifications/read", response_model=ReadOut, summary="标为已读")
def mark_read(body: ReadIn, session: SessionDep, viewer: CurrentUser) -> ReadOut:
    uid = viewer.user_id or 0
    marked = service.mark_read(session, uid, body.ids)
    return ReadOut(marked=marked, unread=service.unread_count(session, uid))
