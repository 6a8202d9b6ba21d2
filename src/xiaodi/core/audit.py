"""The audit trail (留痕): who did what to which record, when, why, and the values before → after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Index, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xiaodi.core.db import become_writer
from xiaodi.core.models import Base, IdMixin, model_snapshot, utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: a user of the platform, or a named system process (import, demo, migration)."""

    name: str
    user_id: int | None = None

    @classmethod
    def system(cls, process: str) -> Actor:
        return cls(name=f"系统:{process}")


# Every action the trail records, as a person reads it (one table for every page, API and export of a trail).
# ``tests/core/test_audit_labels.py`` finds every action the code writes and fails on one missing here.
ACTION_LABELS = {
    "create": "新建", "update": "修改", "transition": "状态流转", "retire": "注销", "merge": "合并",
    "add_alias": "添加别名", "complete": "完成", "read_id_number": "查看身份证号",
    # accounts (账号与授权)
    "grant": "授权", "revoke": "撤销授权", "reset_password": "重置密码", "unlock": "解除登录锁定",
    "change_password": "修改密码", "create_token": "签发接口令牌", "revoke_token": "吊销接口令牌",
    # demands and matching (需求与匹配)
    "add_audience": "定向推送", "match_feedback": "匹配反馈", "reference_load": "载入参考数据",
    # projects (项目清单): a fund record written on its project's trail
    "add_funds": "登记到位资金", "correct_funds": "更正到位资金",
    # bases (基地建设) — ``base_<step>``, the steps of ``bases.service.STEPS``
    "base_review": "基地审核", "base_recognise": "基地认定", "base_plaque": "基地挂牌", "base_operate": "基地投入运行",
    "base_yearly_review": "基地年度评估", "base_revoke": "撤销基地", "duty_done": "职责完成", "reschedule": "调整期限",
    # assessment (专项考核)
    "check": "核查", "score": "评分", "publish": "发布", "answer": "答复", "correct": "更正", "rerank": "重新排名",
    # talent services (人才卡、一件事、人才公寓)
    "issue": "审核通过并发卡", "refuse": "不予通过", "renew": "续期", "finish": "办结", "check_out": "退房",
    # background jobs (后台任务)
    "retry": "重试任务", "cancel": "取消任务",
}
# An action whose name means something else on one kind of record: a card is revoked, not an authorisation; a
# base is applied for (申报), not created.
ENTITY_ACTION_LABELS = {("talent_card", "revoke"): "撤销人才卡", ("programme_base", "create"): "申报"}


def action_label(entity: str, action: str) -> str:
    """The trail's action in Chinese (操作); an unknown one is shown as recorded rather than hidden."""
    return ENTITY_ACTION_LABELS.get((entity, action)) or ACTION_LABELS.get(action, action)


class AuditEntry(IdMixin, Base):
    """One line of the audit trail (操作留痕). Never updated, never deleted."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity", "entity", "entity_id"),)

    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(default=None, index=True)
    action: Mapped[str] = mapped_column(String(40))  # create / update / merge / retire / transition …
    entity: Mapped[str] = mapped_column(String(60))  # table name
    entity_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    reason: Mapped[str | None] = mapped_column(String(2000), default=None)


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append an audit entry for ``obj``. ``after`` defaults to the object's current column values."""
    session.flush()
    if after is None and action != "retire":
        after = model_snapshot(obj)
    if before is not None and after is not None:
        before, after = _changed_only(before, after)
    entry = AuditEntry(
        actor=actor.name,
        actor_user_id=actor.user_id,
        action=action,
        entity=obj.__table__.name,
        entity_id=getattr(obj, "id", None),
        before=before,
        after=after,
        reason=reason,
    )
    session.add(entry)
    return entry


def record_reads(session: Session, *, actor: Actor, entity: str, ids: list[int], what: str, reason: str) -> None:
    """Append one entry per record whose ``what`` (e.g. ``id_number``) was shown in full: action ``read_<what>``.

    Reads change nothing, so there is no before → after; the entries make the record's trail say who saw what."""
    if not ids:
        return
    become_writer(session)  # shown by a reading request (a page, an export): on SQLite it must wait for the lock
    now = utcnow()
    session.execute(insert(AuditEntry), [
        {"at": now, "actor": actor.name, "actor_user_id": actor.user_id, "action": f"read_{what}", "entity": entity,
         "entity_id": rid, "before": None, "after": None, "reason": reason}
        for rid in dict.fromkeys(ids)
    ])


def _changed_only(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)] + [k for k in before if k not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def history(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    """The audit trail of one record, oldest first."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(stmt))
