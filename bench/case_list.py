"""A list of 10,000 case cards on the embedded store: sorted by deadline, overdue only, with a
keyword search. Target (issue 5): median ≤ 150 ms per page.

Run: .venv/bin/python bench/case_list.py [count]
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


def main(count=10_000):
    from admin import create_app

    folder = tempfile.mkdtemp(prefix="xinfang-bench-")
    app = create_app({"DATA_DIR": folder, "SECRET_KEY": "bench"})
    import documents
    import seeds

    seeds.load()
    unit = documents.Unit.objects.get(name="XXX乡")
    rng = random.Random(7)
    start = datetime.date(2024, 1, 1)
    cards = []
    for n in range(count):
        registered = start + datetime.timedelta(days=rng.randrange(0, 700))
        card = documents.CaseCard(
            unit=unit, number=f"XXX乡〔2025〕{n + 1}号", registered_on=registered,
            petitioner=f"信访人{n}", subject=rng.choice(SUBJECTS) + f"（{n}）",
            source=rng.choice(documents.case.SOURCES), case_type="初访", step="登记",
            decided_on=registered + datetime.timedelta(days=rng.randrange(1, 10))
            if rng.random() < 0.7 else None,
        )  # fmt: skip
        card._compute_deadlines(documents.deadlines.Rules.for_unit(unit))
        cards.append(card.to_mongo())
    collection = documents.CaseCard._get_collection()
    began = time.perf_counter()
    for i in range(0, len(cards), 1000):
        collection.insert_many(cards[i:i + 1000])
    print(f"{count} cards inserted in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    rebuilt = documents.listing.sync()  # what a restart does after cards were written directly
    print(f"list index rebuilt for {rebuilt} cards in {time.perf_counter() - began:.1f} s")

    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "casecard")
    overdue = next(i for i, f in enumerate(view._filters) if f.column == "next_deadline")
    sort = [c for c, _ in view._list_columns].index("next_deadline")
    client = app.test_client()
    office = documents.Account.objects.get(username="xiangxinfang")  # the township's office
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(office.pk), True
    urls = {
        "sorted by deadline": f"/admin/casecard/?sort={sort}",
        "overdue, sorted": f"/admin/casecard/?sort={sort}&flt0_{overdue}=overdue",
        "overdue, sorted, searched": f"/admin/casecard/?sort={sort}&flt0_{overdue}=overdue"
                                     "&search=土地",
        "page 20 of the overdue": f"/admin/casecard/?sort={sort}&flt0_{overdue}=overdue&page=20",
    }  # fmt: skip
    ok = True
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200 and "XXX乡〔2025〕" in first.get_data(as_text=True)
        times = []
        for _ in range(9):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        median = statistics.median(times)
        print(f"{name}: median {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f})")
        ok &= report(f"  {name}", median, "ms", 150)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
