"""Personal data on the card page: its fields masked for roles without the right, full views
audited, and the change history masked exactly as the fields are."""

import bson
import mongoengine
from flask import g, has_request_context
from flask_babel import gettext

import documents
from documents import custom_values, masking

from .. import auditlog
from ..auth import can, scoped
from ..labels import label_of

# what the history keeps but a clerk has no use for: the version of the unit's fields a save ran
# under, and the archive's own bookkeeping (the entry's action says 归档 or 恢复)
_NOT_SHOWN = {"fields_version", "archived", "archived_at", "archived_by"}
_ORDER = {name: position for position, name in enumerate(documents.CaseCard._fields)}


def _history_row(entry, field_set, mask):
    """One entry of a card's history as shown; ``mask`` hides personal data as the card's
    fields hide it."""
    changes = []
    ordered = sorted(entry.changes, key=lambda c: _ORDER.get(c.get("field"), len(_ORDER)))
    for change in ordered:
        name = change.get("field")
        if name in _NOT_SHOWN:
            continue
        before, after = change.get("before"), change.get("after")
        if entry.action == "登记" and before is None and after in (False, [], {}, ""):
            continue  # a default of a new card is not a change worth showing
        if name == "extra":
            changes += _extra_changes(field_set, before or {}, after or {}, mask)
            continue
        if mask:
            before, after = _masked_value(name, before), _masked_value(name, after)
        changes.append(
            {
                "label": label_of(documents.CaseCard, name),
                "before": _shown(name, before),
                "after": _shown(name, after),
            }
        )
    return {"at": entry.at, "actor": entry.actor, "action": entry.action, "changes": changes}


_UNREAD = object()


def card_history(card, where, field_set=_UNREAD):
    """The rows of a card's history. A full view of personal data on the page (the card's or
    its history's) goes to the audit log, once. ``field_set``: the unit's, when the caller has
    read it already."""
    mask = not can("personal_data")
    if field_set is _UNREAD:
        field_set = documents.FieldSet.for_unit(card.unit, "case_card") if card.unit else None
    # the entries' values are kept as plain data: nothing in them is a reference to follow
    entries = list(documents.CaseCardHistory.for_card(card).no_dereference())
    personal = {d.key for d in field_set.fields if d.holds_personal_data} if field_set else set()
    if not mask and (
        card.id_number
        or card.phones
        or card.representatives
        or any((card.extra or {}).get(k) for k in personal)
        or any(_touches_personal_data(e, personal) for e in entries)
    ):
        _log_personal_view(card, where)
    return [_history_row(entry, field_set, mask) for entry in entries]


def _touches_personal_data(entry, personal_keys):
    for change in entry.changes:
        name = change.get("field")
        if name in PERSONAL_FIELDS and (change.get("before") or change.get("after")):
            return True
        if name == "extra":
            values = {**(change.get("before") or {}), **(change.get("after") or {})}
            if personal_keys & {k for k, v in values.items() if v not in (None, "", [])}:
                return True
    return False


_MASKS = {"id_number": masking.mask_id, "phones": masking.mask_phone, "phone": masking.mask_phone}


def _masked_value(name, value):
    """A stored value of a card's field, or of a representative, as the masked field shows it."""
    if name == "representatives" and isinstance(value, list):
        return [
            {k: _masked_value(k, v) for k, v in r.items()} if isinstance(r, dict) else r
            for r in value
        ]
    mask = _MASKS.get(name)
    if mask is None or value in (None, ""):
        return value
    return [mask(str(v)) for v in value] if isinstance(value, list) else mask(str(value))


def _extra_changes(field_set, before, after, mask):
    rows = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        definition = field_set.field(key) if field_set else None
        label = definition.label if definition else key
        if definition is not None and definition.type == "date":
            before = {**before, key: _date_words(before[key]) if before.get(key) else None}
            after = {**after, key: _date_words(after[key]) if after.get(key) else None}
        rows.append(
            {
                "label": label,
                "before": custom_values.display(definition, before.get(key), mask) or "（空）",
                "after": custom_values.display(definition, after.get(key), mask) or "（空）",
            }
        )
    return rows


def _shown(name, value, field=None):
    """A stored value in words: choices by their names, records by their names (a card the
    account may not see, and a record since deleted, without its id), nested rows with their
    fields' labels, dates in Chinese."""
    if value in (None, "", [], {}):
        return "（空）"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if field is None:
        field = documents.CaseCard._fields.get(name)
    choices = getattr(field, "choices", None)
    if choices and isinstance(next(iter(choices)), tuple) and not isinstance(value, list):
        return dict(choices).get(value, value)
    if isinstance(field, mongoengine.ReferenceField) and isinstance(value, str):
        return _record_name(field.document_type, value)
    if isinstance(value, list):
        inner = getattr(field, "field", None)
        return "；".join(_shown(None, v, inner) for v in value)
    if isinstance(value, dict):
        document = getattr(field, "document_type", None)
        if isinstance(field, mongoengine.EmbeddedDocumentField) and document is not None:
            return _embedded(document, value)
        return "，".join(f"{k}：{_shown(None, v)}" for k, v in value.items() if k != "_cls")
    if isinstance(field, mongoengine.DateField) and isinstance(value, str):
        return _date_words(value)
    return str(value)


# what a record's name is made of, read without the rest of the record
_NAME_FIELDS = {
    documents.CaseCard: ("number", "petitioner", "subject"),
    documents.Person: ("name", "title"),
    documents.Unit: ("name", "short_name"),
}


def remember_name(model, record):
    """A record's name already read (a related card on the card page): not read again."""
    if has_request_context():
        g.setdefault("xf_record_names", {})[model, str(record.pk)] = str(record)


def _record_name(model, value):
    """A referenced record by its name, read once a request."""
    if not bson.ObjectId.is_valid(value):
        return value
    cache = g.setdefault("xf_record_names", {}) if has_request_context() else {}
    if (model, value) not in cache:
        cache[model, value] = _read_name(model, value)
    return cache[model, value]


def _read_name(model, value):
    query = model.objects(pk=value)
    if "unit" in model._fields and model is not documents.Unit:
        query = scoped(model, query)
    if model in _NAME_FIELDS:
        query = query.only(*_NAME_FIELDS[model])
    record = query.no_dereference().first()
    if record is not None:
        return str(record)
    if model is documents.CaseCard:
        return gettext("（无权查看或已删除的卡片）")
    return gettext("（已删除的记录）")


def _embedded(document, value):
    """A nested row (a representative, an entry of 处理过程) with its fields' labels."""
    if document is documents.TimelineEntry:
        return "{} {}：{}".format(
            _date_words(value.get("date") or ""),
            value.get("actor") or "",
            value.get("content") or "",
        ).strip()
    parts = []
    for key, item in value.items():
        if key == "_cls" or item in (None, "", []):
            continue
        parts.append(f"{label_of(document, key)}：{_shown(None, item, document._fields.get(key))}")
    return "，".join(parts)


def _date_words(text):
    """2026-12-02 as 2026年12月2日 (anything else as it is)."""
    import datetime

    try:
        date = datetime.date.fromisoformat(str(text)[:10])
    except ValueError:
        return str(text)
    return f"{date.year}年{date.month}月{date.day}日"


PERSONAL_FIELDS = ("id_number", "phones", "representatives")


def _masked(mask):
    def formatter(view, context, model, name):
        value = getattr(model, name)
        if name == "representatives":
            shown = [str(r) for r in value]
            return "、".join(shown)
        if can("personal_data"):
            return "、".join(value) if isinstance(value, list) else (value or "")
        if isinstance(value, list):
            return "、".join(mask(v) for v in value)
        return mask(value) if value else ""

    return formatter


_PERSONAL_FORMATTERS = {
    "id_number": _masked(masking.mask_id),
    "phones": _masked(masking.mask_phone),
}


def _log_personal_view(card, where):
    auditlog.record("view_personal", card, detail=f"{where}：{card}")
