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
import re
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
# the text index beside the table: one row per card (its rowid), the unit as one token, the
# 案由 and what search looks into as bigram tokens (see ``grams``)
TEXT_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS card_text USING fts5(unit, subject, body, tokenize='ascii')"
)

# the secondary indexes of the table
INDEXES = (
    # the list's orders (see _order), for one unit and for all
    ("archived", "registered_on", "id"),
    ("unit", "archived", "registered_on", "id"),
    ("archived", "(registered_on IS NULL)", "registered_on", "id DESC"),
    ("unit", "archived", "(registered_on IS NULL)", "registered_on", "id DESC"),
    ("archived", "next_deadline", "registered_on", "id"),
    ("unit", "archived", "next_deadline", "registered_on", "id"),
    (
        "archived",
        "(next_deadline IS NULL)",
        "next_deadline",
        "registered_on DESC",
        "id DESC",
    ),
    (
        "unit",
        "archived",
        "(next_deadline IS NULL)",
        "next_deadline",
        "registered_on DESC",
        "id DESC",
    ),
    # repeat detection: the same ID number, the same name; numbering: a number used
    ("unit", "id_number"),
    ("unit", "number"),
    ("unit", "petitioner"),
    ("responsible_leader",),
    ("reception_leader",),
    # covering indexes of the reports' counts (no table lookups)
    ("unit", "archived", "registered_on", "closed_on", "outcome"),
    ("unit", "archived", "registered_on", "case_type", "outcome", "status", "marks"),
    ("unit", "archived", "registered_on", "source", "category"),
)


def index_name(columns) -> str:
    return "by_" + "_".join(re.sub(r"\W+", "_", c).strip("_") for c in columns)


# indexes of earlier versions, dropped where found: (unit, archived, next_deadline,
# registered_on) is a prefix of the order's (…, id) and served the same counts
RETIRED_INDEXES = ("by_unit_archived_next_deadline_registered_on",)


def create_indexes(db):
    for name in RETIRED_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {name}")
    for columns in INDEXES:
        db.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(columns)} ON cards ({', '.join(columns)})"
        )


def drop_indexes(db):
    for columns in INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {index_name(columns)}")


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
    return " zz ".join(" ".join(_line_grams(line)) for line in (text or "").lower().split("\n"))


class _Hex(dict):
    """A letter's code point in hex, remembered for the first 60,000 letters seen (the CJK
    ideographs in use and then some; a text of rarer letters is still tokenized, just not
    remembered)."""

    def __missing__(self, letter):
        code = format(ord(letter), "x")
        if len(self) < 60_000:
            self[letter] = code
        return code


_HEX = _Hex()


def _line_grams(line):
    codes = list(map(_HEX.__getitem__, line))
    return map("x".join, zip(codes, codes[1:], strict=False))


def _bigrams(text) -> set[str]:
    text = text.lower()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def unit_grams(unit, text) -> str:
    """The bigram tokens of a 案由 for its unit alone (``4e0ax571fu<unit id>``): a look-up of
    similar 案由 then reads the postings of one unit, not of every unit's cards."""
    suffix = _unit_token(unit)
    tokens = [t for line in (text or "").lower().split("\n") for t in _line_grams(line)]
    return f"{suffix} ".join(tokens) + suffix if tokens else ""


def _unit_token(unit) -> str:
    return f"u{unit or ''}"
