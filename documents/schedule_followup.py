"""What follows from a stored reception schedule: the leaders' monthly quotas and whether the
month met them, the notices to send before reception days, and the iCalendar feed of sessions.

They read the sessions and activities ``documents.schedule`` stores (and the cards invited to a
reception, for the notices); ``documents.reports`` counts the quotas over a period with these.
"""

import calendar as month_calendar
import datetime
from collections import Counter

import icalendar

from .case import CaseCard
from .deadlines import Rules, _deadline
from .metrics import QUOTA_METRICS
from .schedule import LeaderActivity, ReceptionSession


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
