"""工作数据: the card 共建基地 and the 基地建设 section below it count the same bases (a tester's walk of the demo)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine

from .conftest import demo_app, demo_login

FIGURE = re.compile(r'<span class="figure-value">([^<]*)</span><span class="figure-label">共建基地[^<]*</span>')
SECTION = re.compile(r"基地建设 <small>(?:共建基地 )?(\d+) 个")


def test_the_figures_card_and_the_bases_section_count_the_same_bases(demo: tuple[Engine, dict[str, str]],
                                                                    tmp_path: Path) -> None:
    """工作数据 for 河津 said 共建基地 1 on the card and 基地建设 "2 个（不含已撤销）" below it: the card counted bases
    plaqued (挂牌) in the period, the section every base not revoked, whatever its step or date. Both now count
    ``bases.figures.counted_bases``."""
    engine, passwords = demo
    app = demo_app(engine, tmp_path)
    seen = []
    for account, query in (("hejin", ""), ("hejin", "?year=2025"), ("province", "?region=河津"),
                           ("province", "?region=芮城"), ("province", "?region=芮城&year=2025"), ("province", "")):
        html = demo_login(app, account, passwords[account]).get(f"/figures{query}").text
        card, section = FIGURE.search(html), SECTION.search(html)
        assert card and section, (account, query, html[:2000])
        card_n = int(re.sub(r"\D", "", card.group(1)) or 0)
        assert card_n == int(section.group(1)), (account, query, card.group(1), section.group(1))
        seen.append(card_n)
    assert any(seen), seen  # some scope has plaqued bases: the agreement is not 0 = 0 everywhere
