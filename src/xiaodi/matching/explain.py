"""Explanations of matches (匹配理由), in Chinese, from shared terms and caller-supplied structured context.

The lead's services feed the structure (学科、平台/重点实验室、办学方向、既往合作、地区); this module only phrases it.
Each reason builder is a small pure function returning ``str | None``; ``build_reasons`` runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_TERMS = 6


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


def shared_terms_reason(r: ReasonInput) -> str | None:
    """共同关键词：钢渣、固废利用 — longest terms first, sub-tokens of a listed term dropped."""
    terms = sorted(dict.fromkeys(r.matched_terms), key=len, reverse=True)
    kept = [t for t in terms if not _contained(t, terms)]
    kept.sort(key=list(r.matched_terms).index)  # back to query order
    return f"共同关键词：{_join(kept)}" if kept else None


def discipline_reason(r: ReasonInput) -> str | None:
    """学科对口：冶金工程 — the candidate's disciplines that the asking side also names."""
    mine = _as_list(r.meta.get("disciplines"))
    common = [d for d in mine if d in r.query.disciplines]
    return f"学科对口：{_join(common)}" if common else None


def platform_reason(r: ReasonInput) -> str | None:
    """依托平台：…重点实验室 — the research platforms or key labs behind the candidate."""
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
    """语义相近 — said when the dense retriever found it, most useful when no keyword is shared."""
    if r.dense_rank is None:
        return None
    if r.matched_terms:
        return f"语义相近（语义检索第{r.dense_rank}名）"
    return f"内容语义相近（无相同关键词，语义检索第{r.dense_rank}名）"


DEFAULT_BUILDERS: tuple[ReasonBuilder, ...] = (
    shared_terms_reason,
    discipline_reason,
    platform_reason,
    direction_reason,
    cooperation_reason,
    region_reason,
    semantic_reason,
)


def build_reasons(r: ReasonInput, builders: Sequence[ReasonBuilder] = DEFAULT_BUILDERS) -> list[str]:
    """All reasons that apply, in builder order; falls back to a generic sentence, never a bare score."""
    reasons = [text for build in builders if (text := build(r))]
    extra = _as_list(r.meta.get("reasons"))  # caller-written reasons (e.g. "已签约项目2个")
    reasons.extend(extra)
    return reasons or ["与需求文本整体相关（无单一突出理由）"]
