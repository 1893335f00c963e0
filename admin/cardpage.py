"""The case card's page as the 一案一卡 reads: who petitions, about what, who handles it, the
clock, the dated 处理过程, where it stands, related cards and the history.

Everything here becomes words before it reaches the template: dates in Chinese, choices by their
names, people by name and title, personal data masked as the account's role requires, empty
parts left out (the template folds a part that has nothing in it). The unit's own fields sit in
the part their definition names (``FieldDefinition.part``); those without one with the matter
(信访事项), retired ones under 其他信息."""

from __future__ import annotations

import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

import documents
from documents import custom_values, masking
from documents import deadlines as deadline_rules
from documents.deadlines import Rules, card_deadlines
from documents.repeat_rules import similarity

from .auth import can, scoped
from .labels import label_of
from .views.history import _UNREAD, card_history, remember_name


def day(value) -> str:
    """A date in words: 2026年12月7日."""
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def remaining(due, today_, done_on=None, office=True, ended_on=None) -> tuple[str, str]:
    """“还剩 N 天 / 今天到期 / 已超期 N 天” and a css state for a deadline (``ended_on``: the
    day the card was closed with this duty open)."""
    if done_on is not None:
        return gettext("已于%(day)s完成", day=day(done_on)), "done"
    if due is None:
        return "", ""
    if ended_on is not None:
        if due < ended_on:
            late = (ended_on - due).days
            return gettext("未登记完成；办结时已超期 %(n)s 天", n=late), "ended_late"
        return gettext("未登记完成；%(day)s办结时终止", day=day(ended_on)), "done"
    days = (due - today_).days
    if days < 0:
        if not office:  # the petitioner's window to ask for a review closed
            return gettext("申请期已过 %(n)s 天", n=-days), "expired"
        return gettext("已超期 %(n)s 天", n=-days), "overdue"
    if days == 0:
        return gettext("今天到期"), "due_soon"
    return gettext("还剩 %(n)s 天", n=days), "pending"


def _choice_label(model, name, value):
    field = model._fields.get(name)
    choices = getattr(field, "choices", None) or ()
    if choices and isinstance(next(iter(choices)), tuple):
        return dict(choices).get(value, value)
    return value


def _row(label, value, wide=False):
    return {"label": str(label), "value": value, "wide": wide}


def _rows(card, names, mask):
    rows = []
    for name in names:
        value = getattr(card, name, None)
        if value in (None, "", []):
            continue
        if name == "id_number" and mask:
            value = masking.mask_id(value)
        elif name == "phones":
            value = "、".join(masking.mask_phone(p) if mask else p for p in value)
        elif isinstance(value, list):
            value = "、".join(str(_choice_label(card, name, v)) for v in value)
        elif hasattr(value, "year") and hasattr(value, "day"):
            value = day(value)
        elif isinstance(value, bool):
            value = gettext("是") if value else gettext("否")
        else:
            value = str(_choice_label(card, name, value))
        wide = name in _WIDE
        rows.append(_row(label_of(documents.CaseCard, name), value, wide))
    return rows


_WIDE = {"address", "subject", "request", "facts", "progress", "petitioner_status", "measures"}

# the card's own fields, part by part, in the order a clerk reads them
PETITIONER = ("petitioner", "group_size", "id_number", "phones", "address")
MATTER = (
    "registered_on",
    "source",
    "case_type",
    "marks",
    "category",
    "subject",
    "request",
    "facts",
)
HANDLING = (
    "responsible_leader",
    "department",
    "classification",
    "reception_leader",
    "reception_date",
    "status",
    "outcome",
    "channel",
    "closed_on",
)
DATES = (
    "decided_on",
    "replied_on",
    "review_requested_on",
    "review_answered_on",
    "rereview_requested_on",
    "rereview_answered_on",
    "leader_notified_on",
    "petitioner_notified_on",
)
FOLLOW_UP = ("progress", "petitioner_status", "measures")


def _own_fields(card, field_set, mask):
    """The unit's own fields with a value, by the part of the card they belong to."""
    by_part = {}
    if field_set is None:
        return by_part
    extra = card.extra or {}
    retired = gettext("（已停用）")
    for definition in field_set.fields:
        value = extra.get(definition.key)
        if value in (None, "", []):
            continue
        text = custom_values.display(definition, value, mask)
        if not custom_values.fits(definition, value):
            text += gettext("（旧类型的值）")
        elif definition.type == "date":
            text = day(datetime.date.fromisoformat(value))
        if not text:
            continue
        label = definition.label + (retired if definition.retired else "")
        # a field whose definition names no part goes with the matter of the petition
        part = "other" if definition.retired else getattr(definition, "part", None) or "matter"
        wide = definition.type in ("textarea", "table")
        by_part.setdefault(part, []).append(_row(label, text, wide))
    return by_part


def _representatives(card, mask):
    rows = []
    for person in card.representatives:
        rows.append(
            {
                "name": person.name or "",
                "id_number": (
                    masking.mask_id(person.id_number)
                    if mask and person.id_number
                    else person.id_number or ""
                ),
                "phone": (
                    masking.mask_phone(person.phone)
                    if mask and person.phone
                    else person.phone or ""
                ),
            }
        )
    return rows


def _deadlines(card):
    rules = Rules.for_unit(card.unit)
    now = deadline_rules.today()  # looked up when called: tests fix the date
    rows = []
    for deadline in card_deadlines(card, rules):
        text, state = remaining(
            deadline.due, now, deadline.done_on, deadline.office, deadline.ended_on
        )
        if deadline.problem:
            text, state = deadline.problem, "unknown"
        elif state == "pending" and (deadline.due - now).days <= rules.due_soon_days:
            state = "due_soon" if deadline.office else "pending"
        rows.append(
            {
                "label": deadline.label,
                "due": day(deadline.due),
                "basis": deadline.basis,
                "text": text,
                "state": state,
                "office": deadline.office,
                "_due": deadline.due,
            }
        )
    return rows


def related_reason(card, other, stored=None) -> str:
    """Why ``other`` is linked to ``card``: the reason repeat detection stored (a
    ``RepeatMatch``: its reason and the similarity of the two 案由), or the one the two cards
    show (same ID number, same name and phone, alike 案由 with its similarity)."""
    reason = getattr(stored, "reason", None)
    if stored and reason is None:
        return str(stored)  # a reason kept as text
    if reason is None:
        if card.id_number and card.id_number == other.id_number:
            reason = "id_number"
        elif (
            card.petitioner
            and card.petitioner == other.petitioner
            and set(card.phones) & set(other.phones)
        ):
            reason = "name_phone"
        elif card.subject and other.subject:
            reason = "subject"
    if reason == "id_number":
        return gettext("同一证件号码")
    if reason == "name_phone":
        return gettext("同一姓名和电话")
    if reason == "subject":
        ratio = getattr(stored, "similarity", None)
        if ratio is None:
            ratio = similarity(card.subject, other.subject)
        return gettext("案由相似（相似度 %(p)s%%）", p=round(ratio * 100))
    return ""


def _stored_reasons(card) -> dict:
    """The reasons repeat detection kept on the card (``related_reasons``, a ``RepeatMatch``
    each): {card id: the match}."""
    return {str(m.card.pk): m for m in card.related_reasons if m.card and m.reason}


def _related(view, card):
    ids = [c.pk for c in card.related_cards if c]
    if not ids:
        return []
    stored = _stored_reasons(card)
    fields = ("number", "petitioner", "subject", "registered_on", "status", "finalized")
    cards = scoped(documents.CaseCard, documents.CaseCard.objects(pk__in=ids)).only(
        *fields, "id_number", "phones"
    )
    rows = []
    for other in cards:
        remember_name(documents.CaseCard, other)
        rows.append(
            {
                "number": other.number or "",
                "title": f"{other.petitioner}：{other.subject}",
                "registered_on": day(other.registered_on),
                "_registered_on": other.registered_on,
                "status": other.status or "",
                "finalized": other.finalized,
                "reason": related_reason(card, other, stored.get(str(other.pk))),
                "href": view.get_url(".details_view", id=other.pk),
            }
        )
    rows.sort(key=lambda r: r["_registered_on"] or datetime.date.min, reverse=True)
    return rows


def _moves(card):
    procedure = documents.Procedure.for_unit(card.unit)
    if card.step is None:
        return [procedure.first] if procedure.first else []
    return [s for s in procedure.allowed(card.step) if s != card.step]


def card_page(view, card, where, field_set=_UNREAD) -> dict:
    """What the template of the card page shows; ``where`` names the page in the audit log of
    full personal-data views, ``field_set`` is the unit's own fields (read here unless given)."""
    if field_set is _UNREAD:
        field_set = documents.FieldSet.for_unit(card.unit, "case_card") if card.unit else None
    mask = not can("personal_data")
    related = _related(view, card)  # read first: the history names these cards without reading
    history = card_history(card, where, field_set)
    own = _own_fields(card, field_set, mask)
    handling = _rows(card, HANDLING, mask)
    if card.extension_days:
        handling.append(
            _row(
                gettext("延期"),
                gettext(
                    "%(n)s天（理由：%(reason)s；批准人：%(approver)s）",
                    n=card.extension_days,
                    reason=card.extension_reason or "—",
                    approver=card.extension_approver or "—",
                ),
                True,
            )
        )
    deadlines = _deadlines(card)
    open_ones = sorted(
        (d for d in deadlines if d["office"] and d["state"] in ("overdue", "due_soon", "pending")),
        key=lambda d: d["_due"],
    )
    return {
        "mask": mask,
        "unit": card.unit.name if card.unit else "",
        "number": card.number or "",
        "registered_on": day(card.registered_on),
        "is_group": bool(card.group_size and card.group_size > 1) or bool(card.representatives),
        "petitioner": _rows(card, PETITIONER, mask) + own.pop("petitioner", []),
        "representatives": _representatives(card, mask),
        "matter": _rows(card, MATTER, mask) + own.pop("matter", []),
        "handling": handling + own.pop("handling", []),
        "dates": _rows(card, DATES, mask),
        "step": card.step or "",
        "moves": _moves(card) if view.can_edit and not card.archived else [],
        "deadlines": deadlines,
        "next": open_ones[0] if open_ones else None,
        "timeline": [
            {"date": day(e.date), "actor": e.actor or "", "content": e.content or ""}
            for e in sorted(card.timeline, key=lambda e: e.date)
        ],
        "follow_up": _rows(card, FOLLOW_UP, mask) + own.pop("progress", []),
        "other": [row for rows in own.values() for row in rows],
        "related": related,
        "history": history,
    }


# --- the registration form in one screen ------------------------------------------------------

# (title, core fields, the part of the unit's own fields that go with them, folded on a new card)
FORM_PARTS = (
    (_l("信访人"), ("unit", "petitioner", "id_number", "phones", "address"), "petitioner", False),
    (_l("集体访：人数和推选代表"), ("group_size", "representatives"), None, True),
    (
        _l("信访事项"),
        ("subject", "request", "facts", "source", "case_type", "category"),
        "matter",
        False,
    ),
    (_l("登记日期、同时属于、所属方案"), ("registered_on", "marks", "plan"), None, True),
    (
        _l("办理：包案领导、部门、步骤、分类、接访"),
        (
            "responsible_leader",
            "department",
            "step",
            "classification",
            "reception_leader",
            "reception_date",
        ),
        "handling",
        True,
    ),
    (
        _l("处理过程、目前进展、当事人动态、处理措施"),
        ("timeline", "progress", "petitioner_status", "measures"),
        "progress",
        True,
    ),
    (
        _l("受理、答复、延期、复查复核、通知的日期"),
        (
            "decided_on",
            "replied_on",
            "extension_days",
            "extension_reason",
            "extension_approver",
            "review_requested_on",
            "review_answered_on",
            "rereview_requested_on",
            "rereview_answered_on",
            "leader_notified_on",
            "petitioner_notified_on",
        ),
        None,
        True,
    ),
    (_l("办结"), ("status", "closed_on", "outcome", "channel"), None, True),
)


# inputs that take the whole width of the form (the others go two to a line)
_WIDE_INPUTS = (
    "address",
    "subject",
    "request",
    "facts",
    "representatives",
    "timeline",
    "progress",
    "petitioner_status",
    "measures",
    "extension_reason",
)


def _filled(field):
    data = field.data
    if data in (None, "", [], {}, False):
        return False
    if isinstance(data, list):  # an inline list: a row with anything in it
        return any(_filled_value(v) for v in data)
    return True


def _filled_value(value):
    if isinstance(value, dict):
        return any(v not in (None, "", [], False) for v in value.values())
    return value not in (None, "", [], False)


def form_parts(form, field_set) -> list[dict]:
    """The form's fields in the parts of the card, the first visit's first. A folded part
    opens when it holds a required field still empty or a field with an error (the browser
    could not submit a form whose required field is out of sight)."""
    from .custom_forms import PREFIX

    own, wide = {}, set(_WIDE_INPUTS)
    folded_parts = {part for _, _, part, folded in FORM_PARTS if folded and part}
    for definition in field_set.active if field_set else []:
        name = PREFIX + definition.key
        if name not in form:
            continue
        part = getattr(definition, "part", None) or "matter"
        if definition.required and part in folded_parts:
            part = "matter"  # what a first visit must give stays on the first screen
        own.setdefault(part, []).append(name)
        if definition.type in ("textarea", "table", "multichoice"):
            wide.add(name)
    placed, parts = set(), []
    for title, names, own_part, folded in FORM_PARTS:
        fields = [n for n in names if n in form]
        fields += own.pop(own_part, []) if own_part else []
        parts.append({"title": title, "fields": fields, "folded": folded})
        placed.update(fields)
    rest = [
        f.name
        for f in form
        if f.name not in placed
        and f.name != "csrf_token"
        and getattr(f.widget, "input_type", None) != "hidden"
    ]
    if rest:
        parts.append({"title": _l("其他信息"), "fields": rest, "folded": True})
    for part in parts:
        fields = [form[n] for n in part["fields"]]
        part["open"] = not part["folded"] or any(
            f.errors or (f.flags.required and not _filled(f)) for f in fields
        )
        part["title"] = str(part["title"])
        part["wide"] = [n for n in part["fields"] if n in wide]
    return [p for p in parts if p["fields"]]


def earlier_card(view, card, id_number, name) -> dict:
    """An earlier card of the petitioner being registered, for the JSON of the form's lookup
    (its personal data masked: the form shows it to anyone registering)."""
    if id_number and card.id_number == id_number:
        reason = gettext("同一证件号码")
    else:
        reason = gettext("同一姓名和电话")
    return {
        "number": card.number or "",
        "petitioner": card.petitioner,
        "subject": card.subject,
        "registered_on": day(card.registered_on),
        "status": card.status or "",
        "id_number": masking.mask_id(card.id_number) if card.id_number else "",
        "phones": "、".join(masking.mask_phone(p) for p in card.phones),
        "address": card.address or "",
        "reason": reason,
        "href": view.get_url(".details_view", id=card.pk),
    }
