"""Access control: logins, roles, the unit scope on every path, personal data, the audit log,
CSRF, and user text that stays text."""

import re

import mongoengine
import pytest

import documents
import seeds
from admin.cli import main

from .conftest import _make_app, flashed_errors

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def site():
    app = _make_app({"MOCK_STORE": True}, signed_in=False)
    with app.app_context():
        seeds.load()
    # as if each demo user had already replaced the published password at the first login
    # (tests/test_accounts.py follows that first login)
    documents.Account.objects.update(must_change_password=False)
    township = documents.Unit.objects.get(name="XXX乡")
    battalion = documents.Unit.objects.get(name="山西省隰县民兵农建营")
    card = documents.CaseCard.objects(unit=township).first()
    card.id_number, card.phones = "11010519491231002X", ["13800138000"]
    card.save()
    other = documents.CaseCard(
        unit=battalion,
        petitioner="营外人",
        subject="营里的事",
        step="申请",
        id_number="11010519491231002X",
    ).save()
    yield {"app": app, "township": township, "battalion": battalion, "card": card, "other": other}
    mongoengine.disconnect_all()


def signed_in(app, username):
    """A client of a demo account whose user has already chosen a password of his own."""
    account = documents.Account.objects.get(username=username)
    account.update(must_change_password=False)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
    return client


PAGES = [
    "/admin/",
    "/admin/unit/",
    "/admin/person/",
    "/admin/plan/",
    "/admin/casecard/",
    "/admin/fieldset/",
    "/admin/receptionsession/",
    "/admin/schedule/",
    "/admin/auditevent/",
    "/admin/account/",
    "/admin/role/",
    "/admin/casecard/export/csv/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_needs_a_login(site, url):
    response = site["app"].test_client().get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_posts_and_feeds_need_a_login_too(site):
    client = site["app"].test_client()
    card = site["card"]
    for url in (
        f"/admin/casecard/edit/?id={card.pk}",
        "/admin/casecard/delete/",
        "/admin/casecard/action/",
        "/logout",
    ):
        response = client.post(url, data={"id": str(card.pk)})
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    unit = site["township"].pk
    assert client.get(f"/admin/schedule/ical/{unit}.ics").status_code == 302
    assert client.get(f"/admin/schedule/ical/{unit}.ics?token=forged").status_code == 302
    assert documents.CaseCard.objects.get(pk=card.pk).archived is False


def test_login_logout_failures_and_the_rate_limit(site):
    client = site["app"].test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "用户名" in page and "密码" in page and "登录" in page
    response = client.post("/login", data={"username": "xiangxinfang", "password": "nope-1234"})
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    response = client.post(
        "/login?next=/admin/casecard/", data={"username": "xiangxinfang", "password": "Staff-2026"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/casecard/"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/admin/casecard/").status_code == 200
    client.post("/logout")
    assert client.get("/admin/casecard/").status_code == 302
    # an outside “next” is not followed
    response = client.post(
        "/login?next=//evil.example/", data={"username": "xiangxinfang", "password": "Staff-2026"}
    )
    assert response.headers["Location"] == "/admin/"
    events = [e.action for e in documents.AuditEvent.objects(username="xiangxinfang")]
    assert {"login", "login_failed", "logout"} <= set(events)
    # five failures in a row lock the name for a while, even with the right password then
    attacker = site["app"].test_client()
    for _ in range(5):
        attacker.post("/login", data={"username": "admin", "password": "guess-0000"})
    response = attacker.post("/login", data={"username": "admin", "password": "Admin-2026"})
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert response.status_code == 200


def test_passwords_are_stored_hashed(site):
    account = documents.Account.objects.get(username="admin")
    assert "Admin-2026" not in account.password_hash
    assert account.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_staff_see_and_change_only_their_unit(site):
    client = signed_in(site["app"], "xiangxinfang")
    page = client.get("/admin/casecard/").get_data(as_text=True)
    assert "营外人" not in page and "XXX乡〔2008〕" in page
    assert "山西省隰县民兵农建营" not in client.get("/admin/unit/").get_data(as_text=True)
    assert "杨立平" not in client.get("/admin/person/").get_data(as_text=True)
    other = site["other"]
    for url in (
        f"/admin/casecard/details/?id={other.pk}",
        f"/admin/casecard/edit/?id={other.pk}",
        f"/admin/casecard/pdf/?id={other.pk}",
    ):
        assert client.get(url).status_code == 404, url
    battalion_plan = documents.Plan.objects.get(unit=site["battalion"])
    assert client.get(f"/admin/plan/pdf/?id={battalion_plan.pk}").status_code == 404
    # a batch action or a delete with another unit's id does nothing to it
    client.post("/admin/casecard/delete/", data={"id": str(other.pk)})
    client.post("/admin/casecard/action/", data={"action": "delete", "rowid": [str(other.pk)]})
    assert documents.CaseCard.objects.get(pk=other.pk).archived is False
    response = client.post(
        "/admin/casecard/action/", data={"action": "print", "rowid": [str(other.pk)]}
    )
    assert response.status_code == 302  # nothing of theirs to print
    csv = client.get("/admin/casecard/export/csv/").get_data(as_text=True)
    assert "营外人" not in csv and "XXX乡" in csv
    # the drop-downs offer their unit's records only, and a forged id is refused
    form = client.get("/admin/casecard/new/").get_data(as_text=True)
    assert "杨立平" not in form and "乜冠军" in form
    response = client.post(
        "/admin/casecard/new/",
        data={
            "unit": str(site["battalion"].pk),
            "petitioner": "某",
            "subject": "某事",
            "registered_on": "2024-01-02",
            "step": "登记",
        },
    )
    assert response.status_code == 200 and "所选的关联记录不存在" in flashed_errors(response)
    assert not documents.CaseCard.objects(petitioner="某").first()
    # the schedule of another unit, and its feed
    assert client.post(f"/admin/schedule/generate/?plan={battalion_plan.pk}").status_code == 404
    assert client.get(f"/admin/schedule/ical/{site['battalion'].pk}.ics").status_code == 404


def test_staff_cannot_reach_accounts_roles_or_the_audit_log(site):
    client = signed_in(site["app"], "xiangxinfang")
    for url in ("/admin/account/", "/admin/role/", "/admin/auditevent/"):
        assert client.get(url).status_code == 403, url
    menu = client.get("/admin/").get_data(as_text=True)
    assert "/admin/account/" not in menu and "/admin/auditevent/" not in menu


def test_a_leader_sees_only_own_cases_masked_and_cannot_write_plans(site):
    leader = documents.Person.objects.get(name="乜冠军")
    mine = list(documents.CaseCard.objects(responsible_leader=leader))
    assert mine, "the sample data gives 乜冠军 cards of his own"
    own = mine[0]  # a card of the leader's own, carrying full personal data
    own.id_number, own.phones = "11010519491231002X", ["13800138000"]
    own.save()
    client = signed_in(site["app"], "nieguanjun")
    page = client.get("/admin/casecard/").get_data(as_text=True)
    assert all(card.number and card.number in page for card in mine)
    others = [
        card
        for card in documents.CaseCard.objects(unit=site["township"])
        if card.responsible_leader != leader
    ]
    assert others and all(card.number and card.number not in page for card in others)
    # the leader role lacks the personal_data right: on his own card the numbers are masked
    assert "personal_data" not in documents.Role.objects.get(key="leader").permissions
    response = client.get(f"/admin/casecard/details/?id={own.pk}")
    assert response.status_code == 200
    detail = response.get_data(as_text=True)
    assert "1101***********02X" in detail and "11010519491231002X" not in detail
    assert "138****8000" in detail and "13800138000" not in detail
    # another leader's card in his own unit does not exist for him
    foreign = client.get(f"/admin/casecard/details/?id={others[0].pk}")
    assert foreign.status_code == 404
    assert others[0].petitioner not in foreign.get_data(as_text=True)
    plan = documents.Plan.objects.get(unit=site["township"])
    assert client.get(f"/admin/plan/details/?id={plan.pk}").status_code == 200
    response = client.post(f"/admin/plan/edit/?id={plan.pk}", data={"title": "改"})
    assert response.status_code == 403
    assert documents.Plan.objects.get(pk=plan.pk).title == plan.title
    assert client.get("/admin/casecard/export/csv/").status_code == 403
    denied = documents.AuditEvent.objects(action="denied").first()
    assert denied is not None and denied.actor == "乜冠军"


def test_a_superior_reads_its_subordinates_without_changing_anything(site):
    client = signed_in(site["app"], "xianxinfangju")
    page = client.get("/admin/casecard/").get_data(as_text=True)
    assert "XXX乡〔2008〕" in page and "营外人" not in page
    card = site["card"]
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert "1101***********02X" in detail
    assert (
        client.post(f"/admin/casecard/edit/?id={card.pk}", data={"petitioner": "改"}).status_code
        == 403
    )
    assert client.post("/admin/casecard/delete/", data={"id": str(card.pk)}).status_code == 403
    assert documents.CaseCard.objects.get(pk=card.pk).petitioner == card.petitioner
    csv = client.get("/admin/casecard/export/csv/").get_data(as_text=True)
    assert "1101***********02X" in csv and "11010519491231002X" not in csv
    assert documents.AuditEvent.objects(action="export", username="xianxinfangju").count() == 1
    assert client.get(f"/admin/casecard/details/?id={site['other'].pk}").status_code == 404


def test_full_personal_data_views_and_prints_are_logged(site):
    client = signed_in(site["app"], "xiangxinfang")
    card = site["card"]
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert "11010519491231002X" in detail
    client.get(f"/admin/casecard/pdf/?id={card.pk}")
    actions = {e.action for e in documents.AuditEvent.objects(username="xiangxinfang")}
    assert {"view_personal", "print"} <= actions


def test_the_audit_log_is_for_administrators_and_nobody_edits_it(site):
    signed_in(site["app"], "xiangxinfang").get(f"/admin/casecard/details/?id={site['card'].pk}")
    admin = signed_in(site["app"], "admin")
    page = admin.get("/admin/auditevent/").get_data(as_text=True)
    assert "查看个人信息" in page
    event = documents.AuditEvent.objects.first()
    assert admin.get(f"/admin/auditevent/edit/?id={event.pk}").status_code == 302  # to the list
    assert (
        admin.post(f"/admin/auditevent/edit/?id={event.pk}", data={"actor": "x"}).status_code == 403
    )
    assert admin.post("/admin/auditevent/delete/", data={"id": str(event.pk)}).status_code == 403
    assert documents.AuditEvent.objects(pk=event.pk).first().actor == event.actor
    assert "/admin/auditevent/new/" not in page


def test_permissions_are_data_an_administrator_edits(site):
    admin = signed_in(site["app"], "admin")
    staff = documents.Role.objects.get(key="staff")
    kept = [p for p in staff.permissions if p != "export"]
    response = admin.post(
        f"/admin/role/edit/?id={staff.pk}",
        data={"key": "staff", "name": staff.name, "scope": staff.scope, "permissions": kept},
    )
    assert response.status_code == 302, flashed_errors(response)
    assert (
        signed_in(site["app"], "xiangxinfang").get("/admin/casecard/export/csv/").status_code == 403
    )


def test_an_administrator_creates_an_account_with_a_hashed_password(site):
    admin = signed_in(site["app"], "admin")
    role = documents.Role.objects.get(key="staff")
    response = admin.post(
        "/admin/account/new/",
        data={
            "username": "yingxinfang",
            "name": "农建营信访办",
            "role": str(role.pk),
            "unit": str(site["battalion"].pk),
            "active": "y",
            "new_password": "short",
        },
    )
    assert "密码至少8位" in flashed_errors(response)
    response = admin.post(
        "/admin/account/new/",
        data={
            "username": "yingxinfang",
            "name": "农建营信访办",
            "role": str(role.pk),
            "unit": str(site["battalion"].pk),
            "active": "y",
            "new_password": "Ying-2026x",
        },
    )
    assert response.status_code == 302
    account = documents.Account.objects.get(username="yingxinfang")
    assert account.check_password("Ying-2026x") and "Ying-2026x" not in account.password_hash
    assert "password_hash" not in admin.get(f"/admin/account/details/?id={account.pk}").get_data(
        as_text=True
    )


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.fixture
def guarded(site):
    site["app"].config["CSRF_ENABLED"] = True
    return site


def _token(page):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return match.group(1) if match else None


def test_forged_posts_without_a_token_are_refused(guarded):
    client = signed_in(guarded["app"], "xiangxinfang")
    card = guarded["card"]
    township = guarded["township"]
    # every field a valid card needs (as in the test below), only the token missing
    response = client.post(
        "/admin/casecard/new/",
        data={
            "unit": str(township.pk),
            "petitioner": "伪造",
            "subject": "伪造",
            "step": "登记",
            "registered_on": "2024-01-02",
            "x__risk": "低",
        },
    )
    assert not documents.CaseCard.objects(petitioner="伪造").first()
    assert response.status_code == 200 and "保存失败" in flashed_errors(response)
    assert "is-invalid" not in response.get_data(as_text=True)  # no visible field is at fault
    client.post("/admin/casecard/delete/", data={"id": str(card.pk)})
    client.post("/admin/casecard/action/", data={"action": "delete", "rowid": [str(card.pk)]})
    assert documents.CaseCard.objects.get(pk=card.pk).archived is False
    plan = documents.Plan.objects.get(unit=township)
    assert client.post(f"/admin/schedule/generate/?plan={plan.pk}").status_code == 400
    assert (
        client.post(
            "/admin/plan/from-template/",
            data={"unit": str(township.pk), "template": "blank", "title": "伪造方案"},
        ).status_code
        == 400
    )
    assert client.post("/logout").status_code == 400
    anonymous = guarded["app"].test_client()
    response = anonymous.post("/login", data={"username": "admin", "password": "Admin-2026"})
    assert response.status_code == 200 and "页面已过期" in response.get_data(as_text=True)


def test_real_forms_carry_their_token_and_work(guarded):
    client = guarded["app"].test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": "xiangxinfang", "password": "Staff-2026", "csrf_token": token}
    )
    assert response.status_code == 302
    page = client.get("/admin/casecard/new/").get_data(as_text=True)
    response = client.post(
        "/admin/casecard/new/",
        data={
            "unit": str(guarded["township"].pk),
            "petitioner": "真实",
            "subject": "真实的事",
            "step": "登记",
            "registered_on": "2024-01-02",
            "x__risk": "低",
            "csrf_token": _token(page),
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    assert documents.CaseCard.objects(petitioner="真实").first()


# --- user text stays text -------------------------------------------------------------------------


def test_html_and_script_in_every_text_field_show_as_text(site):
    client = signed_in(site["app"], "admin")
    township = site["township"]
    card = documents.CaseCard(
        unit=township,
        petitioner=PAYLOAD,
        subject=PAYLOAD,
        step="登记",
        request=PAYLOAD,
        facts=PAYLOAD,
        progress=PAYLOAD,
        petitioner_status=PAYLOAD,
        measures=PAYLOAD,
        extra={"village": "东村"},
    ).save()
    plan = documents.Plan.objects.get(unit=township)
    plan.title = PAYLOAD
    plan.sections[0].text = PAYLOAD
    plan.save()
    for url in (
        "/admin/casecard/",
        f"/admin/casecard/details/?id={card.pk}",
        f"/admin/casecard/edit/?id={card.pk}",
        "/admin/plan/",
        f"/admin/plan/details/?id={plan.pk}",
        f"/admin/plan/edit/?id={plan.pk}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert '<script>alert("x")</script>' not in html, url
        assert "<img src=x onerror" not in html, url
        assert "&lt;script&gt;" in html, url


# --- the CLI -------------------------------------------------------------------------------------


def test_create_admin_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MONGODB_URI", raising=False)
    folder = str(tmp_path / "data")
    assert (
        main(
            ["--data-dir", folder, "create-admin", "--username", "boss", "--password", "Boss-2026x"]
        )
        == 0
    )
    assert (
        main(
            ["--data-dir", folder, "create-admin", "--username", "boss", "--password", "Boss-2026x"]
        )
        == 1
    )
    assert "已存在" in capsys.readouterr().err
    assert (
        main(["--data-dir", folder, "create-admin", "--username", "weak", "--password", "12345678"])
        == 1
    )
    assert "字母和数字" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--data-dir", folder, "create-admin", "--username", "quiet"]) == 1
    account = documents.Account.objects.get(username="boss")
    assert account.role.key == "admin" and account.check_password("Boss-2026x")
    mongoengine.disconnect_all()


def test_the_embedded_store_list_index_keeps_to_the_scope(tmp_path):
    app = _make_app({"DATA_DIR": str(tmp_path / "data")}, signed_in=False)
    with app.app_context():
        seeds.load()
    battalion = documents.Unit.objects.get(name="山西省隰县民兵农建营")
    documents.CaseCard(unit=battalion, petitioner="营外人", subject="营里的事", step="申请").save()
    from documents.cardquery import index as card_index

    assert card_index.current() is not None
    staff = signed_in(app, "xiangxinfang").get("/admin/casecard/").get_data(as_text=True)
    assert "营外人" not in staff and "XXX乡〔2008〕" in staff
    superior = (
        signed_in(app, "xianxinfangju").get("/admin/casecard/?search=营").get_data(as_text=True)
    )
    assert "营外人" not in superior
    leader = signed_in(app, "nieguanjun").get("/admin/casecard/").get_data(as_text=True)
    assert "营外人" not in leader and "西村村民" not in leader  # 崔伟明's case
    admin = signed_in(app, "admin").get("/admin/casecard/").get_data(as_text=True)
    assert "营外人" in admin
    mongoengine.disconnect_all()


def test_no_page_names_another_units_records_in_its_drop_downs_or_menus(site):
    client = signed_in(site["app"], "xiangxinfang")
    battalion = site["battalion"]
    for url in ("/admin/person/", "/admin/casecard/", "/admin/plan/", "/admin/plan/from-template/"):
        page = client.get(url).get_data(as_text=True)
        assert "山西省隰县民兵农建营" not in page and str(battalion.pk) not in page, url
    assert client.get(f"/admin/casecard/blank/?unit={battalion.pk}").status_code == 302
    response = client.post(
        "/admin/plan/from-template/",
        data={"unit": str(battalion.pk), "template": "blank", "title": "越权方案"},
    )
    assert "请选择单位" in flashed_errors(response)
    assert not documents.Plan.objects(title="越权方案").first()
