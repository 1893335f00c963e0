"""The reception schedule in the panel: a month table per plan, generation, quotas, notices and
iCalendar feeds."""

import calendar as month_calendar
import datetime

import bson
from dateutil.relativedelta import relativedelta
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

import documents
from documents import deadlines, schedule, schedule_followup
from documents.fields import FIRST_DAY, LAST_DAY

from . import auditlog, auth, errors


def _month(text):
    """The first day of the month ``2012-03`` names; None for a malformed one or one outside
    the dates the panel works with (FIRST_DAY to LAST_DAY)."""
    parts = (text or "").strip().split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        return None
    year, month = (int(part) for part in parts)
    if not 1 <= month <= 12 or not FIRST_DAY.year <= year <= LAST_DAY.year:
        return None
    return datetime.date(year, month, 1)


def _own_rows(rows):
    """The quota rows a leader may see: his or her own (another leader's count is not theirs)."""
    names = auth.own_leader_names()
    return rows if names is None else [row for row in rows if row["leader"] in names]


def _shift(first, months):
    """The first day of the month ``months`` after (or before) the month of ``first``; None
    when it falls outside FIRST_DAY to LAST_DAY (the month table links no further)."""
    if not FIRST_DAY.year <= first.year + (first.month - 1 + months) // 12 <= LAST_DAY.year:
        return None
    return first + relativedelta(months=months, day=1)


class ScheduleView(BaseView):
    """接访日程: one plan, one month."""

    def is_accessible(self):
        return auth.can("schedule:read")

    def inaccessible_callback(self, name, **kwargs):
        auth.require("schedule:read")

    @expose("/")
    def index(self):
        plans = list(
            auth.scoped(
                documents.Plan,
                documents.Plan.objects.only("title", "unit", "period_start", "receptions"),
            )
        )
        plan_id = request.args.get("plan", "")
        plan = next((p for p in plans if str(p.pk) == plan_id), None) or next(
            (p for p in plans if p.receptions), None
        )
        context = {"plans": plans, "plan": plan, "month": "", "sessions": []}
        if plan is None:
            return self.render("admin/xf_schedule.html", **context)
        wanted = request.args.get("month")
        first = _month(wanted)
        if first is None:
            if wanted:
                bounds = {"first": FIRST_DAY.strftime("%Y-%m"), "last": LAST_DAY.strftime("%Y-%m")}
                flash(
                    gettext(
                        "月份“%(month)s”无效（应为 %(first)s 至 %(last)s 之间的 2012-03 这样"
                        "的格式），已显示默认月份。",
                        month=errors.quoted(wanted),
                        **bounds,
                    ),
                    "error",
                )
            start = plan.period_start or deadlines.today()
            first = _month(f"{start:%Y-%m}") or datetime.date(deadlines.today().year, 1, 1)
        previous, following = _shift(first, -1), _shift(first, 1)
        last = datetime.date(
            first.year, first.month, month_calendar.monthrange(first.year, first.month)[1]
        )
        context.update(
            month=f"{first:%Y-%m}",
            previous=f"{previous:%Y-%m}" if previous else "",
            following=f"{following:%Y-%m}" if following else "",
            sessions=auth.scoped(
                documents.ReceptionSession,
                documents.ReceptionSession.objects(plan=plan, date__gte=first, date__lte=last),
            ),  # a leader: his or her own days
            statuses=dict(schedule.SESSION_STATUSES),
            activity_kinds=schedule.ACTIVITY_KINDS,
            quotas=schedule_followup.quotas(plan),
            compliance=_own_rows(schedule_followup.compliance(plan, first.year, first.month)),
            notices=schedule_followup.notices_due(plan.unit, deadlines.today(), scope=auth.scoped),
            can_write=auth.can("schedule:write"),
            feed_token=auth.feed_token,
        )
        return self.render("admin/xf_schedule.html", **context)

    @expose("/generate/", methods=("POST",))
    def generate(self):
        auth.require("schedule:write")
        if not auth.csrf_ok():
            abort(400)
        plan_id = request.args.get("plan", "")
        plan = (
            auth.scoped(documents.Plan, documents.Plan.objects(pk=plan_id)).first()
            if bson.ObjectId.is_valid(plan_id)
            else None
        )
        if plan is None:
            abort(404)
        try:
            result = schedule.regenerate(plan)
        except (schedule.ScheduleError, schedule.CalendarDataMissing) as problem:
            flash(gettext("未能生成日程：%(problem)s", problem=str(problem)), "error")
        except (OverflowError, ValueError) as problem:  # a plan's period at the calendar's end
            flash(gettext("未能生成日程：%(problem)s", problem=errors.explain(problem)), "error")
        else:
            flash(
                gettext(
                    "已生成日程：新增 %(created)s 个，替换 %(removed)s 个，保留 %(kept)s 个"
                    "已接访、对调或手工调整的安排。",
                    created=result["created"],
                    removed=result["removed"],
                    kept=result["kept"],
                ),
                "success",
            )
            if clashes := result["clashes"]:
                shown = "；".join(str(clash) for clash in clashes[:10])
                if len(clashes) > 10:
                    shown += gettext("……共 %(n)s 处", n=len(clashes))
                flash(
                    gettext(
                        "以下领导在这些天已有本单位其他方案的接访安排，这些天没有重复安排，"
                        "其余日程已生成：%(clashes)s",
                        clashes=shown,
                    ),
                    "error",
                )
        return redirect(url_for(".index", plan=plan_id, month=request.args.get("month")))

    @expose("/ical/<unit_id>.ics")
    def ical_unit(self, unit_id):
        unit = _unit(unit_id)
        sessions = auth.scoped(
            documents.ReceptionSession,
            documents.ReceptionSession.objects(unit=unit, status__ne="cancelled"),
        )  # a leader's feed: his or her own days
        return _feed(schedule_followup.ical(sessions, f"{unit.name}接访日程"), unit.name)

    @expose("/feed-key/", methods=("POST",))
    def reset_feed(self):
        """A new key for this account's calendar links: every link given out before stops."""
        auth.require("schedule:read")
        if not auth.csrf_ok():
            abort(400)
        current_user.new_feed_key()
        auditlog.record("feed_reset")
        flash(
            gettext("已重置订阅链接：以前给出的日历订阅链接不再有效，请在日历程序中换用新链接。"),
            "success",
        )
        return redirect(
            url_for(".index", plan=request.args.get("plan"), month=request.args.get("month"))
        )

    @expose("/ical/<unit_id>/<leader>.ics")
    def ical_leader(self, unit_id, leader):
        unit = _unit(unit_id)
        sessions = auth.scoped(
            documents.ReceptionSession,
            documents.ReceptionSession.objects(unit=unit, leader=leader, status__ne="cancelled"),
        )
        return _feed(schedule_followup.ical(sessions, f"{unit.name}{leader}接访日程"), leader)


def _unit(unit_id):
    unit = documents.Unit.objects(pk=unit_id).first() if bson.ObjectId.is_valid(unit_id) else None
    if unit is None:
        abort(404)
    if auth.current_user.is_authenticated and not auth.unit_allowed(unit):
        abort(404)  # a feed with a token was checked for its unit already
    return unit


def _feed(data, name):
    from urllib.parse import quote

    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}.ics"},
    )
