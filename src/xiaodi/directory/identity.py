"""Resident ID numbers (公民身份号码, GB 11643-1999): 18 characters — a 6-digit address code whose first two digits
name a province (GB/T 2260), the birth date (a real day between 1900 and today), a 3-digit sequence and a check
digit over the first 17.

A malformed number is refused with a Chinese message before anything is written — by the directory when a
person is created or changed, and by the talent register (``talent.identity`` re-exports this module); shown
numbers are masked by ``web.listing.mask_id_number`` for every viewer who does not need them
(``talent.access.sees_personal``).
"""

from __future__ import annotations

import datetime as dt
import re

from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # ISO 7064 MOD 11-2: the sum's remainder 0…10 → check character
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII digits: \d also matches full-width ２
# The first two digits of the address code (GB/T 2260): the provinces, autonomous regions and municipalities,
# 台湾 (71), 香港 (81) and 澳门 (82).
_PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                        "65", "71", "81", "82"})
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def check_digit(first17: str) -> str:
    """The check character of the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """The number in its canonical form (upper-case X), or ``ValidationFailed`` saying what is wrong."""
    text = value.strip().upper()
    if not _SHAPE.match(text):
        raise ValidationFailed("身份证号码格式不正确：应为18位，前17位为数字，最后一位为数字或X")
    if text[:2] not in _PROVINCES:
        raise ValidationFailed(f"身份证号码前两位“{text[:2]}”不是有效的省级行政区划代码")
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationFailed(f"身份证号码中的出生日期“{text[6:14]}”不是有效日期") from None
    if not _EARLIEST_BIRTH <= born <= local_today():
        raise ValidationFailed(f"身份证号码中的出生日期“{text[6:14]}”不在合理范围内（1900年至今）")
    if check_digit(text[:17]) != text[17]:
        raise ValidationFailed("身份证号码校验位不正确，请核对后重新填写")
    return text
