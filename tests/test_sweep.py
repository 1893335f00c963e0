"""The sweep: the sample data with script in its texts and personal data in its cards, every
page, form, export, printout and feed walked as each role.

Per role: nothing answers 500, no text reaches a page as markup, no full ID number or phone
reaches a role without the personal-data right, nothing of another unit (or, for a leader,
another leader) reaches the account. The URLs come from the app's own routes, so a new page is
walked without being listed here."""

import io
import re

import bson
import mongoengine
import openpyxl
import pdfplumber
import pytest

import documents
import seeds

from .conftest import _make_app, make_account

PAYLOAD = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
ID, PHONE, FAMILY_PHONE = "11010519491231002X", "13800138000", "13912345678"
FULL_NUMBERS = (ID, PHONE, FAMILY_PHONE)

# fields of the stored records that hold free text: script goes into each of them (names of
# people stay, as the schedule matches its leaders by name)
TEXT_KEYS = {
    "units": {"name", "short_name", "kind", "doc_code", "address", "issuer_marks", "superiors"},
    "plans": {
        "title",
        "heading",
        "text",
        "content",
        "description",
        "name",
        "place",
        "preamble",
        "targets",
        "principles",
    },
    "case_cards": {
        "subject",
        "request",
        "facts",
        "address",
        "category",
        "department",
        "progress",
        "measures",
        "petitioner_status",
        "content",
    },
    "leadership_groups": {"name", "office_name", "office_duties"},
    "reception_sessions": {"place", "accompany", "note"},
    "field_sets": {"label", "help_text"},
    "people": {"department"},
}


def _poison(value, keys, inside=False):
    """The stored document with the payload added to every string under one of ``keys``."""
    if isinstance(value, dict):
        return {
            k: _poison(v, keys, inside=k in keys) if k != "_id" else v for k, v in value.items()
        }
    if isinstance(value, list):
        return [_poison(v, keys, inside) for v in value]
    if isinstance(value, str) and inside:
        return value + PAYLOAD
    return value


@pytest.fixture(scope="module")
def world():
    app = _make_app({"MOCK_STORE": True}, signed_in=False)
    with app.app_context():
        seeds.load()
    town = documents.Unit.objects.get(name="XXX乡")
    county = town.parent
    leader = documents.Person.objects.get(name="乜冠军")
    other_leader = documents.Person.objects.get(name="陈福强")
    plan = documents.Plan.objects(unit=town).first()
    # markers: what the leader, the township and the county may not see
    step = documents.Procedure.for_unit(town).first
    for number, unit in enumerate(documents.Unit.objects(pk__nin=[town.pk, county.pk])):
        documents.CaseCard(
            unit=unit,
            petitioner=f"外单位卡{number:03d}号",
            subject="外单位的事",
            step=documents.Procedure.for_unit(unit).first,
        ).save()
        other_plan = documents.Plan.objects(unit=unit).first()
        if other_plan is not None:
            documents.ReceptionSession(
                plan=other_plan,
                unit=unit,
                leader="外单位领导",
                date=plan.period_start or documents.deadlines.today(),
                place=f"外单位接访地{number:03d}号",
            ).save()
    for card in documents.CaseCard.objects(unit=town):
        if leader not in (card.responsible_leader, card.reception_leader):
            card.petitioner = f"他人卡{card.pk}号"
            card.save()
    documents.ReceptionSession(
        plan=plan, unit=town, leader=other_leader.name, place="他人接访地", date=plan.period_start
    ).save()
    documents.CaseCard(
        unit=town,
        petitioner="本人的卡",
        subject="本人包案",
        step=step,
        responsible_leader=leader,
        id_number=ID,
        phones=[PHONE],
    ).save()
    db = mongoengine.get_db()
    # personal data in every card, script in every text
    db.case_cards.update_many({}, {"$set": {"id_number": ID, "phones": [PHONE]}})
    for name, keys in TEXT_KEYS.items():
        for doc in list(db[name].find()):
            db[name].replace_one({"_id": doc["_id"]}, _poison(doc, keys))
    family = {"family": [{"name": "孙某", "relation": "儿子", "phone": FAMILY_PHONE}]}
    db.case_cards.update_many(
        {"unit": town.pk}, {"$set": {f"extra.{k}": v for k, v in family.items()}}
    )
    accounts = {
        "admin": make_account("sweep-admin", "admin"),
        "staff": make_account("sweep-staff", "staff", unit=town),
        "leader": make_account("sweep-leader", "leader", unit=town, person=leader),
        "superior": make_account("sweep-superior", "superior", unit=county),
    }
    yield {"app": app, "town": town, "county": county, "leader": leader, "accounts": accounts}
    mongoengine.disconnect_all()


def _sample(model, limit=3):
    """A few records of a model, the markers among them."""
    records = list(model.objects.order_by("-id").limit(limit))
    if model is documents.CaseCard:
        records += list(model.objects(petitioner__contains="卡"))
    return records


def urls(app):
    """Every page a GET reaches: lists, details and forms of a few records of each kind,
    exports, printouts, reports, the schedule, feeds and the dashboard of every unit."""
    result = ["/admin/", "/admin/schedule/", "/admin/reports/", "/admin/reports/targets/", "/login"]
    units = list(documents.Unit.objects)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.endpoint.endswith(".index_view"):
            continue
        base = rule.rule
        view = (
            app.view_functions[rule.endpoint].__self__
            if hasattr(app.view_functions[rule.endpoint], "__self__")
            else None
        )
        model = getattr(view, "model", None)
        result += [base, f"{base}new/", f"{base}export/csv/", f"{base}export/xlsx/"]
        result += [f"{base}?unit={u.pk}" for u in units]
        result += [f"{base}new/?unit={u.pk}" for u in units]
        if model is None:
            continue
        for record in _sample(model):
            result += [f"{base}details/?id={record.pk}", f"{base}edit/?id={record.pk}"]
    for card in _sample(documents.CaseCard):
        result.append(f"/admin/casecard/pdf/?id={card.pk}")
    for unit in units:
        result += [
            f"/admin/?unit={unit.pk}",
            f"/admin/reports/?unit={unit.pk}",
            f"/admin/casecard/blank/?unit={unit.pk}",
            f"/admin/schedule/ical/{unit.pk}.ics",
        ]
        leaders = set(documents.ReceptionSession.objects(unit=unit).distinct("leader"))
        result += [f"/admin/schedule/ical/{unit.pk}/{name}.ics" for name in leaders]
    for plan in documents.Plan.objects:
        result += [
            f"/admin/plan/pdf/?id={plan.pk}",
            f"/admin/plan/schedule/?id={plan.pk}",
            f"/admin/schedule/?plan={plan.pk}",
            f"/admin/reports/targets/?plan={plan.pk}",
        ]
        if plan.period_start:
            result.append(f"/admin/schedule/?plan={plan.pk}&month={plan.period_start:%Y-%m}")
    for report in documents.Report.objects:
        result += [
            f"/admin/reports/{report.pk}/",
            f"/admin/reports/{report.pk}/pdf",
            f"/admin/reports/{report.pk}/xlsx",
        ]
    return list(dict.fromkeys(result))


def _text(response):
    """What a response shows a reader, whatever its format."""
    if response.mimetype == "application/pdf":
        with pdfplumber.open(io.BytesIO(response.data)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    if "spreadsheet" in response.mimetype:
        book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.get_data(as_text=True)


def _client(world, role):
    account = world["accounts"][role]
    client = world["app"].test_client()
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
    return client


# A plan's circular and its 接访日程安排表 are the unit's published documents: every leader
# gets the whole schedule with the plan. Everywhere else a leader sees his or her own days.
PUBLISHED = ("/admin/plan/pdf/", "/admin/plan/schedule/")


def _forbidden_markers(world, role, url):
    if role == "admin":
        return ()
    markers = ("外单位卡", "外单位接访地")
    if role != "leader":
        return markers
    return (*markers, "他人卡") if url.startswith(PUBLISHED) else (*markers, "他人卡", "他人接访地")


def _draft_reports(world):
    """A report of every duty of the township's plan, so that reports are walked too."""
    from documents import reports

    for plan in documents.Plan.objects(unit=world["town"]):
        for duty in plan.reporting_duties[:2]:
            start = plan.period_start
            if start is None:
                continue
            found = reports.periods(duty, plan, start, start.replace(year=start.year + 1))
            if found:
                reports.draft(plan, duty, found[0]).save()


@pytest.mark.parametrize("role", ["admin", "staff", "leader", "superior"])
def test_every_page_as_every_role(world, role):
    if not documents.Report.objects.count():
        _draft_reports(world)
    client = _client(world, role)
    problems = []
    mask = role in ("leader", "superior")
    for url in urls(world["app"]):
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        text = _text(response)
        if response.mimetype == "text/html" and ("<script>alert" in text or "<img src=x" in text):
            problems.append(f"{url}: script as markup")
        if mask and (shown := [n for n in FULL_NUMBERS if n in text]):
            problems.append(f"{url}: unmasked {shown}")
        if seen := [m for m in _forbidden_markers(world, role, url) if m in text]:
            problems.append(f"{url}: shows {seen}")
    assert problems == [], "\n".join(problems)


def test_the_sweep_walks_what_it_claims(world):
    walked = urls(world["app"])
    assert len(walked) > 150
    kinds = {re.sub(r"\?.*|[0-9a-f]{24}", "", u) for u in walked}
    for page in (
        "/admin/casecard/details/",
        "/admin/casecard/pdf/",
        "/admin/plan/pdf/",
        "/admin/schedule/ical/.ics",
        "/admin/reports/",
        "/admin/fieldset/edit/",
    ):
        assert page in kinds, page
    assert all(bson.ObjectId.is_valid(u.split("id=")[-1]) for u in walked if "?id=" in u)
