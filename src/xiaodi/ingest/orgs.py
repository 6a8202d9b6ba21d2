"""Organisations a report names (机构识别) and the cooperation pairs it states (合作关系).

Names are found by their suffix (大学, 学院, 研究院, 有限公司…) and, when the caller passes its directory, by the
directory's names and aliases (武汉理工 → 武汉理工大学), so that a report resolves to the records the office keeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_HAN = "\u4e00-\u9fff"
_SUFFIX = re.compile(
    rf"[{_HAN}A-Za-z0-9()（）]{{2,24}}?"
    r"(?:大学(?!生)|学院|职业技术学院|研究院|研究所|科学院|研究中心|实验室|有限责任公司|股份有限公司|有限公司|集团|公司)"
    r"(?:[(（][\u4e00-\u9fff]{2,4}[)）])?"
)
# Words that precede a name in a sentence and are not part of it: the name starts after the last of them.
_LEAD = re.compile(
    r"(?:与|和|及|同|、|由|在|为|对|向|是|到|赴|从|了|的|等|接|\d|[个家所名位项]|联合|依托|通过|携手|牵线|促成|推动|"
    r"邀请|引进|组织|来自|作为|位于|拜会|创办|建有|顶尖高校|高校|辖区|离不开|成立|组建|此次|将以|已经|该|其)"
)
_KIND = (("university", ("大学", "学院")), ("institute", ("研究院", "研究所", "科学院", "研究中心", "实验室")),
         ("enterprise", ("公司", "集团")))  # fmt: skip
_COOPERATE = re.compile(r"合作|签约|签订|共建|对接|牵手|携手|联合")
_TOPIC = re.compile(r"(?:就|围绕)([^，,。；]{2,40}?)(?:开展|进行|达成|签订|合作|方面)|"
                    r"(?:合作开展|开展|合作研发|共建)([^，,。；]{2,40}?)(?:合作|研究|项目)?$")
_GENERIC = {"高校", "大学", "学院", "公司", "集团", "该公司", "本公司", "研究院", "有限公司", "重点实验室", "人才集团"}


@dataclass(frozen=True)
class Organisation:
    """A named organisation: ``name`` as resolved (directory name when known), ``kind`` university/institute/
    enterprise, ``mention`` as written."""

    name: str
    kind: str
    mention: str


@dataclass(frozen=True)
class Cooperation:
    """A cooperation a sentence states (合作关系): ``a`` with ``b``, on ``topic`` when said; ``quote`` the sentence."""

    a: str
    b: str
    topic: str | None
    quote: str


def _kind(name: str) -> str:
    for kind, suffixes in _KIND:
        if any(s in name for s in suffixes):
            return kind
    return "organisation"


def _trim(mention: str) -> str:
    """Cut the words before a name that the suffix regex swallowed: 推动中磁科技与北京工业大学 → 北京工业大学."""
    cut = 0
    for m in _LEAD.finditer(mention[:-2]):  # the suffix itself (…大学) is never a lead word
        cut = m.end()
    return mention[cut:].lstrip("(（“\"")


def _resolver(known_names: Iterable[str], aliases: Mapping[str, str] | None) -> dict[str, str]:
    table = {n: n for n in known_names}
    table.update(aliases or {})
    return table


def find_organisations(
    text: str, *, known_names: Iterable[str] = (), aliases: Mapping[str, str] | None = None
) -> list[Organisation]:
    """Universities, institutes and enterprises named in ``text``, each once, in order of first mention.

    ``known_names`` (the directory) and ``aliases`` (alias → directory name) resolve short names; names found only
    by suffix are returned as written.
    """
    table = _resolver(known_names, aliases)
    found: dict[str, Organisation] = {}
    for mention in _suffix_mentions(text):
        name = table.get(mention, mention)
        found.setdefault(name, Organisation(name, _kind(name), mention))
    for written in sorted(table, key=len, reverse=True):
        if written in text:
            name = table[written]
            found.setdefault(name, Organisation(name, _kind(name), written))
    order = {name: _first_index(text, org.mention) for name, org in found.items()}
    return sorted(found.values(), key=lambda o: order[o.name])


def _first_index(text: str, mention: str) -> int:
    i = text.find(mention)
    return i if i >= 0 else len(text)


def _suffix_mentions(text: str) -> list[str]:
    out: list[str] = []
    for m in _SUFFIX.finditer(text):
        name = _trim(m.group())
        if len(name) >= 4 and name not in _GENERIC and not name.startswith(("省", "市", "县", "全")):
            out.append(name)
    return out


def find_cooperations(
    text: str, *, known_names: Iterable[str] = (), aliases: Mapping[str, str] | None = None
) -> list[Cooperation]:
    """Pairs a sentence says cooperated (A 与 B 合作/签约/共建 …), with what on when the sentence says so."""
    table = _resolver(known_names, aliases)
    pairs: list[Cooperation] = []
    seen: set[tuple[str, str]] = set()
    for sentence in re.findall(r"[^。！？\n]+", text):
        for m in re.finditer("与", sentence):
            left = re.split(r"[，,；;]", sentence[: m.start()])[-1]
            right = re.split(r"[，,；;]", sentence[m.end() :])[0]
            if not _COOPERATE.search(right):
                continue
            a_names = _named(left, table)
            b_names = _named(right, table)
            if not a_names or not b_names or a_names[-1] == b_names[0] or (a_names[-1], b_names[0]) in seen:
                continue
            a, b = a_names[-1], b_names[0]
            seen.add((a, b))
            pairs.append(Cooperation(a, b, _topic(right), sentence.strip()))
    return pairs


def _named(segment: str, table: Mapping[str, str]) -> list[str]:
    """Organisations in a clause segment, in order: by suffix, and by directory name or alias."""
    hits = [(segment.find(n), table.get(n, n)) for n in _suffix_mentions(segment)]
    hits += [(segment.find(w), name) for w, name in table.items() if w in segment]
    return [name for _, name in sorted(hits)]


def _topic(clause: str) -> str | None:
    m = _TOPIC.search(clause)
    return (m.group(1) or m.group(2)) if m else None
