"""The card-query contract: every query answered alike by the embedded store's list index, by
MongoDB queries on the embedded store, on mongomock and (``MONGODB_TEST_URI``) on a MongoDB
server, and as ``documents/cardquery/rules.py`` states the rules (a plain-Python reading of them,
``expected`` below, written from the rules' text and not from either implementation)."""

import datetime
import random

import bson
import pytest

import documents
from documents import cardquery, deadlines
from documents.cardquery import CardQuery, index, mongo, rules
from documents.case import CASE_MARKS, CASE_TYPES, OUTCOMES, SOURCES, STATUSES

D = datetime.date
AS_OF = D(2024, 3, 14)


@pytest.fixture(params=["app", "embedded_app", "mongodb_app"])
def store(request, monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: AS_OF)
    return request.getfixturevalue(request.param)


def _dt(day):
    return datetime.datetime.combine(day, datetime.time()) if day else None


def _data():
    """Three units (one with 7 days for 即将到期, one with its own card fields), two leaders,
    240 cards with every kind of value: none and empty text, mixed case, marks, archived."""
    fast = documents.Unit(name="七天乡").save()
    fields = documents.Unit(name="字段镇").save()
    plain = documents.Unit(name="普通局").save()
    documents.DeadlineRuleSet(unit=fast, due_soon_days=7).save()
    documents.FieldSet(
        unit=fields,
        target="case_card",
        fields=[
            documents.FieldDefinition(key="village", label="村", type="text"),
            documents.FieldDefinition(
                key="risk", label="风险", type="choice", choices=["高", "低"]
            ),
            documents.FieldDefinition(key="old", label="旧字段", type="text", retired=True),
            documents.FieldDefinition(key="secret", label="住址", type="text", personal=True),
            documents.FieldDefinition(key="amount", label="金额", type="number"),
        ],
    ).save_new_version()
    leaders = [
        documents.Person(unit=fast, name="王乡长").save(),
        documents.Person(unit=fields, name="李镇长").save(),
    ]
    rng = random.Random(14)
    texts = [None, "", "土地", "Land ABC", "land abc", "工资拖欠", "征地补偿款", "ÄÖ Straße"]
    docs, numbers = [], set()
    for n in range(240):
        unit = (fast, fields, plain)[n % 3]
        registered = AS_OF - datetime.timedelta(days=rng.randrange(0, 400))
        deadline = rng.choice(
            [None, None, *[AS_OF + datetime.timedelta(days=d) for d in range(-12, 16)]]
        )
        doc = {
            "_id": bson.ObjectId(),
            "unit": unit.pk,
            "version": rng.randrange(1, 4),
            "registered_on": _dt(registered),
            "next_deadline": _dt(deadline),
            "number": rng.choice([None, "", f"信〔2024〕{n:03d}号", f"X-{n % 7}"]),
            "petitioner": rng.choice(["张三", "李四", "王五", "Anna", "anna", "", None]),
            "subject": rng.choice(texts),
            "category": rng.choice([None, "", "土地", "劳动"]),
            "department": rng.choice([None, "", "国土所", "人社局"]),
            "source": rng.choice(SOURCES),
            "case_type": rng.choice([*CASE_TYPES, None]),
            "status": rng.choice(STATUSES),
            "outcome": rng.choice([*OUTCOMES, None, ""]),
            "step": rng.choice(["登记", "受理", "办理", None]),
            "marks": rng.sample(CASE_MARKS, rng.randrange(0, 3)),
            "closed_on": _dt(rng.choice([None, registered + datetime.timedelta(days=20)])),
            "archived": n % 17 == 0,
        }
        # a number is the unit's own (a unique index on MongoDB); equal ones in other units
        # leave ties for the sort's tie-break
        if doc["number"] and (unit.pk, doc["number"]) in numbers:
            doc["number"] = None
        numbers.add((unit.pk, doc["number"]))
        if rng.random() < 0.3:
            doc["responsible_leader"] = rng.choice(leaders).pk
        if rng.random() < 0.2:
            doc["reception_leader"] = rng.choice(leaders).pk
        if unit is fields:
            doc["extra"] = {
                "village": rng.choice(["东村", "West Village", "", None]),
                "risk": rng.choice(["高", "低"]),
                "old": rng.choice(["旧话", "x"]),
                "secret": rng.choice(["秘密路1号", "y"]),
                "amount": rng.choice([None, 5, 50, 500]),
            }
        docs.append(doc)
    documents.CaseCard._get_collection().insert_many(docs)
    index.sync()  # rows for what was written behind the index's back
    return {"fast": fast, "fields": fields, "plain": plain, "leaders": leaders}


# --- the rules, read plainly ---------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, bson.ObjectId):
        return str(value)
    return value


def _operand(column, value):
    if column in rules.DATE_COLUMNS and isinstance(value, str):
        return D.fromisoformat(value)
    return _plain(value)


def _holds(doc, column, operator, value):
    have = _plain(doc.get(column))
    empty = have is None or have == ""
    if column == "marks" and operator in ("=", "!="):
        return (value in (have or [])) == (operator == "=")
    if operator == "is null":
        return empty
    if operator == "is not null":
        return not empty
    if operator == "contains":
        return isinstance(have, str) and str(value).lower() in have.lower()
    if operator == "not contains":
        return not _holds(doc, column, "contains", value)
    if operator == "in":
        return have in [_operand(column, v) for v in value]
    if operator == "not in":
        return not _holds(doc, column, "in", value)
    value = _operand(column, value)
    if operator == "=":
        return have == value
    if operator == "!=":
        return have != value
    if have is None:
        return False
    return {"<": have < value, "<=": have <= value, ">": have > value, ">=": have >= value}[
        operator
    ]


def _state(doc, days):
    return rules.deadline_state(_plain(doc.get("next_deadline")), AS_OF, days)


def _searchable(doc, keys):
    extra = doc.get("extra") or {}
    values = [doc.get(c) for c in rules.SEARCH_COLUMNS] + [extra.get(k) for k in keys]
    return [v.lower() for v in values if isinstance(v, str)]


def _extra_holds(doc, key, operator, value):
    have = (doc.get("extra") or {}).get(key)
    if operator == "contains":
        return isinstance(have, str) and value.lower() in have.lower()
    if operator == "=":
        return have == value
    if operator == "!=":
        return have != value
    if have is None or isinstance(have, str) != isinstance(value, str):
        return False
    return {"<": have < value, "<=": have <= value, ">": have > value, ">=": have >= value}[
        operator
    ]


def expected(query):
    """(total, ids) as rules.py states them."""
    days = {"七天乡": 7}
    by_unit = {str(u.pk): days.get(u.name, 3) for u in documents.Unit.objects}
    keys = {str(u.pk): rules.searchable_keys(u.pk) for u in documents.Unit.objects}
    words = (query.search or "").lower().split()
    chosen = []
    for doc in documents.CaseCard._get_collection().find({}):
        unit = str(doc["unit"])
        if bool(doc.get("archived")) != query.archived:
            continue
        if query.units is not None and unit not in query.units:
            continue
        if query.unit is not None and unit != query.unit:
            continue
        if query.leader is not None and query.leader not in (
            _plain(doc.get("responsible_leader")),
            _plain(doc.get("reception_leader")),
        ):
            continue
        if not all(_holds(doc, *condition) for condition in query.where):
            continue
        if not all(_extra_holds(doc, *condition) for condition in query.extra):
            continue
        if query.deadline and _state(doc, by_unit[unit]) != query.deadline:
            continue
        values = _searchable(doc, keys[unit])
        if not all(any(w in v for v in values) for w in words):
            continue
        chosen.append(doc)
    column = query.sort
    field = column.removeprefix("extra.")

    def value(doc):
        return _plain((doc.get("extra") or {}).get(field) if column != field else doc.get(column))

    chosen.sort(key=lambda d: str(d["_id"]), reverse=True)
    chosen.sort(key=lambda d: _plain(d["registered_on"]), reverse=True)
    with_value = [d for d in chosen if value(d) not in (None, "")]
    without = [d for d in chosen if value(d) in (None, "")]
    with_value.sort(key=value, reverse=query.descending)
    ordered = [str(d["_id"]) for d in with_value + without]
    end = None if query.limit is None else query.offset + query.limit
    return len(ordered), ordered[query.offset : end]


def _queries(data):
    fast, fields = str(data["fast"].pk), str(data["fields"].pk)
    leader = str(data["leaders"][0].pk)
    yield CardQuery()
    yield CardQuery(archived=True)
    yield CardQuery(unit=fast)
    yield CardQuery(units=(fast, fields), unit=fields)
    yield CardQuery(units=(fast,), unit=fields)  # a unit outside the account's: nothing
    yield CardQuery(units=())
    yield CardQuery(leader=leader)
    yield CardQuery(units=(fast,), leader=leader)
    for state in cardquery.DEADLINE_STATES:
        yield CardQuery(deadline=state)
        yield CardQuery(unit=fast, deadline=state)
        yield CardQuery(units=(fields, str(data["plain"].pk)), deadline=state)
    for column in ("subject", "petitioner", "number", "category", "department"):
        for operator in ("contains", "not contains"):
            yield CardQuery(where=((column, operator, "land"),))
            yield CardQuery(where=((column, operator, "土地"),))
        for operator in ("is null", "is not null"):
            yield CardQuery(where=((column, operator, None),))
    for column, value in (
        ("source", "来信"),
        ("case_type", "初访"),
        ("outcome", "化解"),
        ("status", "已办结"),
        ("step", "受理"),
        ("category", ""),
        ("marks", "越级访"),
        ("unit", fast),
        ("responsible_leader", leader),
    ):
        for operator in ("=", "!="):
            yield CardQuery(where=((column, operator, value),))
    yield CardQuery(where=(("outcome", "in", ("化解", "稳控")),))
    yield CardQuery(where=(("outcome", "not in", ("化解", "稳控")),))
    yield CardQuery(where=(("case_type", "in", ()),))
    yield CardQuery(where=(("case_type", "not in", ()),))
    for operator in ("=", "!=", "<", "<=", ">", ">="):
        yield CardQuery(where=(("registered_on", operator, D(2024, 1, 10)),))
        yield CardQuery(where=(("next_deadline", operator, "2024-03-14"),))
        yield CardQuery(where=(("closed_on", operator, D(2023, 9, 1)),))
    yield CardQuery(
        where=(
            ("registered_on", ">=", D(2023, 6, 1)),
            ("registered_on", "<=", D(2023, 12, 31)),
            ("source", "=", "来访"),
        )
    )
    for text in (
        "土地",
        "LAND",
        "land abc",
        "abc land",
        "东村",
        "west",
        "旧话",
        "秘密路",
        "国土所",
        "信〔2024〕",
        "x-3",
        "straße",
        "  ",
        "没有这个词",
    ):
        yield CardQuery(search=text)
        yield CardQuery(unit=fields, search=text)
    yield CardQuery(extra=(("risk", "=", "高"),), unit=fields)
    yield CardQuery(extra=(("risk", "!=", "高"),))
    yield CardQuery(extra=(("village", "contains", "VILLAGE"),))
    yield CardQuery(extra=(("amount", ">", 10),), unit=fields)
    yield CardQuery(extra=(("amount", "<=", 50),), unit=fields, sort="extra.amount")
    for column in rules.SORTABLE:
        for descending in (True, False):
            yield CardQuery(sort=column, descending=descending)
    yield CardQuery(sort="extra.village", descending=False, unit=fields)
    yield CardQuery(
        unit=fast,
        deadline="due_soon",
        search="土地",
        sort="next_deadline",
        descending=False,
        where=(("status", "!=", "已办结"),),
    )


def _answers(query):
    """The contract's answers, and the same query asked of the other implementations the store
    has (MongoDB queries beside the embedded store's index)."""
    resolved = rules.resolved(query)
    answers = {"contract": cardquery.find(query), "count": cardquery.count(query)}
    answers["mongo"] = mongo.find(query, resolved)
    table = index.current()
    if table is not None and not query.extra and not query.sort.startswith("extra."):
        answers["index"] = table.find(query, resolved)
        answers["index count"] = table.count(query, resolved)
    return answers


def test_every_query_gets_the_answer_the_rules_state(store):
    data = _data()
    asked, telling = 0, 0
    for query in _queries(data):
        want = expected(query)
        telling += 0 < want[0] < 226  # selects some of the 226 cards not archived, not all
        answers = _answers(query)
        for name, answer in answers.items():
            got = answer if isinstance(answer, tuple) else (answer, None)
            assert got[0] == want[0], (name, query)
            if got[1] is not None:
                assert got[1] == want[1], (name, query)
        asked += 1
    assert asked >= 150 and telling > 100
    embedded = not store.config.get("MOCK_STORE") and not store.config.get("MONGODB_URI")
    assert (index.current() is not None) == embedded


def test_pages_put_together_are_the_whole_list(store):
    _data()
    for sort, descending in (
        ("next_deadline", False),
        ("number", True),
        ("registered_on", True),
        ("petitioner", False),
    ):
        whole = CardQuery(sort=sort, descending=descending)
        total, everything = cardquery.find(whole)
        pages = []
        for number in range(total // 25 + 2):
            page_total, ids = cardquery.find(whole.page(number, 25))
            assert page_total == total
            pages += ids
        assert pages == everything and len(set(everything)) == total
        # a page far past the end is empty, not an error
        assert cardquery.find(whole.page(10**15, 25)) == (total, [])


def test_groups_count_what_find_selects(store):
    data = _data()
    fast = str(data["fast"].pk)
    for query in (
        CardQuery(),
        CardQuery(unit=fast),
        CardQuery(deadline="overdue"),
        CardQuery(where=(("registered_on", ">=", D(2023, 10, 1)),)),
    ):
        for columns in (
            ("source",),
            ("outcome", "case_type"),
            ("marks",),
            ("registered_month", "outcome"),
            ("unit", "category"),
        ):
            found = cardquery.groups(query, columns)
            assert sum(n for _, n in found) == cardquery.count(query)
            docs = {str(d["_id"]): d for d in documents.CaseCard._get_collection().find({})}
            for group, n in found:

                def same(doc, group=group):
                    for column, value in group.items():
                        if column == "registered_month":
                            have = doc["registered_on"].strftime("%Y-%m")
                        elif column == "marks":
                            have, value = tuple(doc.get("marks") or ()), value
                        else:
                            have = _plain(doc.get(column))
                        if (have or None) != (value or None):
                            return False
                    return True

                _, ids = expected(query)
                assert n == sum(1 for i in ids if same(docs[i])), (query, group)


def test_a_unit_s_own_due_soon_days_hold_in_the_list_filter_and_badge(store):
    data = _data()
    client = store.test_client()
    view = next(
        v for v in store.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "casecard"
    )
    status = next(i for i, f in enumerate(view._filters) if f.column == "next_deadline")
    fast = data["fast"]
    _, want = expected(CardQuery(unit=str(fast.pk), deadline="due_soon"))
    assert want  # cards due in 4-7 days are 即将到期 in this unit only
    later = [
        c
        for c in documents.CaseCard.objects(pk__in=want)
        if c.next_deadline > AS_OF + datetime.timedelta(days=3)
    ]
    assert later
    page = client.get(f"/admin/casecard/?unit={fast.pk}&flt0_{status}=due_soon&page_size=100")
    html = page.get_data(as_text=True)
    for card in later:
        assert f"/admin/casecard/details/?id={card.pk}" in html
        days = (card.next_deadline - AS_OF).days
        assert f"还剩 {days} 天" in html


def test_export_carries_every_card_of_the_list(store):
    unit = documents.Unit(name="导出乡").save()
    for n in range(60):
        documents.CaseCard(
            unit=unit, petitioner=f"导出人{n:02d}", subject="反映问题", registered_on=D(2024, 3, 1)
        ).save()
    client = store.test_client()
    csv = client.get(f"/admin/casecard/export/csv/?unit={unit.pk}").get_data(as_text=True)
    assert sorted(n for n in range(60) if f"导出人{n:02d}" in csv) == list(range(60))
    xlsx = client.get(f"/admin/casecard/export/xlsx/?unit={unit.pk}")
    assert xlsx.status_code == 200


def test_a_row_of_an_older_version_never_replaces_a_newer_one(embedded_app):
    unit = documents.Unit(name="版本乡").save()
    card = documents.CaseCard(unit=unit, petitioner="新", subject="甲").save()
    stale = card.to_mongo().to_dict()
    card.petitioner = "更新"
    card.save()
    index.current().upsert(stale)  # a slower process writing what it read before
    assert cardquery.find(CardQuery(search="更新"))[0] == 1
    assert cardquery.find(CardQuery(search="新"))[1] == [str(card.pk)]
    assert index.current().versions()[str(card.pk)] == card.version


def test_start_up_repairs_rows_that_differ_from_the_cards(tmp_path):
    import mongoengine

    from tests.conftest import _make_app

    _make_app({"DATA_DIR": str(tmp_path / "data")})
    unit = documents.Unit(name="修复乡").save()
    kept = documents.CaseCard(unit=unit, petitioner="留下", subject="甲").save()
    changed = documents.CaseCard(unit=unit, petitioner="原名", subject="乙").save()
    gone = documents.CaseCard(unit=unit, petitioner="删掉", subject="丙").save()
    collection = documents.CaseCard._get_collection()
    # behind the index's back: a process killed between the card's write and its row's (the
    # index marked as being written, the mark never taken away), a restored backup
    index.current().mark_writing()
    collection.update_one(
        {"_id": changed.pk}, {"$set": {"petitioner": "改名"}, "$inc": {"version": 1}}
    )
    collection.delete_one({"_id": gone.pk})
    missing = bson.ObjectId()
    collection.insert_one({**kept.to_mongo().to_dict(), "_id": missing, "petitioner": "新来"})
    assert cardquery.find(CardQuery(search="改名"))[0] == 0
    mongoengine.disconnect_all()
    from admin import create_app

    create_app({"TESTING": True, "SECRET_KEY": "test", "DATA_DIR": str(tmp_path / "data")})
    assert cardquery.find(CardQuery(search="改名"))[1] == [str(changed.pk)]
    assert cardquery.find(CardQuery(search="删掉"))[0] == 0
    assert cardquery.find(CardQuery(search="新来"))[1] == [str(missing)]
    assert index.current().count_rows() == 3
    mongoengine.disconnect_all()


def test_queries_the_contract_cannot_answer_are_refused():
    from documents.cardquery import QueryError

    for bad in (
        {"where": (("phones", "=", "x"),)},
        {"where": (("source", "like", "x"),)},
        {"sort": "subject"},
        {"deadline": "soon"},
        {"extra": (("k", "in", ("x",)),)},
    ):
        with pytest.raises(QueryError):
            CardQuery(**bad)


# --- repeat petitions --------------------------------------------------------------------------


def _expected_repeats(unit, exclude, id_number, petitioner, phones, subject, limit):
    """The rules of repeat petitions, read plainly: every card of the unit compared."""
    import difflib

    def alike(other):
        first, second = (subject or "").strip(), (other or "").strip()
        if not first or not second:
            return 0.0
        return difflib.SequenceMatcher(None, first, second).ratio()

    found = []
    for doc in documents.CaseCard._get_collection().find({"unit": unit.pk}):
        if doc.get("archived") or doc["_id"] == exclude:
            continue
        if id_number and doc.get("id_number") == id_number:
            rank = 0
        elif (
            petitioner
            and doc.get("petitioner") == petitioner
            and set(phones) & set(doc.get("phones") or [])
        ):
            rank = 1
        elif alike(doc.get("subject")) >= rules.SIMILAR_SUBJECT:
            rank = 2
        else:
            continue
        score = round(alike(doc.get("subject")), 3)
        found.append((rank, -score, _plain(doc["registered_on"]), str(doc["_id"])))
    found.sort(key=lambda f: (f[2], f[3]), reverse=True)
    found.sort(key=lambda f: (f[0], f[1]))
    return [(f[3], rules.REPEAT_REASONS[f[0]], -f[1]) for f in found[:limit]]


def test_repeats_are_the_best_few_with_their_reason_on_every_store(store):
    unit = documents.Unit(name="重复乡").save()
    other_unit = documents.Unit(name="别的乡").save()
    rng = random.Random(19)
    subjects = [
        "反映村委会账目不公开的问题",
        "反映村委会账目不公开问题",
        "反映村委会帐目不公开的问题。",
        "反映村委会账目长期不公开的问题",
        "要求解决拖欠工资问题",
        "申请低保救助",
        "",
    ]
    docs = []
    for n in range(300):
        registered = D(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 400))
        docs.append(
            {
                "_id": bson.ObjectId(),
                "unit": (unit if n % 10 else other_unit).pk,
                "version": 1,
                "registered_on": _dt(registered),
                "petitioner": rng.choice(["张三", "李四", "王五"]),
                "id_number": rng.choice([None, "11010519491231002X", "110105194912310039"]),
                "phones": rng.sample(["13800138000", "13900139000", "13700137000"], 1),
                "subject": rng.choice(subjects) + rng.choice(["", "", "，多次反映"]),
                "archived": n % 13 == 0,
            }
        )
    documents.CaseCard._get_collection().insert_many(docs)
    index.sync()
    asked = [
        ("11010519491231002X", "张三", ["13800138000"], "反映村委会账目不公开的问题", 5),
        (None, "李四", ["13900139000", "13700137000"], "要求解决拖欠工资问题", 8),
        (None, None, [], "反映村委会账目不公开问题，多次反映", 12),
        (None, "王五", [], "申请低保救助。", 5),
        ("110105194912310039", None, [], "", 3),
    ]
    for id_number, petitioner, phones, subject, limit in asked:
        exclude = docs[1]["_id"]
        want = _expected_repeats(unit, exclude, id_number, petitioner, phones, subject, limit)
        assert want, (id_number, petitioner, subject)  # each question finds something
        got = cardquery.repeats(
            unit.pk,
            exclude=exclude,
            id_number=id_number,
            petitioner=petitioner,
            phones=phones,
            subject=subject,
            limit=limit,
        )
        assert [(r.id, r.reason, r.similarity) for r in got] == want


def test_a_registered_card_links_the_best_few_with_the_reason_shown(embedded_app):
    unit = documents.Unit(name="关联乡").save()
    for n in range(12):
        documents.CaseCard(
            unit=unit,
            petitioner=f"信访人{n}",
            subject="反映村委会账目不公开的问题",
            registered_on=D(2024, 1, 1) + datetime.timedelta(days=n),
        ).save()
    same_id = documents.CaseCard(
        unit=unit, petitioner="赵某", id_number="11010519491231002X", subject="另一件事"
    ).save()
    card = documents.CaseCard(
        unit=unit,
        petitioner="钱某",
        id_number="11010519491231002X",
        subject="反映村委会账目不公开问题",
    ).save()
    card.reload()
    assert len(card.related_cards) == rules.REPEATS_SHOWN  # not all thirteen earlier cards
    assert card.related_cards[0] == same_id and card.case_type == "重复访"
    reasons = card.related_matches()
    assert reasons[0] == (same_id, "同一证件号码")
    assert all(reason == "案由相似（相似度 96%）" for _, reason in reasons[1:])
    # the latest of the alike, for they are all as alike
    assert [c.petitioner for c, _ in reasons[1:]] == ["信访人11", "信访人10", "信访人9", "信访人8"]


def test_a_start_after_clean_writes_reads_no_card_and_one_after_a_cut_write_repairs(tmp_path):
    import mongoengine

    from admin import create_app
    from tests.conftest import _make_app

    data = str(tmp_path / "data")
    _make_app({"DATA_DIR": data})
    unit = documents.Unit(name="标记乡").save()
    card = documents.CaseCard(unit=unit, petitioner="甲", subject="甲事").save()
    card.petitioner = "乙"
    card.save()
    with pytest.raises(mongoengine.ValidationError):  # refused: nothing written, no mark left
        documents.CaseCard(unit=unit, petitioner="丙", subject="丙事", id_number="1").save()
    documents.CaseCard.objects(pk=card.pk).update(set__subject="乙事")
    assert not index.current().needs_check()
    # a card written and the process killed before its row: the mark stays
    with pytest.raises(RuntimeError), index.writing(1):
        documents.CaseCard._get_collection().update_one(
            {"_id": card.pk}, {"$set": {"petitioner": "丁"}, "$inc": {"version": 1}}
        )
        raise RuntimeError("killed")
    assert index.current().needs_check()
    mongoengine.disconnect_all()
    create_app({"TESTING": True, "SECRET_KEY": "test", "DATA_DIR": data})
    assert cardquery.find(CardQuery(search="丁"))[1] == [str(card.pk)]
    assert not index.current().needs_check()
    mongoengine.disconnect_all()
