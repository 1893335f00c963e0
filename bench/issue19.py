"""Issue 19: a county's cards on the embedded store, beside Django 5.2's admin on SQLite over an
equivalent table (bench/django_anchor/), measured in the same run, interleaved, 50 rows a page.

    bash bench/setup            # installs Django into .venv (the optional extra "bench")
    .venv/bin/python bench/issue19.py [count]     # default 100,000 cards, a tenth in one unit

The generated stores (xinfang's data folder and the anchor's SQLite file) are cached under
/tmp/xinfang-bench-<count>/ and copied afresh for each run; delete the folder to make them anew.
"""

import datetime
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import SUBJECTS  # noqa: E402

PLACES = [f"{a}{b}村" for a in "东西南北前后上下" for b in "庄坪沟湾河岭"]
DETAILS = ["", "", "的问题", "，多次反映未果", "，要求尽快处理", "一事", "（第二次）", "，请求复查"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
STATUSES = ("登记", "办理中", "已答复", "已办结")
CACHE = Path(tempfile.gettempdir())


def _id_number(person):
    from documents.validators import _CHECK, _WEIGHTS

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=person % 20_000)
    first = f"110105{born:%Y%m%d}{person % 1000:03d}"
    return first + _CHECK[sum(int(d) * w for d, w in zip(first, _WEIGHTS, strict=True)) % 11]


def _card_values(n, rng):
    registered = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(700))
    deadline = registered + datetime.timedelta(days=rng.randrange(5, 75))
    person = rng.randrange(40_000)
    return {
        "number": f"信〔{registered.year}〕{n + 1}号",
        "registered_on": registered,
        "next_deadline": deadline if rng.random() < 0.7 else None,
        "petitioner": f"{SURNAMES[person % len(SURNAMES)]}某{person}",
        "id_number": _id_number(person) if rng.random() < 0.8 else "",
        "phone": f"138{person:08d}",
        "subject": rng.choice(PLACES) + rng.choice(SUBJECTS) + rng.choice(DETAILS),
        "category": rng.choice(["征地拆迁", "劳动社保", "环境保护", "涉法涉诉", "其他"]),
        "department": rng.choice(["国土所", "人社局", "环保站", "派出所"]),
        "source": rng.choice(["来访", "来信", "网上", "电话"]),
        "status": rng.choice(STATUSES),
        "step": "登记",
    }


def build(count, folder):
    """Both stores with the same ``count`` cards: a tenth in the township, the rest in nine
    other units."""
    import bson
    import mongoengine

    began = time.perf_counter()
    from admin import create_app

    create_app({"DATA_DIR": str(folder / "data"), "SECRET_KEY": "bench"})
    import documents
    import seeds

    seeds.load()
    township = documents.Unit.objects.get(name="XXX乡")
    documents.Account.objects(username="xiangxinfang").update(set__must_change_password=False)
    others = [documents.Unit(name=f"测试单位{i}").save() for i in range(9)]
    units = [township.pk] + [u.pk for u in others]
    rng = random.Random(19)
    values = [_card_values(n, rng) for n in range(count)]
    unit_of = [units[0] if n % 10 == 0 else units[1 + n % 9] for n in range(count)]
    cards = documents.CaseCard._get_collection()
    history = documents.CaseCardHistory._get_collection()
    at = datetime.datetime(2025, 1, 1)

    def day(d):
        return datetime.datetime.combine(d, datetime.time()) if d else None

    for start in range(0, count, 5000):
        docs, events = [], []
        for n in range(start, min(start + 5000, count)):
            v = values[n]
            card_id = bson.ObjectId()
            docs.append(
                {
                    "_id": card_id,
                    "unit": unit_of[n],
                    "number": v["number"],
                    "registered_on": day(v["registered_on"]),
                    "petitioner": v["petitioner"],
                    "id_number": v["id_number"] or None,
                    "phones": [v["phone"]],
                    "source": v["source"],
                    "case_type": "初访",
                    "category": v["category"],
                    "subject": v["subject"],
                    "department": v["department"],
                    "status": v["status"],
                    "step": v["step"],
                    "next_deadline": day(v["next_deadline"]),
                    "next_deadline_label": "受理告知" if v["next_deadline"] else None,
                    "finalized": False,
                    "version": 1,
                    "archived": False,
                }
            )
            events.append(
                {"card": card_id, "at": at, "actor": "bench", "action": "登记", "version": 1}
            )
        cards.insert_many(docs)
        history.insert_many(events)
    # as many audit events as cards, within the retention period (a year of sign-ins and edits)
    audit = documents.AuditEvent._get_collection()
    recent = datetime.datetime.now() - datetime.timedelta(days=300)
    for start in range(0, count, 5000):
        audit.insert_many(
            {
                "at": recent + datetime.timedelta(minutes=n),
                "actor": "xiangxinfang",
                "username": "xiangxinfang",
                "action": ("login", "login_failed", "update", "view_personal")[n % 4],
                "address": f"10.0.{n % 250}.{n % 200}",
            }
            for n in range(start, min(start + 5000, count))
        )
    from documents.cardquery import index as card_index

    card_index.current().rebuild(cards)
    card_index.sync()  # and the table of history entries by card
    mongoengine.disconnect_all()
    print(f"xinfang store: {count} cards made in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    _anchor_env(folder / "anchor.sqlite3")
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from bench.django_anchor.cards.models import Card, Unit

    anchor_units = [Unit.objects.create(name=f"单位{i}") for i in range(10)]
    by_pk = dict(zip(units, anchor_units, strict=True))
    rows = []
    for n, v in enumerate(values):
        v = dict(v)
        v["phones"] = v.pop("phone")
        rows.append(Card(unit=by_pk[unit_of[n]], next_deadline_label="受理告知", **v))
    Card.objects.bulk_create(rows, batch_size=5000)
    from django.contrib.auth.models import User

    User.objects.create_superuser("bench", "bench@example.org", "bench")
    print(f"anchor: {count} rows made in {time.perf_counter() - began:.0f} s")


def _anchor_env(path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.django_anchor.settings"
    os.environ["ANCHOR_DB"] = str(path)
    import django

    django.setup()


COLD_XINFANG = r"""
import time, sys; began = time.perf_counter()
sys.path.insert(0, {root!r})
from admin import create_app
app = create_app({{"DATA_DIR": {data!r}, "SECRET_KEY": "bench"}})
import documents
client = app.test_client()
account = documents.Account.objects.get(username="xiangxinfang")
with client.session_transaction() as s:
    s["_user_id"], s["_fresh"] = account.get_id(), True
r = client.get("/admin/casecard/")
assert r.status_code == 200, r.status_code
print(time.perf_counter() - began)
if {memory!r}:  # then the list's pages, a search, the cards of one page opened, the dashboard
    import re, resource
    for url in ["/admin/casecard/?page=19", "/admin/casecard/?search=土地", "/admin/", "/"]:
        assert client.get(url).status_code in (200, 302), url
    for card in re.findall(r"details/\?id=([0-9a-f]{{24}})", r.get_data(as_text=True)):
        assert client.get(f"/admin/casecard/details/?id={{card}}").status_code == 200
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
COLD_ANCHOR = """
import time, sys, os; began = time.perf_counter()
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.django_anchor.settings"
os.environ["ANCHOR_DB"] = {data!r}
import django; django.setup()
from django.test import Client
from django.contrib.auth.models import User
c = Client(); c.force_login(User.objects.get(username="bench"))
r = c.get("/admin/cards/card/?unit__id__exact=1")
assert r.status_code == 200, r.status_code
print(time.perf_counter() - began)
"""


def cold(script, data, memory=False):
    """The seconds to the first page of a new process (and its peak resident memory in MB
    after the list's pages with ``memory``)."""
    code = script.format(root=str(ROOT), data=str(data), memory=memory)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def median_ms(function, runs):
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main(count=100_000, runs=7):
    cache = CACHE / f"xinfang-bench-{count}"
    if not (cache / "anchor.sqlite3").exists():
        shutil.rmtree(cache, ignore_errors=True)
        subprocess.run([sys.executable, __file__, "--build", str(count), str(cache)], check=True)
    work = Path(tempfile.mkdtemp(prefix="xinfang-bench-"))
    shutil.copytree(cache / "data", work / "data")
    shutil.copy(cache / "anchor.sqlite3", work / "anchor.sqlite3")
    rows = []

    def row(name, ours, anchor, target=None, unit="ms"):
        ratio = f"{ours / anchor:.2f}" if anchor else ""
        rows.append((name, ours, anchor, ratio, target, unit))
        anchor_text = f"{anchor:.1f}" if anchor else "—"
        print(f"{name}: xinfang {ours:.1f} {unit}, Django {anchor_text} {unit}, ratio {ratio}")

    row(
        "cold start to the first page",
        cold(COLD_XINFANG, work / "data"),
        cold(COLD_ANCHOR, work / "anchor.sqlite3"),
        1.5,
        "s",
    )
    row(
        "server's peak memory after those pages",
        cold(COLD_XINFANG, work / "data", True),
        None,
        500,
        "MB",
    )
    from admin import create_app

    app = create_app({"DATA_DIR": str(work / "data"), "SECRET_KEY": "bench", "CSRF_ENABLED": False})
    _anchor_env(work / "anchor.sqlite3")
    from common import office_client
    from django.contrib.auth.models import User
    from django.test import Client

    import documents
    from bench.django_anchor.cards.models import Card

    ours = office_client(app)
    anchor = Client()
    anchor.force_login(User.objects.get(username="bench"))
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "casecard")
    status = next(
        i
        for i, f in enumerate(view._filters)
        if f.column == "status" and "Equal" in type(f).__name__
    )
    sort = [c for c, _ in view._list_columns].index("next_deadline")
    pages = {
        "list page 1": ("/admin/casecard/", ""),
        "sorted by deadline": (f"/admin/casecard/?sort={sort}", "&o=8"),
        "filtered (办理中)": (f"/admin/casecard/?flt0_{status}=办理中", "&status__exact=办理中"),
        "page 20": ("/admin/casecard/?page=19", "&p=20"),
        "keyword search 土地": ("/admin/casecard/?search=土地", "&q=土地"),
    }
    base = "/admin/cards/card/?unit__id__exact=1"
    for name, (url, anchor_args) in pages.items():
        assert (
            ours.get(url).status_code == 200 and anchor.get(base + anchor_args).status_code == 200
        )
        mine, theirs = [], []
        for _ in range(runs):  # interleaved
            mine.append(median_ms(lambda url=url: ours.get(url), 1))
            theirs.append(median_ms(lambda a=anchor_args: anchor.get(base + a), 1))
        row(
            name,
            statistics.median(mine),
            statistics.median(theirs),
            1.5 if "search" in name else 1.0,
        )

    township = documents.Unit.objects.get(name="XXX乡")
    rng = random.Random(7)

    registered = []

    def register():
        v = _card_values(rng.randrange(10**6), rng)
        registered[:] = [
            documents.CaseCard(
                unit=township,
                petitioner=v["petitioner"],
                id_number=None,
                phones=[v["phone"]],
                subject=v["subject"],
                registered_on=v["registered_on"],
            ).save()
        ]

    def register_anchor():
        v = _card_values(rng.randrange(10**6), rng)
        v["phones"] = v.pop("phone")
        Card.objects.create(unit_id=1, **v)

    register()
    row(
        "register a card (repeat check)",
        median_ms(register, 15),
        median_ms(register_anchor, 15),
        50,
    )
    links = len(registered[0].related_cards)
    print(f"  the last card registered was linked to {links} earlier cards")
    ids = [str(i) for i in cardquery_ids(township, 40)]

    def edit():
        card = documents.CaseCard.objects.get(pk=ids[rng.randrange(len(ids))])
        card.progress = f"已联系信访人{rng.randrange(1000)}"
        card.save()

    def edit_anchor():
        card = Card.objects.get(pk=rng.randrange(1, 1000))
        card.step = f"办理{rng.randrange(1000)}"
        card.save()

    row("save an edit", median_ms(edit, 15), median_ms(edit_anchor, 15), 50)
    ours.get(f"/admin/casecard/details/?id={ids[0]}")
    row(
        "open a card",
        median_ms(lambda: ours.get(f"/admin/casecard/details/?id={ids[rng.randrange(40)]}"), 15),
        median_ms(lambda: anchor.get(f"/admin/cards/card/{rng.randrange(1, 1000)}/change/"), 15),
        30,
    )
    login_rows(app, row, runs)
    from documents.cardquery import index as card_index

    began = time.perf_counter()
    card_index.current().rebuild(documents.CaseCard._get_collection())
    row("list-index rebuild", time.perf_counter() - began, None, 10, "s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (both panels): {rss:.0f} MB")
    print(f"\n| at {count:,} cards | xinfang | Django admin on SQLite | ratio | target |")
    print("|---|---|---|---|---|")
    for name, mine, theirs, ratio, target, unit in rows:
        anchor_text = f"{theirs:.1f} {unit}" if theirs else "—"
        goal = "" if target is None else (f"≤ {target}" if unit != "ms" or ratio == "" else "")
        if ratio and name.startswith(("list", "sorted", "filtered", "page", "keyword")):
            goal = f"ratio ≤ {target}"
        elif ratio:
            goal = f"≤ {target} {unit}"
        print(f"| {name} | {mine:.1f} {unit} | {anchor_text} | {ratio} | {goal} |")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def login_rows(app, row, runs):
    """A sign-in refused (wrong password) and one let in, with the store's audit events, for
    an account of the township's office made for it, its password hashed with a single round
    of PBKDF2: the scrypt check of a real account (~100 ms here, by design) would drown what
    the lockout and the audit log cost, which is what is measured."""
    from werkzeug.security import generate_password_hash

    import documents
    from documents import accounts

    events = documents.AuditEvent._get_collection().estimated_document_count()
    fields = documents.Account.objects.get(username="xiangxinfang").to_mongo().to_dict()
    fields.pop("_id")
    documents.Account.objects(username="bench-signin").delete()
    account = documents.Account._from_son({**fields, "username": "bench-signin"})
    account.password_hash = generate_password_hash("Bench-2026", "pbkdf2:sha256:1")
    account.must_change_password = False
    account.save()
    throttle = accounts._throttle()
    client = app.test_client()
    for name, password in (("sign-in refused", "Wrong-2026"), ("sign-in", "Bench-2026")):

        def sign_in(password=password):
            throttle.delete_many({})  # never locked out by the runs before
            response = client.post(
                "/login", data={"username": "bench-signin", "password": password}
            )
            assert response.status_code == (302 if password == "Bench-2026" else 200)

        sign_in()
        row(f"{name}, {events:,} audit events", median_ms(sign_in, runs), None, 50)


def cardquery_ids(unit, n):
    from documents import cardquery

    return cardquery.find(cardquery.CardQuery(unit=str(unit.pk), limit=n))[1]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--build":
        folder = Path(sys.argv[3])
        folder.mkdir(parents=True, exist_ok=True)
        build(int(sys.argv[2]), folder)
        sys.exit(0)
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
