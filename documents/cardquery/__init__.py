"""One way to ask for case cards: which cards, in which order, which page or all of them.

A ``CardQuery`` says what is wanted; ``find``, ``count`` and ``groups`` answer it from the
embedded store's list index (``index.py``, SQL on a table kept beside the collection) or from
the store itself (``mongo.py``, MongoDB queries; mongomock and a MongoDB server). Both follow
the rules of ``rules.py``, stated once: what search matches, where empty values sort, what
"due soon" means. ``tests/test_cardquery.py`` runs every query on both and expects the same.

The list pages, their search, sort and export, the dashboard's figures and the reports all ask
through here."""

from __future__ import annotations

import dataclasses
import datetime

from .. import signals
from ..case import CaseCard
from . import index, mongo, rules
from .rules import (
    DEADLINE_STATES,
    FILTERABLE,
    OPERATORS,
    SORTABLE,
    custom_due_soon_days,
    deadline_state,
)

__all__ = [
    "CardQuery",
    "DEADLINE_STATES",
    "FILTERABLE",
    "OPERATORS",
    "SORTABLE",
    "count",
    "custom_due_soon_days",
    "deadline_selector",
    "deadline_state",
    "find",
    "find_cards",
    "groups",
    "index",
    "repeats",
]


class QueryError(ValueError):
    """A query the contract does not know how to answer (a column it cannot filter on)."""


@dataclasses.dataclass(frozen=True)
class CardQuery:
    """Which cards (``units`` an account may see, None: all; one ``unit``; a ``leader``'s own:
    the cards a person is responsible for or receives; ``archived`` or not; ``where``
    conditions (column, operator, value); ``extra`` conditions on the unit's own fields (key,
    operator, value); a ``deadline`` state at ``as_of``; ``search`` terms), in which order
    (``sort``: a column or ``extra.<key>``; ``descending``), and which of them (``offset``,
    ``limit``; no limit: all)."""

    units: tuple[str, ...] | None = None
    unit: str | None = None
    leader: str | None = None
    archived: bool = False
    where: tuple[tuple[str, str, object], ...] = ()
    deadline: str | None = None
    as_of: datetime.date | None = None
    search: str | None = None
    extra: tuple[tuple[str, str, object], ...] = ()
    sort: str = "registered_on"
    descending: bool = True
    offset: int = 0
    limit: int | None = None

    def __post_init__(self):
        for column, operator, _ in self.where:
            if column not in FILTERABLE or operator not in OPERATORS:
                raise QueryError(f"cannot filter cards on {column} {operator}")
        if self.deadline is not None and self.deadline not in DEADLINE_STATES:
            raise QueryError(f"no deadline state {self.deadline}")
        for _key, operator, _ in self.extra:
            if operator not in rules.EXTRA_OPERATORS:
                raise QueryError(f"cannot filter a unit's own field with {operator}")
        if self.sort not in SORTABLE and not self.sort.startswith("extra."):
            raise QueryError(f"cannot sort cards on {self.sort}")
        if self.units is not None:
            object.__setattr__(self, "units", tuple(str(u) for u in self.units))
        for name in ("unit", "leader"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, str(value))
        if self.search is not None:
            object.__setattr__(self, "search", self.search.strip() or None)

    def but(self, **changes) -> CardQuery:
        return dataclasses.replace(self, **changes)

    def page(self, number: int, size: int) -> CardQuery:
        """The ``number``-th page (from 0) of ``size`` cards."""
        return self.but(offset=max(number, 0) * size, limit=size)

    def everything(self) -> CardQuery:
        return self.but(offset=0, limit=None)


def _backend(query=None):
    """The list index where there is one and it holds what the query asks about; the store."""
    table = index.current()
    if table is None or (query is not None and (query.extra or query.sort.startswith("extra."))):
        return mongo
    return table


def find(query: CardQuery) -> tuple[int, list[str]]:
    """(how many cards the query selects, the ids of the ones asked for, in order)."""
    return _backend(query).find(query, rules.resolved(query))


def find_cards(query: CardQuery, only=None) -> tuple[int, list]:
    """``find`` with the cards themselves, in order."""
    total, ids = find(query)
    found = CaseCard.objects(pk__in=ids)
    if only:
        found = found.only(*only)
    if ids and query.limit is not None:
        # a page: its units and leaders fetched at once, not one query per card and column
        found = found.select_related(max_depth=1)
    by_id = {str(card.pk): card for card in found}
    return total, [by_id[i] for i in ids if i in by_id]


def count(query: CardQuery) -> int:
    return _backend(query).count(query, rules.resolved(query))


def groups(query: CardQuery, columns: tuple[str, ...]) -> list[tuple[dict, int]]:
    """[(values of ``columns``, how many cards)] of the selected cards; ``marks`` as a tuple,
    dates as ISO text; ``registered_month`` is the YYYY-MM of registered_on."""
    for column in columns:
        if column not in rules.GROUPABLE:
            raise QueryError(f"cannot group cards on {column}")
    merged = {}
    for group, n in _backend(query).groups(query, rules.resolved(query), columns):
        group = {k: (None if v == "" else v) for k, v in group.items()}  # "" and none are one
        key = tuple(sorted(group.items(), key=lambda item: item[0]))
        merged[key] = (group, merged.get(key, (group, 0))[1] + n)
    return list(merged.values())


def deadline_selector(state: str, as_of: datetime.date | None = None) -> dict:
    """The MongoDB condition of a deadline state (for a query made outside the contract)."""
    query = CardQuery(deadline=state, as_of=as_of)
    return {"$or": [mongo._window(w) for w in rules.resolved(query).windows]}


def repeats(
    unit, *, exclude=None, id_number=None, petitioner=None, phones=(), subject=None, limit=None
) -> list[rules.Repeat]:
    """The earlier cards of ``unit`` a new card (``exclude``: its own id) repeats, best first,
    with the reason: the rules of ``rules.py`` (same ID number; same name and phone; a
    near-identical 案由)."""
    if unit is None:
        return []
    limit = rules.REPEATS_SHOWN if limit is None else limit
    phones = [p for p in phones or () if p]
    table = index.current()
    found = (table or mongo).repeat_candidates(
        str(unit), exclude, id_number, petitioner, phones, subject, limit
    )
    return rules.best_repeats(found, subject, limit)


# documents.case_repeats links a new card's repeats through this (it cannot import this package)
signals.provide("repeats", repeats)
