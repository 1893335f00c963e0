"""A list index of case cards for the embedded store.

The embedded store answers queries by decoding and filtering every document in Python, which is
fine for a unit's plans but too slow for a list of ten thousand cards sorted by deadline. So the
columns a card list filters, sorts and searches on are also kept in a small SQLite table next to
the collection; a list page asks it for the ids of one page and fetches only those cards.

With a MongoDB server there is no such table: the server's indexes (declared on ``CaseCard``)
do the work. The table is kept in step on every save of a card; when it disagrees with the
collection at start-up (a process killed between the two writes) it is rebuilt.
"""

import datetime
import pathlib
import sqlite3
import threading

COLUMNS = ("unit", "archived", "next_deadline", "registered_on", "number", "petitioner",
           "subject", "category", "department", "source", "case_type", "status", "outcome",
           "step", "search", "marks", "closed_on")  # fmt: skip
# the table is made anew (and refilled from the collection) when its columns change
SCHEMA_VERSION = 3
SORTABLE = ("next_deadline", "registered_on", "number", "petitioner", "case_type", "source",
            "status", "outcome", "step")  # fmt: skip
EQUALITY = ("category", "department", "source", "case_type", "status", "outcome", "step")

_current = None
_lock = threading.Lock()


def current():
    """The index of the connected embedded store, or None (mongomock, MongoDB)."""
    return _current


def use(path):
    """Called when the embedded store is connected; ``None`` turns the index off."""
    global _current
    with _lock:
        _current = CardIndex(path) if path else None
    return _current


def changed(card):
    if _current is not None:
        _current.upsert(card)


def sync():
    """Rebuild the index when it does not hold as many cards as the collection."""
    if _current is None:
        return None
    from .case import CaseCard

    collection = CaseCard._get_collection()
    if _current.stale or _current.count() != collection.count_documents({}):
        return _current.rebuild(collection)
    return None


def where(*, archived=False, unit=None, units=None, conditions=(), search=None):
    """(SQL condition, parameters) on the table. ``units`` limits to the units an account may
    see (None: all); ``conditions`` are (column, operator, value) with operator one of =, !=,
    <, <=, >, >=, "is null"."""
    clauses, params = ["archived = ?"], [1 if archived else 0]
    if unit is not None:
        clauses.append("unit = ?")
        params.append(str(unit))
    if units is not None:
        clauses.append(f"unit IN ({', '.join('?' * len(units))})" if units else "0")
        params += [str(u) for u in units]
    for column, operator, value in conditions:
        if column not in COLUMNS or operator not in ("=", "!=", "<", "<=", ">", ">=", "is null"):
            raise ValueError(f"the card index cannot filter {column} {operator}")
        if operator == "is null":
            clauses.append(f"{column} IS NULL")
        else:
            clauses.append(f"{column} {operator} ?")
            params.append(_text(value))
    if search:
        clauses.append("instr(lower(search), lower(?)) > 0")
        params.append(search)
    return " AND ".join(clauses), params


def _text(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class CardIndex:
    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stale = False
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                db.execute("DROP TABLE IF EXISTS cards")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self.stale = True
            db.execute(
                "CREATE TABLE IF NOT EXISTS cards (id TEXT PRIMARY KEY, version INTEGER, "
                + ", ".join(f"{c} {'INTEGER' if c == 'archived' else 'TEXT'}" for c in COLUMNS)
                + ")"
            )
            for columns in (("archived", "next_deadline"), ("unit", "archived", "next_deadline"),
                            ("archived", "registered_on"),
                            ("unit", "archived", "registered_on"),
                            # covering indexes of the reports' counts (no table lookups)
                            ("unit", "archived", "next_deadline", "registered_on"),
                            ("unit", "archived", "registered_on", "closed_on", "outcome"),
                            ("unit", "archived", "registered_on", "case_type", "outcome",
                             "status", "marks"),
                            ("unit", "archived", "registered_on", "source",
                             "category")):  # fmt: skip
                name = "by_" + "_".join(columns)
                db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cards ({', '.join(columns)})")

    def _connect(self):
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA busy_timeout = 30000")
        return connection

    @staticmethod
    def row(doc: dict) -> tuple:
        """The index row of a card as stored (a BSON-decoded dict)."""
        extra = doc.get("extra") or {}
        words = [doc.get(k) for k in ("number", "petitioner", "subject", "category",
                                      "department")]  # fmt: skip
        words += [v for v in extra.values() if isinstance(v, str)]
        words += [" ".join(v) for v in extra.values() if isinstance(v, list)
                  and all(isinstance(i, str) for i in v)]  # fmt: skip
        values = {
            "unit": _text(doc.get("unit")), "archived": 1 if doc.get("archived") else 0,
            "next_deadline": _text(doc.get("next_deadline")),
            "registered_on": _text(doc.get("registered_on")),
            "search": "\n".join(w for w in words if w),
            # |越级访|赴京访|: one mark is matched by instr(marks, '|越级访|')
            "marks": "|" + "|".join(doc.get("marks") or []) + "|" if doc.get("marks") else None,
        }  # fmt: skip
        for column in COLUMNS:
            values.setdefault(column, _text(doc.get(column)))
        return (str(doc["_id"]), doc.get("version") or 0, *[values[c] for c in COLUMNS])

    def upsert(self, card):
        self.upsert_rows([self.row(card.to_mongo().to_dict())])

    def upsert_rows(self, rows):
        placeholders = ", ".join("?" * (len(COLUMNS) + 2))
        with self._connect() as db:
            db.executemany(f"INSERT OR REPLACE INTO cards VALUES ({placeholders})", rows)

    def remove(self, card_id):
        with self._connect() as db:
            db.execute("DELETE FROM cards WHERE id = ?", (str(card_id),))

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT count(*) FROM cards").fetchone()[0]

    def rebuild(self, collection):
        """Make the table from the collection itself."""
        rows = [self.row(doc) for doc in collection.find({})]
        with self._connect() as db:
            db.execute("DELETE FROM cards")
        self.upsert_rows(rows)
        self.stale = False
        return len(rows)

    def earliest(self, units, conditions, limit):
        """(total, ids) of the cards meeting ``conditions`` with the earliest next deadline."""
        clause, params = where(units=units, conditions=conditions)
        with self._connect() as db:
            total = db.execute(f"SELECT count(*) FROM cards WHERE {clause}", params).fetchone()[0]
            ids = [row[0] for row in db.execute(
                f"SELECT id FROM cards WHERE {clause} ORDER BY next_deadline, id LIMIT ?",
                [*params, limit])]  # fmt: skip
        return total, ids

    def query(self, sql, params=()):
        """Rows of a read-only query on the table (the reports' aggregates)."""
        with self._connect() as db:
            return db.execute(sql, params).fetchall()

    def page(self, *, unit=None, units=None, archived=False, conditions=(), search=None,
             sort="registered_on", descending=True, offset=0, limit=50):  # fmt: skip
        """(total, ids of one page), filtered as ``where`` says."""
        clause, params = where(archived=archived, unit=unit, units=units,
                               conditions=conditions, search=search)  # fmt: skip
        if sort not in SORTABLE:
            sort = "registered_on"
        direction = "DESC" if descending else "ASC"
        # cards without the sort value come last, whichever the direction
        order = f"{sort} IS NULL, {sort} {direction}, registered_on DESC, id"
        with self._connect() as db:
            total = db.execute(f"SELECT count(*) FROM cards WHERE {clause}", params).fetchone()[0]
            ids = [row[0] for row in db.execute(
                f"SELECT id FROM cards WHERE {clause} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset])]  # fmt: skip
        return total, ids
