"""Reception dates: a plan's reception rules turned into dated sessions on the real calendar,
before anything is stored.

``generate`` checks the rules first (``documents.plan.rule_problems``: what a rule must say to be
scheduled), then gives each rule's dates (a weekday every week, the nth weekday of a month, a day
of the month, days per leader spread over the working days, days per week, lunar days, listed
dates), moves or drops the ones on holidays as the rule says, lets the rule's leaders take turns
and books no leader twice on one day. ``documents.schedule`` stores what comes out (and is the
module the callers import these names from); nothing here reads or writes the database.
"""

import calendar as month_calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from dateutil.rrule import weekday as nth_weekday
from lunardate import LunarDate

from .calendar import is_working_day
from .plan import rule_days_of_month, rule_nths, rule_problems, rule_weekdays


class ScheduleError(ValueError):
    """A rule that cannot be turned into dates, said in Chinese."""


@dataclass(frozen=True)
class Slot:
    date: datetime.date
    leader: str
    place: str
    accompany: str
    rule: int  # the index of the rule in the plan's receptions
    moved_from: datetime.date | None = None  # the holiday it was moved from


def period_of(plan, rule, start=None, end=None):
    """The days a rule runs: its own dates, else the plan's period from the day the plan was
    written (a circular dated 3月9日 announces no reception on 3月2日), else ``start``/``end``."""
    start = _not_before_issue(plan, rule.start_date or plan.period_start or start)
    end = rule.end_date or plan.period_end or end
    if not start or not end:
        raise ScheduleError("请先填写接访安排或实施方案的起止日期，才能排出日程")
    return start, end


def _not_before_issue(plan, start):
    """``start``, or the day the plan was written when that is later."""
    if start and plan.date_written and plan.date_written > start:
        return plan.date_written
    return start


def _months(start, end):
    """(year, month) of every month from the one of ``start`` to the one of ``end``."""
    for first in rrule(MONTHLY, dtstart=start.replace(day=1), until=end):
        yield first.year, first.month


def _dates(*args, **kwargs):
    """The days of a dateutil recurrence, as dates."""
    return (moment.date() for moment in rrule(*args, **kwargs))


def _working_days(start, end):
    day = start
    while day <= end:
        if is_working_day(day):
            yield day
        day += datetime.timedelta(days=1)


def _apply_holiday(day, rule, end):
    """(date, moved_from) after the holiday rule; None when the date is dropped."""
    if rule.holiday_rule == "keep" or is_working_day(day):
        return day, None
    if rule.holiday_rule == "skip":
        return None
    moved = day
    step = datetime.timedelta(days=7 if rule.holiday_rule == "next_same_weekday" else 1)
    while not is_working_day(moved):
        moved += step  # 顺延至次周星期三: the same weekday of the next week
    return (moved, day) if moved <= end else None


def _candidate_dates(rule, start, end):
    """The rule's own dates, before holidays and leaders."""
    kind = rule.kind
    if kind == "weekly":
        yield from _dates(WEEKLY, dtstart=start, until=end, byweekday=rule_weekdays(rule))
    elif kind == "monthly_nth_weekday" and rule.week_reading == "calendar_week":
        yield from _calendar_week_days(rule_nths(rule), rule_weekdays(rule), start, end)
    elif kind == "monthly_nth_weekday":  # nth is 1 to 4 (rule_problems): every month has it
        days = [nth_weekday(w, n) for w in rule_weekdays(rule) for n in rule_nths(rule)]
        yield from _dates(MONTHLY, dtstart=start, until=end, byweekday=days)
    elif kind == "monthly_day":  # day 1 to 28 (rule_problems): every month has it
        yield from _dates(MONTHLY, dtstart=start, until=end, bymonthday=rule_days_of_month(rule))
    elif kind == "working_days":
        yield from _working_days(start, end)
    elif kind == "lunar_days":
        yield from _lunar_days(rule.lunar_days, start, end)
    elif kind == "dates":
        listed = set(rule.dates) | {d.date for d in rule.table_days if d.date}
        yield from sorted(d for d in listed if start <= d <= end)


def _calendar_week_days(nths, weekdays, start, end):
    """The weekdays of the nth weeks of each month, a week running Monday to Sunday and the
    first being the one that holds the 1st: a weekday of that week that falls in the month
    before is no day of this month."""
    for year, month in _months(start, end):
        first = datetime.date(year, month, 1)
        monday = first - datetime.timedelta(days=first.weekday())
        for n in nths:
            for weekday in weekdays:
                day = monday + datetime.timedelta(weeks=n - 1, days=weekday)
                if day.month == month and start <= day <= end:
                    yield day


def _lunar_days(days, start, end):
    """The days between ``start`` and ``end`` whose day of the lunar month is in ``days``
    (农历初一、十五), by the lunardate library's calendar tables."""
    wanted, day = set(days), start
    while day <= end:
        if LunarDate.from_solar_date(day.year, day.month, day.day).day in wanted:
            yield day
        day += datetime.timedelta(days=1)


def _spread(days, count):
    """``count`` days taken evenly from a list of days."""
    if count >= len(days):
        return list(days)
    step = len(days) / count
    return [days[int(step * i + step / 2)] for i in range(count)]


def generate(plan, start=None, end=None) -> list[Slot]:
    """Every session of the plan's reception rules between ``start`` and ``end`` (the plan's
    period by default). Raises ScheduleError for a rule that cannot be scheduled and
    CalendarDataMissing for a year the holiday calendar does not know."""
    problems = [p for n, r in enumerate(plan.receptions, start=1) for p in rule_problems(r, n)]
    if problems:
        raise ScheduleError("；".join(problems))
    booked = defaultdict(set)  # date → leaders
    slots = []
    for index, rule in enumerate(plan.receptions):
        if rule.kind == "any_time":
            continue
        first, last = period_of(plan, rule, start, end)
        first, last = max(first, start or first), min(last, end or last)
        if first > last:
            continue
        for slot in _rule_slots(rule, index, first, last):
            slot = _unbooked(slot, booked, last)
            if slot is not None:
                booked[slot.date].add(slot.leader)
                slots.append(slot)
    return sorted(slots, key=lambda s: (s.date, s.rule, s.leader))


def _rule_slots(rule, index, first, last):
    leaders = list(rule.leaders)
    place, accompany = rule.place or "", rule.accompany or ""
    if rule.kind == "days_per_leader" and rule.quota_period == "year":
        for year in range(first.year, last.year + 1):  # each leader's days over the year
            days = list(
                _working_days(
                    max(first, datetime.date(year, 1, 1)), min(last, datetime.date(year, 12, 31))
                )
            )
            chosen = _spread(days, rule.days_per_year * len(leaders))
            for n, day in enumerate(chosen):
                yield Slot(day, leaders[n % len(leaders)], place, accompany, index)
        return
    if rule.kind == "days_per_leader":
        for year, month in _months(first, last):
            month_start = max(first, datetime.date(year, month, 1))
            month_end = min(
                last, datetime.date(year, month, month_calendar.monthrange(year, month)[1])
            )
            days = list(_working_days(month_start, month_end))
            chosen = _spread(days, rule.days_per_month * len(leaders))
            for n, day in enumerate(chosen):  # leaders take turns over the chosen days
                yield Slot(day, leaders[n % len(leaders)], place, accompany, index)
        return
    if rule.kind == "phase":
        monday = first - datetime.timedelta(days=first.weekday())
        turn = 0
        for week_start in _dates(WEEKLY, dtstart=monday, until=last):  # each week from Monday
            week = [
                d
                for d in _working_days(
                    max(first, week_start), min(last, week_start + datetime.timedelta(days=6))
                )
            ]
            for day in _spread(week, rule.days_per_week):
                yield Slot(day, leaders[turn % len(leaders)], place, accompany, index)
                turn += 1
        return
    turn = 0
    own = {d.date: d for d in rule.table_days if d.date and d.leader}  # a table's row: its leader
    for day in _candidate_dates(rule, first, last):
        moved = _apply_holiday(day, rule, last)
        if moved is None:
            continue
        date, moved_from = moved
        if day in own:
            row = own[day]
            yield Slot(date, row.leader, row.place or place, accompany, index, moved_from)
            continue
        yield Slot(date, leaders[turn % len(leaders)], place, accompany, index, moved_from)
        turn += 1


def _unbooked(slot, booked, last):
    """The slot, moved to the next working day if its leader is already booked that day."""
    day = slot.date
    while slot.leader in booked[day]:
        day += datetime.timedelta(days=1)
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
        if day > last:
            return None
    if day == slot.date:
        return slot
    return Slot(day, slot.leader, slot.place, slot.accompany, slot.rule, slot.moved_from)
