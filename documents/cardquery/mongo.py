"""The card-query contract as MongoDB queries: a MongoDB server, mongomock, and the embedded
store when its list index is off. The rules are those of ``rules.py``."""

from __future__ import annotations

import datetime
import re

import bson

from ..case import CaseCard
from . import rules


def _collection():
    return CaseCard._get_collection()


def _value(column, value):
    if column in rules.REFERENCE_COLUMNS:
        return bson.ObjectId(str(value)) if bson.ObjectId.is_valid(str(value)) else value
    if column in rules.DATE_COLUMNS:
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value[:10])
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return datetime.datetime.combine(value, datetime.time())
    return value


_OPERATORS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
EMPTY = [None, ""]


def _condition(column, operator, value):
    if operator == "is null":
        return {column: {"$in": EMPTY}}
    if operator == "is not null":
        return {column: {"$nin": EMPTY}}
    if operator in ("contains", "not contains"):
        pattern = {"$regex": re.escape(str(value)), "$options": "i"}
        return {column: pattern} if operator == "contains" else {"$nor": [{column: pattern}]}
    if operator in ("in", "not in"):
        values = [_value(column, v) for v in value]
        return {column: {"$in" if operator == "in" else "$nin": values}}
    if column == "marks":
        return {"marks": value} if operator == "=" else {"marks": {"$ne": value}}
    value = _value(column, value)
    if operator == "=":
        return {column: value}
    if operator == "!=":
        return {column: {"$ne": value}}
    return {column: {_OPERATORS[operator]: value}}


def _window(window):
    part = []
    if window.units is not None:
        part.append({"unit": {"$in": [_value("unit", u) for u in window.units]}})
    if window.excluded:
        part.append({"unit": {"$nin": [_value("unit", u) for u in window.excluded]}})
    if window.missing:
        part.append({"next_deadline": None})
    else:
        span = {"$ne": None}
        if window.low is not None:
            span["$gte"] = _value("next_deadline", window.low)
        if window.high is not None:
            span["$lte"] = _value("next_deadline", window.high)
        part.append({"next_deadline": span})
    return {"$and": part}


def _search(word, keys):
    pattern = {"$regex": re.escape(word), "$options": "i"}
    options = [{column: pattern} for column in rules.SEARCH_COLUMNS]
    for unit, unit_keys in keys.items():
        options += [{"unit": _value("unit", unit), f"extra.{key}": pattern} for key in unit_keys]
    return {"$or": options}


def selector(query, resolved) -> dict:
    """The MongoDB filter of a resolved query."""
    parts = [{"archived": True} if query.archived else {"archived": {"$ne": True}}]
    if resolved.units is not None:
        parts.append({"unit": {"$in": [_value("unit", u) for u in resolved.units]}})
    if query.leader is not None:
        leader = _value("responsible_leader", query.leader)
        parts.append({"$or": [{"responsible_leader": leader}, {"reception_leader": leader}]})
    parts += [_condition(*condition) for condition in query.where]
    if resolved.windows is not None:
        parts.append({"$or": [_window(w) for w in resolved.windows]})
    parts += [_search(word, resolved.search_keys) for word in resolved.words]
    parts += [_extra(*condition) for condition in query.extra]
    return {"$and": parts}


def _extra(key, operator, value):
    name = f"extra.{key}"
    if operator == "contains":
        return {name: {"$regex": re.escape(str(value)), "$options": "i"}}
    if operator == "=":
        return {name: value}
    if operator == "!=":
        return {name: {"$ne": value}}
    return {name: {_OPERATORS[operator]: value}}


def count(query, resolved):
    return _collection().count_documents(selector(query, resolved))


def find(query, resolved):
    """Cards with the sort value first, in its order, then those without it (both phases
    tied by registered_on, latest first, then the newest id): what the index's ORDER BY does."""
    base = selector(query, resolved)
    column = query.sort
    with_value = {"$and": [base, {column: {"$nin": EMPTY}}]}
    without = {"$and": [base, {column: {"$in": EMPTY}}]}
    tie = [("registered_on", -1), ("_id", -1)]
    collection = _collection()
    first_total = collection.count_documents(with_value)
    total = first_total + collection.count_documents(without)
    offset, limit = query.offset, query.limit
    ids = []
    if offset < first_total:
        cursor = (
            collection.find(with_value, {"_id": 1})
            .sort([(column, -1 if query.descending else 1), *tie])
            .skip(offset)
        )
        if limit is not None:
            cursor = cursor.limit(limit)
        ids = [str(d["_id"]) for d in cursor]
    wanted = None if limit is None else limit - len(ids)
    if wanted is None or wanted > 0:
        cursor = collection.find(without, {"_id": 1}).sort(tie).skip(max(offset - first_total, 0))
        if wanted is not None:
            cursor = cursor.limit(wanted)
        ids += [str(d["_id"]) for d in cursor]
    return total, ids


def groups(query, resolved, columns):
    keys = {}
    for column in columns:
        if column == "registered_month":
            keys["y"], keys["m"] = {"$year": "$registered_on"}, {"$month": "$registered_on"}
        else:
            keys[column] = f"${column}"
    pipeline = [{"$match": selector(query, resolved)}, {"$group": {"_id": keys, "n": {"$sum": 1}}}]
    result = []
    for row in _collection().aggregate(pipeline):
        found = row["_id"]
        group = {}
        for column in columns:
            if column == "registered_month":
                group[column] = f"{found['y']:04d}-{found['m']:02d}" if found.get("y") else None
            elif column in rules.REFERENCE_COLUMNS:
                group[column] = str(found[column]) if found.get(column) is not None else None
            elif column == "marks":
                group[column] = tuple(found.get("marks") or ())
            else:
                group[column] = found.get(column)
        result.append((group, row["n"]))
    return result


def repeat_candidates(unit, exclude, id_number, petitioner, phones, subject, limit):
    """(id, reason, 案由, 登记日期) of the cards that may repeat a new one. The 案由 are compared
    one by one here: a MongoDB server has no index for near-identical Chinese text."""
    base = {"unit": _value("unit", unit), "archived": {"$ne": True}}
    if exclude is not None:
        base["_id"] = {"$ne": _value("unit", exclude)}
    fields = {"subject": 1, "registered_on": 1}
    order = [("registered_on", -1), ("_id", -1)]
    collection = _collection()
    asked = []
    if id_number:
        asked.append(("id_number", {**base, "id_number": id_number}, rules.SAME_PERSON_CANDIDATES))
    if petitioner and phones:
        asked.append(
            (
                "name_phone",
                {**base, "petitioner": petitioner, "phones": {"$in": phones}},
                rules.SAME_PERSON_CANDIDATES,
            )
        )
    if subject and subject.strip():
        asked.append(("subject", base, 0))
    found = []
    for reason, selector, most in asked:
        cursor = collection.find(selector, fields).sort(order)
        if most:
            cursor = cursor.limit(most)
        for doc in cursor:
            day = doc.get("registered_on")
            found.append((str(doc["_id"]), reason, doc.get("subject"), _text_day(day)))
    return found


def _text_day(day):
    if isinstance(day, datetime.datetime):
        day = day.date()
    return day.isoformat() if day else None
