"""Reports in the panel: the dashboard (the front page), the reports a plan's duties ask for
(drafted, edited, submitted and frozen, printed, exported), the targets against the figures, and
the 活动总结 drafted from them."""

import datetime

import bson
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from mongoengine import NotUniqueError, Q, ValidationError

import documents
import exports
from documents import (
    cardquery,
    deadlines,
    figures,
    metrics,
    printable,
    report_content,
    report_periods,
    report_targets,
    reports,
)
from documents.fields import FIRST_DAY, LAST_DAY

from . import auditlog, auth, errors, printing
from .errors import validation_messages

PAGE_SIZE = 50


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


def reader_tables(report):
    """A report's tables as the current account may read them: a leader who sees only his or
    her own cards and receptions gets the rows about them only."""
    if not auth.can("case:own"):
        return list(report.tables)
    about = [what for table in report.tables for what in (table.get("about") or [])]
    numbers = [
        row[0]
        for table in report.tables
        if str(table.get("title", "")).startswith("超期未办")
        for row in table.get("rows", [])
        if row
    ]
    ids = [w["card"] for w in about if bson.ObjectId.is_valid(w.get("card", ""))]
    query = documents.CaseCard.objects(unit=report.unit).filter(
        Q(pk__in=ids) | Q(number__in=numbers)
    )
    visible = set()
    for card in auth.scoped(documents.CaseCard, query).only("number"):
        visible |= {str(card.pk), card.number} - {None, ""}
    person = auth.current_user.person
    leaders = {n for n in (person.name, person.title) if n} if person else set()
    return report_content.narrowed_tables(report.tables, visible, leaders)


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


def _last_due(duty, plan):
    """The day the duty's last report is due: a monthly report of the period's last month is
    due in the month after, and the list shows a report by its due day."""
    first, last = report_periods.duty_range(duty, plan)
    if not (first and last):
        return last
    periods = report_periods.periods(duty, plan, last, last + datetime.timedelta(days=62))
    return max([last, *(p.due.date() for p in periods if p.start <= last)])


class ReportsView(BaseView):
    """报送事项: the reports of the plans' duties; 目标考核 and 活动总结."""

    read_permission, write_permission = "case:read", "plan:write"

    def is_accessible(self):
        return auth.can(self.read_permission)

    def inaccessible_callback(self, name, **kwargs):
        auth.require(self.read_permission)

    def _write(self):
        auth.require(self.write_permission)
        if not auth.csrf_ok():
            abort(400)

    # --- the list of due reports ---

    @expose("/")
    def index(self):
        units = scoped_units()
        unit = chosen_unit(units, figures.card_counts(units) if units else {})
        plans = [p for p in documents.Plan.objects(unit=unit) if p.reporting_duties] if unit else []
        today = deadlines.today()
        start, end = period_args(
            today - datetime.timedelta(days=30), today + datetime.timedelta(days=7)
        )
        status = request.args.get("status", "")
        rows = []
        for plan in plans:
            rows += reports.due_reports(plan, start, end)
        rows.sort(key=lambda r: (r["period"].due, r["duty_index"]), reverse=True)
        counts = {key: sum(1 for r in rows if r["status"] == key) for key in reports.STATUS_LABELS}
        if status in reports.STATUS_LABELS:
            rows = [r for r in rows if r["status"] == status]
        try:
            page = max(int(request.args.get("page", 1)), 1)
        except ValueError:
            page = 1
        pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        ranges = [
            (d, *report_periods.duty_range(d, p), _last_due(d, p))
            for p in plans
            for d in p.reporting_duties
        ]
        return self.render(
            "admin/xf_reports.html",
            units=units,
            unit=unit,
            plans=plans,
            start=start,
            end=end,
            rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            page=page,
            pages=pages,
            status=status,
            counts=counts,
            labels=reports.STATUS_LABELS,
            ranges=ranges,
            can_write=auth.can(self.write_permission),
            cadences=dict(documents.plan.CADENCES),
        )

    @expose("/draft/", methods=("POST",))
    def draft(self):
        self._write()
        plan = _object(documents.Plan, request.form.get("plan"))
        try:
            duty = plan.reporting_duties[int(request.form.get("duty", ""))]
            day = datetime.date.fromisoformat(request.form.get("period", ""))
        except (ValueError, IndexError):
            flash(gettext("报送事项或报告期不存在，请从列表中重新选择。"), "error")
            return redirect(url_for(".index", unit=plan.unit.pk))
        period = next(
            (
                p
                for p in report_periods.periods(duty, plan, day, day + datetime.timedelta(days=62))
                if p.start == day
            ),
            None,
        )
        if period is None:
            flash(gettext("报送事项或报告期不存在，请从列表中重新选择。"), "error")
            return redirect(url_for(".index", unit=plan.unit.pk))
        report = reports.find(plan, duty.name, period.start)
        if report is None:
            report = reports.draft(plan, duty, period)
            try:
                report.save()
            except NotUniqueError:  # drafted by someone else a moment ago
                report = reports.find(plan, duty.name, period.start)
            else:
                audit("create", report)
                flash(gettext("已根据本期数据起草报告，请核对后报送。"), "success")
        return redirect(url_for(".report", report_id=report.pk))

    # --- one report ---

    @expose("/<report_id>/", methods=("GET", "POST"))
    def report(self, report_id):
        report = _object(reports.Report, report_id)
        if request.method == "POST":
            self._write()
            if report.state == "submitted":
                flash(gettext("该报告已报送，内容已冻结，不能再修改。"), "error")
                return redirect(url_for(".report", report_id=report.pk))
            action = request.form.get("action", "save")
            try:
                if action == "refresh":
                    report.refresh()
                else:
                    report.text = request.form.get("text", "")
                    report.doc_number = request.form.get("doc_number", "").strip() or None
                    report.recipients = [
                        r.strip()
                        for r in request.form.get("recipients", "")
                        .replace("，", "、")
                        .replace(",", "、")
                        .split("、")
                        if r.strip()
                    ]
                    report.title = request.form.get("title", "").strip() or report.title
                report.validate()
                report.save()
                audit("update", report, f"{report.title}（{action}）")
                if action == "submit":
                    report.submit()
                    audit("submit", report)
                    flash(gettext("报告已报送，内容已冻结。"), "success")
                elif action == "refresh":
                    flash(gettext("已按最新数据重新生成。"), "success")
                else:
                    flash(gettext("已保存。"), "success")
            except ValidationError as problem:
                flash(
                    gettext(
                        "未能保存：%(problem)s",
                        problem="；".join(validation_messages(reports.Report, problem, report)),
                    ),
                    "error",
                )
                return self._render_report(report, form=request.form)
            return redirect(url_for(".report", report_id=report.pk))
        return self._render_report(report)

    def _render_report(self, report, form=None):
        return self.render(
            "admin/xf_report.html",
            report=report,
            tables=reader_tables(report),
            status=report.status(),
            labels=reports.STATUS_LABELS,
            form=form,
            can_write=auth.can(self.write_permission) and report.state != "submitted",
            can_print=auth.can("print"),
            can_export=auth.can("export"),
        )

    @expose("/<report_id>/pdf")
    def pdf(self, report_id):
        auth.require("print")
        report = _object(reports.Report, report_id)
        audit("print", report)
        try:
            data = exports.render_circular(
                printable.report(report, reader_tables(report)), printing.font_overrides()
            )
        except Exception as problem:  # noqa: BLE001 - said in Chinese, never a 500
            reference = errors.reference()
            errors.log_failure(problem, reference, "printing failed")
            flash(
                gettext(
                    "未能生成PDF（编号 %(reference)s）：%(problem)s",
                    reference=reference,
                    problem=errors.explain(problem) or gettext("内部错误，已记录"),
                ),
                "error",
            )
            return redirect(url_for(".report", report_id=report.pk))
        return printing.pdf_response(
            data, f"{report.title}.pdf", download=request.args.get("download") == "1"
        )

    @expose("/<report_id>/export/<fmt>")
    def export(self, report_id, fmt):
        """The report as a Word (to edit) or OFD (to send) circular."""
        if fmt not in ("docx", "ofd"):
            abort(404)
        auth.require("print")
        report = _object(reports.Report, report_id)
        audit("print", report, f"{report.title}.{fmt}")
        try:
            data = exports.render(
                printable.report(report, reader_tables(report)), fmt, printing.font_overrides()
            )
        except Exception as problem:  # noqa: BLE001 - said in Chinese, never a 500
            reference = errors.reference()
            errors.log_failure(problem, reference, "export failed")
            flash(
                gettext(
                    "生成 %(format)s 文件失败（编号 %(reference)s）：%(error)s",
                    format=exports.FORMATS[fmt][2],
                    reference=reference,
                    error=errors.explain(problem) or gettext("内部错误，已记录"),
                ),
                "error",
            )
            return redirect(url_for(".report", report_id=report.pk))
        return printing.pdf_response(data, f"{report.title}.{fmt}", True, fmt)

    @expose("/<report_id>/xlsx")
    def xlsx(self, report_id):
        auth.require("export")
        report = _object(reports.Report, report_id)
        audit("export", report)
        tables = reader_tables(report) or [
            {
                "title": "正文",
                "headers": ["正文"],
                "rows": [[line] for line in (report.text or "").splitlines()],
            }
        ]
        return _xlsx(exports.tables_xlsx(report.title, tables), report.title)

    # --- targets and the summary ---

    @expose("/targets/")
    def targets(self):
        plans = [p for p in auth.scoped(documents.Plan, documents.Plan.objects(kind__ne="总结"))]
        wanted = request.args.get("plan", "")
        plan = next((p for p in plans if str(p.pk) == wanted), None) or next(
            (p for p in plans if p.targets), None
        )
        if plan is None:
            return self.render("admin/xf_targets.html", plans=plans, plan=None)
        start, end, choices = period_choice(plan)
        if not request.args.get("start") and plan.period_start and plan.period_end:
            start, end = plan.period_start, plan.period_end  # a plan's targets are for its period
        as_of = min(end, deadlines.today())
        current, previous = report_content.unit_figures(plan.unit, start, end, as_of)
        quotas = report_targets.leader_quotas(plan, start, end)
        results = report_targets.target_results(plan, start, end, as_of, current, previous, quotas)
        if request.args.get("format") == "xlsx":
            auth.require("export")
            audit("export", plan, "目标完成情况")
            title = (
                f"{plan.unit.name}目标完成情况（{report_periods.Period(start, end, None).label}）"
            )
            return _xlsx(
                exports.tables_xlsx(title, target_tables(results, quotas, current, previous)), title
            )
        return self.render(
            "admin/xf_targets.html",
            plans=plans,
            plan=plan,
            start=start,
            end=end,
            choices=choices,
            results=results,
            quotas=quotas,
            current=current,
            previous=previous,
            label=metrics.label,
            shown=metrics.shown,
            main=report_content.MAIN_FIGURES,
            can_write=auth.can(self.write_permission),
            can_export=auth.can("export"),
        )

    @expose("/summary/", methods=("POST",))
    def summary(self):
        self._write()
        plan = _object(documents.Plan, request.form.get("plan"))
        try:
            start = datetime.date.fromisoformat(request.form.get("start", ""))
            end = datetime.date.fromisoformat(request.form.get("end", ""))
        except ValueError:
            flash(gettext("请填写有效的总结期间。"), "error")
            return redirect(url_for(".targets", plan=plan.pk))
        summary = report_targets.draft_summary(plan, min(start, end), max(start, end))
        summary.save()
        audit("create", summary)
        flash(gettext("已根据数据起草活动总结，请修改后打印。"), "success")
        return redirect(url_for("plan.edit_view", id=summary.pk))


def target_tables(results, quotas, current, previous) -> list[dict]:
    tables = [
        {
            "title": "目标完成情况",
            "headers": ["类别", "目标", "要求", "本期", "上期", "是否达到", "说明"],
            "rows": [
                [
                    r["group"],
                    r["name"],
                    r["requirement"],
                    r["actual"],
                    r["previous"],
                    {True: "已达到", False: "未达到", None: "—"}[r["met"]],
                    r["note"],
                ]
                for r in results
            ],
        }
    ]
    if quotas and quotas["rows"]:
        kinds = list(quotas["labels"])
        tables.append(
            {
                "title": "领导任务完成情况",
                "headers": [
                    "领导",
                    *[f"{quotas['labels'][k]}（实际/要求）" for k in kinds],
                    "是否达标",
                ],
                "rows": [
                    [
                        q["leader"],
                        *[f"{q['counts'][k]}/{q['required'][k]}" for k in kinds],
                        "达标" if q["ok"] else ("方案未定任务" if q["ok"] is None else "未达标"),
                    ]
                    for q in quotas["rows"]
                ],
            }
        )
    tables.append(
        {
            "title": "主要数据",
            "headers": ["项目", "本期", "上期"],
            "rows": [
                [metrics.label(k), metrics.shown(k, current[k]), metrics.shown(k, previous[k])]
                for k in report_content.MAIN_FIGURES
            ],
        }
    )
    return tables
