"""Text preparation for matching (精准匹配): normalisation (文本规范化) and tokenisation (分词).

Normalisation is a pure function; the ``Tokenizer`` owns its own jieba instance so that a domain dictionary
(单位名称、重点实验室、学科与行业名称) never leaks into other users of jieba. Nothing is loaded at import time:
the traditional → simplified table and jieba's prefix dictionary are built on first use.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

_TAG = re.compile(r"<[^>]{0,300}>")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s\u3000，。；、）)]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202f\ufeff]")
_SPACES = re.compile(r"\s+")
# A token worth indexing holds at least one CJK ideograph, Latin letter or digit.
_CONTENT = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")


@cache
def _traditional_table() -> tuple[dict[int, str], re.Pattern[str] | None, dict[str, str]]:
    """Build the 繁→简 character table and phrase table once, from the opencc package's own dictionaries.

    opencc-python-reimplemented converts with a pure-Python longest-match loop (slow on long texts); a
    ``str.translate`` table plus one regex for the few hundred multi-character phrases gives the same result
    for matching purposes at C speed.
    """
    base = resources.files("opencc") / "dictionary"
    chars: dict[int, str] = {}
    for line in (base / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1:
            chars[ord(parts[0])] = parts[1]
    phrases: dict[str, str] = {}
    for line in (base / "TSPhrases.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) > 1:
            phrases[parts[0]] = parts[1]
    keys = sorted(phrases, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
    return chars, pattern, phrases


def to_simplified(text: str) -> str:
    """Convert traditional Chinese to simplified (繁体转简体)."""
    chars, pattern, phrases = _traditional_table()
    if pattern is not None:
        text = pattern.sub(lambda m: phrases[m.group(0)], text)
    return text.translate(chars)


def normalise(text: str) -> str:
    """Normalise text for matching (文本规范化).

    Unescapes HTML entities and drops tags, URLs, e-mail addresses and control characters; applies NFKC
    (full-width letters, digits and punctuation become half-width); converts traditional to simplified;
    collapses whitespace. Case is kept here (display text); the tokenizer lower-cases.
    """
    if not text:
        return ""
    text = html.unescape(text)
    text = _TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text).strip()


@cache
def default_stopwords() -> frozenset[str]:
    """The package's Chinese stopword list (停用词表), read once from ``stopwords_zh.txt``."""
    raw = (resources.files("xiaodi.matching") / "stopwords_zh.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def _search_parts(engine: jieba.Tokenizer, word: str) -> list[str]:
    """jieba's search-mode parts of one ordinary word (``cut_for_search``): its dictionary words of two and three
    characters, 理工大学 → 理工, 大学."""
    out = []
    for size in (2, 3):
        if len(word) > size:
            out += [word[i:i + size] for i in range(len(word) - size + 1) if engine.FREQ.get(word[i:i + size])]
    return out


class Tokenizer:
    """Chinese tokenizer (分词器): jieba plus a domain dictionary (领域词典) and stopwords.

    ``domain_words`` are kept whole (e.g. "江西理工大学", "炭微球"). ``search_mode`` adds jieba's
    sub-tokens (理工大学 → 理工, 大学) next to the full word, which lifts recall on partial names.
    The jieba prefix dictionary (~1 s to build) is loaded lazily on first use; pass ``cache_dir`` to
    persist jieba's own pickled cache there (e.g. the index directory).
    """

    def __init__(
        self,
        domain_words: Iterable[str] = (),
        *,
        stopwords: Iterable[str] | None = None,
        search_mode: bool = True,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.domain_words = sorted({normalise(w) for w in domain_words if w and w.strip()})
        self.stopwords = frozenset(stopwords) if stopwords is not None else default_stopwords()
        self.search_mode = search_mode
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._jieba: jieba.Tokenizer | None = None
        self._domain = frozenset(self.domain_words)  # for the membership test of every word cut
        self._lock = threading.Lock()

    def _engine(self) -> jieba.Tokenizer:
        """Create and initialise the private jieba instance once (thread-safe)."""
        if self._jieba is not None:
            return self._jieba
        with self._lock:
            if self._jieba is None:
                self._jieba = self._build_engine()
        return self._jieba

    def _build_engine(self) -> jieba.Tokenizer:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        engine = jieba.Tokenizer()
        if self.cache_dir is not None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            engine.tmp_dir = str(self.cache_dir)
            engine.cache_file = "jieba.cache"
        engine.initialize()
        for word in self.domain_words:
            engine.add_word(word)
        return engine

    def add_words(self, words: Iterable[str]) -> None:
        """Add domain words (e.g. a newly registered organisation's name and aliases) to the dictionary."""
        new = [normalise(w) for w in words if w and w.strip()]
        self.domain_words = sorted(set(self.domain_words).union(new))
        self._domain = frozenset(self.domain_words)
        if self._jieba is not None:
            for word in new:
                self._jieba.add_word(word)

    def _raw_tokens(self, text: str) -> Iterator[str]:
        engine = self._engine()
        if not self.search_mode:
            return engine.cut(text)
        return (token for word in engine.cut(text) for token in self._with_parts(engine, word))

    def _with_parts(self, engine: jieba.Tokenizer, word: str) -> list[str]:
        """A word and, for search, the words it is made of. jieba's search mode adds every dictionary word of two
        or three characters found anywhere inside a long word; inside a whole name from the domain dictionary that
        reads across its words (大气边界层物理与大气化学国家重点实验室 gave 气化, and the lab answered 煤气化 with
        "共同关键词：气化"). A name longer than four characters is split as jieba would split it were it not a
        word of its own, and each part is searched as an ordinary word."""
        if len(word) <= 4 or word not in self._domain:
            return [*_search_parts(engine, word), word]
        dag = engine.get_DAG(word)
        dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]  # the name itself is not one of its parts
        route: dict[int, tuple[float, int]] = {}
        engine.calc(word, dag, route)
        parts, start = [], 0
        while start < len(word):
            end = route[start][1] + 1
            parts.append(word[start:end])
            start = end
        return [token for part in parts for token in self._with_parts(engine, part)] + [word]

    def tokenize(self, text: str, *, normalised: bool = False) -> list[str]:
        """Tokens of ``text``: lower-cased, stopwords and pure punctuation removed, order kept."""
        if not normalised:
            text = normalise(text)
        if not text:
            return []
        out: list[str] = []
        for tok in self._raw_tokens(text):
            tok = tok.strip().lower()
            if tok and tok not in self.stopwords and _CONTENT.search(tok):
                out.append(tok)
        return out

    def __getstate__(self) -> dict[str, object]:
        # Settings travel (e.g. to a worker process); the jieba instance and its lock are rebuilt lazily there.
        state = dict(self.__dict__)
        state["_jieba"] = None
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the dictionary now (e.g. at service start) instead of on the first query."""
        self._engine()
