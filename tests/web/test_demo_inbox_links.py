"""Every message in a demo account's inbox opens what it is about.

The demo told its enterprise "您单位受邀参加河津市春季校地人才招聘会" and linked to the fair, which the firm could not
see (404): the firm was not on the fair's list. Its university was told about a 服务团's 挂职 arrangements and got a
404 too: a school that sends its people to a 服务团 did not count as taking part. Each account of ``xiaodi demo``
logs in and opens every link of its notifications (通知).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import User
from xiaodi.notifications.models import Notification

from .conftest import demo_app, demo_login


def test_every_notification_of_a_demo_account_opens_for_it(demo: tuple[Engine, dict[str, str]],
                                                           tmp_path: Path) -> None:
    engine, passwords = demo
    with Session(engine) as session:
        inbox = session.execute(select(User.username, Notification.title, Notification.link)
                                .join(User, User.id == Notification.user_id)
                                .where(Notification.link.is_not(None))).all()
    app = demo_app(engine, tmp_path)
    broken: list[str] = []
    for account in sorted({username for username, _, _ in inbox} & set(passwords)):
        client = demo_login(app, account, passwords[account])
        for _, title, link in (row for row in inbox if row[0] == account):
            status = client.get(link).status_code
            if status != 200:
                broken.append(f"{account}「{title}」{link}: {status}")
    assert not broken, "notifications whose link does not open for their reader:\n" + "\n".join(broken)
    # the messages the walk found broken are among those opened
    opened = {(username, title) for username, title, _ in inbox}
    # (the invitation is the events service's now, sent as the firm is added to the fair's list)
    assert any(username == "enterprise" and title.startswith("您单位受邀参加“河津市2025年春季校地人才招聘会”")
               for username, title in opened)
    assert ("university", "科技博士服务团河津分团挂职安排已登记") in opened
