"""Benchmark data: the CSL papers (data/benchmarks/csl) and synthetic catalog entries recombined from them."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CSL_DIR = REPO / "data" / "benchmarks" / "csl"  # Apache-2.0, see data/benchmarks/SOURCES.md
CACHE_DIR = Path(__file__).resolve().parent / ".cache"

KINDS = ("成果", "专家", "平台", "高校")
_TEMPLATES = {
    "成果": "{title}。成果关键词：{kws}。可应用于{kw}相关企业的技术升级。",
    "专家": "{name}教授，研究方向：{kws}。主持{title}等课题。",
    "平台": "{kw}重点实验室，依托单位开展{kws}研究，代表性工作：{title}。",
    "高校": "{name}大学{kw}学院，优势学科{disc}，近年成果：{title}。",
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


@dataclass(frozen=True, slots=True)
class Paper:
    """One CSL record: title, abstract, keywords, 门类 and 学科."""

    title: str
    abstract: str
    keywords: tuple[str, ...]
    category: str
    discipline: str
    split: str  # "dev" (used to tune fusion weights) or "test" (reported)


def load_papers(limit: int | None = None) -> list[Paper]:
    """The 2,000 joined CSL records (dev + test), in file order; ``limit`` takes an evenly spread subset."""
    papers: list[Paper] = []
    for split, name in (("dev", "csl_dev_joined.csv"), ("test", "csl_test_joined.csv")):
        with (CSL_DIR / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                kws = tuple(k.strip() for k in row["keywords"].split(";") if k.strip())
                papers.append(Paper(row["title"].strip(), row["abstract"].strip(), kws,
                                    row["category"].strip(), row["discipline"].strip(), split))
    if limit is not None and limit < len(papers):
        step = len(papers) / limit
        papers = [papers[int(i * step)] for i in range(limit)]
    return papers


def synthetic_catalog(papers: list[Paper], n: int, seed: int = 7) -> list[tuple[str, str, dict[str, object]]]:
    """``n`` catalog entries (成果/专家/平台/高校) recombining CSL titles, keywords and disciplines."""
    rng = random.Random(seed)
    out: list[tuple[str, str, dict[str, object]]] = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        a, b = rng.choice(papers), rng.choice(papers)
        kws = list(dict.fromkeys(a.keywords[:3] + b.keywords[:2]))
        text = _TEMPLATES[kind].format(
            title=a.title, kws="、".join(kws), kw=(b.keywords or ("综合",))[0],
            name=rng.choice(_SURNAMES) + rng.choice(_SURNAMES), disc=a.discipline,
        )
        out.append((f"syn{i}", text, {"name": f"{kind}{i}", "kind": kind, "disciplines": [a.discipline]}))
    return out
