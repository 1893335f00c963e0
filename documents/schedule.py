"""Reception schedules: a plan's reception rules turned into dated sessions on the real calendar.

The rules are the plan's ``ReceptionArrangement``s: every week on a weekday (the court's Fridays),
the nth weekday of each month (the bureau's first Monday, 节假日顺推), a fixed day of each month,
a number of days per leader per month spread over the working days (the battalion's 3 days each),
a number of days every week (the township's 突击月). Dates that fall on a holiday move to the next
working day, are dropped, or are kept, as the rule says. Leaders of a rule take turns; no leader
is booked twice on one day. Generated sessions can be regenerated after a rule changes without
touching those already held, swapped or edited by hand.
"""

import calendar as month_calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

import icalendar
from dateutil.rrule import MONTHLY, WEEKLY, rrule
from dateutil.rrule import weekday as nth_weekday
from lunardate import LunarDate
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
from .calendar import CalendarDataMissing, is_working_day
from .case import CaseCard
from .deadlines import Rules, _deadline
from .fields import NAME, TEXT, DateField, StringField
from .metrics import QUOTA_METRICS
from .plan import (
    WEEKDAY_NAMES,
    Plan,
    rule_days_of_month,
    rule_nths,
    rule_problems,
    rule_weekdays,
)
from .unit import Unit


class ScheduleError(ValueError):
    """A rule that cannot be turned into dates, said in Chinese."""


@dataclass(frozen=True)
class Slot:
    date: datetime.date
    leader: str
    place: str
    accompany: str
    rule: int  # the index of the rule in the plan's receptions
    moved_from: datetime.date | None = None  # the holiday it was moved from


def period_of(plan, rule, start=None, end=None):
    start = rule.start_date or plan.period_start or start
    end = rule.end_date or plan.period_end or end
    if not start or not end:
        raise ScheduleError("请先填写接访安排或实施方案的起止日期，才能排出日程")
    return start, end


def _months(start, end):
    """(year, month) of every month from the one of ``start`` to the one of ``end``."""
    for first in rrule(MONTHLY, dtstart=start.replace(day=1), until=end):
        yield first.year, first.month


def _dates(*args, **kwargs):
    """The days of a dateutil recurrence, as dates."""
    return (moment.date() for moment in rrule(*args, **kwargs))


def _working_days(start, end):
    day = start
    while day <= end:
        if is_working_day(day):
            yield day
        day += datetime.timedelta(days=1)


def _apply_holiday(day, rule, end):
    """(date, moved_from) after the holiday rule; None when the date is dropped."""
    if rule.holiday_rule == "keep" or is_working_day(day):
        return day, None
    if rule.holiday_rule == "skip":
        return None
    moved = day
    step = datetime.timedelta(days=7 if rule.holiday_rule == "next_same_weekday" else 1)
    while not is_working_day(moved):
        moved += step  # 顺延至次周星期三: the same weekday of the next week
    return (moved, day) if moved <= end else None


def _candidate_dates(rule, start, end):
    """The rule's own dates, before holidays and leaders."""
    kind = rule.kind
    if kind == "weekly":
        yield from _dates(WEEKLY, dtstart=start, until=end, byweekday=rule_weekdays(rule))
    elif kind == "monthly_nth_weekday":  # nth is 1 to 4 (rule_problems): every month has it
        days = [nth_weekday(w, n) for w in rule_weekdays(rule) for n in rule_nths(rule)]
        yield from _dates(MONTHLY, dtstart=start, until=end, byweekday=days)
    elif kind == "monthly_day":  # day 1 to 28 (rule_problems): every month has it
        yield from _dates(MONTHLY, dtstart=start, until=end, bymonthday=rule_days_of_month(rule))
    elif kind == "working_days":
        yield from _working_days(start, end)
    elif kind == "lunar_days":
        yield from _lunar_days(rule.lunar_days, start, end)
    elif kind == "dates":
        yield from sorted(d for d in set(rule.dates) if start <= d <= end)


def _lunar_days(days, start, end):
    """The days between ``start`` and ``end`` whose day of the lunar month is in ``days``
    (农历初一、十五), by the lunardate library's calendar tables."""
    wanted, day = set(days), start
    while day <= end:
        if LunarDate.from_solar_date(day.year, day.month, day.day).day in wanted:
            yield day
        day += datetime.timedelta(days=1)


def _spread(days, count):
    """``count`` days taken evenly from a list of days."""
    if count >= len(days):
        return list(days)
    step = len(days) / count
    return [days[int(step * i + step / 2)] for i in range(count)]


def generate(plan, start=None, end=None) -> list[Slot]:
    """Every session of the plan's reception rules between ``start`` and ``end`` (the plan's
    period by default). Raises ScheduleError for a rule that cannot be scheduled and
    CalendarDataMissing for a year the holiday calendar does not know."""
    problems = [p for n, r in enumerate(plan.receptions, start=1) for p in rule_problems(r, n)]
    if problems:
        raise ScheduleError("；".join(problems))
    booked = defaultdict(set)  # date → leaders
    slots = []
    for index, rule in enumerate(plan.receptions):
        if rule.kind == "any_time":
            continue
        first, last = period_of(plan, rule, start, end)
        first, last = max(first, start or first), min(last, end or last)
        if first > last:
            continue
        for slot in _rule_slots(rule, index, first, last):
            slot = _unbooked(slot, booked, last)
            if slot is not None:
                booked[slot.date].add(slot.leader)
                slots.append(slot)
    return sorted(slots, key=lambda s: (s.date, s.rule, s.leader))


def _rule_slots(rule, index, first, last):
    leaders = list(rule.leaders)
    place, accompany = rule.place or "", rule.accompany or ""
    if rule.kind == "days_per_leader":
        for year, month in _months(first, last):
            month_start = max(first, datetime.date(year, month, 1))
            month_end = min(
                last, datetime.date(year, month, month_calendar.monthrange(year, month)[1])
            )
            days = list(_working_days(month_start, month_end))
            chosen = _spread(days, rule.days_per_month * len(leaders))
            for n, day in enumerate(chosen):  # leaders take turns over the chosen days
                yield Slot(day, leaders[n % len(leaders)], place, accompany, index)
        return
    if rule.kind == "phase":
        monday = first - datetime.timedelta(days=first.weekday())
        turn = 0
        for week_start in _dates(WEEKLY, dtstart=monday, until=last):  # each week from Monday
            week = [
                d
                for d in _working_days(
                    max(first, week_start), min(last, week_start + datetime.timedelta(days=6))
                )
            ]
            for day in _spread(week, rule.days_per_week):
                yield Slot(day, leaders[turn % len(leaders)], place, accompany, index)
                turn += 1
        return
    turn = 0
    for day in _candidate_dates(rule, first, last):
        moved = _apply_holiday(day, rule, last)
        if moved is None:
            continue
        date, moved_from = moved
        yield Slot(date, leaders[turn % len(leaders)], place, accompany, index, moved_from)
        turn += 1


def _unbooked(slot, booked, last):
    """The slot, moved to the next working day if its leader is already booked that day."""
    day = slot.date
    while slot.leader in booked[day]:
        day += datetime.timedelta(days=1)
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
        if day > last:
            return None
    if day == slot.date:
        return slot
    return Slot(day, slot.leader, slot.place, slot.accompany, slot.rule, slot.moved_from)


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
    case = ReferenceField("CaseCard", reverse_delete_rule=NULLIFY)
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


# --- quotas and notices -------------------------------------------------------------------------


def quotas(plan) -> dict:
    """kind → (label, minimum per leader per month) from the plan's targets."""
    result = {}
    for target in plan.targets:
        if target.metric in QUOTA_METRICS and target.comparator == ">=" and target.value:
            kind, label = QUOTA_METRICS[target.metric]
            try:
                result[kind] = (label, int(float(str(target.value).rstrip("次件天 "))))
            except ValueError:
                continue
    return result


def compliance(plan, year: int, month: int) -> list[dict]:
    """Per leader of the plan: what the month counted against each quota."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, month_calendar.monthrange(year, month)[1])
    required = quotas(plan)
    leaders = sorted({leader for rule in plan.receptions for leader in rule.leaders})
    sessions = Counter(
        s.leader
        for s in ReceptionSession.objects(plan=plan, status="held", date__gte=first, date__lte=last)
    )
    activities = Counter(
        (a.leader, a.kind)
        for a in LeaderActivity.objects(unit=plan.unit, date__gte=first, date__lte=last)
    )
    leaders += sorted({leader for leader, _ in activities} - set(leaders))
    rows = []
    for leader in leaders:
        counts = {
            "reception": sessions[leader] + activities[(leader, "reception")],
            "visit_out": activities[(leader, "visit_out")],
            "invited": activities[(leader, "invited")],
            "door_visit": activities[(leader, "door_visit")],
        }
        checks = {kind: counts[kind] >= minimum for kind, (_, minimum) in required.items()}
        # no quota in the plan: nothing to meet, so neither 达标 nor 未达标 (None)
        ok = all(checks.values()) if checks else None
        rows.append({"leader": leader, "counts": counts, "checks": checks, "ok": ok})
    return rows


def _everything(model, query):
    return query


def notices_due(unit, today: datetime.date, days_ahead: int = 7, scope=_everything) -> list[dict]:
    """The notices to send in the coming days: leaders before their reception days, and
    petitioners before the reception they were invited to (dates by the deadline rules).
    ``scope(model, query)`` narrows the sessions and cards to what the reader may see."""
    rules = Rules.for_unit(unit)
    horizon = today + datetime.timedelta(days=days_ahead)
    result = []
    sessions = scope(
        ReceptionSession,
        ReceptionSession.objects(
            unit=unit,
            status="planned",
            date__gte=today,
            date__lte=horizon + datetime.timedelta(days=3),
        ),
    )
    for session in sessions:
        notice = _deadline(rules, "notify_leader", session.date, None, before=True)
        if notice.due is None or notice.due <= horizon:
            result.append(
                {
                    "due": notice.due,
                    "whom": session.leader,
                    "kind": "通知接访领导",
                    "about": f"{session.date:%Y-%m-%d} {session.place or ''}接访",
                    "problem": notice.problem,
                }
            )
    cards = scope(
        CaseCard,
        CaseCard.objects(
            unit=unit,
            archived__ne=True,
            reception_date__gte=today,
            reception_date__lte=horizon + datetime.timedelta(days=3),
        ),
    )
    for card in cards:
        for key, done, whom in (
            ("notify_petitioner", card.petitioner_notified_on, card.petitioner),
            (
                "notify_leader",
                card.leader_notified_on,
                str(card.reception_leader or card.responsible_leader or ""),
            ),
        ):
            if done:
                continue
            notice = _deadline(rules, key, card.reception_date, None, before=True)
            if notice.due is None or notice.due <= horizon:
                kind = "书面通知信访人" if key == "notify_petitioner" else "通知接访领导"
                result.append(
                    {
                        "due": notice.due,
                        "whom": whom,
                        "kind": kind,
                        "about": f"{card.reception_date:%Y-%m-%d} 接访：{card.subject}",
                        "problem": notice.problem,
                    }
                )
    return sorted(result, key=lambda n: (n["due"] or datetime.date.max, n["kind"]))


def ical(sessions, name: str) -> bytes:
    """An iCalendar feed of reception sessions (one all-day event each)."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//xinfang//接访日程//ZH")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", name)
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", f"{session.pk}@xinfang")
        event.add("summary", f"{session.leader}接访")
        event.add("dtstart", session.date)
        event.add("dtend", session.date + datetime.timedelta(days=1))
        event.add("dtstamp", datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        if session.place:
            event.add("location", session.place)
        description = [
            f"参与人员：{session.accompany}" if session.accompany else "",
            session.note or "",
        ]
        if any(description):
            event.add("description", "\n".join(d for d in description if d))
        feed.add_component(event)
    return feed.to_ical()


__all__ = [
    "CalendarDataMissing",
    "Clash",
    "LeaderActivity",
    "ReceptionSession",
    "ScheduleError",
    "Slot",
    "compliance",
    "generate",
    "ical",
    "notices_due",
    "quotas",
    "regenerate",
    "rule_problems",
    "swap",
]
