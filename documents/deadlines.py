"""Statutory deadlines of a petition, computed from configurable rules.

The figures are those of 《信访工作条例》 (2022) and 《信访条例》 (2005), which agree: decide within
15 days, handle within 60 days with one extension of at most 30, review and re-review requested
within 30 days and answered within 30 days; a body given a case outside its remit objects within
5 working days; the leaders are told 2 days and the petitioner 1 day before a reception. Each rule
is data: a unit may change its days and whether they are calendar or working days.
"""

import datetime
from dataclasses import dataclass

from mongoengine import (
    CASCADE,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ReferenceField,
    ValidationError,
)

from .calendar import CalendarDataMissing, add_days, subtract_days
from .choices import CLOSED
from .fields import NAME, TEXT, StringField
from .unit import Unit

DAY_KINDS = (("calendar", "自然日"), ("working", "工作日"))
DUE_SOON_DAYS = 3


def today() -> datetime.date:
    """Today's date (one place, so that tests can fix it)."""
    return datetime.date.today()


@dataclass(frozen=True)
class RuleSpec:
    key: str
    label: str
    days: int
    kind: str
    basis: str
    office: bool = True  # False: a window of the petitioner's, not a duty of the office


DEFAULT_RULES = (
    RuleSpec("accept", "受理告知", 15, "calendar", "《信访工作条例》第二十二条、第二十三条"),
    RuleSpec("objection", "转送交办异议", 5, "working", "《信访工作条例》第二十三条"),
    RuleSpec("handle", "办理答复", 60, "calendar", "《信访工作条例》第三十四条"),
    RuleSpec("extension", "延期（最多）", 30, "calendar", "《信访工作条例》第三十四条"),
    RuleSpec("review_request", "申请复查", 30, "calendar", "《信访工作条例》第三十五条", False),
    RuleSpec("review_answer", "复查答复", 30, "calendar", "《信访工作条例》第三十五条"),
    RuleSpec("rereview_request", "申请复核", 30, "calendar", "《信访工作条例》第三十六条", False),
    RuleSpec("rereview_answer", "复核答复", 30, "calendar", "《信访工作条例》第三十六条"),
    RuleSpec("notify_leader", "通知接访领导", 2, "calendar", "实施方案：提前2天通知接访领导"),
    RuleSpec(
        "notify_petitioner", "书面通知信访人", 1, "calendar", "实施方案：提前1天书面通知信访人"
    ),
)
RULE_KEYS = tuple(rule.key for rule in DEFAULT_RULES)


class DeadlineRule(EmbeddedDocument):
    key = StringField(required=True, choices=[(r.key, r.label) for r in DEFAULT_RULES])
    days = IntField(required=True, min_value=0, max_value=365)
    day_kind = StringField(choices=DAY_KINDS, default="calendar")
    basis = StringField(max_length=TEXT)

    def __str__(self):
        kind = dict(DAY_KINDS).get(self.day_kind, self.day_kind)
        return f"{dict((r.key, r.label) for r in DEFAULT_RULES).get(self.key)}：{self.days}{kind}"


class DeadlineRuleSet(Document):
    """A unit's deadline rules; rules it leaves out keep the regulation's figures."""

    unit = ReferenceField(Unit, required=True, unique=True, reverse_delete_rule=CASCADE)
    rules = EmbeddedDocumentListField(DeadlineRule)
    due_soon_days = IntField(min_value=0, max_value=30, default=DUE_SOON_DAYS)
    note = StringField(max_length=NAME)

    meta = {"collection": "deadline_rules"}

    def __str__(self):
        return f"{self.unit}的期限规则" if self.unit else "期限规则"

    def clean(self):
        keys = [rule.key for rule in self.rules]
        repeated = {k for k in keys if keys.count(k) > 1}
        if repeated:
            names = "、".join(dict((r.key, r.label) for r in DEFAULT_RULES)[k] for k in repeated)
            message = f"期限规则重复：{names}"
            raise ValidationError(message, errors={"rules": message})


@dataclass(frozen=True)
class Rules:
    """The rules in force for a unit: its own where it set them, else the regulation's."""

    by_key: dict
    due_soon_days: int = DUE_SOON_DAYS

    def __getitem__(self, key) -> RuleSpec:
        return self.by_key[key]

    @classmethod
    def for_unit(cls, unit) -> "Rules":
        specs = {rule.key: rule for rule in DEFAULT_RULES}
        stored = DeadlineRuleSet.objects(unit=unit).first() if unit is not None else None
        for rule in stored.rules if stored else []:
            base = specs[rule.key]
            specs[rule.key] = RuleSpec(
                rule.key,
                base.label,
                rule.days,
                rule.day_kind,
                rule.basis or base.basis,
                base.office,
            )
        return cls(specs, stored.due_soon_days if stored else DUE_SOON_DAYS)


# raised when how deadlines are derived from a card changes: stored ones are computed anew once
# (documents.case_deadlines.refresh_for_calendar); 2: a closed card's open duties end with it
DEADLINE_LOGIC = 2


@dataclass
class Deadline:
    key: str
    label: str
    due: datetime.date | None
    done_on: datetime.date | None
    office: bool
    basis: str
    problem: str = ""  # why no date could be computed
    # the card was closed (已办结) on this day with this duty of the office still open: it
    # stops running then (neither the list nor the figures count it as due any more)
    ended_on: datetime.date | None = None

    def status(self, today: datetime.date, due_soon_days=DUE_SOON_DAYS) -> str:
        """done, ended (open when the card was closed), ended_late (and already past due
        then), overdue, due_soon, pending, expired (a petitioner's window that closed), or
        unknown (no calendar data)."""
        if self.problem:
            return "unknown"
        if self.done_on is not None:
            return "done"
        if self.ended_on is not None:
            return "ended_late" if self.due < self.ended_on else "ended"
        if self.due < today:
            return "overdue" if self.office else "expired"
        if (self.due - today).days <= due_soon_days:
            return "due_soon" if self.office else "pending"
        return "pending"


STATUS_LABELS = {
    "done": "已完成",
    "ended": "随办结终止",
    "ended_late": "办结时已超期",
    "overdue": "已超期",
    "due_soon": "即将到期",
    "pending": "未到期",
    "expired": "已过申请期",
    "unknown": "无法计算",
}


def _deadline(rules, key, start, done_on, extra_days=0, before=False):
    rule = rules[key]
    try:
        if before:
            due = subtract_days(start, rule.days, rule.kind)
        else:
            due = add_days(start, rule.days, rule.kind)
            if extra_days:
                due = add_days(due, extra_days, rules["extension"].kind)
    except CalendarDataMissing as missing:
        return Deadline(key, rule.label, None, done_on, rule.office, rule.basis, str(missing))
    return Deadline(key, rule.label, due, done_on, rule.office, rule.basis)


def card_deadlines(card, rules: Rules) -> list[Deadline]:
    """Every deadline that applies to a card now, in the order of the procedure."""
    result = []
    refused = card.outcome == "不予受理" or card.classification == "routed"
    if card.registered_on:
        result.append(_deadline(rules, "accept", card.registered_on, card.decided_on))
        if card.source in ("上级交办", "上级督办") and card.decided_on is None:
            result.append(_deadline(rules, "objection", card.registered_on, None))
    if card.decided_on and not refused:
        result.append(
            _deadline(
                rules,
                "handle",
                card.decided_on,
                card.replied_on,
                extra_days=card.extension_days or 0,
            )
        )
    if card.replied_on:
        result.append(_deadline(rules, "review_request", card.replied_on, card.review_requested_on))
    if card.review_requested_on:
        result.append(
            _deadline(rules, "review_answer", card.review_requested_on, card.review_answered_on)
        )
    if card.review_answered_on:
        result.append(
            _deadline(
                rules, "rereview_request", card.review_answered_on, card.rereview_requested_on
            )
        )
    if card.rereview_requested_on:
        result.append(
            _deadline(
                rules, "rereview_answer", card.rereview_requested_on, card.rereview_answered_on
            )
        )
    if card.reception_date:
        result.append(
            _deadline(
                rules, "notify_leader", card.reception_date, card.leader_notified_on, before=True
            )
        )
        result.append(
            _deadline(
                rules,
                "notify_petitioner",
                card.reception_date,
                card.petitioner_notified_on,
                before=True,
            )
        )
    if card.status == CLOSED and card.closed_on:
        for deadline in result:  # what the office had not recorded as done ends with the card
            if deadline.office and deadline.done_on is None:
                deadline.ended_on = card.closed_on
    return result


def next_office_deadline(deadlines: list[Deadline]) -> Deadline | None:
    """The earliest open duty of the office (what the list sorts and flags by)."""
    open_ones = [
        d
        for d in deadlines
        if d.office and d.done_on is None and d.ended_on is None and d.due is not None
    ]
    return min(open_ones, key=lambda d: d.due, default=None)
