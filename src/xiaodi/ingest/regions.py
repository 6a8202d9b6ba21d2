"""Which region a sentence is about (地区识别), from the official list of division names (regions.txt).

Names are looked up at every 市/县/区/旗/州/盟/省 character, longest name first, so 盐湖区委书记 yields 盐湖区 and
在长治市 yields 长治市. Two-character district names (城区, 郊区, 矿区) are ordinary words in reports and are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_SUFFIX_RE = re.compile("[市县区旗州盟省]")
_LEVEL_RANK = {"county": 0, "city": 0, "province": 1}


@dataclass(frozen=True)
class RegionMention:
    name: str
    start: int
    level: str


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    path = Path(__file__).with_name("regions.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, level = line.partition("\t")
        if len(name) == 2 and name.endswith("区"):
            continue
        names[name] = level
    return names


def find_regions(text: str) -> list[RegionMention]:
    """Every region name in ``text`` with its position (地区提及)."""
    names = _names()
    found: list[RegionMention] = []
    for suffix in _SUFFIX_RE.finditer(text):
        i = suffix.start()
        for length in range(7, 1, -1):
            start = i + 1 - length
            if start < 0:
                continue
            candidate = text[start : i + 1]
            if candidate in names:
                found.append(RegionMention(candidate, start, names[candidate]))
                break
    return found


def main_region(text: str, mentions: list[RegionMention] | None = None, title: str | None = None) -> str | None:
    """The report's own region (报道主体地区): the most mentioned city or county, short forms counted too."""
    mentions = find_regions(text) if mentions is None else mentions
    if title:
        mentions = mentions + find_regions(title) * 3
    if not mentions:
        return None
    counts: Counter[str] = Counter(m.name for m in mentions)
    levels = {m.name: m.level for m in mentions}
    for name in list(counts):
        short = name[:-1]
        if len(short) >= 2:
            counts[name] += text.count(short) - text.count(name)
    first = {m.name: m.start for m in reversed(mentions)}
    return min(counts, key=lambda n: (_LEVEL_RANK.get(levels[n], 0), -counts[n], first[n]))
