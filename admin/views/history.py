"""Personal data on the card page: its fields masked for roles without the right, full views
audited, and the change history masked exactly as the fields are."""

import bson
import mongoengine
from flask_babel import gettext
from flask_login import current_user

import documents
from documents import accounts, custom_fields, masking

from ..auth import address, can
from ..labels import label_of


def _history_row(entry, field_set, mask):
    """One entry of a card's history as shown; ``mask`` hides personal data as the card's
    fields hide it."""
    changes = []
    for change in entry.changes:
        name = change.get("field")
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


def card_history(card, where):
    """The rows of a card's history. A full view of personal data on the page (the card's or
    its history's) goes to the audit log, once."""
    mask = not can("personal_data")
    field_set = documents.FieldSet.for_unit(card.unit, "case_card") if card.unit else None
    entries = list(documents.CaseCardHistory.for_card(card))
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
        rows.append(
            {
                "label": label,
                "before": custom_fields.display(definition, before.get(key), mask) or "（空）",
                "after": custom_fields.display(definition, after.get(key), mask) or "（空）",
            }
        )
    return rows


def _shown(name, value):
    if value in (None, "", [], {}):
        return "（空）"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    field = documents.CaseCard._fields.get(name)
    choices = getattr(field, "choices", None)
    if choices and isinstance(next(iter(choices)), tuple):
        return dict(choices).get(value, value)
    if isinstance(field, mongoengine.ReferenceField) and isinstance(value, str):
        record = (
            field.document_type.objects(pk=value).first() if bson.ObjectId.is_valid(value) else None
        )
        return str(record) if record else value
    if isinstance(value, list):
        return "；".join(_shown(None, v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_shown(None, v)}" for k, v in value.items() if k != "_cls")
    return str(value)


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
    accounts.record(
        "view_personal",
        actor=current_user.name,
        username=current_user.username,
        target="CaseCard",
        target_id=card.pk,
        detail=f"{where}：{card}"[:200],
        address=address(),
    )
