"""The programme as the five seed reports describe it (河津市, 盐湖区, 芮城县, 长治市, 朝阳市), as structured facts.

The facts were read from the reports by hand and written in our own words: names, places, dates, amounts and
counts. Where a report gives only an aggregate ("94 agreements") the aggregate is a reported figure
(``ReportFact.figures``) or an event outcome, never a set of invented records. Where the demo has to assume
something the report does not say (which lead unit pairs with which university, a signing date), the record says
so in its note or source.
"""

from __future__ import annotations

from xiaodi.demo.facts import changzhi, chaoyang, hejin, ruicheng, yanhu
from xiaodi.demo.facts.common import (
    PROGRAMME_REGIONS,
    REGIONS,
    TALENT_TIERS,
    UNIVERSITY_ALIASES,
    WUHAN_SIX,
)
from xiaodi.demo.schema import RegionProgramme

PROGRAMMES: tuple[RegionProgramme, ...] = (
    hejin.PROGRAMME,
    yanhu.PROGRAMME,
    ruicheng.PROGRAMME,
    changzhi.PROGRAMME,
    chaoyang.PROGRAMME,
)

__all__ = ["PROGRAMMES", "PROGRAMME_REGIONS", "REGIONS", "TALENT_TIERS", "UNIVERSITY_ALIASES", "WUHAN_SIX"]
