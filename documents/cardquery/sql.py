"""The query compiler of the list index: a resolved ``CardQuery`` as SQL on the table of
``columns.py`` — its WHERE condition (``_Where``), its ORDER BY (``_order``) and the expressions
it groups on.

Only text is made here; ``reading.py`` runs it. The rules it follows (what search matches, where
empty values sort) are those of ``rules.py``, which ``mongo.py`` states for MongoDB too.
"""

from __future__ import annotations

from . import rules
from .columns import _text, grams


def _sql_value(column, value):
    if column in rules.DATE_COLUMNS and isinstance(value, str):
        return value[:10]
    return _text(value)


class _Where:
    """The SQL condition of a resolved query, built once."""

    def __init__(self, query, resolved):
        self.clauses, self.params = ["archived = ?"], [1 if query.archived else 0]
        if resolved.units is not None:
            self._in("unit", resolved.units)
        if query.leader is not None:
            self.clauses.append("(responsible_leader = ? OR reception_leader = ?)")
            self.params += [query.leader, query.leader]
        for column, operator, value in query.where:
            self._condition(column, operator, value)
        if resolved.windows is not None:
            self._windows(resolved.windows)
        for word in resolved.words:
            # a word of two characters or more is looked up in the text index (its bigrams
            # in a row); instr() then checks the candidates, and alone takes a one-letter word
            if len(word) > 1:
                self.clauses.append(
                    "rowid IN (SELECT rowid FROM card_text WHERE card_text MATCH ?)"
                )
                self.params.append(f'body : "{grams(word)}"')
            self.clauses.append("instr(search, ?) > 0")
            self.params.append(word)

    def _in(self, column, values):
        self.clauses.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "0")
        self.params += [str(v) for v in values]

    def _condition(self, column, operator, value):
        if operator == "is null":
            self.clauses.append(f"({column} IS NULL OR {column} = '')")
        elif operator == "is not null":
            self.clauses.append(f"({column} IS NOT NULL AND {column} != '')")
        elif operator in ("contains", "not contains"):
            test = f"({column} IS NOT NULL AND instr(xf_lower({column}), ?) > 0)"
            self.clauses.append(test if operator == "contains" else f"NOT {test}")
            self.params.append(str(value).lower())
        elif operator in ("in", "not in"):
            values = [_sql_value(column, v) for v in value]
            marks = ", ".join("?" * len(values))
            if operator == "in":
                self.clauses.append(f"{column} IN ({marks})" if values else "0")
            else:
                self.clauses.append(
                    f"({column} IS NULL OR {column} NOT IN ({marks}))" if values else "1"
                )
            self.params += values
        elif column == "marks":
            test = "instr(ifnull(marks, ''), ?) > 0"
            self.clauses.append(test if operator == "=" else f"NOT {test}")
            self.params.append(f"|{value}|")
        elif operator == "!=":
            self.clauses.append(f"({column} IS NULL OR {column} != ?)")
            self.params.append(_sql_value(column, value))
        else:
            self.clauses.append(f"{column} {operator} ?")
            self.params.append(_sql_value(column, value))

    def _windows(self, windows):
        parts = []
        for window in windows:
            part, params = [], []
            if window.units is not None:
                part.append(
                    f"unit IN ({', '.join('?' * len(window.units))})" if window.units else "0"
                )
                params += list(window.units)
            if window.excluded:
                part.append(f"unit NOT IN ({', '.join('?' * len(window.excluded))})")
                params += list(window.excluded)
            if window.missing:
                part.append("next_deadline IS NULL")
            else:
                part.append("next_deadline IS NOT NULL")
            if window.low is not None:
                part.append("next_deadline >= ?")
                params.append(window.low.isoformat())
            if window.high is not None:
                part.append("next_deadline <= ?")
                params.append(window.high.isoformat())
            parts.append("(" + " AND ".join(part) + ")")
            self.params += params
        self.clauses.append("(" + " OR ".join(parts) + ")" if parts else "0")

    @property
    def sql(self):
        return " AND ".join(self.clauses)


_GROUP_EXPRESSIONS = {"registered_month": "substr(registered_on, 1, 7)"}


def _order(column, descending):
    """ORDER BY of the contract's order (cards without the value last, ties latest first). On
    the dates no value is NULL, which sorts last when descending; the indexes the table is made
    with (``index.py``) serve both directions of 登记日期 and 最近期限 without sorting."""
    tie = "registered_on DESC, id DESC"
    if column == "registered_on":
        if descending:
            return "registered_on DESC, id DESC"
        return "registered_on IS NULL, registered_on ASC, id DESC"
    if column in rules.DATE_COLUMNS:
        if descending:
            return f"{column} DESC, {tie}"
        return f"{column} IS NULL, {column} ASC, {tie}"
    direction = "DESC" if descending else "ASC"
    return f"({column} IS NULL OR {column} = ''), nullif({column}, '') {direction}, {tie}"
