"""Where the documents live: a MongoDB server, mongomock for tests, or the embedded store on disk.

The embedded store is litemongo (one SQLite file per collection). litemongo is written for one
thread: its SQLite connections refuse to be used by another thread, its shared cursors and query
caches are plain attributes, and an update is a read followed by a write. A threaded or
multi-process web server breaks all three. ``EmbeddedClient`` solves that in one place: it hands
out guarded proxies of the client, its databases, collections and cursors, so that

- every call into the store runs under one lock per process (the connections can then be shared
  by all threads of the process, which keeps litemongo's query caches warm across requests);
- every write also holds an exclusive ``fcntl`` lock on a file in the data folder, so that a
  read-modify-write (``$inc``, ``$push``, a versioned update) is atomic across processes;
- a process that was forked after the store was opened opens its own connections.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import inspect
import os
import pathlib
import sqlite3
import threading
import types
from dataclasses import dataclass
from urllib.parse import urlparse

import bson
import litemongo
import mongoengine
from litemongo import sqlite_store
from litemongo._vendor.mongomock import collection as _mm_collection
from litemongo._vendor.mongomock import command_cursor as _mm_command_cursor
from litemongo._vendor.mongomock import database as _mm_database

DEFAULT_DB_NAME = "xinfang"
DEFAULT_DATA_DIR = "data"

# Collection, database and client methods that change data: they hold the inter-process lock.
WRITE_METHODS = frozenset(
    {
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "replace_one",
        "find_one_and_update",
        "find_one_and_replace",
        "find_one_and_delete",
        "delete_one",
        "delete_many",
        "bulk_write",
        "drop",
        "rename",
        "create_index",
        "create_indexes",
        "drop_index",
        "drop_indexes",
        "insert",
        "update",
        "remove",
        "save",
        "find_and_modify",
        "create_collection",
        "drop_collection",
        "drop_database",
    }
)


class StoreError(Exception):
    """The store cannot be opened as configured; the message says why, in Chinese."""


@dataclass(frozen=True)
class StoreInfo:
    """What store a connection uses, for `xinfang check` and the logs."""

    kind: str  # "mongodb", "embedded" or "mongomock"
    location: str
    db_name: str


# --- the embedded store -------------------------------------------------------------------------

_open_lock = threading.Lock()


class _CollectionStore(sqlite_store.CollectionStore):
    def open(self):
        # litemongo calls sqlite3.connect(path), which ties the connection to the opening thread.
        # Every use of these connections is serialised by the guard, so let any thread use them.
        with _open_lock:
            plain = sqlite_store.sqlite3
            sqlite_store.sqlite3 = types.SimpleNamespace(
                connect=functools.partial(sqlite3.connect, check_same_thread=False)
            )
            try:
                super().open()
            finally:
                sqlite_store.sqlite3 = plain
        # A writer in another process holds the file briefly; wait for it rather than fail.
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
    def __getitem__(self, col_name):
        if col_name not in self._collections:
            self._collections[col_name] = _CollectionStore(
                self._dirpath / col_name, codec_options=self._codec_options
            )
        return self._collections[col_name]


class _ServerStore(sqlite_store.ServerStore):
    def __getitem__(self, db_name):
        if db_name not in self._databases:
            self._databases[db_name] = _DatabaseStore(self._dirpath / db_name)
        return self._databases[db_name]


class _Guard:
    """The locks of one data folder in one process."""

    def __init__(self, folder: pathlib.Path):
        self._thread_lock = threading.RLock()
        self._lock_path = folder / ".write.lock"
        self._file = None
        self._write_depth = 0

    @contextlib.contextmanager
    def hold(self, write: bool):
        with self._thread_lock:
            if not write:
                yield
                return
            if self._write_depth == 0:
                if self._file is None:
                    self._file = open(self._lock_path, "a+b")  # noqa: SIM115 - kept open
                fcntl.flock(self._file, fcntl.LOCK_EX)
            self._write_depth += 1
            try:
                yield
            finally:
                self._write_depth -= 1
                if self._write_depth == 0:
                    fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self):
        with self._thread_lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def wrap(self, value):
        if isinstance(value, _GUARDED_TYPES):
            return _Guarded(value, self)
        return value


class _Guarded:
    """A proxy that runs every call of its target under the guard."""

    __slots__ = ("_target", "_guard")

    def __init__(self, target, guard: _Guard):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_guard", guard)

    def __getattr__(self, name):
        value = getattr(self._target, name)
        guard = self._guard
        if inspect.ismethod(value) or inspect.isfunction(value):
            write = name in WRITE_METHODS

            @functools.wraps(value)
            def guarded(*args, **kwargs):
                with guard.hold(write):
                    return guard.wrap(value(*args, **kwargs))

            return guarded
        return guard.wrap(value)

    def __setattr__(self, name, value):
        setattr(self._target, name, value)

    def __getitem__(self, key):
        with self._guard.hold(False):
            return self._guard.wrap(self._target[key])

    def __iter__(self):
        if isinstance(self._target, _mm_collection.Cursor | _mm_command_cursor.CommandCursor):
            return self
        with self._guard.hold(False):
            return iter(list(self._target))

    def __next__(self):
        with self._guard.hold(False):
            return next(self._target)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __eq__(self, other):
        if isinstance(other, _Guarded):
            other = other._target
        return self._target == other

    def __hash__(self):
        return hash(self._target)

    def __repr__(self):
        return f"Guarded({self._target!r})"


_GUARDED_TYPES = (
    _mm_database.Database,
    _mm_collection.Collection,
    _mm_collection.Cursor,
    _mm_command_cursor.CommandCursor,
)


class EmbeddedClient:
    """A pymongo-like client over litemongo, safe for threads and processes.

    mongoengine constructs it with its connection settings; only ``data_dir`` matters here.
    """

    def __init__(self, data_dir: str | os.PathLike = DEFAULT_DATA_DIR, **_settings):
        self.folder = pathlib.Path(data_dir).absolute()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"无法创建数据目录 {self.folder}：{exc.strerror}") from exc
        if not os.access(self.folder, os.W_OK):
            raise StoreError(f"数据目录 {self.folder} 不可写")
        self._pid = None
        self._client = None
        self._guard = None
        self._abandoned = []  # connections inherited through fork: never closed by the child

    def _ensure_open(self):
        if self._pid != os.getpid():
            if self._client is not None:
                self._abandoned.append(self._client)
            self._guard = _Guard(self.folder)
            self._client = litemongo.MongoClient(_ServerStore(self.folder))
            self._pid = os.getpid()
        return self._client, self._guard

    def __getitem__(self, name):
        client, guard = self._ensure_open()
        with guard.hold(False):
            return guard.wrap(client[name])

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        client, guard = self._ensure_open()
        return getattr(_Guarded(client, guard), name)

    def write_lock(self):
        """Hold the write lock across several writes (a card and its list-index row)."""
        _client, guard = self._ensure_open()
        return guard.hold(True)

    def close(self):
        if self._client is not None and self._pid == os.getpid():
            with self._guard.hold(True):
                self._client.close()
            self._guard.close()
        self._client = None
        self._pid = None


# --- choosing and opening a store -----------------------------------------------------------------


def db_name_from_uri(uri: str) -> str:
    """The database named in a MongoDB URI, or a StoreError that says what is wrong."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("mongodb", "mongodb+srv"):
        raise StoreError(f"MONGODB_URI 必须以 mongodb:// 或 mongodb+srv:// 开头，现为：{uri}")
    name = parsed.path.lstrip("/")
    if not name:
        raise StoreError("MONGODB_URI 没有写数据库名，例如 mongodb://localhost:27017/xinfang")
    if any(ch in name for ch in ' ."$/\\'):
        raise StoreError(f"MONGODB_URI 中的数据库名不合法：{name}")
    return name


def connect(
    uri: str | None = None,
    data_dir: str | os.PathLike | None = None,
    *,
    mock: bool = False,
    db_name: str = DEFAULT_DB_NAME,
    alias: str = mongoengine.DEFAULT_CONNECTION_NAME,
) -> StoreInfo:
    """Connect mongoengine to the configured store and say which one it is.

    ``uri`` wins when given; else ``mock`` gives an in-memory mongomock; else the embedded store
    in ``data_dir``.
    """
    mongoengine.disconnect(alias)
    from .cardquery import index

    index.use(None)
    if uri:
        name = db_name_from_uri(uri)
        mongoengine.connect(
            host=uri, alias=alias, uuidRepresentation="standard", serverSelectionTimeoutMS=5000
        )
        return StoreInfo("mongodb", _hide_password(uri), name)
    if mock:
        import mongomock

        mongoengine.connect(
            db=db_name,
            alias=alias,
            host="mongodb://localhost",
            mongo_client_class=mongomock.MongoClient,
            uuidRepresentation="standard",
        )
        return StoreInfo("mongomock", "memory", db_name)
    folder = pathlib.Path(data_dir or DEFAULT_DATA_DIR).absolute()
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"数据目录 {folder} 已存在但不是目录")
    mongoengine.connect(
        db=db_name,
        alias=alias,
        host="embedded",
        mongo_client_class=EmbeddedClient,
        data_dir=str(folder),
        uuidRepresentation="standard",
    )
    index.use(
        folder / ".xinfang-indexes" / f"{db_name}-case-cards.sqlite3",
        source=folder / db_name / "case_cards",
    )
    return StoreInfo("embedded", str(folder), db_name)


def _hide_password(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.password:
        return uri.replace(f":{parsed.password}@", ":***@")
    return uri


def write_lock():
    """The embedded store's write lock, for writes that must land together; elsewhere (MongoDB,
    mongomock) nothing."""
    try:
        client = mongoengine.get_connection()
    except mongoengine.ConnectionFailure:
        return contextlib.nullcontext()
    return client.write_lock() if isinstance(client, EmbeddedClient) else contextlib.nullcontext()


def delete_made_before(collection, moment) -> int:
    """Delete the documents of a collection whose ObjectId ``_id`` was made before ``moment``.
    On the embedded store one DELETE on the collection's file by its keys (litemongo 0.2 keys an
    ObjectId as ``o:<hex>``, in time order), under the write lock; litemongo's connections see
    the change as another connection's write. Elsewhere an ``_id`` range, which MongoDB indexes."""
    boundary = bson.ObjectId.from_datetime(moment)
    client = mongoengine.get_connection()
    if not isinstance(client, EmbeddedClient):
        return collection.delete_many({"_id": {"$lt": boundary}}).deleted_count
    path = client.folder / collection.database.name / collection.name
    if not path.exists():
        return 0
    with client.write_lock():
        raw = sqlite3.connect(path, timeout=30)
        try:
            row = raw.execute("SELECT value FROM info WHERE key = 'key_format'").fetchone()
            if row is None or row[0] != sqlite_store.KEY_FORMAT_TYPED:
                return collection.delete_many({"_id": {"$lt": boundary}}).deleted_count
            with raw:
                deleted = raw.execute(
                    "DELETE FROM documents WHERE _id >= 'o:' AND _id < ?", (f"o:{boundary}",)
                ).rowcount
        except sqlite3.OperationalError:  # no table yet: nothing stored
            return 0
        finally:
            raw.close()
    return deleted


def disconnect_all():
    """Close every connection, e.g. before a server forks its workers."""
    mongoengine.disconnect_all()
