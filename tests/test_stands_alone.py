"""The project stands alone: a clone of the repository by itself — with no ``../shared`` folder beside it — has
the data every benchmark reads, and names no folder of a particular machine. Only the seed reports, news texts
that are not ours to ship, are read from beside the clone, and their part says it was skipped."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED = ("bench", "data", "src", "tests/fixtures")


def clone_alone(tmp_path: Path) -> Path:
    """The repository's benchmarks, data, sources and fixtures in a folder with nothing beside it."""
    clone = tmp_path / "alone" / "xiaodi"
    for part in SHIPPED:
        shutil.copytree(REPO / part, clone / part, ignore=shutil.ignore_patterns(".cache", "__pycache__"))
    assert not (clone.parent / "shared").exists()
    return clone


def run(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(clone / "src")}
    env.pop("XIAODI_SEEDS_DIR", None)
    return subprocess.run([sys.executable, *args], cwd=clone, env=env, capture_output=True, text=True, timeout=300,
                          check=False)


def test_the_benchmark_data_is_in_the_clone(tmp_path: Path) -> None:
    clone = clone_alone(tmp_path)
    loaded = run(clone, "-c", "from bench.matching.data import load_papers; from bench.tables.run import csl, "
                              "universities; print(len(load_papers()), len(csl()), len(universities(200)))")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["2000", "1000", "200"]
    assert "Apache-2.0" in (clone / "data" / "benchmarks" / "csl" / "PROVENANCE.md").read_text(encoding="utf-8")


def test_the_ingest_benchmark_runs_and_says_the_seeds_were_skipped(tmp_path: Path) -> None:
    clone = clone_alone(tmp_path)
    bench = run(clone, "bench/ingest/run.py")
    assert bench.returncode == 0, bench.stderr
    assert "skipped: the five seed reports" in bench.stderr
    assert "held-out test" in bench.stdout and "throughput" in bench.stdout


def test_no_file_names_a_folder_outside_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    # A machine's folders, or the shared folder's copies of what the repository ships (CSL, reference lists).
    machine = re.compile(r"/work/|/home/\w+|/Users/\w+|shared[\"/ ]+(data[\"/ ]+)?(csl|reference)")
    offenders = []
    for name in tracked:
        path = REPO / name
        if path.suffix not in (".py", ".md", ".toml", ".cfg", ".txt", ".html", "") or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if machine.search(line) and name != "tests/test_stands_alone.py":
                offenders.append(f"{name}:{number}: {line.strip()[:100]}")
    assert offenders == []
