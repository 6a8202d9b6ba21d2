"""Explanations of matches (匹配理由), in Chinese, from shared terms and caller-supplied structured context.

The lead's services feed the structure (学科、平台/重点实验室、办学方向、既往合作、地区); this module only phrases it.
Each reason builder is a small pure function returning ``str | None``; ``build_reasons`` runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_TERMS = 6
# A semantic similarity is a reason only when it is strong: among the first ten of the semantic ranking and in the
# top 0.3 % of the index (the first ten of the ~3,500 reference profiles of a cold start; never the first of ten).
SEMANTIC_REASON_RANK = 10
SEMANTIC_REASON_SHARE = 0.003
KIND_PLURAL = {"university": "高校院所", "institute": "高校院所", "expert": "专家", "achievement": "成果",
               "platform": "平台", "enterprise": "企业", "demand": "需求"}
# Words that say nothing a person can check on their own (重点 and 实验室 are in every key lab's name, 本科 and
# 专业 in every job demand, 加工, 制备 and 性能 in demands of every field: "需求涉及冶金工程（制备）" for a 钢渣微粉
# demand named the process, not the subject); a shared-terms reason made only of them, or of single characters, is
# not shown. Field words (材料, 节能) stay: they are weak, but they say what is shared.
GENERIC_TERMS = frozenset({"重点", "实验室", "国家", "本科", "研究所", "研究院", "单位", "人才", "毕业生", "专业",
                           "岗位", "转化", "成果", "科研", "科学", "加工", "制备", "性能", "模式", "中间",
                           # in demands of every field and in school names (制造, 工艺, 保护: issue 13's examples)
                           "制造", "工艺", "保护", "控制", "技术", "资源", "利用", "综合", "开发", "应用", "研究",
                           "新型", "高效", "系统", "工程", "经济", "产业", "生产", "产品", "质量", "品质", "创新"})


@dataclass(frozen=True, slots=True)
class QueryContext:
    """What the caller knows about the asking side (需求方): its disciplines, region and organisation."""

    disciplines: tuple[str, ...] = ()
    region: str | None = None  # province (省) of the asking side
    organisation: str | None = None
    city: str | None = None  # its city (市), for the 就近 prior
    industries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReasonInput:
    """Everything one candidate's explanation may draw on."""

    matched_terms: Sequence[str]
    meta: Mapping[str, Any]
    query: QueryContext = field(default_factory=QueryContext)
    lexical_rank: int | None = None
    dense_rank: int | None = None
    # The semantic rank as a share of the index (0.002 = in the top 0.2 %); None: not measured.
    semantic_share: float | None = None
    # The demand's text and the candidate's indexed text (already normalised by the index): single characters the
    # tokenizer split are joined into a word only where they stand side by side in both (without the texts, never).
    query_text: str = ""
    candidate_text: str = ""


ReasonBuilder = Callable[[ReasonInput], str | None]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, Iterable):
        return [str(v) for v in value if v]
    return [str(value)]


def _join(items: Iterable[str], limit: int = MAX_TERMS) -> str:
    unique = list(dict.fromkeys(items))
    text = "、".join(unique[:limit])
    return text + ("等" if len(unique) > limit else "")


def _contained(term: str, others: Sequence[str]) -> bool:
    return any(term != o and term in o for o in others)


def _checkable(term: str) -> bool:
    """A term a person can check as a reason: not a single Chinese character (源, 相: pieces of a longer word)."""
    return len(term) >= 2 or term.isascii()


def _rejoined(terms: Sequence[str], query_text: str = "", candidate_text: str = "") -> list[str]:
    """The matched terms with each run of single Chinese characters joined again where the characters stand side by
    side in the demand *and* in the candidate's text: the tokenizer splits a word it does not know (锂渣 → 锂、渣),
    and the word, not its characters, is what a person can check. Characters that are not adjacent in both (锂 from
    锂电池 and 渣 from 钢渣) stay apart, and single characters are not shown."""
    texts: tuple[str, str] | None = None

    def adjacent(word: str) -> bool:
        nonlocal texts
        if not query_text or not candidate_text:
            return False
        if texts is None:
            texts = (_query_form(query_text), candidate_text.lower())
        return word in texts[0] and word in texts[1]

    out: list[str] = []
    run = ""
    for term in [*terms, ""]:
        if len(term) == 1 and not term.isascii():
            if run and adjacent(run + term):
                run += term
                continue
            if run:
                out.append(run)
            run = term
            continue
        if run:
            out.append(run)
            run = ""
        if term:
            out.append(term)
    return out


@lru_cache(maxsize=64)
def _query_form(query_text: str) -> str:
    """The demand as the index reads it (normalised, lower case); once per query, not once per candidate."""
    from xiaodi.matching.text import normalise

    return normalise(query_text).lower()


def _overlaps_joined(terms: list[str], query_text: str, candidate_text: str) -> list[str]:
    """Fragments the tokenizer cut out of one word (鄂尔多 and 多斯 of 鄂尔多斯) joined where they overlap and the
    joined word stands in both texts; without the texts nothing is joined."""
    if not query_text or not candidate_text or len(terms) < 2:
        return terms
    firsts = {t[0] for t in terms if t}
    if not any(c in firsts for t in terms for c in t[1:]):
        return terms  # the common case: no term goes on where another begins, so nothing to join (and no copying)
    query, candidate = _query_form(query_text), candidate_text.lower()
    out = list(terms)
    joined = True
    while joined:
        joined = False
        for i, a in enumerate(out):
            for j, b in enumerate(out):
                word = _overlap(a, b) if i != j else None
                if word and word in query and word in candidate:
                    out[min(i, j)] = word
                    del out[max(i, j)]
                    joined = True
                    break
            if joined:
                break
    return out


def _overlap(a: str, b: str) -> str | None:
    """``a`` then ``b`` sharing at least one character (鄂尔多 + 多斯 → 鄂尔多斯); None if they do not overlap."""
    for k in range(min(len(a), len(b)) - 1, 0, -1):
        if a.endswith(b[:k]):
            return a + b[k:]
    return None


def shared_terms_reason(r: ReasonInput) -> str | None:
    """共同关键词：钢渣、固废利用 — longest terms first, sub-tokens of a listed term dropped; never only generic
    words (材料、重点、实验室) or lone single characters (a run of them is the word the tokenizer split)."""
    matched = _overlaps_joined(_rejoined(r.matched_terms, r.query_text, r.candidate_text), r.query_text,
                               r.candidate_text)
    terms = sorted(dict.fromkeys(t for t in matched if _checkable(t) and t not in GENERIC_TERMS),
                   key=len, reverse=True)
    kept = [t for t in terms if not _contained(t, terms)]
    if not kept:
        return None
    kept.sort(key=matched.index)  # back to query order
    return f"共同关键词：{_join(kept)}"


def discipline_reason(r: ReasonInput) -> str | None:
    """学科对口：冶金工程 — the candidate's disciplines that the asking side also names."""
    mine = _as_list(r.meta.get("disciplines"))
    common = [d for d in mine if d in r.query.disciplines]
    return f"学科对口：{_join(common)}" if common else None


def platform_reason(r: ReasonInput) -> str | None:
    """依托平台：…重点实验室 — the research platforms or key labs behind the candidate (the caller keeps only those
    relevant to the demand); for a platform itself, the unit it belongs to (依托单位)."""
    if r.meta.get("kind") == "platform":
        host = r.meta.get("host")
        return f"依托单位：{host}" if host else None
    platforms = _as_list(r.meta.get("platforms")) + _as_list(r.meta.get("labs"))
    return f"依托平台：{_join(platforms, 3)}" if platforms else None


def direction_reason(r: ReasonInput) -> str | None:
    """办学方向：冶金工程、材料科学与工程（曾用名“江西冶金学院”含“冶金”） — what the candidate's names state
    (研究方向 for an institute).

    Only the directions the query touches (its disciplines, or a shared term in the discipline or its basis);
    all of them when the candidate was found by meaning alone, since then they are what the match stands on.
    """
    directions = [(str(d), str(b)) for d, b in r.meta.get("directions") or []]
    touched = [(d, b) for d, b in directions
               if d in r.query.disciplines or any(t in d or t in b for t in r.matched_terms)]
    if not touched and r.lexical_rank is None and r.dense_rank is not None:
        touched = directions
    if not touched:
        return None
    by_basis: dict[str, list[str]] = {}
    for discipline, basis in touched:
        by_basis.setdefault(basis, []).append(discipline)
    parts = [f"{_join(ds, 4)}（{basis}）" for basis, ds in list(by_basis.items())[:2]]
    label = "研究方向" if r.meta.get("kind") == "institute" else "办学方向"
    return f"{label}：" + "；".join(parts)


def cooperation_reason(r: ReasonInput) -> str | None:
    """既往合作 — the candidate has cooperated with the asking organisation before."""
    partners = _as_list(r.meta.get("partners"))
    org = r.query.organisation
    if org and org in partners:
        return f"既往合作：曾与{org}合作"
    history = _as_list(r.meta.get("cooperation"))
    return f"既往合作：{_join(history, 2)}" if history else None


def region_reason(r: ReasonInput) -> str | None:
    """同一地区：赣州市 — the candidate sits in the asking side's region."""
    region = r.meta.get("region")
    if region and r.query.region and str(region) == r.query.region:
        return f"同一地区：{region}"
    return None


def semantic_reason(r: ReasonInput) -> str | None:
    """内容与需求意思相近 — only when the semantic similarity is strong: among the first few of the semantic ranking
    and, where the index's size is known, closer to the demand than 99.7 % of its records (the first of ten
    experts is no reason a person can use; neither is the 156th of 3,500)."""
    if r.dense_rank is None or r.dense_rank > SEMANTIC_REASON_RANK:
        return None
    if r.semantic_share is None:
        return f"内容与需求意思相近（语义检索第{r.dense_rank}名）"
    if r.semantic_share > SEMANTIC_REASON_SHARE:
        return None
    beaten = int(1000 * (1 - r.semantic_share)) / 10
    return f"内容与需求意思相近（语义比对：比{beaten:g}%的{KIND_PLURAL.get(str(r.meta.get('kind')), '候选')}更接近）"


DEFAULT_BUILDERS: tuple[ReasonBuilder, ...] = (
    shared_terms_reason,
    discipline_reason,
    platform_reason,
    direction_reason,
    cooperation_reason,
    region_reason,
    semantic_reason,
)


NO_SINGLE_REASON = "与需求文本整体相关（无单一突出理由）"


def build_reasons(r: ReasonInput, builders: Sequence[ReasonBuilder] = DEFAULT_BUILDERS, *,
                  fallback: bool = True) -> list[str]:
    """All reasons that apply, in builder order; falls back to a generic sentence (unless the caller has reasons of
    its own), never a bare score."""
    reasons = [text for build in builders if (text := build(r))]
    extra = _as_list(r.meta.get("reasons"))  # caller-written reasons (e.g. "已签约项目2个")
    reasons.extend(extra)
    return reasons or ([NO_SINGLE_REASON] if fallback else [])
