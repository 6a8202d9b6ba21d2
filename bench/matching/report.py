"""Render the benchmark results as docs/benchmarks_matching.md (numbers come only from results.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

METHOD_NAMES = {"lexical": "关键词 BM25", "dense": "语义向量", "fused": "融合 RRF"}


def _get(obj: Any, key: str) -> Any:
    return obj[key] if isinstance(obj, dict) else getattr(obj, key)


def _row(label: str, s: Any) -> str:
    return f"| {label} | {_get(s, 'recall10'):.3f} | {_get(s, 'ndcg10'):.3f} | {_get(s, 'mrr'):.3f} |"


def _quality_tables(quality: dict[str, Any]) -> list[str]:
    lines = ["## 检索质量（CSL）", ""]
    first = next(iter(quality.values()))
    for task in first["known_item"]:
        lines += [f"### {task}（测试集 {_get(first['known_item'][task]['lexical'], 'n')} 条查询）", "",
                  "| 方法 | recall@10 | nDCG@10 | MRR |", "|---|---:|---:|---:|",
                  _row("关键词 BM25", first["known_item"][task]["lexical"])]
        for enc, rep in quality.items():
            tuned = rep["tuned"]
            names = {"dense": f"语义向量（{enc}）", "fused": f"融合 RRF k=60 等权（{enc}）",
                     "fused-tuned": f"融合 RRF k={tuned['k']} 向量权重 {tuned['w_dense']}（{enc}，开发集调参）"}
            for method, label in names.items():
                s = rep["known_item"][task].get(method)
                if s is not None:
                    lines.append(_row(label, s))
        lines.append("")
    lines += ["### 学科归类（摘要 → 67 个学科之一，2,000 篇留一法）", "",
              "| 方法 | acc@1 | acc@3 |", "|---|---:|---:|"]
    for enc, rep in quality.items():
        for method, s in rep["discipline"].items():
            if "fused-tuned" in method or ("lexical" in method and enc != next(iter(quality))):
                continue
            label = method if "lexical" in method else f"{method}（{enc}）"
            lines.append(f"| {label} | {s['acc@1']:.3f} | {s['acc@3']:.3f} |")
    return [*lines, ""]


def _scale_table(scale: dict[str, Any]) -> list[str]:
    lines = ["## 规模与延迟（合成目录条目）", "",
             "| 条目数/模型 | 融合查询 p50 | p99 | CPU p50 | CPU p99 | 查询向量已缓存 p50 / p99 | 其中: 分词 "
             "| 查询编码 | BM25 | 向量 | 向量索引 | BM25 数组 | RSS 增量 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, f in scale.items():
        lines.append(
            f"| {key} | {f['p50_ms']:.1f} ms | {f['p99_ms']:.1f} ms | {f.get('cpu_p50_ms', float('nan')):.1f} ms | "
            f"{f.get('cpu_p99_ms', float('nan')):.1f} ms | {f.get('cached_p50_ms', float('nan')):.1f} / "
            f"{f.get('cached_p99_ms', float('nan')):.1f} ms | {f['tokenise_p50_ms']:.1f} | "
            f"{f['encode_query_p50_ms']:.1f} | {f['lexical_p50_ms']:.1f} | {f['dense_p50_ms']:.1f} | "
            f"{f['dense_mb']:.0f} MB | {f['lexical_arrays_mb']:.0f} MB | {f['rss_delta_mb']:.0f} MB |")
    lines.append("")
    for key, f in scale.items():
        if "add_p50_ms" in f:
            lines += [f"增量更新（{key}，一条记录）：新增/修改 p50 {f['add_p50_ms']:.2f} ms，"
                      f"p99 {f['add_p99_ms']:.2f} ms，最大 {f['add_max_ms']:.1f} ms；"
                      f"删除 p50 {f['remove_p50_ms']:.3f} ms；"
                      f"新增直到向量也可检索 p50 {f['add_until_dense_p50_ms']:.1f} ms；"
                      f"合并增量（compact）{f['compact_s']:.1f} s。", ""]
    return lines


def write_report(results: dict[str, Any], path: Path, notes: str = "") -> None:
    """Write the markdown report; ``notes`` (analysis, choice of encoder) is appended verbatim."""
    m = results["machine"]
    lines = [
        "# 精准匹配基准（matching benchmarks）", "",
        f"机器：{m['cpu']}，{m['cores']} 核（与其他任务共用；性能测试开始时 1 分钟负载 "
        f"{results.get('load_average', [float('nan')])[0]:.1f}），编码与 BLAS 线程数 {results.get('threads', 1)}，"
        f"Python {m['python']}，{m['date']}。"
        f"命令：`python -m bench.matching`（`--quick` 为 300 篇快速版）。", "",
        "数据：CSL 2,000 篇（标题、摘要、关键词、学科），见 `data/benchmarks/csl/PROVENANCE.md`；"
        f"本次评测 {results['papers']} 篇。",
        "",
    ]
    if "quality" in results:
        lines += _quality_tables(results["quality"])
    lines += ["## 编码吞吐（条/秒，无缓存，单进程）", "", "| 模型 | 摘要（约 210 字） | 标题 |", "|---|---:|---:|"]
    for name, t in results["throughput"].items():
        lines.append(f"| {name} | {t['abstracts_per_s']:.1f} | {t['titles_per_s']:.1f} |")
    lines.append("")
    lines += _scale_table(results["scale"])
    if "million" in results:
        f = results["million"]
        lines += ["## 100 万条", "",
                  f"BM25 建索引 {f['lexical_build_s']:.0f} s；BM25 数组 {f['lexical_arrays_mb']:.0f} MB"
                  f"（RSS 增量 {f['lexical_rss_mb']:.0f} MB）；int8 向量 {f['dense_mb']:.0f} MB；"
                  f"合计 RSS 增量 {f['rss_delta_mb']:.0f} MB。",
                  f"单次检索（top-100）：BM25 p50 {f['lexical_p50_ms']:.1f} ms / p99 {f['lexical_p99_ms']:.1f} ms；"
                  f"向量 p50 {f['dense_p50_ms']:.1f} ms / p99 {f['dense_p99_ms']:.1f} ms。", ""]
    if notes:
        lines += [notes.strip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
