"""Feedback on candidates (匹配反馈): an office marks a demand's candidate 已对接 or 不合适, with a reason.

What it changes, so that a person can see it work:

- on the demand itself: a candidate marked 不合适 goes to the end of its list with the reason; one marked 已对接
  keeps its place and says so;
- on later demands: 已对接 is evidence of the school's strength in the disciplines of the demand's title
  (``strength.ledger_evidence``), like a selected 揭榜 claim and a signed agreement; the school's profile is
  re-indexed at once.

Who may mark: the offices and lead units that may see the demand (the demands area's access rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.catalog.models import Achievement, Platform
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed
from xiaodi.demands.models import Demand
from xiaodi.directory.models import Organisation, Person
from xiaodi.matching.access import may_judge_candidates
from xiaodi.matching.models import MatchFeedback, Verdict

TARGET_MODELS: dict[str, type[object]] = {"university": Organisation, "expert": Person, "achievement": Achievement,
                                          "platform": Platform}
FEEDBACK_TARGETS = tuple(TARGET_MODELS)
MAX_REASON = 500


def check_feedback(viewer: Viewer, demand: Demand, target: str, verdict: str, reason: str) -> tuple[Verdict, str]:
    """The verdict and the trimmed reason, or a Chinese error saying what is wrong."""
    if not may_judge_candidates(viewer, demand):
        raise Forbidden("只有需求所在地的校地合作办公室（及其上级）和该需求的牵头单位可以标记其匹配候选")
    if target not in TARGET_MODELS:
        raise ValidationFailed(f"未知的候选类别“{target}”，可选：" + "、".join(FEEDBACK_TARGETS))
    if verdict not in Verdict.labels():
        raise ValidationFailed("对接结论应为 已对接（contacted）或 不合适（unsuitable）")
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed("请写明理由（例如 已约定3月5日现场对接 / 该校无相关研究团队）")
    if len(text) > MAX_REASON:
        raise ValidationFailed(f"理由不超过{MAX_REASON}字")
    return Verdict(verdict), text


def record_feedback(session: Session, *, viewer: Viewer, actor: Actor, demand: Demand, target: str,
                    record_id: int, verdict: str, reason: str) -> MatchFeedback:
    """Store one verdict (audited) on a demand the caller has fetched through the viewer's access rule; the
    caller commits."""
    chosen, text = check_feedback(viewer, demand, target, verdict, reason)
    model = TARGET_MODELS[target]
    if session.get(model, int(record_id)) is None:
        raise NotFound(f"候选（{target} 编号 {record_id}）不存在")
    row = MatchFeedback(demand_id=demand.id, target=target, record_id=int(record_id), verdict=chosen, reason=text,
                        actor=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="match_feedback", obj=row, reason=text)
    return row


def latest_verdicts(session: Session, demand_id: int) -> dict[tuple[str, int], MatchFeedback]:
    """The latest verdict of each candidate of a demand."""
    rows = session.scalars(select(MatchFeedback).where(MatchFeedback.demand_id == demand_id)
                           .order_by(MatchFeedback.id)).all()
    return {(r.target, r.record_id): r for r in rows}


class Judged(Protocol):
    target: str
    record_id: int
    reasons: list[str]
    verdict: str | None


J = TypeVar("J", bound=Judged)


def apply_verdicts(candidates: Sequence[J], verdicts: dict[tuple[str, int], MatchFeedback]) -> list[J]:
    """Candidates with their verdicts said; those marked 不合适 moved to the end, in their order."""
    kept: list[J] = []
    last: list[J] = []
    for c in candidates:
        found = verdicts.get((c.target, c.record_id))
        if found is not None:
            c.reasons.insert(0, f"{Verdict(found.verdict).label}：{found.reason}（{found.actor}）")
            c.verdict = str(found.verdict)
        (last if found is not None and found.verdict == Verdict.UNSUITABLE else kept).append(c)
    return kept + last
