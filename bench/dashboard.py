"""The dashboard (the panel's front page) with 100,000 case cards on the embedded store.

Target (issue 8): median ≤ 500 ms per page. The cards are spread over two years with every
source, type, outcome and status, some with marks; the page is asked for one month, and for the
whole campaign year.

Run: .venv/bin/python bench/dashboard.py [count]
"""

import datetime
import random
import sys
import time

from common import SUBJECTS, embedded_panel, load_cards, office_client, time_pages


def make_cards(unit, count, rng):
    import documents
    from documents import case
    from documents.deadlines import Rules

    rules = Rules.for_unit(unit)
    start = datetime.date(2025, 1, 1)
    cards = []
    for n in range(count):
        registered = start + datetime.timedelta(days=rng.randrange(0, 700))
        outcome = rng.choice([None, None, "化解", "化解", "息访罢访", "稳控", "不予受理"])
        status = "已办结" if outcome in ("化解", "不予受理") else rng.choice(case.STATUSES[:3])
        decided = (
            registered + datetime.timedelta(days=rng.randrange(1, 10))
            if rng.random() < 0.8
            else None
        )
        card = documents.CaseCard(
            unit=unit,
            number=f"XXX乡〔2025〕{n + 1}号",
            registered_on=registered,
            petitioner=f"信访人{n}",
            subject=rng.choice(SUBJECTS) + f"（{n}）",
            source=rng.choice(case.SOURCES),
            case_type=rng.choice(case.CASE_TYPES),
            category=rng.choice(case.DEFAULT_CATEGORIES),
            outcome=outcome,
            status=status,
            channel="诉讼" if outcome == "不予受理" else None,
            marks=rng.sample(case.CASE_MARKS, rng.choice([0, 0, 0, 1, 2])),
            decided_on=decided,
            step="登记",
            closed_on=registered + datetime.timedelta(days=20) if status == "已办结" else None,
        )
        card._compute_deadlines(rules)
        cards.append(card.to_mongo())
    return cards


def main(count=100_000):
    app, unit = embedded_panel()
    began = time.perf_counter()
    load_cards(make_cards(unit, count, random.Random(8)), began)
    client = office_client(app)  # the township's office
    urls = {
        "one month (2026-03)": "/admin/?start=2026-03-01&end=2026-03-31",
        "a whole year (2025)": "/admin/?start=2025-01-01&end=2025-12-31",
    }
    return 0 if time_pages(client, urls, "超期未办", 500, runs=15) else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
