"""The rules of the card-query contract, stated once; both implementations follow them.

- **Search**: the words of the search text (split at spaces) must each occur, ignoring case, in
  one of the card's 编号, 信访人, 案由, 问题类别 or 部门, or in a value of one of the unit's own
  fields that is in use (not retired), holds text or choices, and is not marked 个人信息.
- **Order**: by the chosen column; cards without a value in it come last, whichever the
  direction; ties by 登记日期, latest first, then by the card's id, the newest first.
- **Deadlines** at a day (default today): 已超期 before it; 即将到期 from it to the unit's own
  number of days ahead (期限规则 → 即将到期天数, default 3), both included; 未到期 after that;
  无期限 without a next deadline.
- **Not equal** (``!=``, ``not contains``, ``not in``) also selects cards without a value;
  ``contains`` ignores case; ``is null`` takes an empty text for no value.
- Archived cards are selected only when asked for, and then only they.
- **Repeat petitions**: ``documents/repeat_rules.py`` (outside this package, since
  ``documents.case_repeats`` reads them too), named here with the rest.
"""

from __future__ import annotations

import dataclasses
import datetime

from .. import deadlines
from ..custom_fields import FieldSet
from ..deadlines import DUE_SOON_DAYS, DeadlineRuleSet
from ..repeat_rules import (  # noqa: F401 - the contract's rules of repeat petitions
    REPEAT_REASONS,
    REPEATS_SHOWN,
    SAME_PERSON_CANDIDATES,
    SIMILAR_CANDIDATES,
    SIMILAR_SUBJECT,
    Repeat,
    alike_lengths,
    best_repeats,
    most_missed_bigrams,
    similarity,
)
from ..unit import Unit

FILTERABLE = (
    "unit",
    "registered_on",
    "next_deadline",
    "closed_on",
    "number",
    "petitioner",
    "subject",
    "category",
    "department",
    "source",
    "case_type",
    "status",
    "outcome",
    "step",
    "marks",
    "responsible_leader",
    "reception_leader",
)
OPERATORS = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "contains",
    "not contains",
    "in",
    "not in",
    "is null",
    "is not null",
)
EXTRA_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "contains")
SORTABLE = (
    "next_deadline",
    "registered_on",
    "closed_on",
    "number",
    "petitioner",
    "category",
    "department",
    "case_type",
    "source",
    "status",
    "outcome",
    "step",
)
GROUPABLE = (
    "unit",
    "source",
    "case_type",
    "category",
    "department",
    "status",
    "outcome",
    "step",
    "marks",
    "registered_month",
)
DATE_COLUMNS = ("registered_on", "next_deadline", "closed_on")
REFERENCE_COLUMNS = ("unit", "responsible_leader", "reception_leader")
DEADLINE_STATES = ("overdue", "due_soon", "pending", "none")
SEARCH_COLUMNS = ("number", "petitioner", "subject", "category", "department")
SEARCHABLE_TYPES = ("text", "textarea", "choice", "multichoice")


def search_words(text) -> list[str]:
    return [word.lower() for word in (text or "").split()]


def searchable_keys(unit_id) -> frozenset[str]:
    """The keys of a unit's own card fields that search looks into."""
    field_set = FieldSet.objects(unit=unit_id, target="case_card").only("fields").first()
    if field_set is None:
        return frozenset()
    return frozenset(
        f.key
        for f in field_set.fields
        if not f.retired and not f.personal and f.type in SEARCHABLE_TYPES
    )


def search_text(doc: dict, keys) -> str:
    """What search looks into, lowered, one value a line (a word never spans two values)."""
    words = [doc.get(column) for column in SEARCH_COLUMNS]
    extra = doc.get("extra") or {}
    for key in keys:
        value = extra.get(key)
        if isinstance(value, list):
            words += [v for v in value if isinstance(v, str)]
        elif isinstance(value, str):
            words.append(value)
    return "\n".join(str(w).lower() for w in words if w)


@dataclasses.dataclass(frozen=True)
class Window:
    """A deadline condition for some units: ``units`` (None: any unit) but not ``excluded``;
    next_deadline from ``low`` to ``high`` (None: unbounded; both included), or none at all."""

    units: tuple[str, ...] | None
    excluded: tuple[str, ...]
    low: datetime.date | None
    high: datetime.date | None
    missing: bool = False


@dataclasses.dataclass(frozen=True)
class Resolved:
    """What a query means once the store's settings are read: the units it covers (None: all),
    its deadline windows (any of them; None: no deadline condition), the search words and the
    unit's searchable fields."""

    units: tuple[str, ...] | None
    windows: tuple[Window, ...] | None
    words: tuple[str, ...]
    search_keys: dict


def _units(query):
    if query.unit is not None:
        if query.units is not None and query.unit not in query.units:
            return ()
        return (query.unit,)
    return query.units


def custom_due_soon_days() -> dict[str, int]:
    """{unit id: its 即将到期天数} of the units whose figure is not the default."""
    return {
        str(r.unit.id): r.due_soon_days
        for r in DeadlineRuleSet.objects(due_soon_days__ne=DUE_SOON_DAYS)
        .only("unit", "due_soon_days")
        .no_dereference()
        if r.unit is not None
    }


def deadline_state(next_deadline, as_of, due_soon_days) -> str:
    """One card's deadline state, as the queries select it."""
    if next_deadline is None:
        return "none"
    if isinstance(next_deadline, datetime.datetime):
        next_deadline = next_deadline.date()
    if next_deadline < as_of:
        return "overdue"
    if next_deadline <= as_of + datetime.timedelta(days=due_soon_days):
        return "due_soon"
    return "pending"


def _windows(query, units):
    as_of = query.as_of or deadlines.today()
    one_day = datetime.timedelta(days=1)
    if query.deadline == "overdue":
        return (Window(None, (), None, as_of - one_day),)
    if query.deadline == "none":
        return (Window(None, (), None, None, missing=True),)
    custom = custom_due_soon_days()
    if units is not None:
        custom = {u: d for u, d in custom.items() if u in units}
    by_days = {}
    for unit, days in custom.items():
        by_days.setdefault(days, []).append(unit)
    spans = [(tuple(sorted(u)), (), d) for d, u in sorted(by_days.items())]
    spans.append((None, tuple(sorted(custom)), DUE_SOON_DAYS))
    result = []
    for include, exclude, days in spans:
        soon = as_of + datetime.timedelta(days=days)
        if query.deadline == "due_soon":
            result.append(Window(include, exclude, as_of, soon))
        else:
            result.append(Window(include, exclude, soon + one_day, None))
    return tuple(result)


def resolved(query) -> Resolved:
    units = _units(query)
    windows = _windows(query, units) if query.deadline else None
    words = tuple(search_words(query.search))
    keys = {}
    if words:
        ids = units if units is not None else [str(u) for u in Unit.objects.scalar("id")]
        keys = {u: searchable_keys(u) for u in ids}
    return Resolved(units, windows, words, keys)
