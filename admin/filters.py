"""List filters: dates, choice fields as drop-downs, and references as drop-downs of names."""

import bson
from flask_admin.contrib.mongoengine import filters as me_filters
from flask_admin.model import filters as base_filters
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from documents import cardquery


class DateEqualFilter(me_filters.FilterEqual, base_filters.BaseDateFilter):
    pass


class DateGreaterFilter(me_filters.FilterGreater, base_filters.BaseDateFilter):
    pass


class DateSmallerFilter(me_filters.FilterSmaller, base_filters.BaseDateFilter):
    pass


class DateBetweenFilter(me_filters.BaseMongoEngineFilter, base_filters.BaseDateBetweenFilter):
    def __init__(self, column, name, options=None, data_type=None):
        super().__init__(column, name, options, data_type="daterangepicker")

    def apply(self, query, value):
        start, end = value
        return query.filter(**{f"{self.column}__gte": start, f"{self.column}__lte": end})


class ChoiceEqualFilter(me_filters.FilterEqual):
    pass


class ChoiceNotEqualFilter(me_filters.FilterNotEqual):
    pass


class ReferenceFilter(me_filters.BaseMongoEngineFilter):
    """Filters on a reference; the drop-down is read from the database on each request."""

    def __init__(self, column, name, document):
        super().__init__(column, name, options=self._options)
        self.document = document

    def _options(self):
        from .auth import scoped

        return [(str(item.pk), str(item)) for item in scoped(self.document, self.document.objects)]

    def apply(self, query, value):
        if not bson.ObjectId.is_valid(value):
            return query.filter(**{f"{self.column}__in": []})
        return query.filter(**{self.column: value})

    def operation(self):
        return gettext("等于")


class XinfangFilterConverter(me_filters.FilterConverter):
    date_filters = (
        DateEqualFilter,
        DateGreaterFilter,
        DateSmallerFilter,
        DateBetweenFilter,
        me_filters.FilterEmpty,
    )

    def convert(self, type_name, column, name):
        choices = getattr(column, "choices", None)
        if choices and not isinstance(column, str):
            options = [
                c if isinstance(c, tuple) else (c, c) for c in choices if c not in ("", None)
            ]
            if type_name == "IntField":
                options = [(str(value), label) for value, label in options]
            return [
                ChoiceEqualFilter(column.name, name, options=options),
                ChoiceNotEqualFilter(column.name, name, options=options),
            ]
        if type_name == "DateField":
            column_name = column if isinstance(column, str) else column.name
            return [f(column_name, name) for f in self.date_filters]
        return super().convert(type_name, column, name)


class DeadlineStatusFilter(me_filters.BaseMongoEngineFilter):
    """Cards by their next deadline: overdue, due soon (within the unit's 即将到期天数), later,
    none; the card-query contract's states (the list asks the contract; this is the way of a
    list that cannot)."""

    def __init__(self, column, name):
        options = [
            ("overdue", _l("已超期")),
            ("due_soon", _l("即将到期")),
            ("pending", _l("未到期")),
            ("none", _l("无待办期限")),
        ]
        super().__init__(column, name, options=options)

    def apply(self, query, value):
        if value not in cardquery.DEADLINE_STATES:
            return query
        return query.filter(__raw__=cardquery.deadline_selector(value))

    def operation(self):
        return gettext("为")
