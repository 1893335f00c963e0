"""The card-query contract on the embedded store: a list index of the cards in SQLite.

The embedded store answers queries by decoding and filtering every document in Python, which is
fine for a unit's plans but too slow for a list of ten thousand cards sorted by deadline. So the
columns a card list filters, sorts and searches on are also kept in a small SQLite table next to
the collection; a query asks it for the ids of one page and fetches only those cards.

Each row carries the version of the card it was made from, and is written under the store's
write lock together with the card (``CaseCard.save``); a row never replaces one of a newer
version. At start-up ``sync`` compares every row's version with the collection's and repairs
the rows that differ (a process killed between the two writes, a restored backup).

With a MongoDB server there is no such table: the server's indexes (declared on ``CaseCard``)
do the work, through ``mongo.py``.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import pathlib
import re
import sqlite3
import threading
import zlib

import bson
from mongoengine import signals as mongoengine_signals
from mongoengine.errors import SaveConditionError, ValidationError

from .. import signals, store
from ..case import CaseCard, CaseCardHistory
from ..custom_fields import FieldSet
from . import rules

COLUMNS = (
    "unit",
    "archived",
    "next_deadline",
    "registered_on",
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
    "search",
    "marks",
    "closed_on",
    "responsible_leader",
    "reception_leader",
    "id_number",
    "phones",
)
# the table is made anew (and refilled from the collection) when its columns change
SCHEMA_VERSION = 8
# the text index beside the table: one row per card (its rowid), the unit as one token, the
# 案由 and what search looks into as bigram tokens (see ``grams``)
TEXT_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS card_text USING fts5(unit, subject, body, tokenize='ascii')"
)
_CHUNK = 500
_NAMES = ", ".join(("id", "version", *COLUMNS))

_current = None
_lock = threading.Lock()


def current():
    """The index of the connected embedded store, or None (mongomock, MongoDB)."""
    global _current
    path = store.card_index_path()
    if path is None:
        return None
    # each connect makes a new path object: a reconnect, even to the same folder, opens the
    # index anew (its schema checked, its cache of searchable keys empty)
    table = _current
    if table is None or table.opened_for is not path:
        with _lock:
            if _current is None or _current.opened_for is not path:
                _current = CardIndex(path, store.cards_file_path())
                _current.opened_for = path
            table = _current
    return table


def changed(card):
    if (table := current()) is not None:
        table.upsert(card.to_mongo().to_dict())


def refresh(ids):
    """Rewrite (or remove) the rows of these cards from the collection as it now is."""
    if (table := current()) is not None and ids:
        table.refresh(CaseCard._get_collection(), [str(i) for i in ids])


def history_ids(card_id) -> list[str] | None:
    """The ids of a card's history entries, from the index (None without one: ask the store)."""
    return None if (table := current()) is None else table.history_ids(str(card_id))


def number_used(unit_id, number) -> bool | None:
    """Whether a card of the unit has this number, from the index (None without one: ask the
    store)."""
    return None if (table := current()) is None else table.number_used(str(unit_id), number)


def history_added(card_id, entry_id):
    if (table := current()) is not None:
        table.add_history(str(card_id), str(entry_id))


def unit_fields_changed(unit_id):
    """A unit's own fields changed: what search looks into changes with them."""
    if (table := current()) is not None:
        table.upsert_docs(CaseCard._get_collection().find({"unit": _object_id(unit_id)}))


def sync():
    """Repair the rows whose version differs from the card's (or that have no card, or whose
    card has no row); the number of rows repaired, None without an index."""
    if (table := current()) is None:
        return None
    with store.write_lock():
        table.repair_history(CaseCardHistory._get_collection())
        if not table.needs_check():
            return 0
        repaired = table.repair(CaseCard._get_collection())
        table.checked()
        return repaired


def check():
    """Compare every row with its card whatever the marks say (``xinfang check``)."""
    if (table := current()) is not None:
        table.mark_writing()
    return sync()


def writing(delta=0):
    """Held around a card's write and its row's (under the store's write lock): marks the
    index as being written until both are done, so that a process killed between the two
    leaves the mark, and the next start compares every row with its card."""
    if (table := current()) is None:
        return contextlib.nullcontext()
    return table.writing(delta)


def _crc(blob) -> int:
    return zlib.crc32(blob)


def _object_id(value):
    return bson.ObjectId(str(value)) if bson.ObjectId.is_valid(str(value)) else value


def _text(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


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


def grams(text) -> str:
    """Text as FTS5 tokens: each two letters in a row (lowered) as one token of their code
    points, ``4e0ax571f`` for 上地; ``zz`` between two values, so that no phrase spans them.
    A phrase of a word's bigrams then matches where the word stands (SQLite's trigram tokenizer
    cannot look up the two-character words Chinese search mostly uses)."""
    return " zz ".join(
        " ".join(f"{ord(a):x}x{ord(b):x}" for a, b in zip(line, line[1:], strict=False))
        for line in (text or "").lower().split("\n")
    )


def _bigrams(text) -> set[str]:
    text = text.lower()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def unit_grams(unit, text) -> str:
    """The bigram tokens of a 案由 for its unit alone (``4e0ax571fu<unit id>``): a look-up of
    similar 案由 then reads the postings of one unit, not of every unit's cards."""
    suffix = _unit_token(unit)
    return " ".join(f"{token}{suffix}" for token in grams(text).split() if token != "zz")


def _unit_token(unit) -> str:
    return f"u{unit or ''}"


def _order(column, descending):
    """ORDER BY of the contract's order (cards without the value last, ties latest first). On
    the dates no value is NULL, which sorts last when descending; the indexes below serve both
    directions of 登记日期 and 最近期限 without sorting."""
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


class CardIndex:
    def __init__(self, path, source=None):
        self.path = pathlib.Path(path)
        self.source = pathlib.Path(source) if source else None  # litemongo's file of the cards
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._keys = {}  # unit id → (searchable keys), for the rows written by this process
        self.opened_for = None  # the store's card_index_path() it was opened for (current())
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                db.execute("DROP TABLE IF EXISTS cards")
                db.execute("DROP TABLE IF EXISTS card_text")
                db.execute("DROP TABLE IF EXISTS history")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute(
                "CREATE TABLE IF NOT EXISTS cards (id TEXT PRIMARY KEY, version INTEGER, "
                + ", ".join(f"{c} {'INTEGER' if c == 'archived' else 'TEXT'}" for c in COLUMNS)
                + ", digest INTEGER)"  # the CRC-32 of the card's stored BSON (see ``stamp``)
            )
            db.execute(TEXT_TABLE)
            # which history entries are a card's (litemongo would look through all of them)
            db.execute(
                "CREATE TABLE IF NOT EXISTS history (card TEXT, id TEXT, PRIMARY KEY (card, id)) "
                "WITHOUT ROWID"
            )
            for columns in (
                # the list's orders (see _order), for one unit and for all
                ("archived", "registered_on", "id"),
                ("unit", "archived", "registered_on", "id"),
                ("archived", "(registered_on IS NULL)", "registered_on", "id DESC"),
                ("unit", "archived", "(registered_on IS NULL)", "registered_on", "id DESC"),
                ("archived", "next_deadline", "registered_on", "id"),
                ("unit", "archived", "next_deadline", "registered_on", "id"),
                (
                    "archived",
                    "(next_deadline IS NULL)",
                    "next_deadline",
                    "registered_on DESC",
                    "id DESC",
                ),
                (
                    "unit",
                    "archived",
                    "(next_deadline IS NULL)",
                    "next_deadline",
                    "registered_on DESC",
                    "id DESC",
                ),
                # repeat detection: the same ID number, the same name; numbering: a number used
                ("unit", "id_number"),
                ("unit", "number"),
                ("unit", "petitioner"),
                ("responsible_leader",),
                ("reception_leader",),
                # covering indexes of the reports' counts (no table lookups)
                ("unit", "archived", "next_deadline", "registered_on"),
                ("unit", "archived", "registered_on", "closed_on", "outcome"),
                ("unit", "archived", "registered_on", "case_type", "outcome", "status", "marks"),
                ("unit", "archived", "registered_on", "source", "category"),
            ):
                name = "by_" + "_".join(re.sub(r"\W+", "_", c).strip("_") for c in columns)
                db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cards ({', '.join(columns)})")

    def _connect(self):
        """This thread's connection to the table (one a thread and process, kept open)."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._local.connection = self._open()
            self._local.pid = os.getpid()
        return connection

    def _open(self):
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA busy_timeout = 30000")
        # as litemongo's files: WAL without a sync on every commit (a power cut may lose the
        # last commits, which the start-up check then repairs)
        connection.execute("PRAGMA synchronous = NORMAL")
        # Python's lower case (SQLite's lower() knows only ASCII), as search text is written
        connection.create_function("xf_lower", 1, _lower, deterministic=True)
        connection.create_function("xf_grams", 1, grams, deterministic=True)
        connection.create_function("xf_unit", 1, _unit_token, deterministic=True)
        connection.create_function("xf_unit_grams", 2, unit_grams, deterministic=True)
        # how many cards hold each token (to look up similar 案由 by their rarest bigrams)
        connection.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.card_vocab USING fts5vocab(main, card_text, "
            "'row')"
        )
        return connection

    # --- rows ---

    def _search_keys(self, unit_id):
        if unit_id not in self._keys:
            self._keys[unit_id] = rules.searchable_keys(unit_id) if unit_id else frozenset()
        return self._keys[unit_id]

    def row(self, doc: dict) -> tuple:
        """The index row of a card as stored (a BSON-decoded dict)."""
        unit = _text(doc.get("unit"))
        values = {
            "unit": unit,
            "archived": 1 if doc.get("archived") else 0,
            "search": rules.search_text(doc, self._search_keys(unit)),
            # |越级访|赴京访|: one mark is matched by instr(marks, '|越级访|')
            "marks": "|" + "|".join(doc.get("marks") or []) + "|" if doc.get("marks") else None,
            "phones": "|" + "|".join(doc.get("phones") or []) + "|" if doc.get("phones") else None,
        }
        for column in COLUMNS:
            values.setdefault(column, _text(doc.get(column)))
        return (str(doc["_id"]), doc.get("version") or 0, *[values[c] for c in COLUMNS])

    def upsert(self, doc):
        self.upsert_rows([self.row(doc)])

    def upsert_docs(self, docs):
        self._keys.clear()  # a unit's fields may have changed since
        self.upsert_rows([self.row(doc) for doc in docs], force=True)

    def upsert_rows(self, rows, force=False):
        """Write rows; a row of an older version than the one in the table is left out,
        unless ``force`` (a repair from the collection itself)."""
        placeholders = ", ".join("?" * (len(COLUMNS) + 2))
        names = ("version", *COLUMNS)
        update = ", ".join(f"{c} = excluded.{c}" for c in names)
        guard = "" if force else " WHERE excluded.version >= cards.version"
        with self._connect() as db:
            db.executemany(
                f"INSERT INTO cards ({_NAMES}) VALUES ({placeholders}) ON CONFLICT(id) DO "
                f"UPDATE SET {update}{guard}",
                rows,
            )
            ids = [row[0] for row in rows]
            self._text_rows(db, ids)
            self._stamp(db, ids)

    # --- what the start-up check compares, without decoding a document ---

    def _raw(self):
        """A read connection to litemongo's file of the cards, and how it keys ids (litemongo
        0.2: table ``documents`` (_id, doc BSON), key format 2 ``o:<hex>``, 1 ``<hex>``)."""
        source = sqlite3.connect(f"file:{self.source}?mode=ro", uri=True, timeout=30)
        row = source.execute("SELECT value FROM info WHERE key = 'key_format'").fetchone()
        prefix = "o:" if row is None or row[0] == 2 else ""
        return source, prefix

    def _all_documents(self, collection):
        """Every card as stored: straight from litemongo's file where there is one (BSON
        decoded in C, several times faster than a query through litemongo, which would also
        build its in-memory query index), else through the collection."""
        if self.source is None or not self.source.exists():
            yield from collection.find({})
            return
        source, _prefix = self._raw()
        try:
            for (blob,) in source.execute("SELECT doc FROM documents ORDER BY ROWID"):
                yield bson.decode(blob)
        except sqlite3.OperationalError:  # no table yet: no cards
            return
        finally:
            source.close()

    def digests(self, ids=None) -> dict:
        """{card id: CRC-32 of its stored BSON} of these cards (None: all of them), read from
        the collection's file without decoding a document; {} without a file."""
        if self.source is None or not self.source.exists():
            return {}
        source, prefix = self._raw()
        try:
            found = {}
            if ids is None:
                rows = source.execute("SELECT _id, doc FROM documents")
                found = {key.removeprefix(prefix): _crc(doc) for key, doc in rows}
            for start in range(0, len(ids or ()), _CHUNK):
                chunk = [prefix + i for i in ids[start : start + _CHUNK]]
                rows = source.execute(
                    f"SELECT _id, doc FROM documents WHERE _id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
                found.update({key.removeprefix(prefix): _crc(doc) for key, doc in rows})
            return found
        except sqlite3.OperationalError:  # no such table yet: no cards
            return {}
        finally:
            source.close()

    # --- when the start-up check compares every row ---

    def _state(self, db, key, value=None):
        db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value)")
        if value is None:
            row = db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None
        db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, value))
        return value

    def mark_writing(self):
        with self._connect() as db:
            self._state(db, "writing", 1)

    def checked(self):
        with self._connect() as db:
            self._state(db, "writing", 0)
            self._state(db, "cards", self._stored_count())

    def _stored_count(self):
        if self.source is None or not self.source.exists():
            return 0
        source, _prefix = self._raw()
        try:
            return source.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.OperationalError:
            return 0
        finally:
            source.close()

    def needs_check(self) -> bool:
        """Whether the rows may differ from the cards: a write was cut short (the mark is
        still there), the table is new, or the number of cards is not the one last checked
        (cards written or restored behind the index's back). Otherwise nothing is read."""
        with self._connect() as db:
            writing, cards = self._state(db, "writing"), self._state(db, "cards")
        return writing != 0 or cards is None or cards != self._stored_count()

    @contextlib.contextmanager
    def writing(self, delta=0):
        """The mark around a write of cards that changes their number by ``delta``; a write
        refused before anything was stored (a validation error, someone else's newer version)
        takes the mark away too, anything else leaves it for the next start."""
        self.mark_writing()
        try:
            yield
        except Exception as exc:
            if isinstance(exc, ValidationError | SaveConditionError) or getattr(
                exc, "nothing_written", False
            ):
                self._written(0)
            raise
        self._written(delta)

    def _written(self, delta):
        with self._connect() as db:
            cards = self._state(db, "cards")
            self._state(db, "writing", 0)
            if cards is not None:
                self._state(db, "cards", cards + delta)

    def number_used(self, unit_id, number) -> bool:
        with self._connect() as db:
            found = db.execute(
                "SELECT 1 FROM cards WHERE unit = ? AND number = ? LIMIT 1", (unit_id, number)
            ).fetchone()
        return found is not None

    # --- a card's history ---

    def history_ids(self, card_id) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT id FROM history WHERE card = ?", (card_id,))]

    def add_history(self, card_id, entry_id):
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO history VALUES (?, ?)", (card_id, entry_id))

    def repair_history(self, collection) -> int | None:
        """Make the table anew from the history collection when their counts differ (a process
        killed between the two writes, a restored backup): the entries are read only then."""
        source = self.source.parent / "case_card_history" if self.source else None
        if source is None or not source.exists():
            return None
        raw = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        try:
            stored = raw.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.OperationalError:
            stored = 0
        finally:
            raw.close()
        with self._connect() as db:
            if db.execute("SELECT count(*) FROM history").fetchone()[0] == stored:
                return None
            raw = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
            try:  # straight from the file, as ``_all_documents``
                docs = [bson.decode(b) for (b,) in raw.execute("SELECT doc FROM documents")]
            finally:
                raw.close()
            rows = [(str(d.get("card")), str(d["_id"])) for d in docs]
            db.execute("DELETE FROM history")
            db.executemany("INSERT OR IGNORE INTO history VALUES (?, ?)", rows)
        return len(rows)

    def _stamp(self, db, ids):
        """Record each row's card as it is stored now (the write lock is held)."""
        found = self.digests(ids)
        db.executemany(
            "UPDATE cards SET digest = ? WHERE id = ?", [(d, i) for i, d in found.items()]
        )

    @staticmethod
    def _text_rows(db, ids):
        """The text index rows of these cards, made anew from their rows in the table."""
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rowids = f"SELECT rowid FROM cards WHERE id IN ({marks})"
            db.execute(f"DELETE FROM card_text WHERE rowid IN ({rowids})", chunk)
            db.execute(
                "INSERT INTO card_text (rowid, unit, subject, body) SELECT rowid, "
                "xf_unit(unit), xf_unit_grams(unit, subject), xf_grams(search) FROM cards "
                f"WHERE id IN ({marks})",
                chunk,
            )

    @staticmethod
    def _delete(db, ids):
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            db.execute(
                f"DELETE FROM card_text WHERE rowid IN (SELECT rowid FROM cards WHERE id IN "
                f"({marks}))",
                chunk,
            )
            db.execute(f"DELETE FROM cards WHERE id IN ({marks})", chunk)

    def remove(self, card_id):
        with self._connect() as db:
            self._delete(db, [str(card_id)])

    def refresh(self, collection, ids):
        docs = list(collection.find({"_id": {"$in": [bson.ObjectId(i) for i in ids]}}))
        self.upsert_rows([self.row(doc) for doc in docs], force=True)
        found = {str(doc["_id"]) for doc in docs}
        with self._connect() as db:
            self._delete(db, [i for i in ids if i not in found])

    def count_rows(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT count(*) FROM cards").fetchone()[0]

    def versions(self) -> dict:
        with self._connect() as db:
            return dict(db.execute("SELECT id, version FROM cards"))

    def differences(self, collection) -> tuple[list[str], list[str]]:
        """(ids of cards whose row is missing or was made from another state of the card, ids
        of rows without a card). On the embedded store the stored BSON's CRC-32 is compared
        with the row's, so that no document is decoded; elsewhere the versions."""
        if self.source is not None:
            stored = self.digests()
            with self._connect() as db:
                rows = dict(db.execute("SELECT id, digest FROM cards"))
        else:
            stored = {
                str(d["_id"]): d.get("version") or 0
                for d in collection.find({}, {"_id": 1, "version": 1})
            }
            rows = self.versions()
        return [i for i, v in stored.items() if rows.get(i) != v], [
            i for i in rows if i not in stored
        ]

    def repair(self, collection) -> int:
        """Make the rows agree with the collection: one transaction, only what differs."""
        stale, gone = self.differences(collection)
        if stale:
            self._keys.clear()
            if len(stale) > 5 * _CHUNK:  # a new table, a restored backup: read the file once
                wanted = set(stale)
                docs = (d for d in self._all_documents(collection) if str(d["_id"]) in wanted)
            else:
                docs = [
                    doc
                    for start in range(0, len(stale), _CHUNK)
                    for doc in collection.find(
                        {"_id": {"$in": [bson.ObjectId(i) for i in stale[start : start + _CHUNK]]}}
                    )
                ]
            self.upsert_rows([self.row(doc) for doc in docs], force=True)
        if gone:
            with self._connect() as db:
                self._delete(db, gone)
        return len(stale) + len(gone)

    def rebuild(self, collection) -> int:
        """Make the table anew from the collection, in one transaction."""
        self._keys.clear()
        rows = [self.row(doc) for doc in self._all_documents(collection)]
        placeholders = ", ".join("?" * (len(COLUMNS) + 2))
        with self._connect() as db:
            db.execute("DELETE FROM cards")
            db.execute("DELETE FROM card_text")
            db.executemany(f"INSERT INTO cards ({_NAMES}) VALUES ({placeholders})", rows)
            db.executemany(
                "UPDATE cards SET digest = ? WHERE id = ?",
                [(d, i) for i, d in self.digests().items()],
            )
            db.execute(
                "INSERT INTO card_text (rowid, unit, subject, body) SELECT rowid, "
                "xf_unit(unit), xf_unit_grams(unit, subject), xf_grams(search) FROM cards"
            )
        return len(rows)

    # --- the contract ---

    def find(self, query, resolved):
        where = _Where(query, resolved)
        order = _order(query.sort, query.descending)
        limit = -1 if query.limit is None else query.limit
        with self._connect() as db:
            total = db.execute(
                f"SELECT count(*) FROM cards WHERE {where.sql}", where.params
            ).fetchone()[0]
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT id FROM cards WHERE {where.sql} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*where.params, limit, query.offset],
                )
            ]
        return total, ids

    def count(self, query, resolved):
        where = _Where(query, resolved)
        with self._connect() as db:
            return db.execute(
                f"SELECT count(*) FROM cards WHERE {where.sql}", where.params
            ).fetchone()[0]

    def repeat_candidates(self, unit, exclude, id_number, petitioner, phones, subject, limit):
        """(id, reason, 案由, 登记日期) of the cards that may repeat a new one: the same ID
        number and the same name with a phone through their indexes, a similar 案由 through the
        text index (the cards of the unit sharing the most of its bigrams, best first)."""
        base = "unit = ? AND archived = 0 AND id != ?"
        params = [str(unit), str(exclude or "")]
        order = "ORDER BY registered_on DESC, id DESC LIMIT ?"
        found = []
        with self._connect() as db:
            if id_number:
                found += [
                    (i, "id_number", s, r)
                    for i, s, r in db.execute(
                        f"SELECT id, subject, registered_on FROM cards WHERE {base} "
                        f"AND id_number = ? {order}",
                        [*params, id_number, rules.SAME_PERSON_CANDIDATES],
                    )
                ]
            if petitioner and phones:
                any_phone = " OR ".join("instr(ifnull(phones, ''), ?) > 0" for _ in phones)
                found += [
                    (i, "name_phone", s, r)
                    for i, s, r in db.execute(
                        f"SELECT id, subject, registered_on FROM cards WHERE {base} "
                        f"AND petitioner = ? AND ({any_phone}) {order}",
                        [
                            *params,
                            petitioner,
                            *[f"|{p}|" for p in phones],
                            rules.SAME_PERSON_CANDIDATES,
                        ],
                    )
                ]
            found += self._similar_subjects(db, unit, params, subject)
        return found

    @staticmethod
    def _similar_subjects(db, unit, params, subject):
        """The cards of the unit whose 案由 share bigrams with this one and whose length lets
        them be alike (``rules.SIMILAR_SUBJECT``), the SIMILAR_CANDIDATES sharing the most
        (Dice coefficient of the bigram sets), for difflib to compare."""
        text = (subject or "").strip()
        tokens = sorted(set(unit_grams(unit, text).split()))
        if not tokens:
            return []
        # the rarest of its bigrams in the unit suffice: a card alike enough shares one of
        # any (most_missed_bigrams + 1) of them (rules.py), and the common ones ("反映") would
        # bring most of the unit's cards
        keep = rules.most_missed_bigrams(len(text)) + 1
        if keep < len(tokens):
            counts = {
                token: (
                    db.execute(
                        "SELECT doc FROM temp.card_vocab WHERE term = ?", (token,)
                    ).fetchone()
                    or (0,)
                )[0]
                for token in tokens
            }
            tokens = sorted(tokens, key=lambda t: (counts[t], t))[:keep]
        match = f"subject : ({' OR '.join(tokens)})"
        low, high = rules.alike_lengths(len(text))
        rows = db.execute(
            "SELECT c.id, c.subject, c.registered_on FROM card_text AS t "
            "CROSS JOIN cards AS c ON c.rowid = t.rowid WHERE card_text MATCH ? "
            "AND c.unit = ? AND c.archived = 0 AND c.id != ? "
            "AND length(trim(c.subject)) BETWEEN ? AND ?",
            [match, *params, low, high],
        ).fetchall()
        mine = _bigrams(text)

        def dice(other):
            theirs = _bigrams((other or "").strip())
            return 2 * len(mine & theirs) / (len(mine) + len(theirs) or 1)

        rows.sort(key=lambda r: dice(r[1]), reverse=True)
        return [(i, "subject", s, r) for i, s, r in rows[: rules.SIMILAR_CANDIDATES]]

    def groups(self, query, resolved, columns):
        where = _Where(query, resolved)
        names = ", ".join(_GROUP_EXPRESSIONS.get(c, c) for c in columns)
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {names}, count(*) FROM cards WHERE {where.sql} GROUP BY {names}",
                where.params,
            ).fetchall()
        result = []
        for *values, n in rows:
            group = dict(zip(columns, values, strict=True))
            if "marks" in group:
                group["marks"] = tuple(m for m in (group["marks"] or "").split("|") if m)
            result.append((group, n))
        return result


def _field_set_saved(sender, document, **kwargs):
    if document.target == "case_card" and document.unit is not None:
        unit_fields_changed(document.unit.pk)


def _card_saved(card, **kwargs):
    changed(card)


def _cards_changed(sender, ids, **kwargs):
    refresh(ids)


def _history_recorded(card_id, entry, **kwargs):
    history_added(card_id, entry)


# the rows follow the cards: sent by CaseCard.save and CardQuerySet under the store's write lock
signals.card_saved.connect(_card_saved, weak=False)
signals.cards_changed.connect(_cards_changed, weak=False)
signals.history_recorded.connect(_history_recorded, weak=False)
signals.provide("writing", writing)
signals.provide("history_ids", history_ids)
signals.provide("number_used", number_used)
mongoengine_signals.post_save.connect(_field_set_saved, sender=FieldSet, weak=False)
