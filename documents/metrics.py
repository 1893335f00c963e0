"""The figures the reports, the dashboard and a plan's targets name: each one's key, its label
and what it counts, in one place. ``documents.figures`` counts them in the database; a new
figure counted over the cards is one more ``Count`` here.

What the counts mean (the README repeats it for the offices):
- a period's counts are over the cards *registered* in the period, archived cards left out;
- 越级访, 集体访, 赴京访 … count a card whose type is that, or that carries it as a mark (a
  赴京访 that was also 越级 counts in both);
- 化解率 = (化解 + 息访罢访) ÷ (信访总量 − 不予受理) × 100%, to one decimal; no figure when no card
  was accepted;
- 超期 and 即将到期 are counted at a date (the report's date), over the cards registered by then:
  cards whose open deadline of the office has passed, or falls within the unit's due-soon days;
- 积案 at a date: cards registered more than the handling limit (60 days) before the date, not
  办结 by the date, and not 不予受理.
"""

from dataclasses import dataclass

RESOLVED = ("化解", "息访罢访")


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    test: object  # group (dict of documents.figures.GROUPINGS[0]) → bool


def _marked(mark):
    return lambda g: g["case_type"] == mark or mark in g["marks"]


def _both(first, second):
    return lambda g: _marked(first)(g) and _marked(second)(g)


COUNTS = (
    Count("total_cases", "信访总量", lambda g: True),
    Count("first_cases", "初访", lambda g: g["case_type"] == "初访"),
    Count("repeat_cases", "重复访", lambda g: g["case_type"] == "重复访"),
    Count("level_skipping_cases", "越级访", _marked("越级访")),
    Count("group_cases", "集体访", _marked("集体访")),
    Count("beijing_cases", "赴京访", _marked("赴京访")),
    Count("provincial_cases", "赴省访", _marked("赴省访")),
    Count("abnormal_cases", "非正常访", _marked("非正常访")),
    Count("mass_incidents", "群体性事件", _marked("群体性事件")),
    Count("abnormal_beijing_cases", "非正常进京访", _both("赴京访", "非正常访")),
    Count("level_skipping_beijing_cases", "越级进京访", _both("赴京访", "越级访")),
    Count("provincial_group_cases", "赴省集体访", _both("赴省访", "集体访")),
    Count("resolved_cases", "化解（含息访罢访）", lambda g: g["outcome"] in RESOLVED),
    Count("stabilized_cases", "稳控", lambda g: g["outcome"] == "稳控"),
    Count("refused_cases", "不予受理", lambda g: g["outcome"] == "不予受理"),
    Count("closed_cases", "已办结", lambda g: g["status"] == "已办结"),
)
AT_DATE = (
    ("overdue_cases", "超期未办"),
    ("due_soon_cases", "即将到期"),
    ("backlog_cases", "积案"),
)
SESSION_FIGURES = (
    ("receptions_planned", "安排接访"),
    ("receptions_held", "领导接访"),
    ("petitioners_received", "接待群众（人次）"),
)
LABELS = {
    **{c.key: c.label for c in COUNTS},
    **dict(AT_DATE),
    **dict(SESSION_FIGURES),
    "accepted_cases": "受理",
    "resolution_rate": "化解率",
}
PERCENT = ("resolution_rate",)
# per leader and month, counted from the schedule and the visit records (documents.schedule)
QUOTA_METRICS = {
    "visits_out_per_leader_month": ("visit_out", "每月下访"),
    "invited_visits_per_leader_month": ("invited", "每月约访"),
    "reception_days_per_leader_month": ("reception", "每月接访天数"),
}
# what a plan's target can be measured by (Target.metric)
METRICS = tuple(LABELS.items()) + tuple(
    (key, f"每位领导{label}（次/天）") for key, (_, label) in QUOTA_METRICS.items()
)
BREAKDOWNS = (
    ("source", "按来源"),
    ("case_type", "按类型"),
    ("category", "按问题类别"),
    ("outcome", "按处理结果"),
    ("status", "按办理状态"),
)


def label(key: str) -> str:
    return LABELS.get(key, key)


def shown(key: str, value) -> str:
    """A figure as the reports print it: 12, 96.5%, —."""
    if value is None:
        return "—"
    if key in PERCENT:
        return f"{value:g}%"
    return str(value)
