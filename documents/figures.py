"""The figures the reports and the dashboard show, counted in the database.

Cards are grouped by the database (GROUP BY on the embedded store's list index, ``$group`` on
MongoDB) on the few columns the counts depend on: type, outcome, status and marks (and, apart,
on source and category for the breakdowns). Each count is then a predicate over those groups,
written once in ``COUNTS``: there are at most a few thousand groups however many cards there
are, so the counts cost one pass of the database (over a covering index) on the period's cards.

What the counts mean (the README repeats it for the offices):
- a period's counts are over the cards *registered* in the period, archived cards left out;
- 越级访, 集体访, 赴京访 … count a card whose type is that, or that carries it as a mark (a
  赴京访 that was also 越级 counts in both);
- 化解率 = (化解 + 息访罢访) ÷ (信访总量 − 不予受理) × 100%, to one decimal; no figure when no card
  was accepted;
- 超期 and 即将到期 are counted at a date (the report's date), over the cards registered by then:
  cards whose open deadline of the office has passed, or falls within the unit's due-soon days;
- 积案 at a date: cards registered more than the handling limit (60 days) before the date, not
  办结 by the date, and not 不予受理.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from . import listing

# what the counts depend on, and the two breakdowns that do not (kept apart so that the groups
# stay few: types × outcomes × statuses × marks, and sources × categories)
GROUPINGS = (("case_type", "outcome", "status", "marks"), ("source", "category"))
RESOLVED = ("化解", "息访罢访")


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    test: object  # group (dict of GROUPINGS[0]) → bool


def _marked(mark):
    return lambda g: g["case_type"] == mark or mark in g["marks"]


def _both(first, second):
    return lambda g: _marked(first)(g) and _marked(second)(g)


COUNTS = (
    Count("total_cases", "信访总量", lambda g: True),
    Count("first_cases", "初访", lambda g: g["case_type"] == "初访"),
    Count("repeat_cases", "重复访", lambda g: g["case_type"] == "重复访"),
    Count("level_skipping_cases", "越级访", _marked("越级访")),
    Count("group_cases", "集体访", _marked("集体访")),
    Count("beijing_cases", "赴京访", _marked("赴京访")),
    Count("provincial_cases", "赴省访", _marked("赴省访")),
    Count("abnormal_cases", "非正常访", _marked("非正常访")),
    Count("mass_incidents", "群体性事件", _marked("群体性事件")),
    Count("abnormal_beijing_cases", "非正常进京访", _both("赴京访", "非正常访")),
    Count("level_skipping_beijing_cases", "越级进京访", _both("赴京访", "越级访")),
    Count("provincial_group_cases", "赴省集体访", _both("赴省访", "集体访")),
    Count("resolved_cases", "化解（含息访罢访）", lambda g: g["outcome"] in RESOLVED),
    Count("stabilized_cases", "稳控", lambda g: g["outcome"] == "稳控"),
    Count("refused_cases", "不予受理", lambda g: g["outcome"] == "不予受理"),
    Count("closed_cases", "已办结", lambda g: g["status"] == "已办结"),
)
AT_DATE = (
    ("overdue_cases", "超期未办"),
    ("due_soon_cases", "即将到期"),
    ("backlog_cases", "积案"),
)
SESSION_FIGURES = (
    ("receptions_planned", "安排接访"),
    ("receptions_held", "领导接访"),
    ("petitioners_received", "接待群众（人次）"),
)
LABELS = {
    **{c.key: c.label for c in COUNTS},
    **dict(AT_DATE),
    **dict(SESSION_FIGURES),
    "accepted_cases": "受理",
    "resolution_rate": "化解率",
}
PERCENT = ("resolution_rate",)
# per leader and month, counted from the schedule and the visit records (documents.schedule)
QUOTA_METRICS = {
    "visits_out_per_leader_month": ("visit_out", "每月下访"),
    "invited_visits_per_leader_month": ("invited", "每月约访"),
    "reception_days_per_leader_month": ("reception", "每月接访天数"),
}
# what a plan's target can be measured by (Target.metric)
METRICS = tuple(LABELS.items()) + tuple(
    (key, f"每位领导{label}（次/天）") for key, (_, label) in QUOTA_METRICS.items())
BREAKDOWNS = (("source", "按来源"), ("case_type", "按类型"), ("category", "按问题类别"),
              ("outcome", "按处理结果"), ("status", "按办理状态"))  # fmt: skip


def label(key: str) -> str:
    return LABELS.get(key, key)


def shown(key: str, value) -> str:
    """A figure as the reports print it: 12, 96.5%, —."""
    if value is None:
        return "—"
    if key in PERCENT:
        return f"{value:g}%"
    return str(value)


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


# --- grouped rows, from the database ------------------------------------------------------------


def _groupings_sql(index, units, start, end):
    where, params = _sql_where(units)
    where += " AND registered_on >= ? AND registered_on <= ?"
    params += [start.isoformat(), end.isoformat()]
    result = []
    for columns in GROUPINGS:
        names = ", ".join(columns)
        rows = index.query(f"SELECT {names}, count(*) FROM cards WHERE {where} GROUP BY {names}",
                           params)  # fmt: skip
        groups = []
        for *values, count in rows:
            group = dict(zip(columns, values, strict=True))
            if "marks" in group:
                group["marks"] = tuple(m for m in (group["marks"] or "").split("|") if m)
            groups.append((group, count))
        result.append(groups)
    return result


def _sql_where(units):
    return listing.where(units=[str(u) for u in _unit_ids(units)])


def _groupings_mongo(units, start, end):
    from .case import CaseCard

    match = {"$match": {"unit": {"$in": _unit_ids(units)}, "archived": {"$ne": True},
                        "registered_on": {"$gte": _day(start), "$lte": _day(end)}}}
    result = []
    for columns in GROUPINGS:
        pipeline = [match, {"$group": {"_id": {c: f"${c}" for c in columns},
                                       "n": {"$sum": 1}}}]  # fmt: skip
        groups = []
        for row in CaseCard._get_collection().aggregate(pipeline):
            group = {c: row["_id"].get(c) for c in columns}
            if "marks" in group:
                group["marks"] = tuple(group["marks"] or ())
            groups.append((group, row["n"]))
        result.append(groups)
    return result


def _at_date_sql(index, units, as_of, soon, backlog_before):
    """Three counts, each answered from an index of its own (no pass over the table)."""
    where, params = _sql_where(units)
    day = as_of.isoformat()
    queries = (
        ("next_deadline < ? AND registered_on <= ?", [day, day]),
        ("next_deadline >= ? AND next_deadline <= ? AND registered_on <= ?",
         [day, soon.isoformat(), day]),
        ("registered_on <= ? AND (closed_on IS NULL OR closed_on > ?) "
         "AND coalesce(outcome, '') != '不予受理'", [min(backlog_before, as_of).isoformat(), day]),
    )  # fmt: skip
    return [index.query(f"SELECT count(*) FROM cards WHERE {where} AND {condition}",
                        [*params, *values])[0][0] for condition, values in queries]  # fmt: skip


def _at_date_mongo(units, as_of, soon, backlog_before):
    from .case import CaseCard

    cards = CaseCard._get_collection()
    base = {"unit": {"$in": _unit_ids(units)}, "archived": {"$ne": True},
            "registered_on": {"$lte": _day(as_of)}}
    overdue = cards.count_documents({**base, "next_deadline": {"$lt": _day(as_of)}})
    due_soon = cards.count_documents(
        {**base, "next_deadline": {"$gte": _day(as_of), "$lte": _day(soon)}})
    backlog = cards.count_documents({
        **base, "registered_on": {"$lte": _day(min(backlog_before, as_of))},
        "outcome": {"$ne": "不予受理"},
        "$or": [{"closed_on": None}, {"closed_on": {"$gt": _day(as_of)}}],
    })  # fmt: skip
    return [overdue, due_soon, backlog]


def _sessions(units, start, end):
    from .schedule import ReceptionSession

    pipeline = [
        {"$match": {"unit": {"$in": _unit_ids(units)}, "status": {"$ne": "cancelled"},
                    "date": {"$gte": _day(start), "$lte": _day(end)}}},
        {"$group": {"_id": "$status", "n": {"$sum": 1}, "people": {"$sum": "$petitioners"}}},
    ]  # fmt: skip
    planned = held = people = 0
    for row in ReceptionSession._get_collection().aggregate(pipeline):
        planned += row["n"]
        if row["_id"] == "held":
            held, people = row["n"], row["people"] or 0
    return {"receptions_planned": planned, "receptions_held": held,
            "petitioners_received": people}  # fmt: skip


# --- the figures --------------------------------------------------------------------------------


def period_figures(units, start, end, as_of=None, due_soon_days=None, handle_days=None):
    """The figures of the cards registered from ``start`` to ``end`` (both included) and the
    reception sessions of those days; 超期/即将到期/积案 as at ``as_of`` (default: ``end``)."""
    from .deadlines import DEFAULT_RULES, DUE_SOON_DAYS

    as_of = as_of or end
    due_soon_days = DUE_SOON_DAYS if due_soon_days is None else due_soon_days
    if handle_days is None:
        handle_days = next(r.days for r in DEFAULT_RULES if r.key == "handle")
    soon = as_of + datetime.timedelta(days=due_soon_days)
    backlog_before = as_of - datetime.timedelta(days=handle_days)
    units = list(units)
    index = listing.current()
    if index is not None:
        groups, places = _groupings_sql(index, units, start, end)
        at_date = _at_date_sql(index, units, as_of, soon, backlog_before)
    else:
        groups, places = _groupings_mongo(units, start, end)
        at_date = _at_date_mongo(units, as_of, soon, backlog_before)
    values = {c.key: sum(n for g, n in groups if c.test(g)) for c in COUNTS}
    values.update(dict(zip([k for k, _ in AT_DATE], at_date, strict=True)))
    values["accepted_cases"] = values["total_cases"] - values["refused_cases"]
    values["resolution_rate"] = (
        round(values["resolved_cases"] * 100 / values["accepted_cases"], 1)
        if values["accepted_cases"] else None
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
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        year, month = divmod(start.year * 12 + start.month - 1 - months, 12)
        first = datetime.date(year, month + 1, 1)
        return first, start - datetime.timedelta(days=1)
    length = (end - start).days + 1
    return start - datetime.timedelta(days=length), start - datetime.timedelta(days=1)


def monthly_series(units, start, end):
    """[(YYYY-MM, registered, resolved)] for each month from ``start`` to ``end``."""
    units = list(units)
    index = listing.current()
    counts = {}
    if index is not None:
        where, params = _sql_where(units)
        rows = index.query(
            "SELECT substr(registered_on, 1, 7), count(*), "
            f"sum(outcome IN ({', '.join('?' * len(RESOLVED))})) FROM cards WHERE {where} "
            "AND registered_on >= ? AND registered_on <= ? GROUP BY 1",
            [*RESOLVED, *params, start.isoformat(), end.isoformat()])  # fmt: skip
        counts = {month: (n, resolved or 0) for month, n, resolved in rows}
    else:
        from .case import CaseCard

        pipeline = [
            {"$match": {"unit": {"$in": _unit_ids(units)}, "archived": {"$ne": True},
                        "registered_on": {"$gte": _day(start), "$lte": _day(end)}}},
            {"$group": {"_id": {"y": {"$year": "$registered_on"},
                                "m": {"$month": "$registered_on"}},
                        "n": {"$sum": 1},
                        "resolved": {"$sum": {"$cond": [{"$in": ["$outcome", list(RESOLVED)]},
                                                        1, 0]}}}},
        ]  # fmt: skip
        for row in CaseCard._get_collection().aggregate(pipeline):
            month = f"{row['_id']['y']:04d}-{row['_id']['m']:02d}"
            counts[month] = (row["n"], row["resolved"])
    series = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        key = f"{year:04d}-{month:02d}"
        series.append((key, *counts.get(key, (0, 0))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def open_cards(units, as_of, which="overdue", limit=10, due_soon_days=None):
    """(total, cards) of the overdue or due-soon cards at ``as_of``, earliest deadline first."""
    from .case import CaseCard
    from .deadlines import DUE_SOON_DAYS

    days = DUE_SOON_DAYS if due_soon_days is None else due_soon_days
    soon = as_of + datetime.timedelta(days=days)
    conditions = ([("next_deadline", "<", as_of)] if which == "overdue" else
                  [("next_deadline", ">=", as_of), ("next_deadline", "<=", soon)])  # fmt: skip
    conditions.append(("registered_on", "<=", as_of))
    index = listing.current()
    ids = _unit_ids(units)
    if index is not None:
        total, page = index.earliest(ids, conditions, limit)
        found = {str(c.pk): c for c in CaseCard.objects(pk__in=page)}
        return total, [found[i] for i in page if i in found]
    query = CaseCard.objects(unit__in=ids, archived__ne=True, registered_on__lte=as_of)
    if which == "overdue":
        query = query.filter(next_deadline__lt=as_of)
    else:
        query = query.filter(next_deadline__gte=as_of, next_deadline__lte=soon)
    return query.count(), list(query.order_by("next_deadline").limit(limit))


def card_counts(units) -> dict:
    """unit id → how many cards it holds (archived left out)."""
    units = list(units)
    index = listing.current()
    if index is not None:
        where, params = _sql_where(units)
        rows = index.query(f"SELECT unit, count(*) FROM cards WHERE {where} GROUP BY unit", params)
        return {unit: n for unit, n in rows}
    from .case import CaseCard

    pipeline = [{"$match": {"unit": {"$in": _unit_ids(units)}, "archived": {"$ne": True}}},
                {"$group": {"_id": "$unit", "n": {"$sum": 1}}}]  # fmt: skip
    return {str(row["_id"]): row["n"] for row in CaseCard._get_collection().aggregate(pipeline)}
