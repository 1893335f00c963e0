"""Every use of litemongo's internals, in one place, so that an upgrade breaks here and only
here. litemongo is pinned to 0.2.x (pyproject.toml); each piece says what of 0.2.0 it relies on.

``documents.store`` builds the thread- and process-safe client on top of what is here.
"""

import functools
import pathlib
import sqlite3
import threading
import types

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


def open_client(folder: pathlib.Path):
    """litemongo's client over the data folder, with the stores above."""
    return litemongo.MongoClient(_ServerStore(folder))
