"""Reception schedules: a plan's reception rules turned into dated sessions on the real calendar.

The rules are the plan's ``ReceptionArrangement``s: every week on a weekday (the court's Fridays),
the nth weekday of each month (the bureau's first Monday, 节假日顺推), a fixed day of each month,
a number of days per leader per month spread over the working days (the battalion's 3 days each),
a number of days every week (the township's 突击月). Dates that fall on a holiday move to the next
working day, are dropped, or are kept, as the rule says. Leaders of a rule take turns; no leader
is booked twice on one day. Generated sessions can be regenerated after a rule changes without
touching those already held, swapped or edited by hand.

The rules become dates in ``schedule_dates`` (``generate``, re-exported here with the names the
callers use); this module stores them as ``ReceptionSession``s, with the leaders' other
activities, and keeps them when regenerating or swapping. The quotas, the notices and the
iCalendar feed are read from the stored sessions in ``schedule_followup``.
"""

import datetime
from dataclasses import dataclass

from mongoengine import (
    CASCADE,
    NULLIFY,
    DateTimeField,
    Document,
    IntField,
    ReferenceField,
    ValidationError,
)

from . import audit
from .calendar import CalendarDataMissing
from .case import CaseCard
from .fields import NAME, TEXT, DateField, StringField
from .plan import WEEKDAY_NAMES, Plan, rule_problems
from .schedule_dates import ScheduleError, Slot, generate
from .unit import Unit

# --- stored sessions ---

SESSION_STATUSES = (("planned", "计划"), ("held", "已接访"), ("cancelled", "取消"))
ACTIVITY_KINDS = (
    ("reception", "接访"),
    ("visit_out", "下访"),
    ("invited", "约访"),
    ("door_visit", "走访"),
)


class ReceptionSession(Document):
    """One reception day of one leader."""

    plan = ReferenceField(Plan, required=True, reverse_delete_rule=CASCADE)
    unit = ReferenceField(Unit, required=True, reverse_delete_rule=CASCADE)
    date = DateField(required=True)
    leader = StringField(required=True, max_length=NAME)
    place = StringField(max_length=NAME)
    accompany = StringField(max_length=TEXT)
    rule = IntField()  # which of the plan's rules made it; None for a session added by hand
    moved_from = DateField()
    status = StringField(choices=SESSION_STATUSES, default="planned")
    generated = IntField(default=1)  # 1: as generated; 0: held, swapped or edited: kept
    petitioners = IntField(min_value=0)  # how many were received (recorded after the day)
    note = StringField(max_length=TEXT)
    changed_at = DateTimeField()
    changed_by = StringField(max_length=NAME)

    meta = {
        "collection": "reception_sessions",
        "ordering": ["date", "leader"],
        "indexes": [("plan", "date"), ("unit", "date"), ("unit", "leader", "date")],
    }

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.leader}"

    @property
    def weekday(self):
        return f"星期{WEEKDAY_NAMES[self.date.weekday()]}"

    def clean(self):
        if self.status == "held":
            self.generated = 0
        clash = ReceptionSession.objects(
            unit=self.unit, date=self.date, leader=self.leader, status__ne="cancelled"
        )
        if self.pk is not None:
            clash = clash.filter(pk__ne=self.pk)
        if self.status != "cancelled" and clash.first():
            message = f"{self.leader}在{self.date:%Y年%-m月%-d日}已有接访安排，不能重复安排"
            raise ValidationError(message, errors={"date": message})


class LeaderActivity(Document):
    """A 下访, 约访 or 走访 a leader made, counted against the plan's quotas."""

    unit = ReferenceField(Unit, required=True, reverse_delete_rule=CASCADE)
    leader = StringField(required=True, max_length=NAME)
    kind = StringField(required=True, choices=ACTIVITY_KINDS)
    date = DateField(required=True)
    place = StringField(max_length=NAME)
    case = ReferenceField(CaseCard, reverse_delete_rule=NULLIFY)
    note = StringField(max_length=TEXT)

    meta = {
        "collection": "leader_activities",
        "ordering": ["-date"],
        "indexes": [("unit", "leader", "date")],
    }

    def __str__(self):
        return f"{self.date} {self.leader}{dict(ACTIVITY_KINDS).get(self.kind, '')}"


@dataclass(frozen=True)
class Clash:
    """A day the plan's rules give a leader who already receives that day by another plan of
    the unit: not booked twice, said to the reader."""

    date: datetime.date
    leader: str
    other: str  # the title of the plan that has the day

    def __str__(self):
        title = self.other if len(self.other) <= 30 else f"{self.other[:30]}…"
        return f"{self.date:%Y年%-m月%-d日}{self.leader}（已有《{title}》的接访安排）"


def regenerate(plan, start=None, end=None) -> dict:
    """Store the plan's schedule: sessions still as generated are replaced, every other one
    (held, swapped, edited, added by hand) is kept, and no kept session is booked twice.

    A day whose leader already receives by another plan of the unit is left out and listed
    under ``clashes``; the rest of the schedule is stored."""
    slots = generate(plan, start, end)
    stale = ReceptionSession.objects(plan=plan, generated=1, status="planned")
    if start:
        stale = stale.filter(date__gte=start)
    if end:
        stale = stale.filter(date__lte=end)
    removed = stale.count()
    stale.delete()
    kept = {(s.date, s.leader) for s in ReceptionSession.objects(plan=plan)}
    elsewhere = _booked_elsewhere(plan, slots)
    created, clashes = 0, []
    for slot in slots:
        if (slot.date, slot.leader) in kept:
            continue
        if (slot.date, slot.leader) in elsewhere:
            clashes.append(Clash(slot.date, slot.leader, elsewhere[(slot.date, slot.leader)]))
            continue
        session = ReceptionSession(
            plan=plan,
            unit=plan.unit,
            date=slot.date,
            leader=slot.leader,
            place=slot.place,
            accompany=slot.accompany,
            rule=slot.rule,
            moved_from=slot.moved_from,
        )
        try:
            session.save()
        except ValidationError:
            other = _booked_elsewhere(plan, [slot])  # booked by someone else a moment ago
            if not other:
                raise
            clashes.append(Clash(slot.date, slot.leader, other[(slot.date, slot.leader)]))
            continue
        created += 1
    return {"created": created, "removed": removed, "kept": len(kept), "clashes": clashes}


def _booked_elsewhere(plan, slots) -> dict:
    """(date, leader) → the title of the unit's other plan that already books it."""
    if not slots:
        return {}
    wanted = {(s.date, s.leader) for s in slots}
    others = ReceptionSession.objects(
        unit=plan.unit,
        plan__ne=plan,
        status__ne="cancelled",
        date__gte=min(s.date for s in slots),
        date__lte=max(s.date for s in slots),
        leader__in=sorted({s.leader for s in slots}),
    )
    return {
        (s.date, s.leader): (s.plan.title if s.plan else "") or "其他方案"
        for s in others
        if (s.date, s.leader) in wanted
    }


def swap(first: ReceptionSession, second: ReceptionSession):
    """Two leaders exchange their days; both sessions are kept from then on."""
    if first.unit != second.unit:
        raise ScheduleError("只能与本单位的接访安排对调")
    if first.leader == second.leader:
        raise ScheduleError("两个安排是同一位领导，无需对调")
    now, who = datetime.datetime.now().replace(microsecond=0), audit.actor()
    first_leader, second_leader = first.leader, second.leader
    note = f"{first_leader}与{second_leader}对调：{first.date:%-m月%-d日}↔{second.date:%-m月%-d日}"
    clashes = [
        (s.date, leader)
        for s, leader in ((first, second_leader), (second, first_leader))
        if ReceptionSession.objects(
            unit=s.unit, date=s.date, leader=leader, status__ne="cancelled"
        ).first()
    ]
    if clashes:
        day, leader = clashes[0]
        raise ScheduleError(f"{leader}在{day:%Y年%-m月%-d日}已有接访安排，不能对调")
    for session, leader in ((first, second_leader), (second, first_leader)):
        session.leader, session.generated = leader, 0
        session.note = "；".join(filter(None, [session.note, note]))
        session.changed_at, session.changed_by = now, who
        session.save(validate=False)
    return note


__all__ = [
    "CalendarDataMissing",
    "Clash",
    "LeaderActivity",
    "ReceptionSession",
    "ScheduleError",
    "Slot",
    "generate",
    "regenerate",
    "rule_problems",
    "swap",
]
