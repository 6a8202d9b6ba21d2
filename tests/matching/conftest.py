"""Fixtures for matching: one tokenizer (jieba's dictionary loads once) and a small Chinese catalog."""

from __future__ import annotations

import pytest

from xiaodi.matching.text import Tokenizer

DOMAIN_WORDS = ["江西理工大学", "炭微球", "固废利用", "钢渣", "稀土功能材料", "离子型稀土"]

# A demand-side office would recognise these: achievements (成果), experts (专家) and a platform (平台).
CATALOG: dict[str, tuple[str, dict[str, object]]] = {
    "ach-slag": ("钢渣资源化利用技术：以转炉钢渣为原料制备建筑材料和路基材料，实现冶金固废利用。",
                 {"name": "钢渣资源化利用", "kind": "成果", "disciplines": ["冶金工程"], "region": "赣州市"}),
    "ach-ree": ("离子型稀土矿绿色提取与稀土功能材料制备，降低氨氮排放。",
                {"name": "离子型稀土绿色提取", "kind": "成果", "disciplines": ["矿业工程"]}),
    "ach-carbon": ("炭微球的可控制备及其在锂离子电池负极材料中的应用。",
                   {"name": "炭微球负极材料", "kind": "成果", "disciplines": ["材料科学与工程"]}),
    "exp-wang": ("王教授，江西理工大学冶金工程学院，研究方向：钢铁冶金、冶金渣综合利用。",
                 {"name": "王教授", "kind": "专家", "disciplines": ["冶金工程"],
                  "platforms": ["国家离子型稀土资源高效开发利用工程技术研究中心"]}),
    "plat-ree": ("稀土资源高效开发利用工程技术研究中心，开展稀土分离提纯与永磁材料研究。",
                 {"name": "稀土工程中心", "kind": "平台", "disciplines": ["矿业工程"]}),
    "ach-battery": ("退役动力电池梯次利用与有价金属回收技术。",
                    {"name": "动力电池回收", "kind": "成果", "disciplines": ["环境科学与工程"]}),
}


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    tk = Tokenizer(DOMAIN_WORDS)
    tk.warm_up()
    return tk


@pytest.fixture()
def catalog() -> dict[str, tuple[str, dict[str, object]]]:
    return CATALOG

# The tiny committed ledger's fixtures, for every module of this folder (defined beside the tests that began it).
from tests.matching.test_service import own_ledger, template  # noqa: E402, F401
