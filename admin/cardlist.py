"""The case-card lists (一案一卡, its archive) asked through the card-query contract.

Flask-Admin hands a list view its page, sort, search and filters; ``CardListMixin`` turns them
into one ``documents.cardquery.CardQuery`` (kept within the account's scope by
``auth.card_query``) so the list, its search and sort and its CSV/XLSX export answer exactly as
the dashboard's figures and the reports do, on the embedded store and on MongoDB alike."""

from __future__ import annotations

from flask import request
from flask_admin.contrib.mongoengine import filters as me_filters
from flask_admin.contrib.mongoengine.tools import parse_like_term

from documents import cardquery

from . import filters as xf_filters
from .auth import card_query
from .custom_filters import ExtraFilter

# an offset no store refuses (SQLite and MongoDB take 64-bit integers)
_LAST_OFFSET = 2**53


class Untranslatable(Exception):
    """A filter the contract cannot state; the list then asks Flask-Admin's own way."""


def _column(flt):
    column = flt.column
    return column if isinstance(column, str) else column.name


def condition(flt, value):
    """The contract's conditions for one applied list filter: (where, extra, deadline)."""
    if isinstance(flt, xf_filters.DeadlineStatusFilter):
        return [], [], value if value in cardquery.DEADLINE_STATES else None
    if isinstance(flt, ExtraFilter):
        return [], [flt.card_condition(value)], None
    column = _column(flt)
    if column not in cardquery.FILTERABLE:
        raise Untranslatable(column)
    if isinstance(flt, xf_filters.DateBetweenFilter):
        return [(column, ">=", value[0]), (column, "<=", value[1])], [], None
    if isinstance(flt, me_filters.FilterEmpty):
        return [(column, "is null" if value == "1" else "is not null", None)], [], None
    if isinstance(flt, me_filters.FilterNotInList):  # before FilterInList, its base
        return [(column, "not in", tuple(value))], [], None
    if isinstance(flt, me_filters.FilterInList):
        return [(column, "in", tuple(value))], [], None
    if isinstance(flt, (me_filters.FilterLike, me_filters.FilterNotLike)):
        term, text = parse_like_term(value)
        if term != "icontains":  # ^text and =text: Flask-Admin's own way
            raise Untranslatable(column)
        operator = "contains" if isinstance(flt, me_filters.FilterLike) else "not contains"
        return [(column, operator, text)], [], None
    for kind, operator in (
        (me_filters.FilterEqual, "="),
        (me_filters.FilterNotEqual, "!="),
        (me_filters.FilterGreater, ">"),
        (me_filters.FilterSmaller, "<"),
    ):
        if isinstance(flt, kind):
            return [(column, operator, value)], [], None
    raise Untranslatable(column)


class CardListMixin:
    """A card list whose page, count, sort, search, filters and export are one card query."""

    list_archived = False

    def card_list_query(self, page, sort_column, sort_desc, search, filters, page_size=None):
        """The ``CardQuery`` of a list request; None when one of its filters cannot be stated
        in the contract."""
        where, extra, deadline = [], [], None
        for position, _name, value in filters or []:
            flt = self.applied_filter(position)
            try:
                more_where, more_extra, state = condition(flt, flt.clean(value))
            except Untranslatable:
                return None
            where += more_where
            extra += more_extra
            deadline = state or deadline
        unit = None
        if request.args.get("unit"):
            unit = self.scope_unit() if hasattr(self, "scope_unit") else None
            if unit is None:  # a unit the account may not see, or none at all
                return cardquery.CardQuery(units=(), archived=self.list_archived)
        if sort_column is None and self.column_default_sort:
            sort_column, sort_desc = self.column_default_sort
        sort = sort_column or "registered_on"
        if sort not in cardquery.SORTABLE and not sort.startswith("extra."):
            sort, sort_desc = "registered_on", True
        query = card_query(
            unit=unit.pk if unit else None,
            archived=self.list_archived,
            where=tuple(where),
            extra=tuple(extra),
            deadline=deadline,
            search=search or None,
            sort=sort,
            descending=bool(sort_desc),
        )
        if page_size is None:
            page_size = self.page_size
        if not page_size:  # 0 or False: all of them (the export)
            return query
        return query.but(offset=min(max(page or 0, 0) * page_size, _LAST_OFFSET), limit=page_size)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        query = self.card_list_query(page, sort_column, sort_desc, search, filters, page_size)
        if query is None:
            return super().get_list(
                page, sort_column, sort_desc, search, filters, execute, page_size
            )
        return cardquery.find_cards(query)
