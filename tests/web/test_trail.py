"""An enterprise opens its published demand and reads the trail (操作留痕): the action, the field and the values are
in Chinese — 状态流转, 状态, 已审核 → 已发榜 — as the page names them, not ``transition``/``state``/``published``."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from .conftest import World


def _trail(html: str) -> str:
    return html[html.index("操作留痕"):]


def test_the_trail_reads_in_the_pages_own_words(login: Callable[[str], TestClient], world: World) -> None:
    trail = _trail(login("enterprise").get(f"/demands/{world.demand_id}").text)
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", trail)
    assert rows, trail[:2000]
    fields = {name for name, _, _ in rows}
    assert "状态" in fields and "state" not in fields
    assert not [name for name in fields if re.fullmatch(r"[a-z_]+", name)], fields  # no code names left
    states = [(b, a) for name, b, a in rows if name == "状态"]
    assert states == [("", "草稿"), ("草稿", "待审核"), ("待审核", "已审核"), ("已审核", "已发榜")], states
    assert "<strong>新建</strong>" in trail


def test_a_changed_reference_reads_as_the_record_it_names(login: Callable[[str], TestClient], world: World) -> None:
    """A project's trail named its region and enterprise by number (地区 666, 合作企业 3568); an auditor reads names."""
    trail = _trail(login("hejin").get(f"/projects/{world.project_id}").text)
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", trail)
    after = {name: a for name, _, a in rows}
    region = next(a for name, a in after.items() if name in {"地区", "所在地区"})
    assert region.startswith("山西省运城市河津市（编号 "), after
    assert any(a.startswith("山西河津测试铝业有限公司（编号 ") for a in after.values()), after
