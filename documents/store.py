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
import threading
from dataclasses import dataclass
from urllib.parse import urlparse

import bson
import mongoengine

from . import litemongo_adapter

DEFAULT_DB_NAME = "xinfang"
_card_index_path = None  # set by connect()
_cards_file_path = None  # set by connect()
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
        if isinstance(value, litemongo_adapter.GUARDED_TYPES):
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
        if isinstance(self._target, litemongo_adapter.CURSOR_TYPES):
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
            self._client = litemongo_adapter.open_client(self.folder)
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
    global _card_index_path, _cards_file_path
    mongoengine.disconnect(alias)
    _card_index_path = _cards_file_path = None
    if uri:
        name = db_name_from_uri(uri)
        mongoengine.connect(
            host=uri, alias=alias, uuidRepresentation="standard", serverSelectionTimeoutMS=5000
        )
        return StoreInfo("mongodb", _hide_password(uri), name)
    if mock:
        import mongomock  # only tests and --mock use it: a deployment never loads it

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
    _card_index_path = folder / ".xinfang-indexes" / f"{db_name}-case-cards.sqlite3"
    _cards_file_path = folder / db_name / "case_cards"
    return StoreInfo("embedded", str(folder), db_name)


def card_index_path():
    """Where the embedded store keeps its list index of the cards (``documents.cardquery``),
    or None on MongoDB and mongomock; a new object at each ``connect``."""
    return _card_index_path


def cards_file_path():
    """The embedded store's file of the cards (litemongo's, which the list index reads for its
    start-up check without decoding a card), or None on MongoDB and mongomock."""
    return _cards_file_path


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
    with client.write_lock():
        deleted = litemongo_adapter.delete_ids_before(path, boundary)
    if deleted is None:  # keys litemongo does not keep in time order
        return collection.delete_many({"_id": {"$lt": boundary}}).deleted_count
    return deleted


def disconnect_all():
    """Close every connection, e.g. before a server forks its workers."""
    mongoengine.disconnect_all()
