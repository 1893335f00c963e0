"""Reports in the panel: the dashboard (the front page), the reports a plan's duties ask for
(drafted, edited, submitted and frozen, printed, exported), the targets against the figures, and
the 活动总结 drafted from them.

The view, ``ReportsView``, is here with the pages of the duties' reports (the list, drafting,
one report, its PDF, Word, OFD and workbook); its 目标考核 pages are ``targets.py``'s, mixed in.
The front page's figures are ``dashboard.py``'s; what the pages share (the unit, plan and
period asked for, the record an id names, the audit line) ``common.py``'s. The view is
registered with the others in ``admin._init_admin``.
"""

import datetime

import bson
from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from mongoengine import NotUniqueError, Q, ValidationError

import documents
import exports
from documents import deadlines, figures, printable, report_content, report_periods, reports

from .. import auth, errors, printing
from ..errors import validation_messages
from .common import _object, _xlsx, audit, chosen_unit, period_args, scoped_units
from .targets import TargetsMixin

PAGE_SIZE = 50


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


def _last_due(duty, plan):
    """The day the duty's last report is due: a monthly report of the period's last month is
    due in the month after, and the list shows a report by its due day."""
    first, last = report_periods.duty_range(duty, plan)
    if not (first and last):
        return last
    periods = report_periods.periods(duty, plan, last, last + datetime.timedelta(days=62))
    return max([last, *(p.due.date() for p in periods if p.start <= last)])


class ReportsView(TargetsMixin, BaseView):
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
