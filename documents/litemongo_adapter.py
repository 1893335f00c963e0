"""Every use of litemongo's internals, in one place, so that an upgrade breaks here and only
here. litemongo is pinned to 0.2.x (pyproject.toml); each piece says what of 0.2.0 it relies on.

``documents.store`` builds the thread- and process-safe client on top of what is here.
"""

import functools
import pathlib
import sqlite3
import threading
import types

import bson
import litemongo
from litemongo import sqlite_store

# litemongo 0.2.0 vendors mongomock and returns its Database, Collection, Cursor and
# CommandCursor objects: those are what the store's guard wraps (documents.store._Guarded)
from litemongo._vendor.mongomock import collection as _mm_collection
from litemongo._vendor.mongomock import command_cursor as _mm_command_cursor
from litemongo._vendor.mongomock import database as _mm_database

GUARDED_TYPES = (
    _mm_database.Database,
    _mm_collection.Collection,
    _mm_collection.Cursor,
    _mm_command_cursor.CommandCursor,
)
CURSOR_TYPES = (_mm_collection.Cursor, _mm_command_cursor.CommandCursor)

_open_lock = threading.Lock()


class _CollectionStore(sqlite_store.CollectionStore):
    """litemongo 0.2.0's store of one collection (one SQLite file), opened for any thread."""

    def open(self):
        # litemongo 0.2.0's CollectionStore.open calls the module global ``sqlite3.connect(path)``
        # and keeps the connection in ``self._connection``; a plain connection is tied to the
        # opening thread. Every use of these connections is serialised by the store's guard, so
        # the module global is swapped, for this call only, for one that lets any thread use it.
        with _open_lock:
            plain = sqlite_store.sqlite3
            sqlite_store.sqlite3 = types.SimpleNamespace(
                connect=functools.partial(sqlite3.connect, check_same_thread=False)
            )
            try:
                super().open()
            finally:
                sqlite_store.sqlite3 = plain
        # a writer in another process holds the file briefly: wait for it rather than fail
        self._connection.execute("PRAGMA busy_timeout = 30000")

    def find_candidates(self, filter):  # noqa: A002 - litemongo's name
        """A query by ``_id`` (opening a card, a page of cards, saving one) reads just those
        rows by their primary key. litemongo would first build its in-memory query index from
        every document of the collection (litemongo 0.2: ``CollectionStore._get_query_index``),
        at start and again whenever another process has written: seconds at 100,000 cards."""
        ids = _id_values(filter)
        if ids is None:
            return super().find_candidates(filter)
        self._remove_expired_documents()
        return self._by_ids(ids)

    def _by_ids(self, ids):
        # litemongo 0.2.0: table ``documents`` (ROWID, _id, doc), keys by ``encode_key``,
        # documents by ``_decode_doc``
        keys = list(dict.fromkeys(self._documents.encode_key(i) for i in ids))
        found = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found += self._connection.execute(
                f"SELECT ROWID, doc FROM documents WHERE _id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        found.sort()  # litemongo's natural order
        return [self._documents._decode_doc(doc) for _rowid, doc in found]


def _id_values(filter):  # noqa: A002
    """The ids a filter is restricted to (``{"_id": x}``, ``{"_id": {"$in": [...]}}``, also
    inside a top-level ``$and``), or None when it is not."""
    if not isinstance(filter, dict):
        return None
    if "_id" in filter:
        condition = filter["_id"]
        if isinstance(condition, dict):
            values = condition.get("$in") if set(condition) == {"$in"} else None
            if set(condition) == {"$eq"}:
                values = [condition["$eq"]]
        else:
            values = [condition]
        if isinstance(values, list | tuple) and all(
            isinstance(v, bson.ObjectId | str | int) and not isinstance(v, bool) for v in values
        ):
            return list(values)
    for part in filter.get("$and") or ():
        values = _id_values(part)
        if values is not None:
            return values
    return None


class _DatabaseStore(sqlite_store.DatabaseStore):
    """litemongo 0.2.0's store of one database (a folder), making our collection stores."""

    # litemongo 0.2.0: DatabaseStore.__getitem__ fills ``self._collections`` from
    # ``self._dirpath`` with ``self._codec_options``; the same here, with _CollectionStore
    def __getitem__(self, col_name):
        if col_name not in self._collections:
            self._collections[col_name] = _CollectionStore(
                self._dirpath / col_name, codec_options=self._codec_options
            )
        return self._collections[col_name]


class _ServerStore(sqlite_store.ServerStore):
    """litemongo 0.2.0's store of the data folder, making our database stores."""

    # litemongo 0.2.0: ServerStore.__getitem__ fills ``self._databases`` from ``self._dirpath``
    def __getitem__(self, db_name):
        if db_name not in self._databases:
            self._databases[db_name] = _DatabaseStore(self._dirpath / db_name)
        return self._databases[db_name]


def delete_ids_before(path: pathlib.Path, boundary: bson.ObjectId) -> int | None:
    """Delete the documents of a collection's file whose ObjectId ``_id`` is below ``boundary``
    with one DELETE by key range (litemongo 0.2 keys an ObjectId as ``o:<hex>`` in its typed key
    format, in time order); litemongo's connections see it as another connection's write. The
    number deleted; None when the file keys ids otherwise (ask the collection instead)."""
    if not path.exists():
        return 0
    raw = sqlite3.connect(path, timeout=30)
    try:
        row = raw.execute("SELECT value FROM info WHERE key = 'key_format'").fetchone()
        if row is None or row[0] != sqlite_store.KEY_FORMAT_TYPED:
            return None
        with raw:
            return raw.execute(
                "DELETE FROM documents WHERE _id >= 'o:' AND _id < ?", (f"o:{boundary}",)
            ).rowcount
    except sqlite3.OperationalError:  # no table yet: nothing stored
        return 0
    finally:
        raw.close()


def open_client(folder: pathlib.Path):
    """litemongo's client over the data folder, with the stores above."""
    return litemongo.MongoClient(_ServerStore(folder))
