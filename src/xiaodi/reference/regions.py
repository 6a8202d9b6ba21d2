"""Administrative divisions (行政区划) from the NBS 2023 code list, with coordinates from cpca, and name lookup.

Placeholder prefecture rows of the NBS list (市辖区 under the four municipalities, 县 under 重庆,
省直辖县级行政区划 in 河南/湖北/海南/新疆) are not regions of their own: their counties hang directly under the
province, so 北京市东城区 and 河南省济源市 read as people write them. 香港/澳门/台湾 are added at province level
(GB/T 2260 codes 810000/820000/710000) without subdivisions, as the NBS list has none.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from xiaodi.directory.models import Region, RegionLevel
from xiaodi.reference.bulk import Row, Written, upsert

PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划"})
SPECIAL_REGIONS = {"710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"}
_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
REGION_UPDATE_COLS = ("name", "level", "parent_id", "full_name", "latitude", "longitude")


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def short_province(name: str) -> str:
    """山西省 → 山西, 广西壮族自治区 → 广西, 北京市 → 北京."""
    return _PROVINCE_SUFFIX.sub("", name)


@dataclass
class RegionIndex:
    """Region ids by code and by name, for resolving the places named in other lists."""

    by_code: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)
    levels: dict[int, str] = field(default_factory=dict)
    province_code: dict[str, str] = field(default_factory=dict)  # 山西省 and 山西 → "14"
    cities: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    counties: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    cities_anywhere: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def province(self, name: str) -> int | None:
        code = self.province_code.get(name)
        return self.by_code.get(code + "0000") if code else None

    def resolve(self, province: str | None, city: str | None) -> int | None:
        """The region a (province, city) pair from a list names: the city or county when it can be told
        apart, else the province. A city found in another province (河北工业大学 is listed under 河北省 and sits
        in 天津市) wins when its name is unique in the country."""
        prov = self.province_code.get(province or "")
        if city:
            if city in self.province_code:  # 北京市 under 北京市, or 天津市 under 河北省
                return self.province(city)
            if prov:
                for table in (self.cities, self.counties):
                    codes = table.get((prov, city), [])
                    if len(codes) == 1:
                        return self.by_code[codes[0]]
                # 临夏州 → 临夏回族自治州: an abbreviated autonomous prefecture.
                if city.endswith("州"):
                    stem = city[:-1]
                    hits = [
                        c
                        for (p, n), cs in self.cities.items()
                        if p == prov and n.startswith(stem) and n.endswith("州")
                        for c in cs
                    ]
                    if len(hits) == 1:
                        return self.by_code[hits[0]]
            anywhere = self.cities_anywhere.get(city, [])
            if len(anywhere) == 1:
                return self.by_code[anywhere[0]]
        return self.province(province) if province else None


def build_region_rows(data_dir: Path) -> tuple[list[Row], list[Row], list[Row]]:
    """Province, city and county rows (without parent ids) from china-division + cpca coordinates."""
    division = data_dir / "china-division-npm" / "data"
    coords, coords_by_name = _coordinates(data_dir / "cpca-pypi" / "adcodes.csv")

    def place(code: str, name: str) -> tuple[float | None, float | None]:
        found = coords.get(code) or coords_by_name.get((code[:2], name))
        return found if found else (None, None)

    provinces: list[Row] = []
    province_names: dict[str, str] = {}
    for r in read_csv(division / "provinces.csv"):
        code = r["code"] + "0000"
        province_names[r["code"]] = r["name"]
        provinces.append(_row(code, r["name"], RegionLevel.PROVINCE, None, r["name"], place(code, r["name"])))
    for code, name in SPECIAL_REGIONS.items():
        province_names[code[:2]] = name
        provinces.append(_row(code, name, RegionLevel.PROVINCE, None, name, place(code, name)))

    cities: list[Row] = []
    city_names: dict[str, str] = {}
    for r in read_csv(division / "cities.csv"):
        if r["name"] in PLACEHOLDER_CITIES:
            continue
        code = r["code"] + "00"
        city_names[r["code"]] = r["name"]
        parent = r["provinceCode"] + "0000"
        full = province_names[r["provinceCode"]] + r["name"]
        cities.append(_row(code, r["name"], RegionLevel.CITY, parent, full, place(code, r["name"])))

    counties: list[Row] = []
    for r in read_csv(division / "areas.csv"):
        if r["code"] == r["cityCode"] + "00":
            # 东莞市, 中山市, 儋州市 have no counties; the list repeats the city itself at county level.
            continue
        city = city_names.get(r["cityCode"])
        parent = r["cityCode"] + "00" if city else r["provinceCode"] + "0000"
        full = province_names[r["provinceCode"]] + (city or "") + r["name"]
        counties.append(_row(r["code"], r["name"], RegionLevel.COUNTY, parent, full, place(r["code"], r["name"])))
    return provinces, cities, counties


def _row(
    code: str, name: str, level: RegionLevel, parent: str | None, full: str, at: tuple[float | None, float | None]
) -> Row:
    # ``parent_code`` is resolved to ``parent_id`` once the parent level is written.
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_code": parent,
        "full_name": full,
        "latitude": at[0],
        "longitude": at[1],
    }


def _coordinates(
    path: Path,
) -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], tuple[float, float]]]:
    """cpca centroids by 6-digit code, and by (province code, name) for divisions whose code changed since
    cpca's data (~2021) but whose name did not (e.g. 辛集市). Names seen twice in a province are dropped."""
    by_code: dict[str, tuple[float, float]] = {}
    by_name: dict[tuple[str, str], tuple[float, float] | None] = {}
    for r in read_csv(path):
        if not r["latitude"] or not r["longitude"]:  # cpca's 市辖区 rows carry no coordinates
            continue
        at = (float(r["latitude"]), float(r["longitude"]))
        code = r["adcode"][:6]
        by_code[code] = at
        key = (code[:2], r["name"])
        by_name[key] = None if key in by_name else at
    return by_code, {k: v for k, v in by_name.items() if v is not None}


def load_regions(session: Session, data_dir: Path) -> tuple[Written, RegionIndex]:
    """Upsert provinces, then cities, then counties (each level needs its parents' ids)."""
    written = Written()
    ids: dict[str, int] = {}
    levels = build_region_rows(data_dir)
    for rows in levels:
        for row in rows:
            parent = row.pop("parent_code")
            row["parent_id"] = ids[parent] if parent else None
        step = upsert(session, Region, rows, keys=[("code",)], update_cols=REGION_UPDATE_COLS)
        written.add(step)
        ids.update({code: id_ for (code,), id_ in step.ids.items()})
    return written, _index(levels, ids)


def _index(levels: tuple[list[Row], list[Row], list[Row]], ids: dict[str, int]) -> RegionIndex:
    provinces, cities, counties = levels
    index = RegionIndex(by_code=ids)
    for row in provinces:
        index.province_code[row["name"]] = row["code"][:2]
        index.province_code[short_province(row["name"])] = row["code"][:2]
    for row in [*provinces, *cities, *counties]:
        index.names[ids[row["code"]]] = row["name"]
        index.levels[ids[row["code"]]] = row["level"]
        if row["parent_id"] is not None:
            index.parents[ids[row["code"]]] = row["parent_id"]
    for row in cities:
        index.cities[(row["code"][:2], row["name"])].append(row["code"])
        index.cities_anywhere[row["name"]].append(row["code"])
    for row in counties:
        index.counties[(row["code"][:2], row["name"])].append(row["code"])
    return index
