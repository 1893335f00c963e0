"""Case-card numbers (编号): each card gets one on registration from its unit's pattern,
unique per unit and year, without gaps or duplicates when several processes register at once.

The sequence of a unit and year is one counter document (``card_counters``) raised with an atomic
``find_one_and_update`` ``$inc``: atomic on MongoDB by itself; on the embedded store every write
holds the inter-process ``fcntl`` lock of the data folder (``store``), so the read-modify-write of
litemongo is atomic across processes too; mongomock runs in one process. The number is taken only
after the card passed its checks and, on the embedded store, inside the write lock that also
covers the card's insert, so a refused card leaves no gap: its number is given back.

It sits below ``unit`` (whose patterns it checks) and ``case`` (whose cards it numbers): the
functions that read cards take their document class.
"""

from __future__ import annotations

import datetime
import string

from pymongo import ReturnDocument

from . import signals, store

DEFAULT_PATTERN = "{发文代字}信〔{年}〕{序号}号"
PLACEHOLDERS = {
    "发文代字": "the unit's 发文代字 (its short name, or name, when it has none)",
    "单位": "the unit's short name, or its name",
    "年": "the year of registration, four digits",
    "序号": "the card's place in the unit's year, from 1, no padding",
}
COUNTERS = "card_counters"


def pattern_problem(pattern: str | None) -> str | None:
    """Why a unit's pattern cannot number cards (in Chinese), or None."""
    if not pattern:
        return None
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return "编号格式中的花括号不成对（占位符写成 {序号} 这样）"
    names = [name for _, name, spec, conversion in parts if name is not None]
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown:
        known = "、".join("{" + n + "}" for n in PLACEHOLDERS)
        return f"编号格式中有未知的占位符：{'、'.join(unknown) or '{}'}（可用：{known}）"
    if any(spec or conversion for _, name, spec, conversion in parts if name is not None):
        return "编号格式的占位符不能带格式说明（写成 {序号}）"
    if "序号" not in names:
        return "编号格式必须含有 {序号}，否则同一年的卡片编号会重复"
    if "年" not in names:
        return "编号格式必须含有 {年}：序号每年从1开始，没有年份的编号会重复"
    return None


def unit_pattern(unit) -> str:
    pattern = getattr(unit, "card_number_pattern", None)
    return pattern if pattern and not pattern_problem(pattern) else DEFAULT_PATTERN


def format_number(unit, year: int, sequence: int, pattern: str | None = None) -> str:
    """The number of the ``sequence``-th card of ``unit``'s ``year``."""
    name = (getattr(unit, "short_name", None) or getattr(unit, "name", None) or "").strip()
    code = (getattr(unit, "doc_code", None) or "").strip() or name
    # a 发文代字 written for circulars ends in 发 (隰民农营发): the card's number reads 隰民农营信
    if code.endswith("发") and len(code) > 1:
        code = code[:-1]
    values = {"发文代字": code, "单位": name, "年": str(year), "序号": str(sequence)}
    return (pattern or unit_pattern(unit)).format(**values)


def _counter_id(unit_id, year: int) -> str:
    return f"{unit_id}:{year}"


def next_sequence(db, unit_id, year: int) -> int:
    """Raise the unit's counter of ``year`` in ``db`` by one and return it (1 for the first
    card)."""
    counter = db[COUNTERS].find_one_and_update(
        {"_id": _counter_id(unit_id, year)},
        {"$inc": {"seq": 1}, "$set": {"unit": unit_id, "year": year}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    return counter["seq"]


def give_back(card, sequence: int) -> None:
    """Return the number ``card`` took, when it was not saved after all (only if nobody took a
    later one meanwhile; under the embedded store's write lock nobody can)."""
    type(card)._get_db()[COUNTERS].update_one(
        {"_id": _counter_id(card.unit.pk, number_year(card)), "seq": sequence},
        {"$inc": {"seq": -1}},
    )
    card.number = None


def number_year(card) -> int:
    """The year a card is numbered in: the year it was registered."""
    return card.registered_on.year if card.registered_on else datetime.date.today().year


def assign(card) -> int | None:
    """Give an unnumbered card the next number of its unit and year; returns the sequence
    taken (for ``give_back``). A number someone typed by hand on another card is skipped."""
    if card.number or card.unit is None:
        return None
    cards = type(card)
    unit_id, year = card.unit.pk, number_year(card)
    pattern = unit_pattern(card.unit)
    while True:
        sequence = next_sequence(cards._get_db(), unit_id, year)
        number = format_number(card.unit, year, sequence, pattern)
        if not _in_use(cards, unit_id, number):
            card.number = number
            return sequence


def taken(card) -> bool:
    """Whether another card of ``card``'s unit has the number ``card`` carries (one typed by
    hand, an import's): a new card may not take it."""
    if card.unit is None or not card.number:
        return False
    return _in_use(type(card), card.unit.pk, card.number)


def _in_use(cards, unit_id, number) -> bool:
    """Whether a card of the unit has ``number``: the list index on the embedded store
    (litemongo would decode every card to count), else a count on the store."""
    used = signals.number_used(unit_id, number)
    if used is None:
        used = cards._get_collection().count_documents({"unit": unit_id, "number": number})
    return bool(used)


def unnumbered(cards, unit=None):
    """The cards (of the document class ``cards``) without a number, in registration order
    (date, then when they were saved)."""
    query = cards.objects(number__in=[None, ""])
    if unit is not None:
        query = query.filter(unit=unit)
    return query.order_by("registered_on", "id")


def backfill(cards, unit=None) -> int:
    """Number the cards that have none (cards from before numbering), in registration order.
    The card's version and history stay as they are: nothing the clerk entered changed."""
    done = 0
    for card in list(unnumbered(cards, unit).only("unit", "registered_on", "number")):
        with store.write_lock():
            # another process may have numbered it meanwhile
            if cards.objects(pk=card.pk, number__nin=[None, ""]).count():
                continue
            assign(card)
            cards.objects(pk=card.pk).update(set__number=card.number)
        done += 1
    return done


def backfill_once(cards) -> int | None:
    """At start: number the cards from before numbering, once per store (whichever process
    starts first); later cards are numbered when they are saved. None when already done."""
    settings = cards._get_db()["xinfang_settings"]
    with store.write_lock():
        if settings.find_one({"_id": "card_numbers"}) is not None:
            return None
        done = backfill(cards)
        settings.replace_one(
            {"_id": "card_numbers"}, {"_id": "card_numbers", "done": True}, upsert=True
        )
    return done


UNIQUE_INDEX = "unit_number_unique"


def duplicates(cards, unit=None) -> list[dict]:
    """The numbers two or more cards of a unit share (a number typed by hand, cards merged from
    another store): ``{"unit", "number", "count"}``, for ``xinfang check``."""
    match = {"number": {"$gt": ""}}
    if unit is not None:
        match["unit"] = getattr(unit, "pk", unit)
    rows = cards._get_collection().aggregate(
        [
            {"$match": match},
            {"$group": {"_id": {"unit": "$unit", "number": "$number"}, "count": {"$sum": 1}}},
            {"$match": {"count": {"$gt": 1}}},
        ]
    )
    found = [{**row["_id"], "count": row["count"]} for row in rows]
    return sorted(found, key=lambda row: (str(row["unit"]), row["number"]))


def ensure_unique_index(cards, kind: str) -> str | None:
    """On MongoDB (and mongomock), a unique index on the unit and the number of the cards that
    have one, so that not even a number typed by hand can be taken twice; None when it is in
    place, else why not (cards already sharing a number: ``xinfang check`` lists them).

    Not on the embedded store: litemongo checks a unique index by reading every card of the
    collection on every write (a second per save at 100,000 cards). There the numbers are unique
    because every number is taken under the write lock that also covers the card's insert and is
    checked against the list index (``assign``), and ``xinfang check`` reports any duplicate."""
    if kind == "embedded":
        return None
    try:
        cards._get_collection().create_index(
            [("unit", 1), ("number", 1)],
            name=UNIQUE_INDEX,
            unique=True,
            partialFilterExpression={"number": {"$gt": ""}},  # a non-empty string
        )
    except Exception as exc:  # noqa: BLE001 - DuplicateKeyError, OperationFailure: say why
        return f"卡片编号的唯一索引未能建立（已有卡片编号重复，运行 xinfang check 查看）：{exc}"
    return None
