"""Reminders of the closed loop (到期提醒): a milestone due soon tells the office of its region and its responsible
unit, through the inbox (``notifications.notify``), once per milestone and due date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.notifications.models import NoticeKind
from xiaodi.notifications.service import notify
from xiaodi.projects.models import Milestone, MilestoneState, Project

DUE_DAYS = 7


def notify_due_milestones(session: Session, *, today: dt.date, days: int = DUE_DAYS) -> int:
    """节点即将到期: for each pending milestone due within ``days`` days, a message to the office of the project's
    region and to the project's responsible unit; once per milestone and due date (``key``). Returns the count."""
    rows = session.execute(select(Milestone, Project).join(Project, Project.id == Milestone.project_id).where(
        Milestone.state == MilestoneState.PENDING, Milestone.due_on >= today,
        Milestone.due_on <= today + dt.timedelta(days=days), Project.retired_at.is_(None))).all()
    count = 0
    for ms, project in rows:
        left = (ms.due_on - today).days
        when = "今天" if left == 0 else f"{left} 天后（{ms.due_on}）"
        made = notify(session, kind=NoticeKind.MILESTONE_DUE,
                      title=f"项目“{project.name}”的节点“{ms.title}”将于{when}到期",
                      link=f"/projects/{project.id}", key=f"milestone:{ms.id}:{ms.due_on.isoformat()}",
                      region_ids=[project.region_id],
                      organisation_ids=[ms.responsible_unit_id or project.responsible_unit_id])
        count += len(made)
    return count
