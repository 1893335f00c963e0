"""Shared set-up for the benchmarks: the sample data on an in-memory store."""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def sample():
    from documents import store

    store.connect(mock=True)
    import seeds

    seeds.load()


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def report(name, value, unit, target, lower_is_better=True):
    ok = value <= target if lower_is_better else value >= target
    print(f"{name}: {value:.3f} {unit} (target ≤ {target} {unit}) {'OK' if ok else 'MISSED'}")
    return ok


SUBJECTS = [
    "反映土地补偿款未足额发放",
    "要求解决拖欠工资问题",
    "反映企业污染环境",
    "不服法院判决",
    "申请低保救助",
    "反映宅基地纠纷",
    "反映村务不公开",
    "要求落实退役军人待遇",
]


def embedded_panel():
    """(app, the township) on a fresh embedded store with the sample data."""
    from admin import create_app

    app = create_app({"DATA_DIR": tempfile.mkdtemp(prefix="xinfang-bench-"), "SECRET_KEY": "bench"})
    import documents
    import seeds

    seeds.load()
    return app, documents.Unit.objects.get(name="XXX乡")


def load_cards(cards, began):
    """Writes cards straight into the collection, then rebuilds the list index as a restart
    does; prints how long both took (``began``: when making the cards started)."""
    import documents

    collection = documents.CaseCard._get_collection()
    for i in range(0, len(cards), 2000):
        collection.insert_many(cards[i : i + 2000])
    print(f"{len(cards)} cards made and inserted in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    from documents.cardquery import index as card_index

    rebuilt = card_index.sync()
    print(f"list index rebuilt for {rebuilt} cards in {time.perf_counter() - began:.1f} s")


def office_client(app, username="xiangxinfang"):
    """A test client signed in as the township's office."""
    import documents

    client = app.test_client()
    account = documents.Account.objects.get(username=username)
    if account.must_change_password:  # a demo account: its first sign-in asks for a new one
        documents.Account.objects(pk=account.pk).update(set__must_change_password=False)
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = account.get_id(), True
    return client


def time_pages(client, urls, expected, target_ms, runs):
    """Each page once to warm up (it must hold ``expected``), then ``runs`` times; prints the
    median against the target. True when every page met it."""
    ok = True
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200 and expected in first.get_data(as_text=True), url
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        median = statistics.median(times)
        print(f"{name}: median {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f})")
        ok &= report(f"  {name}", median, "ms", target_ms)
    return ok
