"""Notifications (待办与提醒): ``notify`` puts a message in the inbox of each recipient — named users, the users
of organisations, the offices of regions — and, when an SMTP server is configured and the user has an address, an
e-mail copy in the outbox. Other areas call ``notify`` from their services, inside their own transaction, so a
message exists exactly when the change it announces was committed.

E-mail is optional and never in the way: the outbox row is written with the message; ``send_pending`` sends it
later (after the commit, in the background, or by ``xiaodi notify send``) and records 已发送 or 发送失败 with the
error, so a dead mail server never fails a request.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
from collections.abc import Iterable, Sequence
from email.message import EmailMessage

from sqlalchemy import ColumnElement, Engine, and_, func, or_, select, update
from sqlalchemy.orm import Session

from xiaodi.accounts.models import OFFICE_ROLES, Membership, User
from xiaodi.accounts.scope import acts_for_organisations
from xiaodi.core import jobs
from xiaodi.core.db import after_outer_commit, become_writer
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.models import utcnow
from xiaodi.core.settings import Settings, get_settings
from xiaodi.notifications.models import NoticeKind, Notification, OutboxMail, OutboxState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
PAGE = 50


def recipients(session: Session, *, user_ids: Iterable[int] = (), organisation_ids: Iterable[int | None] = (),
               region_ids: Iterable[int | None] = ()) -> list[int]:
    """The active accounts addressed: named users, the members acting for the organisations, the offices of the regions
    (an office whose membership names exactly that region: the county's office for a county record)."""
    wanted = set(user_ids)
    orgs = sorted({o for o in organisation_ids if o is not None})
    regions = sorted({r for r in region_ids if r is not None})
    conds: list[ColumnElement[bool]] = []
    if orgs:
        conds.append(acts_for_organisations(orgs))  # its staff: not a talent whose membership names an employer
    if regions:
        conds.append(and_(Membership.region_id.in_(regions), Membership.role.in_([r.value for r in OFFICE_ROLES])))
    if conds:
        wanted |= set(session.scalars(select(Membership.user_id).where(Membership.retired_at.is_(None), or_(*conds))))
    if not wanted:
        return []
    return sorted(session.scalars(select(User.id).where(User.id.in_(sorted(wanted)), User.is_active.is_(True))))


def notify(session: Session, *, kind: NoticeKind | str, title: str, link: str | None = None,
           user_ids: Iterable[int] = (), organisation_ids: Iterable[int | None] = (),
           region_ids: Iterable[int | None] = (), key: str | None = None,
           exclude_user_id: int | None = None) -> list[Notification]:
    """站内消息: one message per recipient (see ``recipients``). ``key`` makes a reminder arrive once per user
    (a second call with the same key adds nothing); ``exclude_user_id`` spares the person who caused it."""
    try:
        kind = NoticeKind(kind)
    except ValueError as exc:
        raise ValidationFailed(f"消息类别无效：{kind}") from exc
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("消息标题不能为空")
    if link is not None and not link.startswith("/"):
        raise ValidationFailed("消息链接应为本平台的页面地址（以 / 开头）")
    users = [u for u in recipients(session, user_ids=user_ids, organisation_ids=organisation_ids,
                                   region_ids=region_ids) if u != exclude_user_id]
    if key is not None and users:
        have = set(session.scalars(select(Notification.user_id).where(Notification.user_id.in_(users),
                                                                      Notification.key == key)))
        users = [u for u in users if u not in have]
    if not users:
        return []
    made = [Notification(user_id=u, kind=kind, title=title[:300], link=link, key=key) for u in users]
    session.add_all(made)
    session.flush()
    settings = get_settings()
    if settings.smtp_host:
        emails = dict(session.execute(select(User.id, User.email).where(User.id.in_(users), User.email.is_not(None))
                                      ).all())
        for n in made:
            address = (emails.get(n.user_id) or "").strip()
            if address:
                session.add(OutboxMail(notification_id=n.id, address=address[:120],
                                       subject=f"【校地合作平台】{kind.label}：{title}"[:300],
                                       body=_body(title, link)))
        _send_after_commit(session)
    return made


def _body(title: str, link: str | None) -> str:
    where = f"\n请登录校地合作平台查看：{link}" if link else "\n请登录校地合作平台查看。"
    return f"{title}{where}\n\n（本邮件由平台自动发送，请勿回复）"[:2000]


# ── the inbox ────────────────────────────────────────────────────────────────────────────────────────────────


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def inbox(session: Session, user_id: int, *, unread_only: bool = False, page: int = 1,
          per_page: int = PAGE) -> tuple[list[Notification], int]:
    """A page of the user's messages, newest first, and the total."""
    cond = [Notification.user_id == user_id]
    if unread_only:
        cond.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*cond)) or 0
    rows = list(session.scalars(select(Notification).where(*cond).order_by(Notification.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def mark_read(session: Session, user_id: int, notification_ids: Sequence[int] | None = None) -> int:
    """Mark messages read (标为已读): the given ones, or all. Another user's message answers 404."""
    cond = [Notification.user_id == user_id, Notification.read_at.is_(None)]
    if notification_ids is not None:
        ids = sorted(set(notification_ids))
        found = set(session.scalars(select(Notification.id).where(Notification.user_id == user_id,
                                                                  Notification.id.in_(ids))))
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(f"消息（编号 {missing[0]}）不存在或您无权查看")
        cond.append(Notification.id.in_(ids))
    become_writer(session)  # opening a message (a GET) marks it read
    result = session.execute(update(Notification).where(*cond).values(read_at=utcnow())
                             .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def get_own(session: Session, user_id: int, notification_id: int) -> Notification:
    found = session.get(Notification, notification_id)
    if found is None or found.user_id != user_id:
        raise NotFound(f"消息（编号 {notification_id}）不存在或您无权查看")
    return found


# ── e-mail ───────────────────────────────────────────────────────────────────────────────────────────────────


def send_pending(session: Session, settings: Settings | None = None, *, limit: int = 200) -> tuple[int, int]:
    """Send the outbox's pending (and earlier failed, up to ``MAX_ATTEMPTS``) mails; returns (sent, failed).
    Every failure is recorded on its row; nothing raises."""
    settings = settings or get_settings()
    rows = list(session.scalars(select(OutboxMail).where(
        OutboxMail.state.in_([OutboxState.PENDING.value, OutboxState.FAILED.value]),
        OutboxMail.attempts < MAX_ATTEMPTS).order_by(OutboxMail.id).limit(limit)))
    if not rows:
        return 0, 0
    if not settings.smtp_host:
        return 0, 0
    sent = failed = 0
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _failed(row, exc)
        session.flush()
        return 0, len(rows)
    try:
        for row in rows:
            msg = EmailMessage()
            msg["From"] = settings.smtp_from
            msg["To"] = row.address
            msg["Subject"] = row.subject
            msg.set_content(row.body)
            try:
                smtp.send_message(msg)
            except (OSError, smtplib.SMTPException) as exc:
                _failed(row, exc)
                failed += 1
            else:
                row.state = OutboxState.SENT
                row.attempts += 1
                row.sent_at = utcnow()
                row.error = None
                sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    session.flush()
    return sent, failed


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=settings.smtp_timeout)
    if settings.smtp_starttls:
        smtp.starttls()
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password or "")
    return smtp


def _failed(row: OutboxMail, exc: BaseException) -> None:
    row.state = OutboxState.FAILED
    row.attempts += 1
    row.error = f"{type(exc).__name__}: {exc}"[:500]


def _send_after_commit(session: Session) -> None:
    """Once the request's transaction has committed, send its mails in a background thread with its own session:
    the request never waits for (nor fails with) the mail server."""
    bind = session.get_bind()
    engine: Engine | None = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)

    def _after_commit() -> None:
        if engine is None:
            return
        if jobs.queue_enabled(engine):  # PostgreSQL: the queue's worker sends, and a restart loses nothing
            from xiaodi.notifications.jobs import SEND

            try:
                jobs.submit(engine, SEND, user_id=None)
            except Exception:  # the outbox keeps the mails for the next run or `xiaodi notify send`
                log.exception("通知邮件任务未能排队")
            return
        threading.Thread(target=_deliver, args=(engine,), daemon=True, name="xiaodi-mail").start()

    after_outer_commit(session, "xiaodi.notifications.send", _after_commit)  # once per transaction


def _deliver(engine: Engine) -> None:
    try:
        with Session(engine) as s:
            send_pending(s)
            s.commit()
    except Exception:  # a background sender must never take anything down; the outbox keeps the state
        log.exception("发送通知邮件失败")
