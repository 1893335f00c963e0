"""The periods a reporting duty asks for: each day, week, month or the duty's whole range,
with the moment its report is due. ``reports.py`` lists and drafts the reports of these periods;
``report_targets.py`` names the period of a 活动总结 the same way (``Period.label``).
"""

import calendar as month_calendar
import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule

END_OF_DAY = datetime.time(23, 59)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    due: datetime.datetime

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%Y年%-m月%-d日}"
        last = month_calendar.monthrange(self.start.year, self.start.month)[1]
        if self.start.day == 1 and self.end == self.start.replace(day=last):
            return f"{self.start:%Y年%-m月}"
        if self.start.year == self.end.year:
            return f"{self.start:%Y年%-m月%-d日}至{self.end:%-m月%-d日}"
        return f"{self.start:%Y年%-m月%-d日}至{self.end:%Y年%-m月%-d日}"


def _due_at(day, duty):
    if duty.deadline_time:
        hour, minute = (int(x) for x in duty.deadline_time.split(":"))
        return datetime.datetime.combine(day, datetime.time(hour, minute))
    return datetime.datetime.combine(day, END_OF_DAY)


def duty_range(duty, plan):
    """The first and last day the duty runs: its own, else the plan's period; a plan without a
    period starts its duties on the day it was written. The last may be None (open); the first
    is None only when nothing says when the duty starts, and then it has no periods (an old
    notice imported without dates would otherwise ask for every day since)."""
    return (
        duty.start_date or plan.period_start or plan.date_written,
        duty.end_date or plan.period_end,
    )


def periods(duty, plan, first: datetime.date, last: datetime.date) -> list[Period]:
    """The duty's periods whose deadline falls on a day from ``first`` to ``last``.

    每日: each day, due that day (at the time the plan gives, else its end). 每周: the seven days
    ending on the deadline weekday, due that day (no weekday: Monday to Sunday, due Sunday).
    每月: the calendar month, due on the given day of the next month (none: the month's last
    day). 一次: the duty's whole range, due on its last day. 事发后限时: none (it falls due when
    something happens, which the calendar does not know). Only days within the duty's range
    (or the plan's period) count.
    """
    begin, finish = duty_range(duty, plan)
    result = []
    if duty.cadence == "event" or begin is None:  # after an event; or no start known
        return result
    if duty.cadence == "once":
        if begin and finish and first <= finish <= last:
            result.append(Period(begin, finish, _due_at(finish, duty)))
        return result
    if duty.cadence == "daily":
        day = max(first, begin) if begin else first
        stop = min(last, finish) if finish else last
        while day <= stop:
            result.append(Period(day, day, _due_at(day, duty)))
            day += datetime.timedelta(days=1)
        return result
    if duty.cadence == "weekly":
        weekday = 6 if duty.deadline_weekday is None else duty.deadline_weekday
        for moment in rrule(WEEKLY, dtstart=first, until=last, byweekday=weekday):
            day = moment.date()
            start = day - datetime.timedelta(days=6)
            if (not finish or start <= finish) and (not begin or day >= begin):
                result.append(
                    Period(
                        max(start, begin) if begin else start,
                        min(day, finish) if finish else day,
                        _due_at(day, duty),
                    )
                )
        return result
    # monthly: walk the months whose deadline can fall in [first, last], from the month before
    for moment in rrule(MONTHLY, dtstart=first.replace(day=1) - relativedelta(months=1)):
        start = moment.date()
        end = start + relativedelta(day=31)  # the month's last day
        # the given day of the next month, or its last day when it is shorter (31 → 2月28日)
        due_day = (
            start + relativedelta(months=1, day=duty.deadline_day) if duty.deadline_day else end
        )
        if due_day > last:
            break
        inside = (not begin or end >= begin) and (not finish or start <= finish)
        if due_day >= first and inside:
            result.append(
                Period(
                    max(start, begin) if begin else start,
                    min(end, finish) if finish else end,
                    _due_at(due_day, duty),
                )
            )
    return result
