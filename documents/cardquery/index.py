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

``CardIndex`` is made of three parts in sibling modules: ``writing.py`` writes the rows as the
cards are written, ``checking.py`` holds the start-up check and its repairs, ``reading.py``
answers the queries (compiled to SQL by ``sql.py``); ``columns.py`` says what a row holds. This
module opens the table (its schema, one connection a thread) and is the one the rest of the
program imports: ``current`` and the functions below it, and the signals by which the rows
follow the cards, wired once, when it is imported.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import sqlite3
import threading
import time

import bson
from mongoengine import signals as mongoengine_signals

from .. import signals, store
from ..case import CaseCard
from ..case_history import CaseCardHistory
from ..custom_fields import FieldSet
from .checking import CheckingMixin
from .columns import (
    COLUMNS,
    TEXT_TABLE,
    _lower,
    _unit_token,
    create_indexes,
    grams,
    unit_grams,
)
from .reading import ReadingMixin
from .writing import RowWritingMixin

# the table is made anew (and refilled from the collection) when its columns change
SCHEMA_VERSION = 8
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


def _object_id(value):
    return bson.ObjectId(str(value)) if bson.ObjectId.is_valid(str(value)) else value


_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _use_wal(db, attempts=600):
    """Put the table in WAL mode (once: the mode stays with the file). Switching the mode
    needs the file to itself, and SQLite answers "database is locked" at once, without waiting
    out its busy timeout, when it would otherwise deadlock with another process's write (two
    processes upgrading their locks). Seen once on a loaded machine when three processes opened
    a new index while registering cards: ask first, and retry for a quiet moment."""
    for _ in range(attempts):
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in _BUSY:
                raise
            time.sleep(0.05)
    db.execute("PRAGMA journal_mode=WAL")  # still busy after half a minute: say so


class CardIndex(RowWritingMixin, CheckingMixin, ReadingMixin):
    def __init__(self, path, source=None):
        self.path = pathlib.Path(path)
        self.source = pathlib.Path(source) if source else None  # litemongo's file of the cards
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._keys = {}  # unit id → (searchable keys), for the rows written by this process
        self.opened_for = None  # the store's card_index_path() it was opened for (current())
        with self._connect() as db:
            _use_wal(db)
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                db.execute("DROP TABLE IF EXISTS cards")
                db.execute("DROP TABLE IF EXISTS card_text")
                db.execute("DROP TABLE IF EXISTS history")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute(
                "CREATE TABLE IF NOT EXISTS cards (id TEXT PRIMARY KEY, version INTEGER, "
                + ", ".join(f"{c} {'INTEGER' if c == 'archived' else 'TEXT'}" for c in COLUMNS)
                + ", digest INTEGER)"  # the CRC-32 of the card's stored BSON (writing._stamp)
            )
            db.execute(TEXT_TABLE)
            # which history entries are a card's (litemongo would look through all of them)
            db.execute(
                "CREATE TABLE IF NOT EXISTS history (card TEXT, id TEXT, PRIMARY KEY (card, id)) "
                "WITHOUT ROWID"
            )
            create_indexes(db)

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
