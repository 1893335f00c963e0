"""The case card's page (一案一卡) with 10,000 cards in the unit, on the embedded store: the page of
a group's card with representatives, a timeline, related cards and a history; the registration
form; the lookup of a returning petitioner's earlier cards (run while the clerk types).

Beside them, an anchor measured in the same run: a bare Flask app rendering the same data (the
card page's context, computed once) with a plain Jinja template, through Flask's test client as
the panel's pages are. Target (issue 17): median ≤ 150 ms for the card page.

Run: .venv/bin/python bench/card_page.py [count]
"""

import datetime
import random
import statistics
import sys
import time

from common import SUBJECTS, embedded_panel, load_cards, time_pages

ANCHOR = """<!doctype html><html><head><title>{{ c.number }}</title></head><body>
<h4>一案一卡 {{ c.number }}</h4><p>{{ c.unit }} {{ c.registered_on }} {{ c.step }}</p>
{% for part in ("petitioner", "matter", "handling", "dates", "follow_up", "other") %}
  <dl>{% for row in c[part] %}<dt>{{ row.label }}</dt><dd>{{ row.value }}</dd>{% endfor %}</dl>
{% endfor %}
<table>{% for r in c.representatives %}<tr><td>{{ r.name }}</td><td>{{ r.phone }}</td></tr>
{% endfor %}</table>
<table>{% for d in c.deadlines %}<tr><td>{{ d.label }}</td><td>{{ d.due }}</td><td>{{ d.text }}</td>
<td>{{ d.basis }}</td></tr>{% endfor %}</table>
<ol>{% for e in c.timeline %}<li>{{ e.date }} {{ e.actor }}：{{ e.content }}</li>{% endfor %}</ol>
<ul>{% for r in c.related %}<li><a href="{{ r.href }}">{{ r.number }}</a> {{ r.title }}
{{ r.reason }}</li>{% endfor %}</ul>
<table>{% for h in c.history %}<tr><td>{{ h.at }}</td><td>{{ h.actor }}</td><td>{{ h.action }}</td>
<td>{% for x in h.changes %}{{ x.label }}：{{ x.before }} → {{ x.after }}<br>{% endfor %}</td></tr>
{% endfor %}</table></body></html>"""


def _make_cards(documents, unit, count):
    rng = random.Random(17)
    start = datetime.date(2025, 1, 1)
    rules = documents.deadlines.Rules.for_unit(unit)
    cards = []
    for n in range(count):
        registered = start + datetime.timedelta(days=rng.randrange(0, 500))
        card = documents.CaseCard(
            unit=unit,
            number=f"XXX乡信〔{registered.year}〕{n + 1}号",
            registered_on=registered,
            petitioner=f"信访人{n}",
            id_number=None,
            phones=[f"138{n:08d}"],
            subject=rng.choice(SUBJECTS) + f"（{n}）",
            source=rng.choice(documents.case.SOURCES),
            case_type="初访",
            step="登记",
            decided_on=registered + datetime.timedelta(days=1) if rng.random() < 0.7 else None,
            extra={"risk": rng.choice(["高", "中", "低"]), "village": "东村"},
        )
        card._compute_deadlines(rules)
        cards.append(card.to_mongo())
    return cards


def _the_card(documents, unit):
    """A group's card as the office keeps it: representatives, a timeline, related cards, and
    a history of several saves."""
    earlier = list(documents.CaseCard.objects(unit=unit).order_by("registered_on").limit(6))
    card = documents.CaseCard(
        unit=unit,
        petitioner="东村村民（集体）",
        group_size=40,
        representatives=[
            documents.Representative(name=f"代表{i}", phone=f"1390000000{i}") for i in range(5)
        ],
        phones=["13800000001"],
        address="XXX乡东村",
        subject="反映东村土地补偿款未足额发放",
        request="足额发放补偿款",
        facts="2025年征地后补偿款至今未足额到位。",
        registered_on=datetime.date(2026, 11, 20),
        decided_on=datetime.date(2026, 11, 21),
        step="登记",
        extra={"risk": "高", "village": "东村", "key_person": True},
    ).save()
    for i in range(6):
        card.timeline.append(
            documents.TimelineEntry(
                date=datetime.date(2026, 11, 21 + i), actor="乡信访办", content=f"第{i + 1}次约谈"
            )
        )
        card.progress = f"已约谈{i + 1}次"
        card.save()
    card.related_cards = earlier
    card.save()
    return card


def _office_client(app, username="xiangxinfang"):
    """A client signed in as the township's office (the session carries the account's epoch,
    as a login gives it)."""
    import documents

    account = documents.Account.objects.get(username=username)
    account.update(must_change_password=False)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = account.get_id(), True
    return client


def _anchor(app, context, runs):
    """The same data through a bare Flask app and a plain Jinja template."""
    import flask

    bare = flask.Flask("anchor")

    @bare.route("/card")
    def page():
        return flask.render_template_string(ANCHOR, c=context)

    client = bare.test_client()
    assert context["number"] in client.get("/card").get_data(as_text=True)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        client.get("/card")
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), min(times), max(times)


def main(count=10_000):
    import documents

    app, unit = embedded_panel()
    began = time.perf_counter()
    load_cards(_make_cards(documents, unit, count), began)
    card = _the_card(documents, unit)
    print(f"cards in the unit: {documents.CaseCard.objects(unit=unit).count()}")

    client = _office_client(app)
    runs = 15
    ok = time_pages(
        client,
        {"card page (一案一卡)": f"/admin/casecard/details/?id={card.pk}"},
        "xf-part-related",
        150,
        runs,
    )
    time_pages(
        client, {"registration form": f"/admin/casecard/new/?unit={unit.pk}"}, "xf-earlier", 150, 9
    )
    n = count // 2  # a petitioner of the middle of the unit's cards, by name and phone
    time_pages(
        client,
        {
            "earlier cards, by name and phone": f"/admin/casecard/earlier/?unit={unit.pk}"
            f"&name=信访人{n}&phone=138{n:08d}"
        },
        "details/?id=",
        150,
        9,
    )

    # the anchor: the card page's data, computed once, rendered by bare Flask and Jinja
    from flask_login import login_user

    from admin import cardpage

    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "casecard")
    with app.test_request_context(f"/admin/casecard/details/?id={card.pk}"):
        login_user(documents.Account.objects.get(username="xiangxinfang"))
        context = cardpage.card_page(view, card, "bench")
    median, low, high = _anchor(app, context, runs * 4)
    print(
        f"anchor (bare Flask + Jinja, same data): median {median:.1f} ms"
        f" (min {low:.1f}, max {high:.1f})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
