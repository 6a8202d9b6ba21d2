"""The mail job (发送通知邮件): the outbox sent by the queue's worker instead of a thread of the web process.

Safe to run twice: it sends only rows still 待发送 or 发送失败 and marks each sent row in the same transaction as
the run is marked done. A worker killed between handing a mail to the server and that commit sends it again at the
retry — at least once, as any mail system; the inbox message itself was written exactly once with the change.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from xiaodi.core.jobs import JobContext, job
from xiaodi.notifications.service import send_pending

SEND = "notifications.send"


@job(SEND, "发送通知邮件")
def send_mail(session: Session, ctx: JobContext) -> str:
    sent, failed = send_pending(session)
    return f"发送 {sent} 封，失败 {failed} 封"
