"""The start-up check of the list index: whether the rows may differ from the cards, what it
compares without decoding a document, and the repair of the rows (and of the table of history
entries) that differ.

``CheckingMixin`` is one part of ``index.CardIndex`` (with ``writing.RowWritingMixin``, whose
``row``, ``upsert_rows`` and ``_delete`` it repairs through, and ``reading.ReadingMixin``);
``index.sync`` and ``index.check`` run it under the store's write lock, and ``index.writing``
holds its mark around a card's write.
"""

from __future__ import annotations

import contextlib
import sqlite3

import bson
from mongoengine.errors import SaveConditionError, ValidationError

from .columns import (
    _CHUNK,
    _NAMES,
    COLUMNS,
    TEXT_TABLE,
    _crc,
    _unit_token,
    create_indexes,
    drop_indexes,
    grams,
    unit_grams,
)

# the page cache while the table is made anew (then back to SQLite's default, about 2 MB)
REBUILD_CACHE_KB = 64 * 1024
# from this many rows to repair, the file is read once instead of by ids; and when they are
# also a quarter of the table or more, the table is made anew (``rebuild``)
BULK_FROM = 5 * _CHUNK
REBUILD_CHUNK = 2000  # cards written at a time


class CheckingMixin:
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
        for doc, _digest in self._all_stored(collection):
            yield doc

    def _all_stored(self, collection):
        """(card, CRC-32 of its stored BSON) of every card, in one read of the file; the
        digest is None without a file (as ``digests`` gives none)."""
        if self.source is None or not self.source.exists():
            for doc in collection.find({}):
                yield doc, None
            return
        source, _prefix = self._raw()
        try:
            for (blob,) in source.execute("SELECT doc FROM documents ORDER BY ROWID"):
                yield bson.decode(blob), _crc(blob)
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

    # --- a card's history ---

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

    # --- the whole table ---

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
        if len(stale) > BULK_FROM and len(stale) * 4 >= self.count_rows():
            # a new table (a new schema), a restored backup: the whole table made anew
            self.rebuild(collection)
            return len(stale) + len(gone)
        if stale:
            self._keys.clear()
            if len(stale) > BULK_FROM:  # many differ: the file read once
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
        """Make the table anew from the collection, in one transaction: the rows and their
        text-index entries made together from one read of the file and written in chunks (the
        whole table is never held in memory), the secondary indexes made after, from the full
        table (one sort each instead of 100,000 insertions into each)."""
        self._keys.clear()
        made = self._rebuild_chunks(collection)
        count = 0
        cards = ", ".join("?" * (len(COLUMNS) + 4))
        db = self._connect()
        # the sorts of the indexes and the text index's segments in memory, for this once
        (cache,) = db.execute("PRAGMA cache_size").fetchone()
        db.execute(f"PRAGMA cache_size = {-REBUILD_CACHE_KB}")
        try:
            with db:
                drop_indexes(db)
                db.execute("DELETE FROM cards")
                db.execute("DROP TABLE IF EXISTS card_text")  # faster than deleting its rows
                db.execute(TEXT_TABLE)
                for rows, texts in made:
                    count += len(rows)
                    db.executemany(
                        f"INSERT INTO cards (rowid, {_NAMES}, digest) VALUES ({cards})", rows
                    )
                    db.executemany(
                        "INSERT INTO card_text (rowid, unit, subject, body) VALUES (?, ?, ?, ?)",
                        texts,
                    )
                create_indexes(db)
        finally:
            db.execute(f"PRAGMA cache_size = {cache}")
            db.execute("PRAGMA shrink_memory")
        return count

    def _rebuild_chunks(self, collection):
        """([card rows], [text-index rows]) of REBUILD_CHUNK cards at a time, rowids from 1."""
        unit, subject, search = (2 + COLUMNS.index(c) for c in ("unit", "subject", "search"))
        rows, texts = [], []
        for rowid, (doc, digest) in enumerate(self._all_stored(collection), start=1):
            row = self.row(doc)
            rows.append((rowid, *row, digest))
            texts.append(
                (
                    rowid,
                    _unit_token(row[unit]),
                    unit_grams(row[unit], row[subject]),
                    grams(row[search]),
                )
            )
            if len(rows) == REBUILD_CHUNK:
                yield rows, texts
                rows, texts = [], []
        if rows:
            yield rows, texts
