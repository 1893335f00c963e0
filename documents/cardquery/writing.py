"""The writing side of the list index: a card's row as it is written with the card, and the
rows removed or made anew from the collection when cards change in bulk.

``RowWritingMixin`` is one part of ``index.CardIndex``, which combines it with
``checking.CheckingMixin`` (the start-up check, which repairs rows through the methods here)
and ``reading.ReadingMixin`` (the queries); the connection (``_connect``) and the cache of
searchable keys (``_keys``) are the index's own. The stamp of a row (``_stamp``) is the CRC-32
of its card's stored BSON, read by ``digests`` of the check.
"""

from __future__ import annotations

import bson

from . import rules
from .columns import _CHUNK, _NAMES, COLUMNS, _text


class RowWritingMixin:
    # --- rows ---

    def _search_keys(self, unit_id):
        if unit_id not in self._keys:
            self._keys[unit_id] = rules.searchable_keys(unit_id) if unit_id else frozenset()
        return self._keys[unit_id]

    def row(self, doc: dict) -> tuple:
        """The index row of a card as stored (a BSON-decoded dict)."""
        get = doc.get
        unit = _text(get("unit"))
        special = {
            "unit": unit,
            "archived": 1 if get("archived") else 0,
            "search": rules.search_text(doc, self._search_keys(unit)),
            # |越级访|赴京访|: one mark is matched by instr(marks, '|越级访|')
            "marks": "|" + "|".join(get("marks")) + "|" if get("marks") else None,
            "phones": "|" + "|".join(get("phones")) + "|" if get("phones") else None,
        }
        return (
            str(doc["_id"]),
            get("version") or 0,
            *[
                special[c]
                if c in special
                else (v if (v := get(c)) is None or v.__class__ is str else _text(v))
                for c in COLUMNS
            ],
        )

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

    # --- a card's history ---

    def add_history(self, card_id, entry_id):
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO history VALUES (?, ?)", (card_id, entry_id))
