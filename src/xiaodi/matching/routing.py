"""Discipline routing (学科路由): which first-level disciplines a demand needs, and who is strong in them.

A demand rarely shares a word with the name of the school that can solve it ("钢渣综合利用" and 江西理工大学 share
none), but it does name a problem that belongs to disciplines (冶金工程, 材料科学与工程, 环境科学与工程), and public
facts say who is strong in those: the 4th-round evaluation grades, Double First-Class disciplines, the key labs
they host, and what the ledger learns (experts, achievements, past projects). Routing splits matching in two steps
a person can check:

1. ``DisciplineRouter.route``: the demand's disciplines with weights summing to 1, from two readers — the
   encoder's similarity of the demand to each discipline's centroid (which proposes), and the words each
   discipline covers (``data/disciplines.json``: its NSFC topic names, name fragments and CSL keywords, see
   ``route_data``), scored by BM25 (which confirms, and names the words for the reasons). On the tuning cases
   the encoder alone routed as well as both; the words alone were clearly worse (see docs/benchmarks_matching.md).
   A short curated map (``route_terms.txt``: 茶 → 园艺学、食品科学与工程, each line with its reason) corrects the
   misroutes found on the tuning cases, where the encoder and the vocabulary agree on the wrong field.
2. ``Strengths``: an institution's strength in a discipline in [0, 1], combining independent pieces of evidence
   by noisy-or (two B+ facts make more than one, never more than 1), each with its basis for the reasons.

The route score of an institution is ``Σ weight(d) × strength(d)``: an absolute number in [0, 1] that means the same
for every query (1 = the strongest possible evidence in exactly the disciplines needed).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from xiaodi.matching.encoders import Encoder
from xiaodi.matching.lexical import LexicalIndex
from xiaodi.matching.scoring import l2_normalise
from xiaodi.matching.text import Tokenizer, normalise

DATA = Path(__file__).resolve().parent / "data"
VOCABULARY = DATA / "disciplines.json"
MAX_ROUTES = 5  # disciplines a demand is routed to; beyond five the weights are noise
MIN_WEIGHT = 0.06  # a route lighter than this is dropped (and the rest renormalised)
# Softmax temperature of the encoder's cosine similarities: e5 cosines of one query to different disciplines lie
# within a few hundredths of each other, so a small temperature is what turns them into a usable distribution.
DENSE_TEMPERATURE = 0.01
# Hubness correction (CSLS, Conneau et al. 2018, "Word translation without parallel data"): some centroids lie close
# to every text (纺织科学与工程, 兵器科学与技术 and 核科学与技术 came second or third for food, machining and power
# demands), so a demand's cosine to a centroid is taken minus half that centroid's mean cosine to background queries
# (CSLS's 2·cos − r_query − r_centroid, of which r_query is the same for every discipline of one demand).
HUB_SHARE = 0.5
HUB_QUERIES_PER_DISCIPLINE = 3  # background queries: each discipline's first CSL paper titles
# Below this specificity, a text that shares no informative word with the resources gives a match nothing to rest
# on (see ``specificity``). Set from the 118 tuning cases: their lowest is 0.0182 (桑黄啤酒研制), and the bound sits a
# little under it so that none of them is refused. The held-out cases and a second set of placeholders were measured
# only after it was set (docs/benchmarks_matching.md).
VAGUE_SPECIFICITY = 0.017

# Strength of each kind of evidence (证据强度). An evaluation grade is placed by how selective it is: A+ is the top
# 2 % of the units evaluated, C- the 60–70 % band; the strength falls with the log of the band's middle percentile
# (1 % → 1.0, 65 % → 0.45), so a graded discipline is always clearly better than none.
GRADE_STRENGTH: dict[str, float] = {
    "A+": 1.0, "A": 0.84, "A-": 0.75, "B+": 0.67, "B": 0.61, "B-": 0.57, "C+": 0.53, "C": 0.50, "C-": 0.47,
}
DOUBLE_FIRST_CLASS_STRENGTH = 0.95  # 双一流建设学科: chosen nationally, on a par with A/A+
KEY_LAB_STRENGTH = 0.85  # hosts a state key lab (国家重点实验室) of the discipline
INSTITUTE_FIELD_STRENGTH = 0.8  # a research institute's main field (研究所主要学科)
NAME_DIRECTION_STRENGTH = 0.4  # the name states the direction (办学方向): a specialisation, not a measure of strength
LEDGER_STRENGTH = 0.35  # one expert, achievement or platform of the discipline in the ledger
COOPERATION_STRENGTH = 0.6  # one past agreement or project (校地合作记录) on the discipline's topics


@dataclass(frozen=True, slots=True)
class Route:
    """One discipline a demand needs (需求所属学科), its weight and the demand's words that point to it."""

    discipline: str
    weight: float
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact of an institution's strength in a discipline (学科实力证据), with the basis a person can check."""

    discipline: str
    strength: float
    basis: str


def combine(strengths: Iterable[float]) -> float:
    """Noisy-or of independent evidence (证据合并): ``1 - Π(1 - s)``, in [0, 1]."""
    miss = 1.0
    for s in strengths:
        miss *= 1.0 - max(0.0, min(1.0, s))
    return 1.0 - miss


@dataclass(slots=True)
class Strengths:
    """An institution's evidence per discipline (学科实力); built by the profiles, stored in the record's meta."""

    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    def add(self, discipline: str, strength: float, basis: str) -> None:
        items = self.evidence.setdefault(discipline, [])
        if all(e.basis != basis for e in items):
            items.append(Evidence(discipline, strength, basis))

    def as_meta(self) -> list[list[object]]:
        """``[[discipline, strength, [basis…]], …]``, strongest first: compact JSON for the index's meta."""
        rows = [[d, round(combine(e.strength for e in items), 4),
                 [e.basis for e in sorted(items, key=lambda e: -e.strength)]]
                for d, items in self.evidence.items()]
        return sorted(rows, key=lambda r: -float(r[1]))  # type: ignore[arg-type]


def strength_table(meta_rows: Iterable[Sequence[Any]]) -> dict[str, tuple[float, list[str]]]:
    """Read ``Strengths.as_meta`` back: discipline → (strength, bases)."""
    return {str(d): (float(s), [str(b) for b in bases]) for d, s, bases in meta_rows or ()}


MIN_KEYWORD_PAPERS = 2  # a CSL keyword speaks for a discipline when two of its papers use it, not one


@cache
def vocabulary(path: Path = VOCABULARY) -> dict[str, list[str]]:
    """Discipline → the words it covers (学科词表), from ``data/disciplines.json``: its name, name fragments and
    NSFC topic names, and the CSL keywords that more than one of its papers use (one paper's keyword is often
    incidental: a 民族学 paper on biomass energy does not make 生物质能源 a word of 民族学)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {d: [*entry["terms"], *(k for k, n in entry["keywords"] if n >= MIN_KEYWORD_PAPERS)]
            for d, entry in raw["disciplines"].items()}


def _vocabulary_hash(path: Path = VOCABULARY) -> str:
    return str(json.loads(path.read_text(encoding="utf-8"))["hash"])


@cache
def route_stopwords() -> frozenset[str]:
    """Words of demand boilerplate that route nowhere (``route_stopwords.txt``)."""
    raw = (Path(__file__).with_name("route_stopwords.txt")).read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


CURATED_TERMS = Path(__file__).with_name("route_terms.txt")
CURATED_SHARE = 0.5  # the part of a demand's route that the curated words it contains take together


@dataclass(frozen=True, slots=True)
class CuratedTerm:
    """One line of the curated map (学科路由人工词表): a word, its disciplines and why."""

    term: str
    disciplines: tuple[str, ...]
    basis: str


@cache
def curated_terms(path: Path = CURATED_TERMS) -> tuple[CuratedTerm, ...]:
    """``route_terms.txt``: word → disciplines with the reason, written so that a person can check each line."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            term, disciplines, basis = line.split("\t")
            rows.append(CuratedTerm(term.strip(), tuple(d.strip() for d in disciplines.split(";")), basis.strip()))
    return tuple(rows)


def curated_routes(text: str) -> list[Route]:
    """The disciplines the curated words in ``text`` name, weights summing to 1 (each word an equal share, split
    over its disciplines); a word inside a longer word that is also present does not count (葡萄 in 葡萄酒)."""
    body = normalise(text)
    found = [c for c in curated_terms() if c.term in body]
    found = [c for c in found if not any(c.term != o.term and c.term in o.term for o in found)]
    weight: dict[str, float] = {}
    terms: dict[str, list[str]] = {}
    for c in found:
        for d in c.disciplines:
            weight[d] = weight.get(d, 0.0) + 1.0 / len(found) / len(c.disciplines)
            terms.setdefault(d, []).append(c.term)
    return [Route(d, w, tuple(terms[d])) for d, w in sorted(weight.items(), key=lambda kv: -kv[1])]


@cache
def _route_tokenizer() -> Tokenizer:
    """The disciplines' own terms kept whole (and their parts, for recall), demand boilerplate dropped."""
    from xiaodi.matching.text import default_stopwords

    terms = {t for ts in vocabulary().values() for t in ts if 2 <= len(t) <= 8}
    return Tokenizer(terms, stopwords=default_stopwords() | route_stopwords())


class DisciplineRouter:
    """Routes text to disciplines by words (BM25 over each discipline's words) and by meaning (the encoder)."""

    def __init__(self, tokenizer: Tokenizer | None = None, encoder: Encoder | None = None) -> None:
        self.tokenizer = tokenizer or _route_tokenizer()
        self.encoder = encoder
        self.names = list(vocabulary())
        self.lexical = LexicalIndex()
        self.lexical.build((d, self._tokens(d + "；" + "；".join(terms))) for d, terms in vocabulary().items())
        self._vectors: np.ndarray | None = None
        self._hubness: np.ndarray | None = None
        self._lock = threading.Lock()

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self.tokenizer.tokenize(text) if len(t) >= 2]

    # ----- the two readers -----
    def by_words(self, text: str) -> list[Route]:
        """Disciplines whose words the text uses, BM25 scores normalised to weights."""
        hits = self.lexical.search(self._tokens(text), MAX_ROUTES * 2)
        if not hits or hits[0].score <= 0:
            return []
        # BM25 over a hundred short documents is flat; the cube keeps the disciplines that share the rare words.
        sharp = [(h, (h.score / hits[0].score) ** 3) for h in hits]
        total = sum(w for _, w in sharp)
        return [Route(h.id, w / total, tuple(h.matched_terms)) for h, w in sharp]

    def by_meaning(self, text: str, vector: np.ndarray | None = None) -> list[Route]:
        """Disciplines closest in meaning (the encoder's cosine to each centroid, as a softmax); ``vector``: the
        text's query vector when the caller already has it (the same encoder's)."""
        cosines = self._closeness(text, vector)
        if cosines is None:
            return []
        best = np.argsort(-cosines)[: MAX_ROUTES * 2]
        logits = (cosines[best] - cosines[best[0]]) / DENSE_TEMPERATURE
        weights = np.exp(logits) / np.exp(logits).sum()
        return [Route(self.names[i], float(w)) for i, w in zip(best, weights, strict=True)]

    def specificity(self, text: str, vector: np.ndarray | None = None) -> float | None:
        """How much closer in meaning the text is to its nearest discipline than to the average one (学科指向度),
        in cosine units; None without an encoder. A demand that names a problem stands out from the 111 centroids
        (on the real cases of data/benchmarks/matching: 0.018 to 0.056); a placeholder ("详见附件", "您好，请联系
        我们") is about as close to every discipline as to any (see ``VAGUE_SPECIFICITY``)."""
        cosines = self._closeness(text, vector)
        return None if cosines is None else float(cosines.max() - cosines.mean())

    def _closeness(self, text: str, vector: np.ndarray | None) -> np.ndarray | None:
        """The text's cosine to each discipline centroid, less half the centroid's hubness (CSLS, see above)."""
        vectors = self.vectors()
        if vectors is None or self.encoder is None:
            return None
        raw = vector[None, :] if vector is not None else self.encoder.encode_queries([normalise(text)[:512]])
        query = l2_normalise(np.asarray(raw, dtype=np.float32))[0]
        return np.asarray(vectors @ query - HUB_SHARE * self.hubness())

    def route(self, text: str, vector: np.ndarray | None = None, words: list[Route] | None = None) -> list[Route]:
        """The demand's disciplines (需求学科路由), the top ``MAX_ROUTES`` renormalised.

        Meaning proposes, words confirm: each discipline the encoder finds close gets its weight multiplied by
        ``1 + words weight``, so shared words can reorder plausible disciplines but cannot bring in one that only
        shares a word by accident ("太阳发电机" makes 发电 a word of 天文学). Without an encoder, words alone.
        """
        words = self.by_words(text) if words is None else words
        meaning = self.by_meaning(text, vector)
        terms = {r.discipline: r.terms for r in words}
        if meaning:
            said = {r.discipline: r.weight for r in words}
            weight = {r.discipline: r.weight * (1.0 + said.get(r.discipline, 0.0)) for r in meaning}
        else:
            weight = {r.discipline: r.weight for r in words}
        curated = curated_routes(text)
        if curated:  # the curated words take their share, and their words lead the reasons
            total = sum(weight.values()) or 1.0
            weight = {d: (1.0 - CURATED_SHARE) * w / total for d, w in weight.items()}
            for r in curated:
                weight[r.discipline] = weight.get(r.discipline, 0.0) + CURATED_SHARE * r.weight
                terms[r.discipline] = tuple(dict.fromkeys([*r.terms, *terms.get(r.discipline, ())]))
        return _normalised(weight, terms)

    # ----- the centroids -----
    def vectors(self) -> np.ndarray | None:
        """Discipline centroids for this encoder: shipped for the default encoder, else encoded once from the
        words (and kept for the process)."""
        if self.encoder is None:
            return None
        with self._lock:
            if self._vectors is None:
                shipped = _shipped_vectors(self.encoder.name, self.names)
                self._vectors = shipped if shipped is not None else self._encode_words()
            return self._vectors

    def hubness(self) -> np.ndarray:
        """Each centroid's mean cosine to background queries (中心的“普适度”): shipped with the default encoder's
        centroids, else computed once from the vocabulary's paper titles."""
        vectors = self.vectors()
        assert vectors is not None and self.encoder is not None
        with self._lock:
            if self._hubness is None:
                shipped = _shipped_hubness(self.encoder.name, self.names)
                self._hubness = shipped if shipped is not None else hubness(self.encoder, vectors, self.names)
            return self._hubness

    def _encode_words(self) -> np.ndarray:
        assert self.encoder is not None
        rows = []
        for d in self.names:
            terms = vocabulary()[d]
            texts = ["、".join(terms[j:j + 12]) for j in range(0, min(len(terms), 48), 12)]
            rows.append(l2_normalise(self.encoder.encode_passages(texts).mean(axis=0, keepdims=True))[0])
        return np.stack(rows).astype(np.float32)


def _normalised(weight: Mapping[str, float], terms: Mapping[str, tuple[str, ...]]) -> list[Route]:
    """The heaviest ``MAX_ROUTES`` disciplines, those under ``MIN_WEIGHT`` dropped, weights summing to 1."""
    top = sorted(weight.items(), key=lambda kv: -kv[1])[:MAX_ROUTES]
    total = sum(w for _, w in top)
    if total <= 0:
        return []
    top = [(d, w / total) for d, w in top]
    top = [(d, w) for d, w in top if w >= MIN_WEIGHT] or top[:1]
    total = sum(w for _, w in top)
    return [Route(d, w / total, terms.get(d, ())) for d, w in top]


@cache
def words_router() -> DisciplineRouter:
    """The words-only router (no encoder), built once per process: profiles route lab, achievement and project
    titles with it on every incremental update, and building its index takes ~0.1 s."""
    return DisciplineRouter()


def background_queries(names: Sequence[str], path: Path = VOCABULARY) -> list[tuple[str, str]]:
    """(discipline, query) pairs the hubness is measured on: the first CSL paper titles of every discipline
    (papers are stored as "title：keywords"), so the background spans all fields evenly."""
    raw = json.loads(path.read_text(encoding="utf-8"))["disciplines"]
    return [(d, paper.split("：")[0]) for d in names
            for paper in raw.get(d, {}).get("papers", [])[:HUB_QUERIES_PER_DISCIPLINE]]


def hubness(encoder: Encoder, vectors: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Each centroid's mean cosine to all background queries (CSLS's r over the whole background; leaving out a
    discipline's own papers was tried and routed the tuning cases slightly worse)."""
    pairs = background_queries(names)
    if not pairs:
        return np.zeros(len(names), dtype=np.float32)
    queries = l2_normalise(np.asarray(encoder.encode_queries([q for _, q in pairs]), dtype=np.float32))
    return (queries @ vectors.T).mean(axis=0).astype(np.float32)


def _shipped_hubness(encoder_name: str, names: list[str]) -> np.ndarray | None:
    """The hubness ``route_data`` wrote next to the centroids (same vocabulary hash), if any."""
    path = DATA / f"disciplines.{encoder_name}.npz"
    if not path.exists():
        return None
    with np.load(path) as data:
        if "hub" not in data or str(data["hash"]) != _vocabulary_hash() or list(data["names"]) != names:
            return None
        return np.asarray(data["hub"], dtype=np.float32)


def _shipped_vectors(encoder_name: str, names: list[str]) -> np.ndarray | None:
    """The centroids written by ``route_data`` for this encoder, if they were made from today's vocabulary."""
    path = DATA / f"disciplines.{encoder_name}.npz"
    if not path.exists():
        return None
    with np.load(path) as data:
        if str(data["hash"]) != _vocabulary_hash() or list(data["names"]) != names:
            return None
        return np.asarray(data["vectors"], dtype=np.float32)

