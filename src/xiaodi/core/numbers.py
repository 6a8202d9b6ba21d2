"""Figures as people write them (数字口径): "237.3亿元", "近40个", "2000余人", "十二个", "5%", "1.2万平方米".

Used by the information tables (a cell may say "500万元") and by report ingestion (a sentence may say
"签订合作协议近40个"). Money is returned in yuan (元) as an exact Decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_MAGNITUDE = {"万": Decimal(10_000), "萬": Decimal(10_000), "亿": Decimal(100_000_000), "億": Decimal(100_000_000),
              "千": Decimal(1000), "百": Decimal(100)}  # fmt: skip

CHINESE_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# Words that make a figure approximate, before ("近40个") or after ("2000余人") the number.
APPROX_BEFORE = ("近", "约", "超过", "超", "逾", "达", "将近", "大约", "接近", "共计", "累计", "共", "达到")
APPROX_WORDS_BEFORE = {"近": "近", "将近": "近", "接近": "近", "约": "约", "大约": "约", "超过": "超", "超": "超",
                       "逾": "超"}  # fmt: skip
APPROX_AFTER = ("余", "多", "以上", "左右", "来")

_NUMBER_RE = re.compile(
    rf"(?P<before>将近|接近|大约|超过|近|约|超|逾)?"
    rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|[{CHINESE_NUMERAL_CHARS}]+)"
    rf"(?P<after_mid>余|多)?"
    rf"(?P<mag>[万萬亿億千百]{{0,2}})"
    rf"(?P<after>余|多|以上|左右)?"
    rf"(?P<unit>[^\d\s，。、；;,]*)$"
)


@dataclass(frozen=True)
class StatedNumber:
    """A number as written: ``value`` fully expanded (money in yuan), ``unit`` as written, ``approx`` word."""

    value: Decimal
    unit: str
    approx: str | None
    text: str

    @property
    def is_money(self) -> bool:
        return self.unit.endswith("元")

    @property
    def is_percent(self) -> bool:
        return self.unit in {"%", "％", "个百分点"}


def chinese_to_int(text: str) -> int:
    """Convert Chinese numerals to an int: 十二 → 12, 三百零五 → 305, 两千 → 2000, 一二三 → 123."""
    if not text:
        raise ValueError("空的数字")
    if all(ch in _DIGITS for ch in text):  # digit-by-digit, e.g. years "二〇二一"
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = section = number = 0
    for ch in text:
        if ch in _DIGITS:
            number = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (number or 1) * _SMALL_UNITS[ch]
            number = 0
        elif ch in _BIG_UNITS:
            # a big unit with nothing before it is one of it: 近万项 is about 10 000, not 0
            section += number or (0 if total or section else 1)
            total = (total + section) * _BIG_UNITS[ch] if _BIG_UNITS[ch] > total else total + section * _BIG_UNITS[ch]
            section = number = 0
        else:
            raise ValueError(f"无法识别的中文数字：{text}")
    return total + section + number


def _to_decimal(num: str) -> Decimal:
    if num[0].isdigit():
        try:
            return Decimal(num.replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"无法识别的数字：{num}") from exc
    return Decimal(chinese_to_int(num))


def parse_stated_number(text: str) -> StatedNumber:
    """Parse one figure as written. Raises ``ValueError`` with a Chinese reason when it is not a figure.

    >>> parse_stated_number("237.3亿元").value
    Decimal('23730000000.0')
    """
    raw = text
    s = text.strip().replace("，", ",").replace("％", "%").replace(" ", "")
    if not s:
        raise ValueError("空值")
    m = _NUMBER_RE.match(s)
    if not m:
        raise ValueError(f"无法识别的数字：{raw}")
    value = _to_decimal(m["num"])
    mag = m["mag"] or ""
    unit = m["unit"] or ""
    # "十二个" has its 十 inside num; a lone trailing 千/百 is magnitude only when num is Arabic
    for ch in mag:
        value *= _MAGNITUDE[ch]
    approx = None
    if m["before"]:
        approx = APPROX_WORDS_BEFORE.get(m["before"], m["before"])
    if m["after_mid"] or m["after"]:
        approx = m["after_mid"] or m["after"]
    if unit.endswith("元") and len(unit) > 1:
        # 万元 / 亿元 written after the number are magnitudes of yuan
        prefix = unit[:-1]
        for ch in prefix:
            if ch not in _MAGNITUDE:
                raise ValueError(f"无法识别的金额单位：{unit}")
            value *= _MAGNITUDE[ch]
        unit = mag + unit if mag else unit
    elif unit.endswith("元"):
        unit = mag + unit
    return StatedNumber(value=_plain(value), unit=unit, approx=approx, text=raw)


def _plain(value: Decimal) -> Decimal:
    """Drop exponent notation: 2.373E+10 → 23730000000, 1.50 → 1.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_amount_yuan(text: str) -> Decimal:
    """A money cell in yuan. Bare numbers are yuan; "500万元", "1.2亿", "3000万" are expanded."""
    n = parse_stated_number(text)
    if n.unit and not n.is_money and n.unit not in {"元"}:
        raise ValueError(f"金额单位应为元、万元或亿元：{text}")
    return n.value.quantize(Decimal("0.01"))


# What no programme's ledger holds (合理范围): a figure beyond it is a slip of the keyboard (1e30, twelve nines in a
# 万元 column), refused before it decides a ranking or overflows a column (NUMERIC(24, 2) on PostgreSQL). Shanxi's
# whole GDP was about 2.6万亿元 in 2023 (山西省统计公报): 10万亿元 is far above any programme's money, and
# 10亿 above any count of its people, projects or visits.
MAX_MONEY = Decimal("1e13")  # 元
MAX_COUNT = Decimal("1e9")


def beyond_reason(value: Decimal | int, *, money: bool) -> str | None:
    """Why a stated figure cannot be a programme's, said to follow its label ("超出合理范围（金额应小于10万亿元）…"),
    else None."""
    if abs(Decimal(value)) < (MAX_MONEY if money else MAX_COUNT):
        return None
    limit = "金额应小于10万亿元" if money else "数量应小于10亿"
    return f"超出合理范围（{limit}），请检查是否多打了位数或写错了单位"


def parse_count(text: str) -> int:
    """A count cell: "近40个" → 40, "十二个" → 12, "2000余人" → 2000; a money unit ("5亿元") is no count."""
    n = parse_stated_number(text)
    if n.is_money:
        raise ValueError(f"数量不能带金额单位：{text}")
    if n.value != n.value.to_integral():
        raise ValueError(f"数量应为整数：{text}")
    return int(n.value)


def format_wan(amount: Decimal | int | None) -> str:
    """Money in 万元 whatever its size (0万元, 8600万元, 36000万元): for figures read down one column, where 0元 beside
    1.2亿元 would be read in different units."""
    if amount is None:
        return ""
    wan = (Decimal(amount) / 10_000).quantize(Decimal("0.01"))
    return f"{wan.normalize() if wan else Decimal(0):f}万元"


def format_yuan(amount: Decimal | None) -> str:
    """Show money as offices write it: 亿元 from 1e8, 万元 from 1e4, else 元."""
    if amount is None:
        return ""
    if abs(amount) >= 100_000_000:
        return f"{(amount / 100_000_000).quantize(Decimal('0.01')).normalize():f}亿元"
    if abs(amount) >= 10_000:
        return f"{(amount / 10_000).quantize(Decimal('0.01')).normalize():f}万元"
    return f"{amount.quantize(Decimal('0.01')).normalize():f}元"
