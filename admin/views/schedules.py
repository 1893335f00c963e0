"""Reception sessions and leaders' other activities (下访、约访)."""

import datetime

import bson
from flask import flash
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from documents import audit, schedule

from .base import XinfangModelView, _unit_filter


class ReceptionSessionView(XinfangModelView):
    """Reception days: recorded as held, moved, swapped between leaders, added by hand."""

    read_permission, write_permission = "schedule:read", "schedule:write"

    column_list = ("date", "leader", "place", "accompany", "status", "petitioners", "note", "unit")
    column_searchable_list = ("leader", "place", "note")
    column_filters = ("date", "status", "leader")
    column_default_sort = ("date", False)
    form_columns = (
        "plan",
        "unit",
        "date",
        "leader",
        "place",
        "accompany",
        "status",
        "petitioners",
        "note",
    )

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)

    def on_model_change(self, form, model, is_created):
        model.generated = 0  # edited by hand: a regeneration keeps it
        model.changed_at = datetime.datetime.now().replace(microsecond=0)
        model.changed_by = audit.actor()

    @action("swap", _l("对调这两天的接访领导"), _l("确定对调所选两个安排的接访领导吗？"))
    def action_swap(self, ids):
        sessions = list(
            self.get_query().filter(pk__in=[i for i in ids if bson.ObjectId.is_valid(i)])
        )
        if len(sessions) != 2:
            flash(gettext("请选择两个接访安排来对调。"), "error")
            return
        try:
            note = schedule.swap(*sessions)
        except schedule.ScheduleError as problem:
            flash(gettext("未能对调：%(problem)s", problem=str(problem)), "error")
        else:
            flash(gettext("已对调：%(note)s。请重新打印日程安排表。", note=note), "success")


class LeaderActivityView(XinfangModelView):
    """下访, 约访 and 走访 of leaders, counted against the plan's quotas."""

    read_permission, write_permission = "schedule:read", "schedule:write"

    column_list = ("date", "leader", "kind", "place", "case", "note", "unit")
    column_filters = ("date", "kind", "leader")
    column_searchable_list = ("leader", "place", "note")
    column_default_sort = ("date", True)
    form_columns = ("unit", "leader", "kind", "date", "place", "case", "note")

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)
