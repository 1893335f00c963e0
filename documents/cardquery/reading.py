"""The reading side of the list index: the contract's queries (``find``, ``count``,
``groups``), the candidates of a repeated card, a number in use and a card's history entries.

``ReadingMixin`` is one part of ``index.CardIndex`` (with ``writing.RowWritingMixin`` and
``checking.CheckingMixin``); the SQL of a query is compiled by ``sql.py``, and the package's
``find``, ``count``, ``groups`` and ``repeats`` ask here when there is an index.
"""

from __future__ import annotations

from . import rules
from .columns import _bigrams, index_name, unit_grams
from .sql import _GROUP_EXPRESSIONS, _order, _Where

# the same person's cards by these indexes: without statistics SQLite would rather walk the
# unit's cards in the order asked (10,000 rows) than sort the few of one name or ID number
_BY_ID_NUMBER = f"INDEXED BY {index_name(('unit', 'id_number'))}"
_BY_PETITIONER = f"INDEXED BY {index_name(('unit', 'petitioner'))}"


class ReadingMixin:
    def number_used(self, unit_id, number) -> bool:
        with self._connect() as db:
            found = db.execute(
                "SELECT 1 FROM cards WHERE unit = ? AND number = ? LIMIT 1", (unit_id, number)
            ).fetchone()
        return found is not None

    # --- a card's history ---

    def history_ids(self, card_id) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT id FROM history WHERE card = ?", (card_id,))]

    # --- the contract ---

    def find(self, query, resolved):
        where = _Where(query, resolved)
        order = _order(query.sort, query.descending)
        limit = -1 if query.limit is None else query.limit
        with self._connect() as db:
            total = db.execute(
                f"SELECT count(*) FROM cards WHERE {where.sql}", where.params
            ).fetchone()[0]
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT id FROM cards WHERE {where.sql} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*where.params, limit, query.offset],
                )
            ]
        return total, ids

    def count(self, query, resolved):
        where = _Where(query, resolved)
        with self._connect() as db:
            return db.execute(
                f"SELECT count(*) FROM cards WHERE {where.sql}", where.params
            ).fetchone()[0]

    def repeat_candidates(self, unit, exclude, id_number, petitioner, phones, subject, limit):
        """(id, reason, 案由, 登记日期) of the cards that may repeat a new one: the same ID
        number and the same name with a phone through their indexes, a similar 案由 through the
        text index (the cards of the unit sharing the most of its bigrams, best first)."""
        base = "unit = ? AND archived = 0 AND id != ?"
        params = [str(unit), str(exclude or "")]
        order = "ORDER BY registered_on DESC, id DESC LIMIT ?"
        found = []
        with self._connect() as db:
            if id_number:
                found += [
                    (i, "id_number", s, r)
                    for i, s, r in db.execute(
                        f"SELECT id, subject, registered_on FROM cards {_BY_ID_NUMBER} "
                        f"WHERE {base} AND id_number = ? {order}",
                        [*params, id_number, rules.SAME_PERSON_CANDIDATES],
                    )
                ]
            if petitioner and phones:
                any_phone = " OR ".join("instr(ifnull(phones, ''), ?) > 0" for _ in phones)
                found += [
                    (i, "name_phone", s, r)
                    for i, s, r in db.execute(
                        f"SELECT id, subject, registered_on FROM cards {_BY_PETITIONER} "
                        f"WHERE {base} AND petitioner = ? AND ({any_phone}) {order}",
                        [
                            *params,
                            petitioner,
                            *[f"|{p}|" for p in phones],
                            rules.SAME_PERSON_CANDIDATES,
                        ],
                    )
                ]
            found += self._similar_subjects(db, unit, params, subject)
        return found

    @staticmethod
    def _similar_subjects(db, unit, params, subject):
        """The cards of the unit whose 案由 share bigrams with this one and whose length lets
        them be alike (``rules.SIMILAR_SUBJECT``), the SIMILAR_CANDIDATES sharing the most
        (Dice coefficient of the bigram sets), for difflib to compare."""
        text = (subject or "").strip()
        tokens = sorted(set(unit_grams(unit, text).split()))
        if not tokens:
            return []
        # the rarest of its bigrams in the unit suffice: a card alike enough shares one of
        # any (most_missed_bigrams + 1) of them (rules.py), and the common ones ("反映") would
        # bring most of the unit's cards
        keep = rules.most_missed_bigrams(len(text)) + 1
        if keep < len(tokens):
            counts = {
                token: (
                    db.execute(
                        "SELECT doc FROM temp.card_vocab WHERE term = ?", (token,)
                    ).fetchone()
                    or (0,)
                )[0]
                for token in tokens
            }
            tokens = sorted(tokens, key=lambda t: (counts[t], t))[:keep]
        match = f"subject : ({' OR '.join(tokens)})"
        low, high = rules.alike_lengths(len(text))
        rows = db.execute(
            "SELECT c.id, c.subject, c.registered_on FROM card_text AS t "
            "CROSS JOIN cards AS c ON c.rowid = t.rowid WHERE card_text MATCH ? "
            "AND c.unit = ? AND c.archived = 0 AND c.id != ? "
            "AND length(trim(c.subject)) BETWEEN ? AND ?",
            [match, *params, low, high],
        ).fetchall()
        mine = _bigrams(text)

        def dice(other):
            theirs = _bigrams((other or "").strip())
            return 2 * len(mine & theirs) / (len(mine) + len(theirs) or 1)

        rows.sort(key=lambda r: dice(r[1]), reverse=True)
        return [(i, "subject", s, r) for i, s, r in rows[: rules.SIMILAR_CANDIDATES]]

    def groups(self, query, resolved, columns):
        where = _Where(query, resolved)
        names = ", ".join(_GROUP_EXPRESSIONS.get(c, c) for c in columns)
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {names}, count(*) FROM cards WHERE {where.sql} GROUP BY {names}",
                where.params,
            ).fetchall()
        result = []
        for *values, n in rows:
            group = dict(zip(columns, values, strict=True))
            if "marks" in group:
                group["marks"] = tuple(m for m in (group["marks"] or "").split("|") if m)
            result.append((group, n))
        return result
