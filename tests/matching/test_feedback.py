"""An office's verdicts on candidates (匹配反馈): 不合适 sends a candidate to the end of its demand's list with the
reason, 已对接 is said on the candidate and counts as evidence for later demands; only the demand's own offices (its
region's and those above) and its lead unit mark — a neighbouring county's office or another lead unit does not."""

from __future__ import annotations

from dataclasses import replace

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

HEJIN = -1  # stands for the demand's region (河津市) in the personas; ``as_seen`` puts its real id in
OFFICE = Viewer.office_of([HEJIN], Role.CITY_OFFICE, name="运城市校地合作办·李华")
NEIGHBOUR = Viewer.office_of([-2], Role.COUNTY_OFFICE, name="稷山县校地合作办")
ENTERPRISE = Viewer(user_id=None, name="华鑫源·张工", roles=frozenset({Role.ENTERPRISE}))
OTHER_LEAD = Viewer.acting_for(-3, role=Role.LEAD_UNIT, name="河津市公安局")


def as_seen(viewer: Viewer, demand: Demand) -> Viewer:
    """The persona with the demand's real region in place of the stand-in."""
    return replace(viewer, region_ids=frozenset(demand.region_id if r == HEJIN else r for r in viewer.region_ids))


def universities(session, demand_id: int) -> list[service.Candidate]:
    return [c for c in service.candidates_for_demand(session, demand_id=demand_id, limit=10)
            if c.target == "university"]


def test_unsuitable_goes_last_with_its_reason_and_contacted_is_said(own_ledger) -> None:
    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    before = universities(session, demand.id)
    first = before[0]
    office = as_seen(OFFICE, demand)
    record_feedback(session, viewer=office, actor=office.actor, demand=demand, target="university",
                    record_id=first.record_id, verdict="unsuitable", reason="该校无钢渣方向团队")
    second = before[1]
    record_feedback(session, viewer=office, actor=office.actor, demand=demand, target="university",
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
    office = as_seen(OFFICE, demand)
    record_feedback(session, viewer=office, actor=office.actor, demand=demand, target="university",
                    record_id=ids["tyut"], verdict="contacted", reason="已对接")
    session.commit()
    (doc,) = build_documents(session, "university", ids=[ids["tyut"]])
    bases = [b for _, _, bs in doc.meta["strengths"] for b in bs]
    assert "已对接需求“钢渣绿色处理新技术”" in bases


@pytest.mark.parametrize(("viewer", "verdict", "reason", "error"), [
    (ENTERPRISE, "contacted", "好", Forbidden),
    (NEIGHBOUR, "unsuitable", "邻县办公室给别县的需求下结论", Forbidden),
    (OTHER_LEAD, "unsuitable", "不是本需求的牵头单位", Forbidden),
    (OFFICE, "maybe", "好", ValidationFailed),
    (OFFICE, "contacted", "  ", ValidationFailed),
])
def test_who_may_mark_and_what_a_mark_needs(own_ledger, viewer, verdict, reason, error) -> None:
    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    seen = as_seen(viewer, demand)
    with pytest.raises(error):
        record_feedback(session, viewer=seen, actor=seen.actor, demand=demand, target="university",
                        record_id=ids["jxust"], verdict=verdict, reason=reason)


def test_the_demands_lead_unit_marks_its_candidates(own_ledger) -> None:
    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    demand.lead_unit_id = ids["steel"]  # the tiny ledger's demand has no lead unit: one is named for this test
    lead = Viewer.acting_for(ids["steel"], role=Role.LEAD_UNIT, name="河津市工业和信息化局")
    row = record_feedback(session, viewer=lead, actor=lead.actor, demand=demand, target="university",
                          record_id=ids["jxust"], verdict="contacted", reason="牵头单位已约对接")
    assert row.actor == "河津市工业和信息化局"


def test_contacted_puts_the_demand_in_the_schools_profile_and_reindexes_it(own_ledger) -> None:
    """The demand's title joins what keyword search reads of the school (later similar demands find it by its words),
    and the change re-indexes that profile after the commit, not only at the next full rebuild."""
    from xiaodi.matching.models import MatchFeedback
    from xiaodi.matching.sync import touched

    session, ids, _ = own_ledger
    demand = session.get(Demand, ids["demand"])
    office = as_seen(OFFICE, demand)
    row = record_feedback(session, viewer=office, actor=office.actor, demand=demand, target="university",
                          record_id=ids["tyut"], verdict="contacted", reason="已对接")
    session.commit()
    (doc,) = build_documents(session, "university", ids=[ids["tyut"]])
    assert "已对接需求钢渣绿色处理新技术" in doc.meta["lexical_context"] and not doc.meta["bare"]
    assert list(touched(row)) == [("university", ids["tyut"])]
    assert list(touched(MatchFeedback(demand_id=demand.id, target="expert", record_id=1, verdict="contacted",
                                      reason="好", actor="李华"))) == []
