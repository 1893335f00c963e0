"""What the office sends upward: the plan's reporting duties turned into dated reports, each
drafted from the figures of its period, edited, then frozen when it is submitted.

The report itself (``Report``), drafting one and the list of the reports due are here; the
periods a duty asks for are ``report_periods.py``'s, what a report says (figures, tables, text)
``report_content.py``'s, and the plan's targets against the figures with the 活动总结 drafted
from them ``report_targets.py``'s.
"""

import datetime

from mongoengine import (
    CASCADE,
    NULLIFY,
    BooleanField,
    DateTimeField,
    Document,
    ListField,
    ReferenceField,
    ValidationError,
)

from . import audit
from .fields import LONG, NAME, SHORT, DateField, DictField, StringField
from .plan import Plan, ReportingDuty
from .report_content import report_tables, summary_text, unit_figures
from .report_periods import Period, periods
from .unit import Unit

REPORT_STATES = (("draft", "草稿"), ("submitted", "已报送"))
STATUS_LABELS = {
    "due": "待报送",
    "overdue": "逾期未报",
    "submitted": "已报送",
    "late": "逾期报送",
    "upcoming": "未到期",
}
ZERO_TEXT = "本期无新增信访事项，无越级访、集体访、赴京访等情况，特此零报告。"


class ReportFrozen(ValidationError):
    """A submitted report is not changed."""


# --- reports ------------------------------------------------------------------------------------


class Report(Document):
    """One report of a duty for one period: drafted from the data, edited, submitted, frozen."""

    unit = ReferenceField(Unit, required=True, reverse_delete_rule=CASCADE)
    plan = ReferenceField(Plan, reverse_delete_rule=NULLIFY)
    duty = StringField(required=True, max_length=NAME)  # the plan's duty, by name
    cadence = StringField(max_length=SHORT)
    period_start = DateField(required=True)
    period_end = DateField(required=True)
    due_at = DateTimeField()
    title = StringField(required=True, max_length=NAME)
    doc_number = StringField(max_length=NAME)
    recipients = ListField(StringField(max_length=NAME))
    text = StringField(max_length=LONG)  # 正文, editable until submitted
    zero = BooleanField(default=False)  # a 零报告: nothing to report
    figures = DictField()  # the figures as drafted (frozen with the report)
    # {"title", "headers", "rows"}; a table of cards or receptions also has "about": the card
    # id or the leader of each row, so a leader's copy can leave out the rows of others
    tables = ListField(DictField())
    state = StringField(choices=REPORT_STATES, default="draft")
    drafted_at = DateTimeField()
    drafted_by = StringField(max_length=NAME)
    submitted_at = DateTimeField()
    submitted_by = StringField(max_length=NAME)

    meta = {
        "collection": "reports",
        "ordering": ["-period_start"],
        "indexes": [
            {"fields": ["plan", "duty", "period_start"], "unique": True},
            ("unit", "duty", "period_start"),
            ("unit", "-due_at"),
        ],
    }

    def __str__(self):
        return self.title or ""

    @property
    def period(self):
        return Period(self.period_start, self.period_end, self.due_at)

    def status(self, now=None) -> str:
        now = now or datetime.datetime.now()
        if self.state == "submitted":
            return "late" if self.due_at and self.submitted_at > self.due_at else "submitted"
        return "overdue" if self.due_at and now > self.due_at else "due"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Report._get_collection().find_one({"_id": self.pk}, {"state": 1})
            if stored and stored.get("state") == "submitted":
                raise ReportFrozen("该报告已报送，内容已冻结，不能再修改")
        return super().save(*args, **kwargs)

    def submit(self, now=None):
        """Freeze the report as it stands now."""
        if self.state == "submitted":
            raise ReportFrozen("该报告已报送")
        self.state = "submitted"
        self.submitted_at = (now or datetime.datetime.now()).replace(microsecond=0)
        self.submitted_by = audit.actor()
        return self.save()

    def refresh(self, now=None):
        """Draft the content again from the data as it is now (drafts only)."""
        if self.state == "submitted":
            raise ReportFrozen("该报告已报送，不能重新生成")
        fresh = draft(self.plan, self._duty(), self.period, now=now)
        for name in ("title", "text", "zero", "figures", "tables", "drafted_at", "drafted_by"):
            setattr(self, name, getattr(fresh, name))
        return self

    def _duty(self):
        for duty in self.plan.reporting_duties if self.plan else []:
            if duty.name == self.duty:
                return duty
        return ReportingDuty(
            name=self.duty, cadence=self.cadence or "once", recipients=list(self.recipients)
        )


def find(plan, duty_name, period_start):
    return Report.objects(plan=plan, duty=duty_name, period_start=period_start).first()


def draft(plan, duty, period, now=None) -> Report:
    """A new (unsaved) report of ``duty`` for ``period``, its content from the data."""
    unit = plan.unit
    now = (now or datetime.datetime.now()).replace(microsecond=0)
    as_of = min(period.end, now.date())
    current, previous = unit_figures(unit, period.start, period.end, as_of)
    before = (previous.start, previous.end)
    nothing = current["total_cases"] == 0 and current["receptions_held"] == 0
    zero = bool(duty.zero_report) and nothing
    title = f"{unit.name}{duty.name}（{period.label}）"
    tables = [] if zero else report_tables(unit, current, previous, period)
    return Report(
        unit=unit,
        plan=plan,
        duty=duty.name,
        cadence=duty.cadence,
        period_start=period.start,
        period_end=period.end,
        due_at=period.due,
        title=title,
        recipients=list(duty.recipients),
        text=ZERO_TEXT if zero else summary_text(period, current, previous),
        zero=zero,
        figures={
            "current": current.values,
            "previous": previous.values,
            "previous_period": [before[0].isoformat(), before[1].isoformat()],
            "breakdowns": {k: dict(v) for k, v in current.breakdowns.items()},
        },
        tables=tables,
        drafted_at=now,
        drafted_by=audit.actor(),
    )


def due_reports(plan, first, last, now=None) -> list[dict]:
    """Every report the plan's duties ask for with a deadline from ``first`` to ``last``, newest
    first, with the stored report where there is one and its status."""
    now = now or datetime.datetime.now()
    stored = {
        (r.duty, r.period_start): r
        for r in Report.objects(
            plan=plan, period_start__gte=first - datetime.timedelta(days=62), period_start__lte=last
        )
    }
    rows = []
    for number, duty in enumerate(plan.reporting_duties):
        for period in periods(duty, plan, first, last):
            report = stored.get((duty.name, period.start))
            if report is not None:
                status = report.status(now)
            elif period.due < now:
                status = "overdue"
            else:
                status = "due" if period.start <= now.date() else "upcoming"
            rows.append(
                {
                    "plan": plan,
                    "duty": duty,
                    "duty_index": number,
                    "period": period,
                    "report": report,
                    "status": status,
                    "status_label": STATUS_LABELS[status],
                }
            )
    rows.sort(key=lambda r: (r["period"].due, r["duty_index"]), reverse=True)
    return rows
