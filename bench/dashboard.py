"""The dashboard (the panel's front page) with 100,000 case cards on the embedded store.

Target (issue 8): median ≤ 500 ms per page. The cards are spread over two years with every
source, type, outcome and status, some with marks; the page is asked for one month, and for the
whole campaign year.

Run: .venv/bin/python bench/dashboard.py [count]
"""

import datetime
import random
import statistics
import sys
import tempfile
import time

from common import report

SUBJECTS = ["反映土地补偿款未足额发放", "要求解决拖欠工资问题", "反映企业污染环境", "不服法院判决",
            "申请低保救助", "反映宅基地纠纷", "反映村务不公开", "要求落实退役军人待遇"]  # fmt: skip


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
        decided = registered + datetime.timedelta(days=rng.randrange(1, 10)) \
            if rng.random() < 0.8 else None  # fmt: skip
        card = documents.CaseCard(
            unit=unit, number=f"XXX乡〔2025〕{n + 1}号", registered_on=registered,
            petitioner=f"信访人{n}", subject=rng.choice(SUBJECTS) + f"（{n}）",
            source=rng.choice(case.SOURCES), case_type=rng.choice(case.CASE_TYPES),
            category=rng.choice(case.DEFAULT_CATEGORIES), outcome=outcome, status=status,
            channel="诉讼" if outcome == "不予受理" else None,
            marks=rng.sample(case.CASE_MARKS, rng.choice([0, 0, 0, 1, 2])),
            decided_on=decided, step="登记",
            closed_on=registered + datetime.timedelta(days=20) if status == "已办结" else None,
        )  # fmt: skip
        card._compute_deadlines(rules)
        cards.append(card.to_mongo())
    return cards


def main(count=100_000):
    from admin import create_app

    folder = tempfile.mkdtemp(prefix="xinfang-bench-")
    app = create_app({"DATA_DIR": folder, "SECRET_KEY": "bench"})
    import documents
    import seeds

    seeds.load()
    unit = documents.Unit.objects.get(name="XXX乡")
    rng = random.Random(8)
    began = time.perf_counter()
    cards = make_cards(unit, count, rng)
    collection = documents.CaseCard._get_collection()
    for i in range(0, len(cards), 2000):
        collection.insert_many(cards[i:i + 2000])
    print(f"{count} cards made and inserted in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    rebuilt = documents.listing.sync()  # what a restart does after cards were written directly
    print(f"list index rebuilt for {rebuilt} cards in {time.perf_counter() - began:.1f} s")

    client = app.test_client()
    office = documents.Account.objects.get(username="xiangxinfang")  # the township's office
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(office.pk), True
    urls = {
        "one month (2026-03)": "/admin/?start=2026-03-01&end=2026-03-31",
        "a whole year (2025)": "/admin/?start=2025-01-01&end=2025-12-31",
    }
    ok = True
    for name, url in urls.items():
        first = client.get(url)
        html = first.get_data(as_text=True)
        assert first.status_code == 200 and "超期未办" in html, first.status_code
        times = []
        for _ in range(15):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        median = statistics.median(times)
        print(f"{name}: median {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f})")
        ok &= report(f"  {name}", median, "ms", 500)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
