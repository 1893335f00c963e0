"""Stored deadlines follow the rules and the calendar: a card keeps its next deadline on itself
(the lists sort and filter by it), so when a unit's 期限规则 change, or the holiday data do (a
newer chinese-calendar), the stored values are computed anew.

``CaseCard.stale_deadlines`` and ``recompute_deadlines`` (``documents.case``) do the computing;
this module says when: on every save or delete of a ``DeadlineRuleSet`` (wired on import, by
``documents/__init__``), and once at start when the holiday data changed
(``refresh_for_calendar``, called by the app factory).
"""

from mongoengine import signals as mongoengine_signals

from . import calendar, store
from .case import CaseCard
from .deadlines import DEADLINE_LOGIC, DeadlineRuleSet


def _rules_changed(sender, document, **kwargs):
    if document.unit is not None:
        CaseCard.recompute_deadlines(document.unit.pk)


def refresh_for_calendar() -> int | None:
    """At start: when the holiday data differ from those the stored deadlines were computed
    with, compute them anew (once, whichever process starts first). The number of cards
    rewritten; None when the data were the same."""
    settings = CaseCard._get_db()["xinfang_settings"]
    # the holiday data, and how the deadlines are worked out from them (a release that changes
    # the rules, such as closing a card ending its open duties, recomputes them once)
    now = f"{calendar.fingerprint()}:{DEADLINE_LOGIC}"
    with store.write_lock():
        stored = settings.find_one({"_id": "holiday_calendar"})
        if stored is not None and stored.get("fingerprint") == now:
            return None
        changed = CaseCard.recompute_deadlines()
        settings.replace_one(
            {"_id": "holiday_calendar"},
            {"_id": "holiday_calendar", "fingerprint": now},
            upsert=True,
        )
    return changed


def _watch_rules():
    mongoengine_signals.post_save.connect(_rules_changed, sender=DeadlineRuleSet, weak=False)
    mongoengine_signals.post_delete.connect(_rules_changed, sender=DeadlineRuleSet, weak=False)


_watch_rules()
