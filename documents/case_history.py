"""A card's history: one entry for every change, who made it and when, each field before and
after; never edited.

``CaseCard.save`` (``documents.case``) records the entry once the card is written, under the same
write lock; the card page and the history view read a card's entries through ``for_card``. The
history knows the card by the name of its document only, so that ``documents.case`` can import
it: the rule that a card's entries go with the card (CASCADE) is declared there, beside
``CaseCard``.
"""

import datetime

from mongoengine import DateTimeField, Document, IntField, ListField, ReferenceField

from . import audit, signals
from .fields import NAME, SHORT, DictField, StringField


class CaseCardHistory(Document):
    """One change of a card: who, when, and each field before and after. Never edited."""

    # deleted with its card: CaseCard.register_delete_rule in documents.case
    card = ReferenceField("CaseCard", required=True)
    at = DateTimeField(required=True)
    actor = StringField(max_length=NAME)
    action = StringField(max_length=SHORT)
    version = IntField()
    changes = ListField(DictField())  # {"field", "before", "after"}

    meta = {"collection": "case_card_history", "ordering": ["-at"], "indexes": [("card", "-at")]}

    IGNORED = (
        "_id",
        "version",
        "next_deadline",
        "next_deadline_label",
        "deadline_problem",
        "finalized",
        "related_reasons",  # the link itself shows as 关联信访件
    )

    @classmethod
    def record(cls, card, before):
        after = card.to_mongo().to_dict()
        before = before or {}
        changes = []
        for key in sorted(set(before) | set(after)):
            if key in cls.IGNORED or before.get(key) == after.get(key):
                continue
            changes.append(
                {"field": key, "before": _plain(before.get(key)), "after": _plain(after.get(key))}
            )
        action = getattr(card, "_history_action", None) or ("登记" if not before else "修改")
        card._history_action = None
        if changes or action in ("归档", "恢复", "登记"):
            entry = cls(
                card=card,
                at=datetime.datetime.now().replace(microsecond=0),
                actor=audit.actor(),
                action=action,
                version=card.version,
                changes=changes,
            ).save()
            signals.history_recorded.send(card.pk, entry=entry.pk)

    @classmethod
    def for_card(cls, card, **conditions):
        """A card's history, latest first; on the embedded store through the list index's
        table of entries by card."""
        ids = signals.history_ids(card.pk)
        if ids is None:
            return cls.objects(card=card, **conditions)
        return cls.objects(pk__in=ids, card=card, **conditions)


def _plain(value):
    """A stored value in a form the history can keep and show."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "binary"):  # an ObjectId
        return str(value)
    return value
