"""What the office sends upward: the plan's reporting duties turned into dated reports, each
drafted from the figures of its period, edited, then frozen when it is submitted; the plan's
targets set against the actual figures; and the 活动总结 drafted from them.
"""

import calendar as month_calendar
import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule
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

from . import audit, figures, metrics
from .choices import CASE_TYPES, OUTCOMES, SOURCES, STATUSES
from .deadlines import Rules
from .fields import LONG, NAME, SHORT, DateField, DictField, StringField
from .metrics import QUOTA_METRICS
from .plan import Attachment, Plan, ReportingDuty, Section
from .schedule import ReceptionSession
from .schedule_followup import compliance, quotas
from .unit import Unit

REPORT_STATES = (("draft", "草稿"), ("submitted", "已报送"))
STATUS_LABELS = {
    "due": "待报送",
    "overdue": "逾期未报",
    "submitted": "已报送",
    "late": "逾期报送",
    "upcoming": "未到期",
}
END_OF_DAY = datetime.time(23, 59)
ZERO_TEXT = "本期无新增信访事项，无越级访、集体访、赴京访等情况，特此零报告。"


class ReportFrozen(ValidationError):
    """A submitted report is not changed."""


# --- the periods a duty asks for ----------------------------------------------------------------


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
    """The first and last day the duty runs (either may be None: open)."""
    return (duty.start_date or plan.period_start, duty.end_date or plan.period_end)


def periods(duty, plan, first: datetime.date, last: datetime.date) -> list[Period]:
    """The duty's periods whose deadline falls on a day from ``first`` to ``last``.

    每日: each day, due that day (at the time the plan gives, else its end). 每周: the seven days
    ending on the deadline weekday, due that day (no weekday: Monday to Sunday, due Sunday).
    每月: the calendar month, due on the given day of the next month (none: the month's last
    day). 一次: the duty's whole range, due on its last day. Only days within the duty's range
    (or the plan's period) count.
    """
    begin, finish = duty_range(duty, plan)
    result = []
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


def _rules(unit):
    return Rules.for_unit(unit)


MAIN_FIGURES = (
    "total_cases",
    "first_cases",
    "repeat_cases",
    "level_skipping_cases",
    "group_cases",
    "beijing_cases",
    "abnormal_cases",
    "accepted_cases",
    "resolved_cases",
    "stabilized_cases",
    "refused_cases",
    "resolution_rate",
    "closed_cases",
    "overdue_cases",
    "backlog_cases",
    "receptions_held",
    "petitioners_received",
)


def _change(key, now, before):
    if now is None or before is None:
        return "—"
    difference = round(now - before, 1)
    sign = "+" if difference > 0 else ""
    return f"{sign}{difference:g}" + ("个百分点" if key in metrics.PERCENT else "")


def report_tables(unit, current, previous, period) -> list[dict]:
    """The tables of a report: figures against the previous period, the breakdowns, the
    receptions of the period, the overdue cards."""
    tables = [
        {
            "title": "信访情况统计表",
            "headers": ["项目", "本期", "上期", "增减"],
            "widths": [40, 20, 20, 20],
            "rows": [
                [
                    metrics.label(k),
                    metrics.shown(k, current[k]),
                    metrics.shown(k, previous[k]),
                    _change(k, current[k], previous[k]),
                ]
                for k in MAIN_FIGURES
            ],
        }
    ]
    orders = {"source": SOURCES, "case_type": CASE_TYPES, "outcome": OUTCOMES, "status": STATUSES}
    rows = [
        [title, name, str(n)]
        for column, title in metrics.BREAKDOWNS
        for name, n in _by_count(current.breakdowns[column], orders.get(column, ()))
    ]
    tables.append(
        {"title": "信访事项分类统计表", "headers": ["分类", "项目", "件数"], "rows": rows}
    )
    sessions = ReceptionSession.objects(
        unit=unit, date__gte=period.start, date__lte=period.end, status__ne="cancelled"
    )
    tables.append(
        {
            "title": "领导接访情况表",
            "headers": ["日期", "接访领导", "地点", "情况", "接待人次"],
            "rows": [
                [
                    f"{s.date:%Y-%m-%d}",
                    s.leader,
                    s.place or "",
                    "已接访" if s.status == "held" else "未接访",
                    "" if s.petitioners is None else str(s.petitioners),
                ]
                for s in sessions
            ],
            "about": [{"leader": s.leader} for s in sessions],
        }
    )
    total, cards = figures.open_cards([unit], current.as_of, "overdue", limit=200)
    tables.append(
        {
            "title": f"超期未办信访事项（截至{current.as_of:%Y年%-m月%-d日}，共{total}件）",
            "headers": ["编号", "信访人", "案由", "期限", "应办日期"],
            "rows": [
                [
                    c.number or "",
                    c.petitioner,
                    c.subject,
                    c.next_deadline_label or "",
                    f"{c.next_deadline:%Y-%m-%d}",
                ]
                for c in cards
            ],
            "about": [{"card": str(c.pk), "number": c.number or ""} for c in cards],
        }
    )
    return tables


def narrowed_tables(tables, card_ids, leaders) -> list[dict]:
    """The tables as a reader limited to some cards and leaders sees them: the rows about other
    cards and other leaders' receptions left out (a report drafted before rows carried what
    they are about keeps the cards whose number the reader may see). ``card_ids`` holds the
    ids and numbers of the cards the reader may see."""
    shown = []
    for table in tables:
        about = table.get("about")
        if about is None and str(table.get("title", "")).startswith("超期未办"):
            about = [{"number": row[0]} for row in table.get("rows", [])]
        if about is None:
            shown.append(table)
            continue
        keep = [
            row
            for row, what in zip(table.get("rows", []), about, strict=False)
            if _visible(what, card_ids, leaders)
        ]
        title = re.sub(r"共\d+件", f"共{len(keep)}件", str(table.get("title", "")), count=1)
        shown.append({**table, "title": title, "rows": keep, "about": None})
    return shown


def _visible(what, card_ids, leaders):
    if "leader" in what:
        return what["leader"] in leaders
    return bool(what.get("card") in card_ids or (what.get("number") and what["number"] in card_ids))


def _by_count(counter, order=()):
    """Most first; ties in the order of the choices, then by name."""
    rank = {name: n for n, name in enumerate(order)}
    return sorted(counter.items(), key=lambda i: (-i[1], rank.get(i[0], len(rank)), i[0]))


def summary_text(period, current, previous) -> str:
    """The report's body drafted from the figures; the office edits it before submitting."""
    c, p = current, previous
    sources = "、".join(f"{name}{n}件" for name, n in _by_count(c.breakdowns["source"], SOURCES))
    lines = []
    first = f"{period.label}，共登记信访事项{c['total_cases']}件"
    if sources:
        first += f"（{sources}）"
    trend = c["total_cases"] - p["total_cases"]
    if p["total_cases"] or c["total_cases"]:
        word = "增加" if trend > 0 else "减少" if trend < 0 else "持平"
        first += f"，较上期{word}" + (f"{abs(trend)}件" if trend else "")
    lines.append(first + "。")
    lines.append(
        f"其中重复访{c['repeat_cases']}件，越级访{c['level_skipping_cases']}件，"
        f"集体访{c['group_cases']}件，赴京访{c['beijing_cases']}件，"
        f"非正常访{c['abnormal_cases']}件。"
    )
    rate = metrics.shown("resolution_rate", c["resolution_rate"])
    lines.append(
        f"受理{c['accepted_cases']}件，已化解（含息访罢访）{c['resolved_cases']}件，"
        f"化解率{rate}；稳控{c['stabilized_cases']}件；"
        f"不予受理并引导通过法定途径解决{c['refused_cases']}件。"
    )
    lines.append(
        f"领导接访{c['receptions_held']}次，接待群众{c['petitioners_received']}人次。"
        f"截至{c.as_of:%-m月%-d日}，超期未办{c['overdue_cases']}件，积案{c['backlog_cases']}件。"
    )
    return "\n".join(lines)


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


# --- targets ------------------------------------------------------------------------------------


def _number(value):
    try:
        return float(str(value).strip().rstrip("%％件次天人 "))
    except (TypeError, ValueError):
        return None


def unit_figures(unit, start, end, as_of=None):
    """(this period, the period before) for a unit, by its own deadline rules."""
    rules = _rules(unit)
    kwargs = {"handle_days": rules["handle"].days}
    current = figures.period_figures([unit], start, end, as_of=as_of, **kwargs)
    previous = figures.period_figures([unit], *figures.previous_period(start, end), **kwargs)
    return current, previous


def target_results(
    plan, start, end, as_of=None, current=None, previous=None, quotas=None
) -> list[dict]:
    """Each target of the plan with its actual value for the period and whether it is met
    (None: not measurable from the data, e.g. a qualitative aim or a target without metric)."""
    if current is None or previous is None:
        current, previous = unit_figures(plan.unit, start, end, as_of)
    quotas = quotas or leader_quotas(plan, start, end)
    results = []
    for target in plan.targets:
        requirement = ""
        if target.comparator in ("下降", "减少", "不发生"):
            requirement = target.comparator
        elif target.value:
            requirement = f"{target.comparator} {target.value}"
        row = {
            "name": target.name,
            "group": target.group or "",
            "metric": target.metric,
            "comparator": target.comparator,
            "value": target.value or "",
            "requirement": requirement,
            "actual": "",
            "previous": "",
            "met": None,
            "note": "",
        }
        metric, comparator = target.metric, target.comparator
        if metric in QUOTA_METRICS:
            kind = QUOTA_METRICS[metric][0]
            rows = [q for q in quotas["rows"] if kind in q["required"]]
            met = [q for q in rows if q["counts"][kind] >= q["required"][kind]]
            row["actual"] = f"{len(met)}/{len(rows)}人达标" if rows else "无接访领导"
            row["met"] = bool(rows) and len(met) == len(rows)
            row["note"] = "；".join(f"{q['leader']}{q['counts'][kind]}" for q in rows)
        elif metric in metrics.LABELS:
            actual, earlier = current[metric], previous[metric]
            row["actual"] = metrics.shown(metric, actual)
            row["previous"] = metrics.shown(metric, earlier)
            goal = _number(target.value)
            if actual is None:
                row["note"] = "本期无可计算的数据"
            elif comparator in ("下降", "减少"):
                row["met"] = actual < earlier or actual == earlier == 0
            elif comparator == "不发生":
                row["met"] = actual == 0
            elif goal is not None:
                row["met"] = {">=": actual >= goal, "<=": actual <= goal, "=": actual == goal}[
                    comparator
                ]
        else:
            row["note"] = "定性目标，需人工评估" if not metric else f"未知的统计口径：{metric}"
        results.append(row)
    return results


def leader_quotas(plan, start, end) -> dict:
    """Per leader: what the period counted against the plan's monthly quotas, the quotas
    multiplied by the months the period touches."""
    required = quotas(plan)
    months = [
        (first.year, first.month)
        for first in rrule(MONTHLY, dtstart=start.replace(day=1), until=end)
    ]
    totals = {}
    for year, month in months:
        for row in compliance(plan, year, month):
            entry = totals.setdefault(
                row["leader"], {"leader": row["leader"], "counts": dict.fromkeys(row["counts"], 0)}
            )
            for kind, n in row["counts"].items():
                entry["counts"][kind] += n
    rows = []
    for entry in totals.values():
        entry["required"] = {kind: minimum * len(months) for kind, (_, minimum) in required.items()}
        # no quota: nothing to meet (None), never 达标 for a leader who received no one
        entry["ok"] = (
            all(entry["counts"][k] >= v for k, v in entry["required"].items())
            if entry["required"]
            else None
        )
        rows.append(entry)
    labels = {kind: label for kind, (label, _) in required.items()}
    return {"months": len(months), "labels": labels, "rows": rows}


# --- 活动总结 -----------------------------------------------------------------------------------


def draft_summary(plan, start, end, title=None) -> Plan:
    """A 活动总结 (an unsaved plan of kind 总结) for the period, in the shape of the bureau's:
    指导思想, 目标任务, 活动情况, the figures; the office edits it and prints it as any plan."""
    unit = plan.unit
    current, previous = unit_figures(unit, start, end)
    results = target_results(plan, start, end, current=current, previous=previous)
    period = Period(start, end, datetime.datetime.combine(end, END_OF_DAY))
    # the plan's own 指导思想 section where it has one, else its opening paragraph
    guiding = next((x.text for x in plan.sections if "指导思想" in (x.heading or "")), None)
    thinking = guiding or plan.preamble or ""
    if plan.principles:
        thinking = "\n".join(filter(None, [thinking, "坚持" + "；".join(plan.principles) + "。"]))
    aims = []
    words = {">=": "不低于", "<=": "不高于", "=": "为"}
    for row in results:
        aim = row["name"]
        if row["value"] and row["comparator"] in words:
            aim += words[row["comparator"]] + row["value"]
        if row["met"] is not None:
            result = "已达到" if row["met"] else "未达到"
            if row["comparator"] in ("下降", "减少"):
                aim += f"：本期{row['actual']}，上期{row['previous']}，{result}"
            else:
                aim += f"：实际{row['actual'] or '—'}，{result}"
        aims.append(aim + "。")
    arrangements = [r.description for r in plan.receptions if r.description]
    activity = "\n".join(
        filter(
            None,
            [
                "；".join(arrangements) + "。" if arrangements else "",
                summary_text(period, current, previous),
            ],
        )
    )
    rows = [f"{metrics.label(k)}|{metrics.shown(k, current[k])}" for k in MAIN_FIGURES]
    summary = Plan(
        unit=unit,
        kind="总结",
        period_start=start,
        period_end=end,
        title=title or f"{unit.name}领导干部大接访活动总结",
        preamble=f"现将{period.label}开展领导干部大接访活动情况总结如下：",
        sections=[
            Section(level=1, heading="指导思想", text=thinking),
            Section(level=1, heading="目标任务", text="\n".join(aims)),
            Section(level=1, heading="活动情况", text=activity),
            Section(level=1, heading="主要数据", text="主要数据见附件。"),
        ],
        attachments=[
            Attachment(
                title="大接访活动主要数据", kind="table", text="\n".join(["项目|数量", *rows])
            )
        ],
        signatories=[unit.name],
        date_written=datetime.date.today(),
    )
    return summary
