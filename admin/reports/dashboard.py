"""The front page's figures for one unit: the period's figures against the period before, the
overdue and soon-due cards the account may see, this week's receptions, the reports due around
today, the plan's targets and the monthly series of the charts. ``admin.HomeView`` renders them;
the unit, plan and period are chosen as on the other reports pages (``common.py``).
"""

import datetime

import documents
from documents import (
    cardquery,
    deadlines,
    figures,
    metrics,
    report_content,
    report_targets,
    reports,
)

from .. import auth
from .common import _month_bounds, period_choice, plan_for


def dashboard(units, unit):
    """Everything the front page shows for ``unit``."""
    today = deadlines.today()
    plans = list(documents.Plan.objects(unit=unit, kind__ne="总结")) if unit else []
    start, end, choices = period_choice(plan_for(plans, *_month_bounds(today)))
    if unit is None:
        return {"unit": None, "start": start, "end": end, "choices": choices}
    plan = plan_for(plans, start, end)
    as_of = min(end, today)
    current, previous = report_content.unit_figures(unit, start, end, as_of)
    own = auth.can("case:own")
    # a leader sees the unit's figures, but only the cards he or she is responsible for
    open_cards = {
        which: cardquery.find_cards(
            auth.card_query(
                unit=unit.pk,
                where=(("registered_on", "<=", as_of),),
                deadline=which,
                as_of=as_of,
                sort="next_deadline",
                descending=False,
                limit=10,
            )
        )
        for which in ("overdue", "due_soon")
    }
    overdue, due_soon = open_cards["overdue"], open_cards["due_soon"]
    week_start = as_of - datetime.timedelta(days=as_of.weekday())
    week_end = week_start + datetime.timedelta(days=6)
    sessions = auth.scoped(
        documents.ReceptionSession,
        documents.ReceptionSession.objects(
            unit=unit, date__gte=week_start, date__lte=week_end, status__ne="cancelled"
        ),
    )
    due = []
    now = (
        datetime.datetime.combine(as_of, datetime.datetime.now().time())
        if as_of != today
        else datetime.datetime.now()
    )
    for each in plans:
        due += [
            row
            for row in reports.due_reports(
                each, as_of - datetime.timedelta(days=7), as_of + datetime.timedelta(days=7), now
            )
            if row["status"] in ("due", "overdue", "upcoming")
        ]
    due.sort(key=lambda r: r["period"].due)
    targets, quotas = [], None
    if plan is not None:
        quotas = report_targets.leader_quotas(plan, start, end)
        targets = report_targets.target_results(plan, start, end, as_of, current, previous, quotas)
    series_start = (end.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    series = figures.monthly_series([unit], min(series_start, start.replace(day=1)), end)
    charts = {
        "months": [m for m, _, _ in series],
        "registered": [n for _, n, _ in series],
        "resolved": [r for _, _, r in series],
        "sources": sorted(current.breakdowns["source"].items(), key=lambda i: -i[1]),
        "categories": sorted(current.breakdowns["category"].items(), key=lambda i: -i[1]),
    }
    return {
        "unit": unit,
        "plan": plan,
        "start": start,
        "end": end,
        "as_of": as_of,
        "choices": choices,
        "current": current,
        "previous": previous,
        "tiles": [
            "total_cases",
            "resolution_rate",
            "overdue_cases",
            "due_soon_cases",
            "level_skipping_cases",
            "group_cases",
            "beijing_cases",
            "receptions_held",
        ],
        "label": metrics.label,
        "shown": metrics.shown,
        "targets": targets,
        "quotas": quotas,
        "overdue": overdue,
        "due_soon": due_soon,
        "sessions": list(sessions),
        "week": (week_start, week_end),
        "due_reports": due[:12],
        "charts": charts,
        "own": own,
    }
