"""An office's verdicts on candidates (匹配反馈): 不合适 sends a candidate to the end of its demand's list with the
reason, 已对接 is said on the candidate and counts as evidence for later demands; only offices and lead units mark."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.audit import AuditEntry
from xiaodi.core.errors import Forbidden, ValidationFailed
from xiaodi.demands.models import Demand
from xiaodi.matching import service
from xiaodi.matching.feedback import record_feedback
from xiaodi.matching.profiles import build_documents

OFFICE = Viewer(user_id=None, name="运城市校地合作办·李华", roles=frozenset({Role.CITY_OFFICE}))
ENTERPRISE = Viewer(user_id=None, name="华鑫源·张工", roles=frozenset({Role.ENTERPRISE}))


def universities(session, demand_id: int) -> list[service.Candidate]:
    return [c for c in service.candidates_for_demand(session, demand_id=demand_id, limit=10)
            if c.target == "university"]


def test_unsuitable_goes_last_with_its_reason_and_contacted_is_said(own_ledger) -> None:
    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    before = universities(session, demand.id)
    first = before[0]
    record_feedback(session, viewer=OFFICE, actor=OFFICE.actor, demand=demand, target="university",
                    record_id=first.record_id, verdict="unsuitable", reason="该校无钢渣方向团队")
    second = before[1]
    record_feedback(session, viewer=OFFICE, actor=OFFICE.actor, demand=demand, target="university",
                    record_id=second.record_id, verdict="contacted", reason="已约定3月5日现场对接")
    session.commit()
    after = universities(session, demand.id)
    assert after[-1].record_id == first.record_id and after[-1].verdict == "unsuitable"
    assert after[-1].reasons[0].startswith("不合适：该校无钢渣方向团队")
    contacted = next(c for c in after if c.record_id == second.record_id)
    assert contacted.reasons[0].startswith("已对接：已约定3月5日现场对接")
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "match_feedback")).all()


def test_contacted_is_evidence_for_the_schools_later_demands(own_ledger) -> None:
    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    record_feedback(session, viewer=OFFICE, actor=OFFICE.actor, demand=demand, target="university",
                    record_id=ids["tyut"], verdict="contacted", reason="已对接")
    session.commit()
    (doc,) = build_documents(session, "university", ids=[ids["tyut"]])
    bases = [b for _, _, bs in doc.meta["strengths"] for b in bs]
    assert "已对接需求“钢渣绿色处理新技术”" in bases


@pytest.mark.parametrize(("viewer", "verdict", "reason", "error"), [
    (ENTERPRISE, "contacted", "好", Forbidden),
    (OFFICE, "maybe", "好", ValidationFailed),
    (OFFICE, "contacted", "  ", ValidationFailed),
])
def test_who_may_mark_and_what_a_mark_needs(own_ledger, viewer, verdict, reason, error) -> None:
    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    with pytest.raises(error):
        record_feedback(session, viewer=viewer, actor=viewer.actor, demand=demand, target="university",
                        record_id=ids["jxust"], verdict=verdict, reason=reason)


def test_contacted_puts_the_demand_in_the_schools_profile_and_reindexes_it(own_ledger) -> None:
    """The demand's title joins what keyword search reads of the school (later similar demands find it by its words),
    and the change re-indexes that profile after the commit, not only at the next full rebuild."""
    from xiaodi.matching.models import MatchFeedback
    from xiaodi.matching.sync import touched

    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    row = record_feedback(session, viewer=OFFICE, actor=OFFICE.actor, demand=demand, target="university",
                          record_id=ids["tyut"], verdict="contacted", reason="已对接")
    session.commit()
    (doc,) = build_documents(session, "university", ids=[ids["tyut"]])
    assert "已对接需求钢渣绿色处理新技术" in doc.meta["lexical_context"] and not doc.meta["bare"]
    assert list(touched(row)) == [("university", ids["tyut"])]
    assert list(touched(MatchFeedback(demand_id=demand.id, target="expert", record_id=1, verdict="contacted",
                                      reason="好", actor="李华"))) == []
