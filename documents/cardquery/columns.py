"""What a row of the list index holds: the table's columns, a card's values as the text
written into them, and the bigram tokens of the text index beside the table.

These are plain functions and constants, shared by the rest of the index: ``sql.py`` compiles
queries on these columns (and looks words up through ``grams``), ``writing.py`` and
``checking.py`` write rows of them, and ``index.py`` registers ``grams``, ``unit_grams`` and
``_lower`` as SQL functions on every connection, so that SQLite writes the text index with the
same tokens as Python looks up.
"""

from __future__ import annotations

import datetime
import zlib

COLUMNS = (
    "unit",
    "archived",
    "next_deadline",
    "registered_on",
    "number",
    "petitioner",
    "subject",
    "category",
    "department",
    "source",
    "case_type",
    "status",
    "outcome",
    "step",
    "search",
    "marks",
    "closed_on",
    "responsible_leader",
    "reception_leader",
    "id_number",
    "phones",
)
_CHUNK = 500
_NAMES = ", ".join(("id", "version", *COLUMNS))


def _crc(blob) -> int:
    return zlib.crc32(blob)


def _text(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def grams(text) -> str:
    """Text as FTS5 tokens: each two letters in a row (lowered) as one token of their code
    points, ``4e0ax571f`` for 上地; ``zz`` between two values, so that no phrase spans them.
    A phrase of a word's bigrams then matches where the word stands (SQLite's trigram tokenizer
    cannot look up the two-character words Chinese search mostly uses)."""
    return " zz ".join(
        " ".join(f"{ord(a):x}x{ord(b):x}" for a, b in zip(line, line[1:], strict=False))
        for line in (text or "").lower().split("\n")
    )


def _bigrams(text) -> set[str]:
    text = text.lower()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def unit_grams(unit, text) -> str:
    """The bigram tokens of a 案由 for its unit alone (``4e0ax571fu<unit id>``): a look-up of
    similar 案由 then reads the postings of one unit, not of every unit's cards."""
    suffix = _unit_token(unit)
    return " ".join(f"{token}{suffix}" for token in grams(text).split() if token != "zz")


def _unit_token(unit) -> str:
    return f"u{unit or ''}"
