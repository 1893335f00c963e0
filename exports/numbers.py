"""Chinese numerals, document dates and heading numbers as official documents write them."""

import datetime

_DIGITS = "〇一二三四五六七八九"  # 〇 (U+3007), the ideographic zero of the body font
_SMALL = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for headings and counts)."""
    if n < 0:
        raise ValueError("negative numbers have no heading numeral")
    if n < 10:
        return _SMALL[n]
    if n < 20:
        return "十" + (_SMALL[n % 10] if n % 10 else "")
    if n < 100:
        return _SMALL[n // 10] + "十" + (_SMALL[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _SMALL[n // 100] + "百"
        if rest == 0:
            return head
        return head + (
            "零" + _SMALL[rest]
            if rest < 10
            else ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest))
        )
    raise ValueError("headings do not go beyond 999")


def date_2012(day: datetime.date) -> str:
    """GB/T 9704-2012: Arabic numerals, no padding: 2012年3月9日."""
    return f"{day.year}年{day.month}月{day.day}日"


def date_1999(day: datetime.date) -> str:
    """GB/T 9704-1999: Chinese numerals, zero as 〇: 二〇一二年三月九日, 二〇一二年十二月三十日."""
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def document_date(day: datetime.date | None, style: str) -> str:
    if day is None:
        return ""
    return date_1999(day) if style == "1999" else date_2012(day)


class HeadingNumbers:
    """Numbers of the four heading levels: 一、 （一） 1． （1）; a higher level restarts lower
    ones."""

    def __init__(self):
        self.counts = [0, 0, 0, 0]

    def next(self, level: int) -> str:
        if level not in (1, 2, 3, 4):
            return ""
        self.counts[level - 1] += 1
        for lower in range(level, 4):
            self.counts[lower] = 0
        n = self.counts[level - 1]
        return {
            1: f"{chinese_number(n)}、",
            2: f"（{chinese_number(n)}）",
            3: f"{n}．",
            4: f"（{n}）",
        }[level]
