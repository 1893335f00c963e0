"""No request decodes a whole collection on the embedded store (issue 19): litemongo answers a
query it cannot plan by decoding every document of the collection (and builds its in-memory
query index that way), which at 100,000 cards takes seconds. Each request here runs in a fresh
process state (the store opened anew, as after a restart or another process's write) on a
store of a few thousand cards, history entries and audit events, counting the documents
decoded."""

import datetime

import bson
import mongoengine
import pytest
from litemongo import sqlite_store

import documents
from admin import create_app
from documents.cardquery import index

from .conftest import SignedInClient, _make_app

MANY = 3000
# what a request may decode: the page's cards and the panel's small collections, never one of
# the three big ones whole
MOST = MANY // 2


@pytest.fixture
def big_store(tmp_path):
    data = str(tmp_path / "data")
    app = _make_app({"DATA_DIR": data})
    unit = documents.Unit(name="解码乡").save()
    card = documents.CaseCard(
        unit=unit, petitioner="甲", subject="反映土地补偿问题", phones=["13800138000"]
    ).save()
    day = datetime.datetime(2024, 3, 1)
    cards, history, events = [], [], []
    for n in range(MANY):
        card_id = bson.ObjectId()
        cards.append(
            {
                "_id": card_id,
                "unit": unit.pk,
                "registered_on": day - datetime.timedelta(days=n % 400),
                "next_deadline": day + datetime.timedelta(days=n % 50) if n % 3 else None,
                "petitioner": f"信访人{n}",
                "phones": [f"139{n:08d}"],
                "subject": f"反映{n % 40}号地块补偿问题",
                "status": ("登记", "办理中")[n % 2],
                "version": 1,
                "archived": False,
            }
        )
        history.append({"card": card_id, "at": day, "actor": "x", "action": "登记"})
        events.append({"at": day, "action": "login_failed", "username": f"u{n}", "address": "x"})
    documents.CaseCard._get_collection().insert_many(cards)
    documents.CaseCardHistory._get_collection().insert_many(history)
    documents.AuditEvent._get_collection().insert_many(events)
    account = app.config["TEST_ACCOUNT"]
    mongoengine.disconnect_all()
    # a restart: the list index takes in what was written behind its back (decoding those)
    create_app({"TESTING": True, "SECRET_KEY": "test", "DATA_DIR": data})
    assert index.current().count_rows() == MANY + 1
    mongoengine.disconnect_all()
    yield {"data": data, "account": account, "unit": unit, "card": card}
    mongoengine.disconnect_all()


@pytest.fixture
def decodes(monkeypatch):
    counted = {"n": 0}
    decode = sqlite_store.TableDict._decode_doc

    def counting(self, encoded):
        counted["n"] += 1
        return decode(self, encoded)

    monkeypatch.setattr(sqlite_store.TableDict, "_decode_doc", counting)
    return counted


def _fresh(store, decodes):
    """The app opened anew on the store, and how many documents its start decoded."""
    before = decodes["n"]
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "CSRF_ENABLED": False, "DATA_DIR": store["data"]}
    )
    app.config["TEST_ACCOUNT"] = store["account"]
    app.test_client_class = SignedInClient
    return app, decodes["n"] - before


def test_no_request_decodes_a_whole_collection(big_store, decodes):
    unit, card = big_store["unit"].pk, big_store["card"].pk
    app, at_start = _fresh(big_store, decodes)
    assert at_start < MOST, at_start
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "casecard")
    status = next(i for i, f in enumerate(view._filters) if f.column == "status")
    sort = [c for c, _ in view._list_columns].index("next_deadline")
    new_card = {
        "unit": str(unit),
        "petitioner": "乙",
        "phones-0": "13800138000",
        "subject": "反映土地补偿问题。",
        "registered_on": "2024-03-02",
        "step": "登记",
    }
    requests = [
        ("GET", f"/admin/casecard/?unit={unit}", None),
        ("GET", f"/admin/casecard/?unit={unit}&sort={sort}", None),
        ("GET", f"/admin/casecard/?unit={unit}&sort={sort}&desc=1", None),
        ("GET", f"/admin/casecard/?unit={unit}&flt0_{status}=办理中", None),
        ("GET", f"/admin/casecard/?unit={unit}&page=20", None),
        ("GET", f"/admin/casecard/?unit={unit}&search=地块补偿", None),
        ("GET", f"/admin/casecard/details/?id={card}", None),
        ("GET", f"/admin/casecard/edit/?id={card}", None),
        ("POST", f"/admin/casecard/new/?unit={unit}", new_card),
        ("GET", "/admin/", None),
    ]
    for method, url, data in requests:
        app, _ = _fresh(big_store, decodes)
        client = app.test_client()
        before = decodes["n"]
        response = client.open(url, method=method, data=data)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert decodes["n"] - before < MOST, (url, decodes["n"] - before)
        mongoengine.disconnect_all()
    app, _ = _fresh(big_store, decodes)
    registered = documents.CaseCard.objects(petitioner="乙").first()
    assert registered is not None and registered.related_cards[0].pk == card  # name and phone
    # an edit saved, and a sign-in refused and one let in, with thousands of audit events
    edited = documents.CaseCard.objects.get(pk=card)
    for method, url, data in [
        ("POST", f"/admin/casecard/edit/?id={card}", _edit_form(edited)),
        ("POST", "/login", {"username": "tester", "password": "wrong-123"}),
        ("POST", "/login", {"username": "tester", "password": "secret-123"}),
    ]:
        app, _ = _fresh(big_store, decodes)
        client = app.test_client() if url != "/login" else app.test_client_class.__base__(app)
        before = decodes["n"]
        response = client.open(url, method=method, data=data)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert decodes["n"] - before < MOST, (url, decodes["n"] - before)
        mongoengine.disconnect_all()
    _fresh(big_store, decodes)
    assert documents.CaseCard.objects.get(pk=card).progress == "已联系信访人"


def _edit_form(card):
    return {
        "unit": str(card.unit.pk),
        "petitioner": card.petitioner,
        "phones-0": card.phones[0],
        "subject": card.subject,
        "registered_on": f"{card.registered_on:%Y-%m-%d}",
        "step": card.step or "登记",
        "progress": "已联系信访人",
        "version": str(card.version),
    }


def _made_at(days_ago):
    import os

    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days_ago)
    return bson.ObjectId(int(moment.timestamp()).to_bytes(4, "big") + os.urandom(8))


@pytest.mark.parametrize("where", ["app", "embedded_app"])
def test_the_audit_log_keeps_its_retention_without_reading_an_event(where, request, decodes):
    from documents import accounts

    request.getfixturevalue(where)
    old = [
        {"_id": _made_at(400 + n), "at": datetime.datetime(2020, 1, 1), "action": "login"}
        for n in range(30)
    ]
    kept = [
        {"_id": _made_at(n), "at": datetime.datetime.now(), "action": "login"} for n in range(20)
    ]
    documents.AuditEvent._get_collection().insert_many(old + kept)
    before = decodes["n"]
    assert accounts.forget_old_events(365) == 30
    if where == "embedded_app":
        assert decodes["n"] == before  # found by the time in their ids, not read
    assert accounts.forget_old_events(0) == 0
    left = {e["_id"] for e in documents.AuditEvent._get_collection().find({}, {"_id": 1})}
    assert {e["_id"] for e in kept} <= left and not left & {e["_id"] for e in old}
