"""Checks of personal data as petition registers keep it: ID numbers and phone numbers."""

import datetime
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def id_number_problem(value: str) -> str | None:
    """What is wrong with an 18-digit 居民身份证号码 (GB 11643), or None when it is valid."""
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "应为18位，前17位为数字，最后一位为数字或X"
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "其中的出生日期不存在"
    if born > datetime.date.today() or born.year < 1900:
        return "其中的出生日期不合理"
    expected = _CHECK[sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True)) % 11]
    if value[17] != expected:
        return f"校验码不符（最后一位应为{expected}）"
    return None


def phone_problem(value: str) -> str | None:
    """Mobile numbers (11 digits, 1[3-9]…) and landlines with their area code."""
    value = re.sub(r"[\s()（）]", "", value or "")
    if MOBILE.match(value) or LANDLINE.match(value):
        return None
    return "应为11位手机号码，或带区号的固定电话（如0357-5123456）"
