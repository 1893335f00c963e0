"""The reception schedule in the panel: a month table per plan, generation, quotas, notices and
iCalendar feeds."""

import datetime

import bson
from dateutil.relativedelta import relativedelta
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext

import documents
from documents import deadlines, schedule

from . import auth


def _month(text):
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return None


def _shift(first, months):
    """The first day of the month ``months`` after (or before) the month of ``first``."""
    return first + relativedelta(months=months, day=1)


class ScheduleView(BaseView):
    """接访日程: one plan, one month."""

    def is_accessible(self):
        return auth.can("schedule:read")

    def inaccessible_callback(self, name, **kwargs):
        auth.require("schedule:read")

    @expose("/")
    def index(self):
        plans = list(auth.scoped(documents.Plan, documents.Plan.objects.only(
            "title", "unit", "period_start", "receptions")))  # fmt: skip
        plan_id = request.args.get("plan", "")
        plan = next((p for p in plans if str(p.pk) == plan_id), None) or next(
            (p for p in plans if p.receptions), None)  # fmt: skip
        context = {"plans": plans, "plan": plan, "month": "", "sessions": []}
        if plan is None:
            return self.render("admin/xf_schedule.html", **context)
        first = _month(request.args.get("month"))
        if first is None:
            start = plan.period_start or deadlines.today()
            first = datetime.date(start.year, start.month, 1)
        last = _shift(first, 1) - datetime.timedelta(days=1)
        context.update(
            month=f"{first:%Y-%m}", previous=f"{_shift(first, -1):%Y-%m}",
            following=f"{_shift(first, 1):%Y-%m}",
            sessions=auth.scoped(documents.ReceptionSession, documents.ReceptionSession.objects(
                plan=plan, date__gte=first, date__lte=last)),  # a leader: his or her own days
            statuses=dict(schedule.SESSION_STATUSES),
            activity_kinds=schedule.ACTIVITY_KINDS,
            quotas=schedule.quotas(plan),
            compliance=schedule.compliance(plan, first.year, first.month),
            notices=schedule.notices_due(plan.unit, deadlines.today(), scope=auth.scoped),
            can_write=auth.can("schedule:write"), feed_token=auth.feed_token,
        )  # fmt: skip
        return self.render("admin/xf_schedule.html", **context)

    @expose("/generate/", methods=("POST",))
    def generate(self):
        auth.require("schedule:write")
        if not auth.csrf_ok():
            abort(400)
        plan_id = request.args.get("plan", "")
        plan = auth.scoped(documents.Plan, documents.Plan.objects(pk=plan_id)).first() \
            if bson.ObjectId.is_valid(plan_id) else None  # fmt: skip
        if plan is None:
            abort(404)
        try:
            result = schedule.regenerate(plan)
        except (schedule.ScheduleError, schedule.CalendarDataMissing) as problem:
            flash(gettext("未能生成日程：%(problem)s", problem=str(problem)), "error")
        else:
            flash(gettext("已生成日程：新增 %(created)s 个，替换 %(removed)s 个，保留 %(kept)s 个"
                          "已接访、对调或手工调整的安排。", **result), "success")  # fmt: skip
        return redirect(url_for(".index", plan=plan_id, month=request.args.get("month")))

    @expose("/ical/<unit_id>.ics")
    def ical_unit(self, unit_id):
        unit = _unit(unit_id)
        sessions = auth.scoped(documents.ReceptionSession, documents.ReceptionSession.objects(
            unit=unit, status__ne="cancelled"))  # a leader's feed: his or her own days
        return _feed(schedule.ical(sessions, f"{unit.name}接访日程"), unit.name)

    @expose("/ical/<unit_id>/<leader>.ics")
    def ical_leader(self, unit_id, leader):
        unit = _unit(unit_id)
        sessions = auth.scoped(documents.ReceptionSession, documents.ReceptionSession.objects(
            unit=unit, leader=leader, status__ne="cancelled"))
        return _feed(schedule.ical(sessions, f"{unit.name}{leader}接访日程"), leader)


def _unit(unit_id):
    unit = documents.Unit.objects(pk=unit_id).first() if bson.ObjectId.is_valid(unit_id) else None
    if unit is None:
        abort(404)
    if auth.current_user.is_authenticated and not auth.unit_allowed(unit):
        abort(404)  # a feed with a token was checked for its unit already
    return unit


def _feed(data, name):
    from urllib.parse import quote

    return Response(data, mimetype="text/calendar", headers={
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}.ics"})
