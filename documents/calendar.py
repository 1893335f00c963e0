"""Working days by the real Chinese calendar: public holidays and 调休 working weekends.

The calendar data come from the chinese-calendar package, which knows a range of years; a date
outside it is refused with ``CalendarDataMissing``, never guessed.
"""

import datetime
import hashlib

import chinese_calendar
from chinese_calendar import constants


class CalendarDataMissing(ValueError):
    """The holiday calendar has no data for a year (a new year's holidays are published late)."""

    def __init__(self, day: datetime.date):
        self.day = day
        super().__init__(
            f"节假日数据不含{day.year}年，无法按工作日计算（请更新 chinese-calendar 数据）"
        )


def fingerprint() -> str:
    """What the holiday data say, in a few characters: a new year's holidays (a newer
    chinese-calendar) change it, and stored deadlines are computed anew."""
    days = sorted(
        f"{d}:{n}" for table in (constants.holidays, constants.workdays) for d, n in table.items()
    )
    return hashlib.sha256("\n".join(days).encode()).hexdigest()[:16]


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarDataMissing(day) from None


def holiday_name(day: datetime.date) -> str | None:
    """The holiday a date belongs to (as the calendar names it), or None."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        raise CalendarDataMissing(day) from None
    return name if on_holiday and name else None


def add_days(start: datetime.date, days: int, kind: str = "calendar") -> datetime.date:
    """The day that is ``days`` calendar days or working days after ``start``.

    Working days count from the day after ``start`` and skip weekends and holidays, but count
    the weekends that are 调休 working days.
    """
    if kind != "working":
        return start + datetime.timedelta(days=days)
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def subtract_days(end: datetime.date, days: int, kind: str = "calendar") -> datetime.date:
    """The day ``days`` calendar or working days before ``end`` (for notices before a date)."""
    if kind != "working":
        return end - datetime.timedelta(days=days)
    day, counted = end, 0
    while counted < days:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the next one (节假日顺延)."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day
