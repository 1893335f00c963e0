"""The plan's targets set against the actual figures of a period, the leaders' reception
quotas against what they did, and the 活动总结 drafted from both. The figures are
``report_content.py``'s, as a report's are; the summary is a plan of kind 总结, edited and
printed as any plan.
"""

import datetime

from dateutil.rrule import MONTHLY, rrule

from . import metrics
from .metrics import QUOTA_METRICS
from .plan import Attachment, Plan, Section
from .report_content import MAIN_FIGURES, summary_text, unit_figures
from .report_periods import END_OF_DAY, Period
from .schedule_followup import compliance, quotas


def _number(value):
    try:
        return float(str(value).strip().rstrip("%％件次天人 "))
    except (TypeError, ValueError):
        return None


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
