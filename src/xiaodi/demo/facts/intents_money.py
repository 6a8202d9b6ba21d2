"""Intents and programme money of the demo regions (#18 items 11 and 12).

盐湖区's 人才工作经费 ("每年列支2000万元") is the report's; its allocations, and 河津市's 专项扶持资金 and intents,
are demonstration assumptions built on the regions' recorded agreements, projects and bases, and say so.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xiaodi.demo.schema import AllocationFact, BudgetFact, IntentFact

JXUST = "江西理工大学"
ASSUMED = "演示数据：据报道的合作推演，日期与金额为演示假设"

INTENTS: tuple[IntentFact, ...] = (
    IntentFact("钢渣绿色处理新技术合作", "华鑫源钢铁", JXUST, "河津市", dt.date(2021, 7, 20), event="hj-visit-jx",
               demand="HJ-XQ-2021-001", agreement="HJ-XY-2021-001", source=ASSUMED),
    IntentFact("钢渣微粉建材化利用", "宏达钢铁", JXUST, "河津市", dt.date(2021, 7, 20), event="hj-visit-jx",
               closed="企业改以钢渣综合利用项目合作（见 HJ-XY-2021-002），此意向不再单独推进", source=ASSUMED),
    IntentFact("炭材料联合实验室共建", "山西豪仑科化工有限公司", JXUST, "河津市", dt.date(2021, 11, 18),
               source=ASSUMED),
)

BUDGETS: tuple[BudgetFact, ...] = (
    BudgetFact("人才工作经费", "talent_fund", "盐湖区", D("20000000"), "盐湖区人才新政：每年列支2000万元人才工作经费",
               allocations=(
                   AllocationFact(D("1000000"), 150, project="YH-XM-2021-001"),
                   AllocationFact(D("300000"), 90, base="北京工业大学盐湖区稀土新材料科研平台延伸基地"),
                   AllocationFact(D("2000000"), 30, other="高层次人才生活、安家补助（人才补贴）"),
               ), note="拨付明细为演示假设"),
    BudgetFact("省校合作专项扶持资金", "special_support", "河津市", D("3000000"),
               "河津市省校合作专项扶持资金（演示假设）",
               allocations=(
                   AllocationFact(D("500000"), 120, project="HJ-XM-2021-001"),
                   AllocationFact(D("200000"), 60, base="江西理工大学河津市钢渣资源化技术转移转化基地"),
               ), note=ASSUMED),
)
