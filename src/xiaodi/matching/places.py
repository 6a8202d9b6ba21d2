"""Where a demand is (需求所在地): a place written freely ("深圳", "山西太原", "运城市河津市") → province and city.

Names come from the loaded divisions (行政区划), each also without its suffix (省/市/自治区/地区/盟…) when what is
left has two characters or more, so "山西" is 山西省 and "深圳" is 深圳市 (广东省). The longest name found wins at
each position; a county gives its city and province. Used for the 就近 prior, never to filter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.directory.models import Region, RegionLevel

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")  # 直辖市: the province is the city
_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|地区|省|市|盟|县|区)$")


@dataclass(frozen=True, slots=True)
class Place:
    """A province and, when known, a city (地级市)."""

    province: str | None = None
    city: str | None = None


class Places:
    """The division names of the database, read once per instance."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(Region.id, Region.name, Region.level, Region.parent_id)).all()
        by_id = {r.id: r for r in rows}
        self._names: dict[str, Place] = {}
        for r in sorted(rows, key=lambda r: {"province": 0, "city": 1}.get(str(r.level), 2), reverse=True):
            place = self._place(r, by_id)
            for name in {r.name, _short(r.name)}:
                if len(name) >= 2:
                    self._names[name] = place  # a province or city outranks a county of the same short name
        self._longest = max(map(len, self._names), default=0)

    @staticmethod
    def _place(row: Any, by_id: Mapping[int, Any]) -> Place:
        chain = [row]
        while chain[-1].parent_id in by_id and len(chain) < 4:
            chain.append(by_id[chain[-1].parent_id])
        names = {str(r.level): str(r.name) for r in chain}
        province = names.get(RegionLevel.PROVINCE.value)
        city = province if province in MUNICIPALITIES else names.get(RegionLevel.CITY.value)
        return Place(province, city)

    def find(self, text: str) -> Place:
        """The most specific place ``text`` names (a city beats its province); empty when it names none."""
        best = Place()
        i = 0
        while i < len(text):
            for size in range(min(self._longest, len(text) - i), 1, -1):
                place = self._names.get(text[i:i + size])
                if place is not None:
                    if place.city or not best.province:
                        best = Place(place.province, place.city or (best.city if best.province == place.province
                                                                      else None))
                    i += size - 1
                    break
            i += 1
        return best


def _short(name: str) -> str:
    return _SUFFIX.sub("", name)
