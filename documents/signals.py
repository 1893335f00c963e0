"""What the documents announce when they are written, for what must follow without the writer
knowing it: the embedded store's list index (``documents.cardquery.index``) follows the cards
and their history. And the few things ``documents.case`` and its siblings ask of the modules
above them (hooks they provide): the list index's mark around a write, a card's history ids,
its repeats.

Both are sent under the store's write lock, after the write, so that a receiver writing too
(the index row) lands together with the card. Receivers are called in the sending thread, in
order; an exception in one fails the write as it would have inline.
"""

import contextlib

from blinker import Namespace

_signals = Namespace()

# sender: the card just saved (CaseCard.save)
card_saved = _signals.signal("card-saved")
# sender: the CaseCard class; ids: the cards written or deleted through a query (update, delete)
cards_changed = _signals.signal("cards-changed")
# sender: the card's id; entry: the id of the history entry just recorded for it
history_recorded = _signals.signal("history-recorded")


# --- what documents.case asks of the modules above it ----------------------------------------
# A signal tells; these answer. documents.cardquery provides them when it is imported (by
# documents/__init__, before any card is read or written), so that documents.case and
# documents.numbering never import it (it imports documents.case). Without a provider: no list
# index to mark or to ask.

_provided = {}


def provide(name, function):
    """Register the function behind one of the hooks below (``writing``, ``history_ids``,
    ``number_used``, ``repeats``): the module that answers it calls this once, at import."""
    if name not in ("writing", "history_ids", "number_used", "repeats"):
        raise KeyError(name)
    _provided[name] = function


def writing(delta=0):
    """The context a write of cards runs in, under the store's write lock (``delta``: how it
    changes their number): the list index marks it until the card and its row are both
    written (``documents.cardquery.index.writing``); nothing without an index."""
    hook = _provided.get("writing")
    return hook(delta) if hook is not None else contextlib.nullcontext()


def history_ids(card_id):
    """The ids of a card's history entries from the list index, or None (no index: ask the
    store)."""
    hook = _provided.get("history_ids")
    return hook(card_id) if hook is not None else None


def number_used(unit_id, number):
    """Whether a card of the unit has this number, from the list index (``documents.numbering``
    skips a number typed by hand on another card), or None (no index: ask the store)."""
    hook = _provided.get("number_used")
    return hook(unit_id, number) if hook is not None else None


def repeats(unit, **card):
    """The earlier cards of ``unit`` a new card repeats, best first, each with its reason
    (``documents.cardquery.repeats``, the rules of ``documents.repeat_rules``)."""
    hook = _provided.get("repeats")
    if hook is None:
        raise RuntimeError("documents.cardquery is not loaded: import documents, not one module")
    return hook(unit, **card)
