"""Repeat petitions: the earlier cards a new card repeats, why each was linked, and the warning
when the matter was already 终结.

``CardRepeatsMixin`` holds what a card does about its repeats; ``CaseCard`` (``documents.case``)
takes it in and links them on registration. The rules (which cards repeat, in which order) are
``documents.repeat_rules``; they are asked of the list index through ``signals.repeats``, since
``documents.cardquery`` imports ``documents.case`` and cannot be imported here.
"""

import datetime
from typing import Self

from mongoengine import EmbeddedDocument, FloatField, ReferenceField

from . import signals
from .fields import StringField
from .repeat_rules import REPEAT_REASONS, SIMILAR_SUBJECT, similarity

REPEAT_REASON_LABELS = {
    "id_number": "同一证件号码",
    "name_phone": "同一姓名和电话",
    "subject": "案由相似",
}


class RepeatMatch(EmbeddedDocument):
    """Why a card was linked to an earlier one it repeats, found on registration."""

    card = ReferenceField("CaseCard")
    reason = StringField(choices=REPEAT_REASONS)
    similarity = FloatField()  # of the two 案由, 0 to 1

    def __str__(self):
        label = REPEAT_REASON_LABELS.get(self.reason, "")
        if self.reason == "subject" and self.similarity is not None:
            return f"{label}（相似度 {self.similarity:.0%}）"
        return label


class CardRepeatsMixin:
    """What a card does about the petitions it repeats (a part of ``CaseCard``)."""

    def repeat_matches(self, limit=None) -> list[tuple[Self, RepeatMatch]]:
        """The earlier cards of the unit this one repeats, best first, each with why (the same
        ID number, the same name and phone, a near-identical 案由 with its similarity): the
        rules of ``repeat_rules``, asked of the list index on the embedded store
        (``documents.cardquery.repeats``, through ``signals.repeats``: it imports
        ``documents.case``)."""
        if self.unit is None:
            return []
        found = signals.repeats(
            self.unit.pk,
            exclude=self.pk,
            id_number=(self.id_number or "").strip().upper() or None,
            petitioner=self.petitioner,
            phones=list(self.phones or ()),
            subject=self.subject,
            limit=limit,
        )
        by_id = {str(c.pk): c for c in type(self).objects(pk__in=[m.id for m in found])}
        return [
            (by_id[m.id], RepeatMatch(card=by_id[m.id], reason=m.reason, similarity=m.similarity))
            for m in found
            if m.id in by_id
        ]

    def find_repeats(self, limit=None):
        """The earlier cards this one repeats, best first (see ``repeat_matches``)."""
        return [card for card, _ in self.repeat_matches(limit)]

    def related_matches(self) -> list[tuple[Self, str]]:
        """The related cards with the reason each was linked for, in words (empty for a link
        made by hand or before reasons were kept)."""
        reasons = {m.card.pk: str(m) for m in self.related_reasons if m.card}
        return [(card, reasons.get(card.pk, "")) for card in self.related_cards if card]

    def link_repeats(self):
        """Link a new card to the petitions it repeats; warn when the matter was 终结."""
        matches = self.repeat_matches()
        if not matches:
            return []
        repeats = [card for card, _ in matches]
        self.related_cards = [
            *self.related_cards,
            *[c for c in repeats if c not in self.related_cards],
        ]
        linked = {m.card.pk for m in self.related_reasons if m.card}
        self.related_reasons = [
            *self.related_reasons,
            *[m for _, m in matches if m.card.pk not in linked],
        ]
        if self.case_type in (None, "", "初访"):
            self.case_type = "重复访"
        finished = [c for c in repeats if c.finalized and _alike(c.subject, self.subject)]
        if finished:
            card = max(finished, key=lambda c: c.rereview_answered_on or datetime.date.min)
            self.finality_warning = (
                f"该事项已于{card.rereview_answered_on:%Y年%-m月%-d日}复核终结"
                f"（{card.number or card.subject}），"
                "信访人以同一事实和理由再次提出的，不再受理（《信访工作条例》第三十六条）"
            )
        return repeats


def _alike(first: str, second: str) -> bool:
    return similarity(first, second) >= SIMILAR_SUBJECT
