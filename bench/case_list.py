"""A list of 10,000 case cards on the embedded store: sorted by deadline, overdue only, with a
keyword search. Target (issue 5): median ≤ 150 ms per page.

Run: .venv/bin/python bench/case_list.py [count]
"""

import datetime
import random
import sys
import time

from common import SUBJECTS, embedded_panel, load_cards, office_client, time_pages


def main(count=10_000):
    import documents

    app, unit = embedded_panel()
    rng = random.Random(7)
    start = datetime.date(2024, 1, 1)
    began = time.perf_counter()
    cards = []
    for n in range(count):
        registered = start + datetime.timedelta(days=rng.randrange(0, 700))
        card = documents.CaseCard(
            unit=unit,
            number=f"XXX乡〔2025〕{n + 1}号",
            registered_on=registered,
            petitioner=f"信访人{n}",
            subject=rng.choice(SUBJECTS) + f"（{n}）",
            source=rng.choice(documents.case.SOURCES),
            case_type="初访",
            step="登记",
            decided_on=registered + datetime.timedelta(days=rng.randrange(1, 10))
            if rng.random() < 0.7
            else None,
        )
        card._compute_deadlines(documents.deadlines.Rules.for_unit(unit))
        cards.append(card.to_mongo())
    load_cards(cards, began)

    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "casecard")
    overdue = next(i for i, f in enumerate(view._filters) if f.column == "next_deadline")
    sort = [c for c, _ in view._list_columns].index("next_deadline")
    client = office_client(app)
    urls = {
        "sorted by deadline": f"/admin/casecard/?sort={sort}",
        "overdue, sorted": f"/admin/casecard/?sort={sort}&flt0_{overdue}=overdue",
        "overdue, sorted, searched": f"/admin/casecard/?sort={sort}&flt0_{overdue}=overdue"
        "&search=土地",
        "page 20 of the overdue": f"/admin/casecard/?sort={sort}&flt0_{overdue}=overdue&page=20",
    }
    return 0 if time_pages(client, urls, "XXX乡〔2025〕", 150, runs=9) else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
