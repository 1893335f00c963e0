"""Who is acting: the web layer and the CLI set it, the history of records reads it."""

import contextlib
import contextvars

_actor = contextvars.ContextVar("xinfang_actor", default="系统")


def actor() -> str:
    return _actor.get()


def set_actor(name: str):
    """Name who acts from here on; the token given back undoes it (``reset_actor``)."""
    return _actor.set(name or "系统")


def reset_actor(token):
    _actor.reset(token)


@contextlib.contextmanager
def acting_as(name: str):
    token = _actor.set(name or "系统")
    try:
        yield
    finally:
        _actor.reset(token)
