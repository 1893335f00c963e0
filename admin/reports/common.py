"""What the reports pages share: which unit, plan and period a page is about (from the query
string, a malformed date said in Chinese and the default used), the record an id names (or 404),
the audit line and the spreadsheet response. The front page (``dashboard.py``), the 报送事项 view
(``__init__.py``) and its 目标考核 pages (``targets.py``) all read their period here.
"""

import datetime

import bson
from flask import Response, abort, flash, request
from flask_babel import gettext

import documents
from documents import deadlines
from documents.fields import FIRST_DAY, LAST_DAY

from .. import auditlog, auth, errors


def audit(action, record, detail=None):
    """One line of the audit log for what was done to a report or plan here."""
    auditlog.record(action, record, detail=detail)


def parse_day(text, default, name):
    """A date from the query string; a malformed one is said in Chinese and the default used."""
    if not text:
        return default
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        flash(
            gettext(
                "%(name)s“%(text)s”不是有效的日期（应为 2012-07-01 这样的格式），已改用默认值。",
                name=name,
                text=errors.quoted(text),
            ),
            "error",
        )
        return default
    if not FIRST_DAY <= day <= LAST_DAY:
        flash(
            gettext(
                "%(name)s“%(text)s”超出了可选的范围（%(first)s 至 %(last)s），已改用默认值。",
                name=name,
                text=errors.quoted(text),
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            ),
            "error",
        )
        return default
    return day


def _object(model, object_id):
    """A record the account may see, or 404."""
    if not bson.ObjectId.is_valid(object_id or ""):
        abort(404)
    record = auth.scoped(model, model.objects(pk=object_id)).first()
    if record is None:
        abort(404)
    return record


def _xlsx(data: bytes, name: str):
    from urllib.parse import quote

    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.xlsx"},
    )


def scoped_units():
    return list(auth.scoped(documents.Unit, documents.Unit.objects.only("name", "short_name")))


def chosen_unit(units, counts=None):
    """The unit of ``?unit=``, else the account's own, else the one with the most cards."""
    wanted = request.args.get("unit", "")
    unit = next((u for u in units if str(u.pk) == wanted), None)
    if unit is None and auth.current_user.unit is not None:
        unit = next((u for u in units if u.pk == auth.current_user.unit.pk), None)
    if unit is None and units:
        counts = counts or {}
        unit = max(units, key=lambda u: counts.get(str(u.pk), 0))
    return unit


def plan_for(plans, start, end):
    """Of a unit's plans, the one whose period covers the period, else the newest with targets
    or duties, else the newest."""
    for plan in plans:
        if (
            plan.period_start
            and plan.period_end
            and plan.period_start <= end
            and plan.period_end >= start
        ):
            return plan
    useful = [p for p in plans if p.targets or p.reporting_duties]
    return (useful or plans or [None])[0]


def _month_bounds(day):
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def period_args(default_start, default_end):
    """``?start=&end=`` of the request, malformed or swapped dates said in Chinese."""
    start = parse_day(request.args.get("start"), default_start, gettext("开始日期"))
    end = parse_day(request.args.get("end"), default_end, gettext("结束日期"))
    if end < start:
        flash(gettext("结束日期早于开始日期，已对调。"), "error")
        start, end = end, start
    return start, end


def period_choice(plan):
    """start, end and the quick choices: 本月, 本年, and the plan's period."""
    today = deadlines.today()
    month_start, month_end = _month_bounds(today)
    start, end = period_args(month_start, month_end)
    choices = [
        (gettext("本月"), month_start, month_end),
        (gettext("本年"), today.replace(month=1, day=1), today.replace(month=12, day=31)),
    ]
    if plan is not None and plan.period_start and plan.period_end:
        choices.append((gettext("活动期"), plan.period_start, plan.period_end))
    return start, end, choices
