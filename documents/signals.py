"""What the documents announce when they are written, for what must follow without the writer
knowing it: the embedded store's list index (``documents.cardquery.index``) follows the cards.

Both are sent under the store's write lock, after the write, so that a receiver writing too
(the index row) lands together with the card. Receivers are called in the sending thread, in
order; an exception in one fails the write as it would have inline.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the card just saved (CaseCard.save)
card_saved = _signals.signal("card-saved")
# sender: the CaseCard class; ids: the cards written or deleted through a query (update, delete)
cards_changed = _signals.signal("cards-changed")
