"""Matching (精准匹配): normalise and tokenise text, retrieve lexically (BM25) and densely (sentence
embeddings), fuse the rankings (RRF) and explain every candidate in Chinese.

Stages, each its own module: ``text`` (规范化、分词) → ``lexical`` / ``dense`` (索引) → ``scoring`` (评分函数)
→ ``fusion`` (融合、结果) → ``explain`` (匹配理由); ``engine.HybridIndex`` ties them together. Importing
the package loads no model and no dictionary.
"""

from xiaodi.matching.engine import EmptyIndex, EmptyQuery, EngineConfig, HybridIndex, NoKnownTerms, Record
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.fusion import MatchResult, MatchResults

__all__ = [
    "EmptyIndex",
    "EmptyQuery",
    "EngineConfig",
    "HybridIndex",
    "MatchResult",
    "MatchResults",
    "NoKnownTerms",
    "QueryContext",
    "Record",
]
