"""The 目标考核 pages of the 报送事项 view: the plan's targets against the figures of a period
(shown, or as a workbook) and the 活动总结 drafted from them. A mixin of ``ReportsView``
(``__init__.py``), which gives it its permissions, ``_write`` and ``render``.
"""

import datetime

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext

import documents
import exports
from documents import deadlines, metrics, report_content, report_periods, report_targets

from .. import auth
from .common import _object, _xlsx, audit, period_choice


class TargetsMixin:
    """目标考核 and 活动总结: the plan's targets against the figures, and the summary drafted
    from them (a plan of kind 总结, edited and printed as any plan)."""

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
