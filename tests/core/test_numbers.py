"""Figures are read as people write them in tables and reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaodi.core.numbers import (
    beyond_reason,
    chinese_to_int,
    format_yuan,
    parse_amount_yuan,
    parse_count,
    parse_stated_number,
)


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx"),
    [
        ("237.3亿元", Decimal("23730000000"), "亿元", None),
        ("近40个", Decimal(40), "个", "近"),
        ("2000余人", Decimal(2000), "人", "余"),
        ("十二个", Decimal(12), "个", None),
        ("5%", Decimal(5), "%", None),
        ("500万元", Decimal(5_000_000), "万元", None),
        ("3万余人", Decimal(30_000), "人", "余"),
        ("1,234.5元", Decimal("1234.5"), "元", None),
        ("约1.2万平方米", Decimal(12_000), "平方米", "约"),
        ("150多名", Decimal(150), "名", "多"),
    ],
)
def test_stated_numbers(text: str, value: Decimal, unit: str, approx: str | None) -> None:
    n = parse_stated_number(text)
    assert (n.value, n.unit, n.approx) == (value, unit, approx)


def test_chinese_numerals() -> None:
    assert [chinese_to_int(t) for t in ["十二", "三百零五", "两千", "一万二千", "二〇二一", "十"]] == [
        12, 305, 2000, 12000, 2021, 10]


def test_money_and_counts() -> None:
    assert parse_amount_yuan("237.3亿元") == Decimal("23730000000.00")
    assert parse_amount_yuan("1500000") == Decimal("1500000.00")
    assert parse_count("近40个") == 40
    with pytest.raises(ValueError, match="整数"):
        parse_count("1.5个")
    with pytest.raises(ValueError, match="金额单位"):
        parse_amount_yuan("40个")
    with pytest.raises(ValueError):
        parse_stated_number("若干")
    assert format_yuan(Decimal("23730000000")) == "237.3亿元"
    assert format_yuan(Decimal("20000000")) == "2000万元"


def test_a_big_unit_with_nothing_before_it_is_one_of_it() -> None:
    """"征集了…成果项目近万项" is about ten thousand; it had been read as 0."""
    assert chinese_to_int("万") == 10_000
    near = parse_stated_number("近万项")
    assert (near.value, near.approx, near.unit) == (Decimal(10_000), "近", "项")
    assert chinese_to_int("十万") == 100_000 and chinese_to_int("一亿五千万") == 150_000_000


def test_a_count_with_a_money_unit_is_no_count() -> None:
    with pytest.raises(ValueError, match="数量不能带金额单位"):
        parse_count("9999亿元")


def test_figures_beyond_any_programme_are_said_so() -> None:
    assert beyond_reason(Decimal("237.3e8"), money=True) is None and beyond_reason(1_000_000, money=False) is None
    assert "金额应小于10万亿元" in (beyond_reason(Decimal("1e16"), money=True) or "")
    assert "数量应小于10亿" in (beyond_reason(Decimal("1e30"), money=False) or "")
