"""Filters of a list on a unit's own fields, by the field's type: conditions on the value in
``extra``, and the same conditions as the card-query contract takes them (``card_condition``).

``CustomFieldsMixin`` (``admin/custom.py``) adds ``filters_for`` each of the scoped unit's active
fields to the view's own filters, per request; a person field offers the people of that unit,
which the mixin leaves in ``flask.g.xf_scope_unit``. ``admin/cardlist.py`` recognises these
filters (``ExtraFilter``) to hand them to ``documents.cardquery``.
"""

import re

from flask import g
from flask_admin.contrib.mongoengine import filters as me_filters
from flask_babel import gettext

import documents
from documents import custom_fields, custom_values


class ExtraFilter(me_filters.BaseMongoEngineFilter):
    """A filter on a custom field's value in ``extra``."""

    operator = None  # the MongoDB operator, or a callable building the condition

    def __init__(self, key, name, options=None, data_type=None, label=None):
        super().__init__(f"extra.{key}", name, options=options, data_type=data_type)
        self.key = key
        self.label = label

    def condition(self, value):
        return {self.operator: value}

    def apply(self, query, value):
        return query.filter(__raw__={self.column: self.condition(value)})

    def card_condition(self, value):
        """The condition as the card-query contract takes it: (key, operator, value)."""
        return self.key, _CONTRACT_OPERATORS[self.operator], value

    def operation(self):
        return self.label


_CONTRACT_OPERATORS = {"$eq": "=", "$ne": "!=", "$gt": ">", "$lt": "<", "$gte": ">=", "$lte": "<="}


class ExtraEqual(ExtraFilter):
    operator = "$eq"


class ExtraNotEqual(ExtraFilter):
    operator = "$ne"


class ExtraContains(ExtraFilter):
    def condition(self, value):
        return {"$regex": re.escape(value), "$options": "i"}

    def card_condition(self, value):
        return self.key, "contains", value


class ExtraGreater(ExtraFilter):
    operator = "$gt"


class ExtraSmaller(ExtraFilter):
    operator = "$lt"


class ExtraNumberFilter(ExtraFilter):
    def validate(self, value):
        try:
            float(value)
        except ValueError:
            return False
        return True

    def clean(self, value):
        return custom_values.parse_value(custom_fields.FieldDefinition(type="number"), value)


class ExtraNumberEqual(ExtraNumberFilter):
    operator = "$eq"


class ExtraNumberGreater(ExtraNumberFilter):
    operator = "$gt"


class ExtraNumberSmaller(ExtraNumberFilter):
    operator = "$lt"


class ExtraDateFilter(ExtraFilter):
    def __init__(self, key, name, label=None):
        super().__init__(key, name, data_type="datepicker", label=label)

    def validate(self, value):
        return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", value))


class ExtraDateEqual(ExtraDateFilter):
    operator = "$eq"


class ExtraDateAfter(ExtraDateFilter):
    operator = "$gte"


class ExtraDateBefore(ExtraDateFilter):
    operator = "$lte"


class ExtraBoolean(ExtraFilter):
    def __init__(self, key, name, label=None):
        options = [("1", gettext("是")), ("0", gettext("否"))]
        super().__init__(key, name, options=options, label=label)

    def condition(self, value):
        return {"$eq": True} if value == "1" else {"$ne": True}

    def card_condition(self, value):
        return self.key, "=" if value == "1" else "!=", True


class ExtraHasItem(ExtraFilter):
    operator = "$eq"  # on an array, equality matches an item


def filters_for(definition):
    """The filters a custom field offers, by its type."""
    key, name, kind = definition.key, definition.label, definition.type
    equal, not_equal = gettext("等于"), gettext("不等于")
    if kind in ("text", "textarea"):
        return [ExtraContains(key, name, label=gettext("包含")), ExtraEqual(key, name, label=equal)]
    if kind == "number":
        return [
            ExtraNumberEqual(key, name, label=equal),
            ExtraNumberGreater(key, name, label=gettext("大于")),
            ExtraNumberSmaller(key, name, label=gettext("小于")),
        ]
    if kind == "date":
        return [
            ExtraDateEqual(key, name, label=equal),
            ExtraDateAfter(key, name, label=gettext("不早于")),
            ExtraDateBefore(key, name, label=gettext("不晚于")),
        ]
    if kind == "boolean":
        return [ExtraBoolean(key, name, label=equal)]
    if kind == "choice":
        options = [(c, c) for c in definition.choices]
        return [
            ExtraEqual(key, name, options=options, label=equal),
            ExtraNotEqual(key, name, options=options, label=not_equal),
        ]
    if kind == "multichoice":
        options = [(c, c) for c in definition.choices]
        return [ExtraHasItem(key, name, options=options, label=gettext("包含"))]
    if kind == "person":
        people = documents.Person.objects(unit=g.xf_scope_unit).only("name", "title")
        options = [(str(p.pk), str(p)) for p in people]
        return [ExtraEqual(key, name, options=options, label=equal)]
    return []
