"""What a hostile user tries: script in every text, the browser's defences, personal data and
the scope of leaders and staff on every path."""

import datetime
import re

import icalendar
import pytest

import documents
from documents.custom_fields import FieldDefinition as Field

from .test_custom_fields import _card_form, _define

# a script tag closing the page's own, an attribute handler, and markup in an attribute
PAYLOADS = (
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
)


def unescaped(html, payloads=PAYLOADS):
    """The payloads that reach the page as markup."""
    return [p for p in payloads if p in html]


def inline_scripts(html):
    """The <script> elements of a page that are neither a file nor data."""
    tags = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
    return [t for t in tags if "src=" not in t and 'type="application/json"' not in t]


@pytest.fixture
def township(app):
    return documents.Unit(name="某乡").save()


def test_a_category_cannot_close_the_dashboards_script(client, township):
    documents.CaseCard(
        unit=township,
        petitioner="张某",
        subject="反映问题",
        step="登记",
        category=PAYLOADS[0],
        department=PAYLOADS[1],
    ).save()
    response = client.get(f"/admin/?unit={township.pk}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="xf-chart-data"' in html  # the charts are there, with the category as data
    assert unescaped(html) == []
    assert inline_scripts(html) == []


def test_help_text_and_old_type_values_are_text_on_forms(client, township):
    _define(township, Field(key="times", label="次数", type="text", help_text=PAYLOADS[1]))
    client.post("/admin/casecard/new/", data=_card_form(township, x__times=PAYLOADS[2]))
    card = documents.CaseCard.objects.get()
    assert card.extra["times"] == PAYLOADS[2]
    new = client.get(f"/admin/casecard/new/?unit={township.pk}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(2)&gt;" in new and unescaped(new) == []

    _define(township, Field(key="times", label="次数", type="number", help_text=PAYLOADS[1]))
    for url in (
        f"/admin/casecard/edit/?id={card.pk}",
        f"/admin/casecard/details/?id={card.pk}",
        f"/admin/casecard/?unit={township.pk}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert unescaped(html) == [], url
    edit = client.get(f"/admin/casecard/edit/?id={card.pk}").get_data(as_text=True)
    assert "原值「&#34;&gt;&lt;svg onload=alert(3)&gt;」与当前类型不符" in edit


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/casecard/",
        "/admin/casecard/new/",
        "/admin/schedule/",
        "/admin/reports/",
        "/login",
    ],
)
def test_pages_forbid_inline_script_and_framing(client, township, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert inline_scripts(response.get_data(as_text=True)) == []
    assert not re.search(r"\son(click|change|submit|load)=", response.get_data(as_text=True))


# --- personal data ---

ID, PHONE, FAMILY_PHONE = "11010519491231002X", "13800138000", "13912345678"


def as_account(app, account):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def office(app):
    """A township under a county bureau: its clerk, a leader with a card, the bureau."""
    from .conftest import make_account

    county = documents.Unit(name="某县信访局").save()
    town = documents.Unit(name="某乡", parent=county).save()
    leader = documents.Person(name="乡长甲", title="乡长", unit=town).save()
    other_leader = documents.Person(name="副乡长乙", title="副乡长", unit=town).save()
    _define(
        town,
        Field(
            key="family",
            label="家庭成员",
            type="table",
            columns=[
                {"key": "name", "label": "姓名"},
                {"key": "phone", "label": "电话", "personal": True},
            ],
        ),
        Field(key="contact", label="联系人电话", type="text", personal=True),
    )
    staff = make_account("clerk", "staff", unit=town)
    client = as_account(app, staff)
    response = client.post(
        "/admin/casecard/new/",
        data=_card_form(
            town,
            responsible_leader=str(leader.pk),
            id_number=ID,
            phones=PHONE,
            x__contact="0359-1234567",
            **{"x__family-0-name": "孙某", "x__family-0-phone": FAMILY_PHONE},
        ),
    )
    assert response.status_code == 302
    card = documents.CaseCard.objects.get()
    card.id_number, card.phones = "110105194912310038", ["13900001111"]
    card.save()  # a second entry in the history: both numbers before and after
    return {
        "app": app,
        "town": town,
        "county": county,
        "card": card,
        "leader": leader,
        "other_leader": other_leader,
        "staff": staff,
        "leader_account": make_account("leader", "leader", unit=town, person=leader),
        "superior": make_account("bureau", "superior", unit=county),
    }


FULL = (ID, PHONE, "110105194912310038", "13900001111", FAMILY_PHONE, "0359-1234567")


@pytest.mark.parametrize("who", ["leader_account", "superior"])
def test_roles_without_the_right_see_no_number_whole_anywhere_on_a_card(office, who):
    client = as_account(office["app"], office[who])
    card = office["card"]
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    history = detail.split('class="table table-sm table-bordered xf-history"', 1)[1]
    history = history.split("</table>", 1)[0]
    assert [n for n in FULL if n in detail] == []
    # the history masks as the field does, before and after the change
    assert "<b>证件号码</b>：1101***********02X → 1101***********038" in history
    assert "<b>联系电话</b>：138****8000 → 139****1111" in history
    assert "139****5678" in detail  # a phone in the family table
    assert "孙某" in detail  # what is not personal stays readable
    listing = client.get(f"/admin/casecard/?unit={office['town'].pk}").get_data(as_text=True)
    assert [n for n in FULL if n in listing] == []
    pdf = client.get(f"/admin/casecard/pdf/?id={card.pk}")
    assert pdf.status_code == 200
    assert [n for n in FULL if n.encode() in pdf.data] == []  # fonts are subset, text is not
    if who == "superior":
        csv = client.get(f"/admin/casecard/export/csv/?unit={office['town'].pk}")
        assert csv.status_code == 200 and [n for n in FULL if n in csv.get_data(as_text=True)] == []
    # the card's own search does not reveal what the role may not see
    found = client.get(f"/admin/casecard/?unit={office['town'].pk}&search=1234567")
    assert card.petitioner not in found.get_data(as_text=True).split("model-list")[-1]


def test_whoever_sees_personal_data_whole_is_logged_once_per_view(office):
    client = as_account(office["app"], office["staff"])
    card = office["card"]
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert ID in detail and FAMILY_PHONE in detail
    views = documents.AuditEvent.objects(action="view_personal", username="clerk")
    assert views.count() == 1
    # a card with personal data only in its history is logged too
    card.reload()
    card.id_number, card.phones = None, []
    card.save()
    documents.AuditEvent.objects(action="view_personal").delete()
    client.get(f"/admin/casecard/details/?id={card.pk}")
    assert documents.AuditEvent.objects(action="view_personal", username="clerk").count() == 1


def test_a_personal_field_is_not_on_the_form_of_a_role_that_may_not_see_it(office):
    client = as_account(office["app"], office["leader_account"])
    card = office["card"]
    edit = client.get(f"/admin/casecard/edit/?id={card.pk}").get_data(as_text=True)
    assert "x__contact" not in edit and "x__family" not in edit
    response = client.post(
        f"/admin/casecard/edit/?id={card.pk}",
        data={
            **_card_form(office["town"], responsible_leader=str(office["leader"].pk)),
            "step": card.step,
            "version": card.version,
        },
    )
    assert response.status_code == 302
    card.reload()
    assert card.extra["contact"] == "0359-1234567"  # kept, not cleared by the narrower form
    assert card.extra["family"][0]["phone"] == FAMILY_PHONE


# --- a leader's scope on every path ---


@pytest.fixture
def two_leaders(office):
    """The township's two leaders, each with a card and a reception day next week."""

    from documents import deadlines

    town, leader, other = office["town"], office["leader"], office["other_leader"]
    today = deadlines.today()
    plan = documents.Plan(unit=town, title="某乡大接访实施方案", period_start=today).save()
    for person, day in ((leader, 2), (other, 3)):
        documents.ReceptionSession(
            plan=plan,
            unit=town,
            leader=person.name,
            place="接访室",
            date=today + datetime.timedelta(days=day),
        ).save()
    mine = office["card"]
    theirs = documents.CaseCard(
        unit=town,
        petitioner="别人的信访人",
        subject="别人的事",
        step=mine.step,
        responsible_leader=other,
        number="某乡〔2024〕9号",
        reception_leader=other,
        registered_on=today - datetime.timedelta(days=200),
        reception_date=today + datetime.timedelta(days=3),
    ).save()
    mine.reload()
    mine.related_cards = [theirs]
    mine.save()
    return {**office, "plan": plan, "theirs": theirs, "today": today}


def test_a_leader_sees_only_own_receptions_and_notices_on_the_schedule(two_leaders):
    client = as_account(two_leaders["app"], two_leaders["leader_account"])
    today = two_leaders["today"]
    page = client.get(f"/admin/schedule/?plan={two_leaders['plan'].pk}&month={today:%Y-%m}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "副乡长乙" not in html and "别人的信访人" not in html
    # the clerk sees both leaders' days and the notices for them
    clerk = as_account(two_leaders["app"], two_leaders["staff"])
    html = clerk.get(
        f"/admin/schedule/?plan={two_leaders['plan'].pk}&month={today:%Y-%m}"
    ).get_data(as_text=True)
    assert "副乡长乙" in html and "乡长甲" in html


def test_a_leaders_month_page_and_feeds_hold_exactly_own_generated_receptions(office):
    """Two leaders take turns on the Tuesdays of March 2024 (generated from the rule): the
    leader's month page and calendar feeds, signed in or by token, hold his days and no other."""
    import html as markup

    from flask.testing import FlaskClient

    from documents import schedule
    from documents.plan import ReceptionArrangement

    app, town = office["app"], office["town"]
    plan = documents.Plan(
        unit=town,
        title="某乡大接访实施方案",
        period_start=datetime.date(2024, 3, 1),
        period_end=datetime.date(2024, 3, 31),
        receptions=[
            ReceptionArrangement(
                kind="weekly", weekday=1, leaders=["乡长甲", "副乡长乙"], place="接访室"
            )
        ],
    ).save()
    schedule.regenerate(plan)
    days = {
        leader: [
            f"{s.date:%Y-%m-%d}"
            for s in documents.ReceptionSession.objects(plan=plan, leader=leader).order_by("date")
        ]
        for leader in ("乡长甲", "副乡长乙")
    }
    assert days == {
        "乡长甲": ["2024-03-05", "2024-03-19"],
        "副乡长乙": ["2024-03-12", "2024-03-26"],
    }

    def month_page(account):
        page = as_account(app, account).get(f"/admin/schedule/?plan={plan.pk}&month=2024-03")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        table = html.split('class="table table-bordered table-sm xf-schedule"', 1)[1]
        rows = re.findall(
            r"(?s)<tr[^>]*>\s*<td><a [^>]*>([0-9-]+)</a></td>.*?"
            r"title=\"[^\"]*\">([^<]+)</a>",
            table.split("</table>", 1)[0],
        )
        link = re.search(r'href="([^"]*/ical/[0-9a-f]{24}\.ics\?token=[^"]+)"', html).group(1)
        return rows, markup.unescape(link)

    def events(response):
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        feed = icalendar.Calendar.from_ical(response.data)
        return sorted(
            (f"{e['dtstart'].dt:%Y-%m-%d}", str(e["summary"]))
            for e in feed.walk()
            if e.name == "VEVENT"
        )

    own = [(day, "乡长甲") for day in days["乡长甲"]]
    rows, link = month_page(office["leader_account"])
    assert rows == own
    clerk_rows, clerk_link = month_page(office["staff"])
    assert sorted(clerk_rows) == sorted(own + [(d, "副乡长乙") for d in days["副乡长乙"]])

    summaries = [(day, "乡长甲接访") for day in days["乡长甲"]]
    leader = as_account(app, office["leader_account"])
    calendar = FlaskClient(app)  # a calendar program: no session cookie, the token
    for client, url in ((leader, f"/admin/schedule/ical/{town.pk}.ics"), (calendar, link)):
        assert events(client.get(url)) == summaries, url
    assert events(leader.get(f"/admin/schedule/ical/{town.pk}/乡长甲.ics")) == summaries
    assert events(leader.get(f"/admin/schedule/ical/{town.pk}/副乡长乙.ics")) == []
    assert len(events(calendar.get(clerk_link))) == 4  # the clerk's feed: the whole unit


def test_a_leader_does_not_see_another_leaders_card_among_the_related(two_leaders):
    client = as_account(two_leaders["app"], two_leaders["leader_account"])
    card = two_leaders["card"]
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert "别人的事" not in detail and "别人的信访人" not in detail
    clerk = as_account(two_leaders["app"], two_leaders["staff"])
    assert "别人的信访人" in clerk.get(f"/admin/casecard/details/?id={card.pk}").get_data(
        as_text=True
    )


def test_a_leaders_copy_of_a_report_lists_only_own_overdue_cards(two_leaders):
    from documents import reports
    from documents.plan import ReportingDuty

    plan, today = two_leaders["plan"], two_leaders["today"]
    plan.reporting_duties = [ReportingDuty(name="每周报告", cadence="weekly")]
    plan.save()
    # the week that holds today (due on its Sunday), whatever weekday the test runs on
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    period = reports.periods(plan.reporting_duties[0], plan, week_end, week_end)[0]
    report = reports.draft(plan, plan.reporting_duties[0], period).save()
    overdue = next(t for t in report.tables if t["title"].startswith("超期未办"))
    assert any("别人的信访人" in row for row in overdue["rows"])  # the unit's copy has it

    client = as_account(two_leaders["app"], two_leaders["leader_account"])
    page = client.get(f"/admin/reports/{report.pk}/").get_data(as_text=True)
    assert "别人的信访人" not in page and "副乡长乙" not in page
    pdf = client.get(f"/admin/reports/{report.pk}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
    assert "别人的信访人" not in text and "张某" in text
    assert "共1件" in text.replace("\n", "")  # the leader's own count in the title
    clerk = as_account(two_leaders["app"], two_leaders["staff"])
    assert "别人的信访人" in clerk.get(f"/admin/reports/{report.pk}/").get_data(as_text=True)


def test_a_clerk_saving_the_own_unit_keeps_its_superior(office):
    client = as_account(office["app"], office["staff"])
    town, county = office["town"], office["county"]
    form = client.get(f"/admin/unit/edit/?id={town.pk}").get_data(as_text=True)
    assert f'<option selected value="{county.pk}">某县信访局</option>' in form
    response = client.post(
        f"/admin/unit/edit/?id={town.pk}",
        data={"name": "某乡", "parent": str(county.pk), "document_style": "2012"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert documents.Unit.objects.get(pk=town.pk).parent == county
    # another unit outside the account's scope cannot be chosen
    elsewhere = documents.Unit(name="别的县").save()
    response = client.post(
        f"/admin/unit/edit/?id={town.pk}",
        data={"name": "某乡", "parent": str(elsewhere.pk), "document_style": "2012"},
    )
    assert response.status_code == 200 and "所选的关联记录不存在" in response.get_data(as_text=True)
    assert documents.Unit.objects.get(pk=town.pk).parent == county


def test_a_leaders_calendar_feed_carries_only_own_receptions_without_a_cookie(two_leaders):
    import html as markup

    app, plan, today = two_leaders["app"], two_leaders["plan"], two_leaders["today"]
    town = two_leaders["town"]

    def feed_link(account):
        page = as_account(app, account).get(f"/admin/schedule/?plan={plan.pk}&month={today:%Y-%m}")
        link = re.search(
            r'href="([^"]*/ical/[0-9a-f]{24}\.ics\?token=[^"]+)"', page.get_data(as_text=True)
        )
        return markup.unescape(link.group(1))

    from flask.testing import FlaskClient

    calendar = FlaskClient(app)  # a calendar program: no session cookie
    own = calendar.get(feed_link(two_leaders["leader_account"]))
    assert own.status_code == 200 and own.mimetype == "text/calendar"
    text = own.get_data(as_text=True)
    assert "乡长甲" in text and "副乡长乙" not in text
    # the other leader's own feed, asked for with this leader's token, is empty
    token = feed_link(two_leaders["leader_account"]).split("token=")[1]
    theirs = calendar.get(f"/admin/schedule/ical/{town.pk}/副乡长乙.ics?token={token}")
    assert theirs.status_code == 200 and "BEGIN:VEVENT" not in theirs.get_data(as_text=True)
    # the clerk's feed holds both leaders' days
    both = calendar.get(feed_link(two_leaders["staff"])).get_data(as_text=True)
    assert "乡长甲" in both and "副乡长乙" in both


def test_a_calendar_link_is_audited_and_can_be_revoked(two_leaders):
    import html as markup

    from flask.testing import FlaskClient

    app, plan, today = two_leaders["app"], two_leaders["plan"], two_leaders["today"]
    clerk = as_account(app, two_leaders["staff"])
    schedule_page = f"/admin/schedule/?plan={plan.pk}&month={today:%Y-%m}"

    def link():
        page = clerk.get(schedule_page).get_data(as_text=True)
        return markup.unescape(
            re.search(r'href="([^"]*/ical/[0-9a-f]{24}\.ics\?token=[^"]+)"', page).group(1)
        )

    calendar = FlaskClient(app)
    old = link()
    assert calendar.get(old).status_code == 200
    username = two_leaders["staff"].username
    assert documents.AuditEvent.objects(action="feed", username=username).count() == 1
    response = clerk.post(f"/admin/schedule/feed-key/?plan={plan.pk}&month={today:%Y-%m}")
    assert response.status_code == 302
    assert documents.AuditEvent.objects(action="feed_reset", username=username).count() == 1
    refused = calendar.get(old)  # the revoked link: no calendar, a login page
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    new = link()
    assert new != old and calendar.get(new).status_code == 200
    # a link of an account that has been deactivated stops too
    two_leaders["staff"].update(active=False)
    assert calendar.get(new).status_code == 302


def test_a_leaders_month_page_counts_only_own_quota(office):
    """本月任务完成情况 lists every leader of the plan for the clerk; a leader who sees only his
    own cards and receptions sees only his own row (another leader's count is not his)."""
    from documents import schedule
    from documents.plan import ReceptionArrangement, Target

    app, town = office["app"], office["town"]
    plan = documents.Plan(
        unit=town,
        title="某乡大接访实施方案",
        period_start=datetime.date(2024, 3, 1),
        period_end=datetime.date(2024, 3, 31),
        receptions=[ReceptionArrangement(kind="weekly", weekday=1, leaders=["乡长甲", "副乡长乙"])],
        targets=[Target(name="每月接访", metric="reception_days_per_leader_month", value="2")],
    ).save()
    schedule.regenerate(plan)

    def quota_rows(account):
        page = as_account(app, account).get(f"/admin/schedule/?plan={plan.pk}&month=2024-03")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        return re.findall(r'<tr class="(?:table-warning)?"><td>([^<]+)</td>', html)

    assert quota_rows(office["staff"]) == ["乡长甲", "副乡长乙"]
    assert quota_rows(office["leader_account"]) == ["乡长甲"]
