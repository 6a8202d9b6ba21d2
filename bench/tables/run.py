"""Benchmark of the information tables: 100,000 achievement rows (.xlsx) imported and exported.

    PYTHONPATH=src .venv/bin/python bench/tables/run.py [--rows 100000] [--runs 3] [--out docs/benchmarks_tables.md]

Generates realistic rows (titles and keywords recombined from the CSL sample of Chinese paper metadata, owners
among 200 universities of the MOE list, leaders among 3,000 experts plus some new names), writes the .xlsx with
the tables writer, then per run, each step in a fresh subprocess (so that ru_maxrss is that step's peak):
fresh database → universities + experts imported → achievements imported (timed) → re-imported (0 changes,
timed) → exported (timed). Medians of the runs. SQLite always; PostgreSQL too when XIAODI_BENCH_PG_URL is set
(a scratch database ``xiaodi_bench_tables`` is created there and dropped afterwards).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"  # the MOE list of data/reference, the CSL sample of data/benchmarks
WORK = Path(os.environ.get("XIAODI_BENCH_DIR", "/tmp/xiaodi_bench_tables"))
SUFFIXES = [
    "",
    "关键技术",
    "及其应用",
    "研究与示范",
    "技术开发",
    "产业化技术",
    "新工艺",
    "集成技术",
    "优化方法",
    "装备研制",
    "中试验证",
    "工程化",
    "智能化改造",
    "系统",
    "平台",
    "评价方法",
    "监测技术",
    "控制策略",
    "综合利用",
    "示范工程",
]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
    "蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志宏海波鹏辉斌宇浩凯晨阳博文俊峰"


def universities(n: int) -> list[dict[str, str]]:
    with (DATA / "reference" / "moe-universities-2025" / "universities_2025_regular.csv").open(
        encoding="utf-8"
    ) as fh:
        rows = list(csv.DictReader(fh))
    shanxi = [r for r in rows if r["province"] == "山西省"]
    rest = [r for r in rows if r["province"] != "山西省" and r["level"] == "本科"]
    return (shanxi + rest)[:n]


def csl() -> list[dict[str, str]]:
    with (DATA / "benchmarks" / "csl" / "csl_dev_joined.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def generate(rows: int, work: Path) -> dict[str, Path]:
    from xiaodi.tables import get_table
    from xiaodi.tables.writers import open_writer

    rng = random.Random(20240601)
    work.mkdir(parents=True, exist_ok=True)
    unis = universities(200)
    names = [u["name"] for u in unis]
    files = {
        "universities": work / "universities.xlsx",
        "experts": work / "experts.xlsx",
        "achievements": work / f"achievements_{rows}.xlsx",
    }
    w = open_writer(files["universities"], get_table("universities"))
    for u in unis:
        w.write_row([u["name"], u["code"], u["province"], u["city"], u["authority"], u["level"] or None] + [None] * 8)
    w.close()
    people: dict[str, list[str]] = {}
    w = open_writer(files["experts"], get_table("experts"))
    seen = set()
    while len(seen) < 3000:
        person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        org = rng.choice(names)
        if (person, org) in seen:
            continue
        seen.add((person, org))
        people.setdefault(org, []).append(person)
        w.write_row(
            [
                person,
                org,
                "某学院",
                rng.choice(["教授", "研究员", "副教授"]),
                None,
                "博士生导师",
                None,
                None,
                None,
                None,
                None,
            ]
        )
    w.close()
    if files["achievements"].exists():
        return files
    papers = csl()
    spec = get_table("achievements")
    w = open_writer(files["achievements"], spec)
    used: set[tuple[str, str]] = set()
    maturity = [c.label for c in spec.column("maturity").choices]
    transfer = [c.label for c in spec.column("transfer_mode").choices]
    start = dt.date(2019, 1, 1)
    i = 0
    while i < rows:
        paper = rng.choice(papers)
        title = (paper["title"][:80] + rng.choice(SUFFIXES))[:280]
        owner = rng.choice(names)
        if (owner, title) in used:
            continue
        used.add((owner, title))
        pool = people.get(owner) or ["张伟"]
        leader = (
            rng.choice(pool) if rng.random() < 0.9 else rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        )
        price: Any = round(rng.uniform(5, 5000), 2) if rng.random() < 0.8 else None
        if price is not None and rng.random() < 0.1:
            price = f"{price}万元"
        w.write_row(
            [
                title,
                owner,
                leader,
                "、".join([leader, *(rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(2))]),
                None,
                f"C{rng.randint(13, 43)}",
                paper["discipline"],
                paper["keywords"].replace(";", "；"),
                paper["abstract"][:300],
                rng.choice(maturity),
                rng.choice(["发明专利", "实用新型", "软件著作权", None]),
                f"ZL{rng.randint(2015, 2024)}{rng.randint(10**7, 10**8 - 1)}.{rng.randint(0, 9)}",
                rng.choice(transfer),
                price,
                start + dt.timedelta(days=rng.randint(0, 2000)),
                None,
            ]
        )
        i += 1
    w.close()
    return files


def child(args: argparse.Namespace) -> None:
    """One timed step in its own process; prints a JSON line."""
    sys.path.insert(0, str(REPO / "src"))
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine
    from xiaodi.tables import export_file, import_file

    engine = make_engine(args.db)
    actor = Actor.system("基准测试")
    if args.step == "schema":
        import xiaodi.models  # noqa: F401
        from xiaodi.core.models import Base

        Base.metadata.create_all(engine)
        print(json.dumps({}))
        return
    t = time.perf_counter()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage0.ru_utime + usage0.ru_stime
    out: dict[str, Any] = {}
    if args.step == "import":
        r = import_file(engine, args.table, args.file, actor=actor)
        out = {
            "created": r.created,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "people": r.people_created,
            "reader": r.reader,
        }
    elif args.step == "export":
        out = {"rows": export_file(engine, args.table, args.file)}
    out["seconds"] = round(time.perf_counter() - t, 2)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_s"] = round(usage.ru_utime + usage.ru_stime - cpu0, 2)
    out["maxrss_mb"] = usage.ru_maxrss // 1024
    print(json.dumps(out))


def step(db: str, step_name: str, table: str = "", file: Path | None = None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", step_name, "--db", db, "--table", table, "--file", str(file or "")]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        raise SystemExit(f"step {step_name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def fresh_db(kind: str, work: Path) -> str:
    if kind == "sqlite":
        path = work / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text

    base = os.environ["XIAODI_BENCH_PG_URL"].rstrip("/")
    admin = create_engine(f"postgresql+psycopg://{base.split('://', 1)[1]}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS xiaodi_bench_tables WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE xiaodi_bench_tables"))
    admin.dispose()
    return f"{base}/xiaodi_bench_tables"


def drop_pg() -> None:
    from sqlalchemy import create_engine, text

    base = os.environ["XIAODI_BENCH_PG_URL"].rstrip("/")
    admin = create_engine(f"postgresql+psycopg://{base.split('://', 1)[1]}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS xiaodi_bench_tables WITH (FORCE)"))
    admin.dispose()


def bench(kind: str, files: dict[str, Path], runs: int, work: Path) -> dict[str, Any]:
    results: dict[str, list[dict[str, Any]]] = {"import": [], "reimport": [], "export": []}
    for run in range(runs):
        db = fresh_db(kind, work)
        step(db, "schema")
        step(db, "import", "universities", files["universities"])
        step(db, "import", "experts", files["experts"])
        results["import"].append(step(db, "import", "achievements", files["achievements"]))
        results["reimport"].append(step(db, "import", "achievements", files["achievements"]))
        results["export"].append(step(db, "export", "achievements", work / f"export_{kind}_{run}.xlsx"))
        print(kind, run + 1, {k: v[-1] for k, v in results.items()}, flush=True)
    if kind == "postgresql":
        drop_pg()
    return {
        k: {
            "median_s": statistics.median(r["seconds"] for r in v),
            "median_cpu_s": statistics.median(r["cpu_s"] for r in v),
            "runs_s": [r["seconds"] for r in v],
            "runs_cpu_s": [r["cpu_s"] for r in v],
            "max_rss_mb": max(r["maxrss_mb"] for r in v),
            "last": v[-1],
        }
        for k, v in results.items()
    }


def scaling(files_small: dict[str, Path], work: Path) -> dict[str, Any]:
    db = fresh_db("sqlite", work)
    step(db, "schema")
    step(db, "import", "universities", files_small["universities"])
    step(db, "import", "experts", files_small["experts"])
    imp = step(db, "import", "achievements", files_small["achievements"])
    exp = step(db, "export", "achievements", work / "export_small.xlsx")
    return {"import": imp, "export": exp}


def machine() -> str:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "")
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model or platform.processor()}, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=20_000, help="rows of the memory-scaling comparison")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks_tables.md")
    ap.add_argument("--child")
    ap.add_argument("--db")
    ap.add_argument("--table", default="")
    ap.add_argument("--file", default="")
    args = ap.parse_args()
    if args.child:
        args.step = args.child
        child(args)
        return
    sys.path.insert(0, str(REPO / "src"))
    files = generate(args.rows, WORK)
    small = {**files, "achievements": generate(args.small, WORK)["achievements"]}
    size_mb = files["achievements"].stat().st_size / 1e6
    report = {
        "machine": machine(),
        "rows": args.rows,
        "file_mb": round(size_mb, 1),
        "sqlite": bench("sqlite", files, args.runs, WORK),
    }
    report["scaling"] = scaling(small, WORK)
    if os.environ.get("XIAODI_BENCH_PG_URL"):
        report["postgresql"] = bench("postgresql", files, args.runs, WORK)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    (WORK / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
