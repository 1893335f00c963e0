"""The rules of repeat petitions (重复访), stated once: what makes an earlier card one a new card
repeats, which are linked, in which order. ``documents.case_repeats`` links them on registration;
``documents.cardquery`` finds them (its list index on the embedded store, ``mongo.py`` on
MongoDB), both by these rules; ``documents.cardquery.rules`` names them with the contract's
other rules. Nothing here imports another module of xinfang.

An earlier card of the same unit (not archived) repeats a new one when it has the same 证件号码,
or the same 信访人 and one of the same phones, or a near-identical 案由 (similarity, difflib's
ratio of the two texts stripped, at least SIMILAR_SUBJECT). The best REPEATS_SHOWN of them are
linked: the same ID number first, then name and phone, then a similar 案由; within each, the most
similar 案由 first, then the latest. Each with its reason, and the similarity of its 案由.
"""

from __future__ import annotations

import dataclasses
import difflib
import math

REPEAT_REASONS = ("id_number", "name_phone", "subject")
SIMILAR_SUBJECT = 0.85
REPEATS_SHOWN = 5
SAME_PERSON_CANDIDATES = 1000  # the latest cards of one ID number, or name and phone, compared
SIMILAR_CANDIDATES = 60  # the cards sharing the most bigrams, looked at for a similar 案由


@dataclasses.dataclass(frozen=True)
class Repeat:
    """An earlier card a new one repeats: its id, why, and how alike the two 案由 are."""

    id: str
    reason: str
    similarity: float


def similarity(first, second) -> float:
    first, second = (first or "").strip(), (second or "").strip()
    if not first or not second:
        return 0.0
    return difflib.SequenceMatcher(None, first, second).ratio()


def _may_reach(first, second) -> bool:
    """difflib's cheap upper bounds of the ratio first: most candidates stop here."""
    matcher = difflib.SequenceMatcher(None, (first or "").strip(), (second or "").strip())
    return (
        matcher.real_quick_ratio() >= SIMILAR_SUBJECT and matcher.quick_ratio() >= SIMILAR_SUBJECT
    )


def most_missed_bigrams(length) -> int:
    """How many of its distinct bigrams a 案由 of ``length`` can miss in another one alike
    enough (ratio ≥ SIMILAR_SUBJECT). difflib matches M letters in k blocks, k - 1 ≤ the
    letters left unmatched in both (a + b - 2M); each block of L letters shares L - 1
    bigrams, so at most 2a + b - 3M of the a - 1 are missed, and M ≥ T(a + b)/2; the bound
    falls as b grows, so the shortest b that may be alike gives it. A card sharing none of
    any (this + 1) of the bigrams cannot be alike."""
    shortest = alike_lengths(length)[0]
    t = SIMILAR_SUBJECT
    return math.floor(length * (2 - 1.5 * t) + shortest * (1 - 1.5 * t) + 1e-9)


def alike_lengths(length) -> tuple[int, int]:
    """The lengths another 案由 may have to be alike enough to one of ``length``."""
    return (
        math.ceil(length * SIMILAR_SUBJECT / (2 - SIMILAR_SUBJECT) - 1e-9),
        math.floor(length * (2 - SIMILAR_SUBJECT) / SIMILAR_SUBJECT + 1e-9),
    )


def _may_be_alike(first, second) -> bool:
    """Whether the two lengths let the ratio reach SIMILAR_SUBJECT (it is at most 2·shorter
    / both), so that most texts need no comparing."""
    first, second = len((first or "").strip()), len((second or "").strip())
    return bool(first and second) and 2 * min(first, second) / (first + second) >= SIMILAR_SUBJECT


def best_repeats(candidates, subject, limit=REPEATS_SHOWN) -> list[Repeat]:
    """The best ``limit`` of the candidates (id, reason, 案由, 登记日期 as ISO text), by the
    rules above; a candidate only for its 案由 counts when the 案由 is alike enough."""
    best = {}
    for card_id, reason, other, registered in candidates:
        if reason == "subject" and not _may_be_alike(subject, other):
            continue
        if reason == "subject" and not _may_reach(subject, other):
            continue
        score = similarity(subject, other)
        if reason == "subject" and score < SIMILAR_SUBJECT:
            continue
        rank = REPEAT_REASONS.index(reason)
        if card_id not in best or rank < best[card_id][0]:
            best[card_id] = (rank, score, registered or "", card_id)
    ordered = sorted(best.values(), key=lambda b: (b[2], b[3]), reverse=True)
    ordered.sort(key=lambda b: (b[0], -round(b[1], 6)))
    return [Repeat(b[3], REPEAT_REASONS[b[0]], round(b[1], 3)) for b in ordered[:limit]]
