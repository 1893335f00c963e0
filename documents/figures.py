"""The figures the reports and the dashboard show, counted in the database.

Cards are grouped by the database (GROUP BY on the embedded store's list index, ``$group`` on
MongoDB) on the few columns the counts depend on: type, outcome, status and marks (and, apart,
on source and category for the breakdowns). Each count is then a predicate over those groups,
written once in ``COUNTS``: there are at most a few thousand groups however many cards there
are, so the counts cost one pass of the database (over a covering index) on the period's cards.

What each figure is and means: ``documents.metrics``.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule

from . import cardquery
from .cardquery import CardQuery
from .deadlines import DEFAULT_RULES
from .metrics import AT_DATE, BREAKDOWNS, COUNTS, RESOLVED
from .schedule import ReceptionSession

# what the counts depend on, and the two breakdowns that do not (kept apart so that the groups
# stay few: types × outcomes × statuses × marks, and sources × categories)
GROUPINGS = (("case_type", "outcome", "status", "marks"), ("source", "category"))


@dataclass
class Figures:
    """The figures of one period for one or more units."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    values: dict
    breakdowns: dict  # column → Counter

    def __getitem__(self, key):
        return self.values.get(key)


def _day(value):
    return datetime.datetime.combine(value, datetime.time())


def _unit_ids(units):
    return [getattr(u, "pk", u) for u in units]


# --- grouped rows, through the card-query contract ----------------------------------------------


def _cards(units, **criteria):
    return CardQuery(units=tuple(str(u) for u in _unit_ids(units)), **criteria)


def _registered(start, end):
    return (("registered_on", ">=", start), ("registered_on", "<=", end))


def _groupings(units, start, end):
    query = _cards(units, where=_registered(start, end))
    return [cardquery.groups(query, columns) for columns in GROUPINGS]


def _at_date(units, as_of, backlog_before):
    """超期, 即将到期 (the unit's own number of days) and 积案 at ``as_of``."""
    registered = (("registered_on", "<=", as_of),)
    overdue = cardquery.count(_cards(units, where=registered, deadline="overdue", as_of=as_of))
    due_soon = cardquery.count(_cards(units, where=registered, deadline="due_soon", as_of=as_of))
    # 积案: registered before the handling time, not refused, and not closed by as_of
    old = (("registered_on", "<=", min(backlog_before, as_of)), ("outcome", "!=", "不予受理"))
    closed = (*old, ("closed_on", "<=", as_of))
    backlog = cardquery.count(_cards(units, where=old)) - cardquery.count(
        _cards(units, where=closed)
    )
    return [overdue, due_soon, backlog]


def _sessions(units, start, end):
    pipeline = [
        {
            "$match": {
                "unit": {"$in": _unit_ids(units)},
                "status": {"$ne": "cancelled"},
                "date": {"$gte": _day(start), "$lte": _day(end)},
            }
        },
        {"$group": {"_id": "$status", "n": {"$sum": 1}, "people": {"$sum": "$petitioners"}}},
    ]
    planned = held = people = 0
    for row in ReceptionSession._get_collection().aggregate(pipeline):
        planned += row["n"]
        if row["_id"] == "held":
            held, people = row["n"], row["people"] or 0
    return {"receptions_planned": planned, "receptions_held": held, "petitioners_received": people}


# --- the figures --------------------------------------------------------------------------------


def period_figures(units, start, end, as_of=None, handle_days=None):
    """The figures of the cards registered from ``start`` to ``end`` (both included) and the
    reception sessions of those days; 超期/即将到期/积案 as at ``as_of`` (default: ``end``)."""
    as_of = as_of or end
    if handle_days is None:
        handle_days = next(r.days for r in DEFAULT_RULES if r.key == "handle")
    backlog_before = as_of - datetime.timedelta(days=handle_days)
    units = list(units)
    groups, places = _groupings(units, start, end)
    at_date = _at_date(units, as_of, backlog_before)
    values = {c.key: sum(n for g, n in groups if c.test(g)) for c in COUNTS}
    values.update(dict(zip([k for k, _ in AT_DATE], at_date, strict=True)))
    values["accepted_cases"] = values["total_cases"] - values["refused_cases"]
    values["resolution_rate"] = (
        round(values["resolved_cases"] * 100 / values["accepted_cases"], 1)
        if values["accepted_cases"]
        else None
    )
    values.update(_sessions(units, start, end))
    breakdowns = {}
    for column, _ in BREAKDOWNS:
        counter = Counter()
        for group, n in places if column in GROUPINGS[1] else groups:
            counter[group[column] or "未填"] += n
        breakdowns[column] = counter
    return Figures(start, end, as_of, values, breakdowns)


def previous_period(start, end):
    """The period of the same length just before: a month before a month, a week before a
    week, a day before a day."""
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        span = relativedelta(end + datetime.timedelta(days=1), start)  # whole months
        return start - span, start - datetime.timedelta(days=1)
    length = (end - start).days + 1
    return start - datetime.timedelta(days=length), start - datetime.timedelta(days=1)


def monthly_series(units, start, end):
    """[(YYYY-MM, registered, resolved)] for each month from ``start`` to ``end``."""
    counts = {}
    query = _cards(list(units), where=_registered(start, end))
    for group, n in cardquery.groups(query, ("registered_month", "outcome")):
        registered, resolved = counts.get(group["registered_month"], (0, 0))
        counts[group["registered_month"]] = (
            registered + n,
            resolved + (n if group["outcome"] in RESOLVED else 0),
        )
    series = []
    for first in rrule(MONTHLY, dtstart=start.replace(day=1), until=end):
        key = f"{first.year:04d}-{first.month:02d}"
        series.append((key, *counts.get(key, (0, 0))))
    return series


def open_cards(units, as_of, which="overdue", limit=10, leader=None):
    """(total, cards) of the overdue or due-soon cards at ``as_of``, earliest deadline first;
    ``leader``: only the cards that person is responsible for or receives."""
    query = _cards(
        units,
        where=(("registered_on", "<=", as_of),),
        deadline=which,
        as_of=as_of,
        leader=getattr(leader, "pk", leader),
        sort="next_deadline",
        descending=False,
        limit=limit,
    )
    return cardquery.find_cards(query)


def card_counts(units) -> dict:
    """unit id → how many cards it holds (archived left out)."""
    return {group["unit"]: n for group, n in cardquery.groups(_cards(list(units)), ("unit",))}
