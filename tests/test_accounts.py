"""Accounts and sessions: no installation runs with a published password, sessions end when
their account says so, the login limit holds under parallel tries, and ``next`` stays on site."""

import os
import subprocess
import sys
import threading

import mongoengine
import pytest

import documents
import seeds
from admin.cli import main
from documents import accounts
from seeds.sample import DEMO_ACCOUNTS

from .conftest import _make_app, flashed_errors, make_account

PASSWORDS = {data["username"]: data["password"] for data in DEMO_ACCOUNTS}


@pytest.fixture
def site():
    app = _make_app({"MOCK_STORE": True}, signed_in=False)
    with app.app_context():
        seeds.load()
    yield app
    mongoengine.disconnect_all()


def log_in(app, username, password, next_url=None):
    client = app.test_client()
    url = "/login" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, data={"username": username, "password": password})
    return client, response


# --- demo passwords ------------------------------------------------------------------------------


def test_a_demo_password_must_be_changed_before_anything_else(site):
    assert all(a.must_change_password for a in documents.Account.objects)
    client, response = log_in(site, "xiangxinfang", PASSWORDS["xiangxinfang"])
    assert response.status_code == 302
    # every page, and every write, leads to the password form until the password is changed
    for url in ("/admin/", "/admin/casecard/", "/admin/casecard/export/csv/", "/admin/schedule/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    township = documents.Unit.objects.get(name="XXX乡")
    client.post(
        "/admin/casecard/new/",
        data={"unit": str(township.pk), "petitioner": "未改密码", "subject": "事", "step": "登记"},
    )
    assert documents.CaseCard.objects(petitioner="未改密码").first() is None
    page = client.get("/account/password").get_data(as_text=True)
    assert "别人设置" in page and "修改密码" in page


def test_changing_the_password_checks_it_and_ends_the_other_sessions(site):
    demo = PASSWORDS["xiangxinfang"]
    other_device, _ = log_in(site, "xiangxinfang", demo)
    client, _ = log_in(site, "xiangxinfang", demo)
    tries = [
        ({"current": "wrong-1234", "new": "Mine-2027x", "again": "Mine-2027x"}, "现在的密码不正确"),
        ({"current": demo, "new": "Mine-2027x", "again": "Mine-2027y"}, "两次输入的新密码不一致"),
        ({"current": demo, "new": "short1", "again": "short1"}, "密码至少8位"),
        ({"current": demo, "new": demo, "again": demo}, "不能与现在的密码相同"),
    ]
    for data, message in tries:
        response = client.post("/account/password", data=data)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    account = documents.Account.objects.get(username="xiangxinfang")
    assert account.must_change_password and account.check_password(demo)
    response = client.post(
        "/account/password", data={"current": demo, "new": "Mine-2027x", "again": "Mine-2027x"}
    )
    assert response.status_code == 302
    account.reload()
    assert not account.must_change_password and account.check_password("Mine-2027x")
    assert client.get("/admin/casecard/").status_code == 200  # this session goes on
    response = other_device.get("/admin/casecard/")  # the other one has ended
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert (
        documents.AuditEvent.objects(action="password_changed", username="xiangxinfang").count()
        == 1
    )


def test_a_deleted_demo_account_is_never_created_again(site):
    documents.Account.objects(username="admin").delete()
    assert seeds.load()["账号"] == 0
    assert documents.Account.objects(username="admin").first() is None
    # a store from before the record was kept: existing accounts are noted, none re-created
    documents.Account._get_db()["xinfang_settings"].delete_one({"_id": "demo_accounts"})
    documents.Account.objects(username="nieguanjun").delete()
    assert seeds.load()["账号"] == 2  # admin and nieguanjun were missing and nothing said so
    documents.Account.objects(username="admin").delete()
    assert seeds.load()["账号"] == 0


def test_accounts_that_still_have_a_published_password_are_flagged(site):
    documents.Account.objects.update(must_change_password=False)
    staff = documents.Account.objects.get(username="xiangxinfang")
    staff.set_password("Chosen-2027")
    staff.save()
    flagged = seeds.flag_published_passwords()
    assert sorted(flagged) == sorted(set(PASSWORDS) - {"xiangxinfang"})
    assert not documents.Account.objects.get(username="xiangxinfang").must_change_password


def _reopen(data):
    """The app on a data folder that already holds what a command left there."""
    from admin import create_app

    return create_app(
        {"TESTING": True, "SECRET_KEY": "test", "CSRF_ENABLED": False, "DATA_DIR": data}
    )


def _serve_without_running(monkeypatch, argv, capsys, started=None):
    """``xinfang serve`` up to where it hands over to gunicorn (``started`` gets its argv)."""
    import os

    started = [] if started is None else started
    monkeypatch.setattr(os, "execv", lambda path, argv: started.append(argv))
    assert main(argv) == 0
    return capsys.readouterr().out


def test_serve_runs_gunicorn_with_threads_in_one_process_by_default(tmp_path, monkeypatch, capsys):
    started = []
    data = str(tmp_path / "data")
    _serve_without_running(monkeypatch, ["--data-dir", data, "serve", "--no-seed"], capsys, started)
    (argv,) = started
    assert argv[0].endswith("gunicorn") and argv[-1] == "admin:create_app()"
    options = dict(zip(argv[1:-1:2], argv[2:-1:2], strict=True))
    assert options == {
        "--worker-class": "gthread",
        "--workers": "1",
        "--threads": "8",
        "--bind": "127.0.0.1:5000",
    }


def test_a_store_for_real_use_has_no_account_until_create_admin(tmp_path, monkeypatch, capsys):
    data = str(tmp_path / "data")
    out = _serve_without_running(monkeypatch, ["--data-dir", data, "serve", "--no-seed"], capsys)
    assert "还没有任何账号" in out and "create-admin" in out
    app = _make_app({"DATA_DIR": data}, signed_in=False)
    assert documents.Account.objects.count() == 0
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "还没有任何账号" in page and "xinfang create-admin" in page
    mongoengine.disconnect_all()
    assert (
        main(["--data-dir", data, "create-admin", "--username", "boss", "--password", "Boss-2027x"])
        == 0
    )
    app = _reopen(data)
    boss = documents.Account.objects.get(username="boss")
    assert not boss.must_change_password  # its owner chose it
    client, response = log_in(app, "boss", "Boss-2027x")
    assert response.status_code == 302 and client.get("/admin/").status_code == 200
    mongoengine.disconnect_all()


def test_a_mongodb_server_gets_no_sample_data_on_serve(monkeypatch, capsys):
    import admin
    from documents.store import StoreInfo

    def server_app(config=None):
        app = _make_app({"MOCK_STORE": True}, signed_in=False)
        app.extensions["xinfang_store"] = StoreInfo("mongodb", "mongodb://db.example/", "xinfang")
        return app

    monkeypatch.setattr(admin, "create_app", server_app)
    out = _serve_without_running(monkeypatch, ["serve"], capsys)
    assert "不自动载入示例数据" in out
    assert documents.Account.objects.count() == 0 and documents.Unit.objects.count() == 0
    mongoengine.disconnect_all()


def test_the_demo_serve_loads_the_sample_with_demo_accounts_to_change(
    tmp_path, monkeypatch, capsys
):
    data = str(tmp_path / "data")
    out = _serve_without_running(monkeypatch, ["--data-dir", data, "serve"], capsys)
    assert "已载入示例数据" in out and "首次登录时修改" in out
    _reopen(data)
    assert {a.username for a in documents.Account.objects} == set(PASSWORDS)
    assert all(a.must_change_password for a in documents.Account.objects)
    mongoengine.disconnect_all()


# --- sessions ------------------------------------------------------------------------------------


def test_logout_ends_every_session_and_an_old_cookie(site):
    documents.Account.objects.update(must_change_password=False)
    password = PASSWORDS["xiangxinfang"]
    first, _ = log_in(site, "xiangxinfang", password)
    second, _ = log_in(site, "xiangxinfang", password)
    copied = first.get_cookie("session").value
    assert second.get("/admin/casecard/").status_code == 200
    first.post("/logout")
    thief = site.test_client()
    thief.set_cookie("session", copied)
    for client in (first, second, thief):
        response = client.get("/admin/casecard/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_set_by_an_administrator_ends_sessions_and_must_be_changed(site):
    documents.Account.objects.update(must_change_password=False)
    staff = documents.Account.objects.get(username="xiangxinfang")
    clerk, _ = log_in(site, "xiangxinfang", PASSWORDS["xiangxinfang"])
    boss, _ = log_in(site, "admin", PASSWORDS["admin"])
    form = {
        "username": staff.username,
        "name": staff.name,
        "role": str(staff.role.pk),
        "unit": str(staff.unit.pk),
        "active": "y",
        "new_password": "Temp-2027x",
    }
    response = boss.post(f"/admin/account/edit/?id={staff.pk}", data=form)
    assert response.status_code == 302, flashed_errors(response)
    assert clerk.get("/admin/casecard/").status_code == 302
    staff.reload()
    assert staff.must_change_password and staff.check_password("Temp-2027x")
    clerk, _ = log_in(site, "xiangxinfang", "Temp-2027x")
    assert clerk.get("/admin/").headers["Location"] == "/account/password"


def test_a_new_account_has_no_role_until_one_is_chosen(site):
    documents.Account.objects.update(must_change_password=False)
    boss, _ = log_in(site, "admin", PASSWORDS["admin"])
    page = boss.get("/admin/account/new/").get_data(as_text=True)
    assert '<option selected value="__None">（请选择角色）</option>' in page
    response = boss.post(
        "/admin/account/new/",
        data={
            "username": "newclerk",
            "name": "新来的",
            "role": "__None",
            "active": "y",
            "new_password": "Fresh-2027x",
        },
    )
    assert response.status_code == 200 and "请选择角色" in flashed_errors(response)
    assert 'value="newclerk"' in response.get_data(as_text=True)  # what was typed stays
    assert documents.Account.objects(username="newclerk").first() is None
    role = documents.Role.objects.get(key="staff")
    response = boss.post(
        "/admin/account/new/",
        data={
            "username": "newclerk",
            "name": "新来的",
            "role": str(role.pk),
            "active": "y",
            "new_password": "Fresh-2027x",
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    made = documents.Account.objects.get(username="newclerk")
    assert made.role.key == "staff" and made.must_change_password


# --- where a login leads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/%09/evil.example/path",
        "/%5Cevil.example",
        "/\\evil.example",
        "http://evil.example/",
        "https:evil.example",
        "/%0d%0aSet-Cookie:%20x=1",
        "/%0a/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/" + "a" * 3000,
    ],
)
def test_next_leads_only_to_a_path_on_this_site(site, target):
    documents.Account.objects.update(must_change_password=False)
    _, response = log_in(site, "xiangxinfang", PASSWORDS["xiangxinfang"], next_url=target)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_next_to_a_page_of_the_panel_is_followed(site):
    documents.Account.objects.update(must_change_password=False)
    _, response = log_in(
        site,
        "xiangxinfang",
        PASSWORDS["xiangxinfang"],
        next_url="/admin/casecard/?search=%E5%BC%A0",
    )
    assert response.headers["Location"] == "/admin/casecard/?search=%E5%BC%A0"


# --- the login limit -----------------------------------------------------------------------------


def test_forty_parallel_guesses_check_at_most_five_passwords(embedded_app, monkeypatch):
    with embedded_app.app_context():
        make_account("target", "staff")
    checked = []
    real_check = documents.Account.check_password

    def counting(self, password):
        checked.append(password)
        return real_check(self, password)

    monkeypatch.setattr(documents.Account, "check_password", counting)
    start = threading.Barrier(40)
    answers = []

    def guess(n):
        client = embedded_app.test_client()
        start.wait()
        response = client.post("/login", data={"username": "target", "password": f"guess-{n}"})
        answers.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # each try holds its place while it runs, so tries at once may refuse each other: never
    # more than five passwords are checked
    assert len(answers) == 40 and 1 <= len(checked) <= 5
    assert sum("登录失败次数过多" in a for a in answers) == 40 - len(checked)
    # the failures that were checked count: five in all lock the name, the right password too
    for n in range(5 - len(checked)):
        log_in(embedded_app, "target", f"again-{n}")
    assert len(checked) == 5
    _, response = log_in(embedded_app, "target", "secret-123")
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_a_success_does_not_count_against_the_limit(site):
    documents.Account.objects.update(must_change_password=False)
    for _ in range(8):
        _, response = log_in(site, "xiangxinfang", PASSWORDS["xiangxinfang"])
        assert response.status_code == 302


def test_the_count_is_atomic_across_processes(tmp_path):
    data = tmp_path / "data"
    app = _make_app({"DATA_DIR": str(data)}, signed_in=False)
    with app.app_context():
        accounts.take_attempt(["warmup"], 5)  # the collection exists before the race
    mongoengine.disconnect_all()
    script = (
        "import sys, mongoengine\n"
        "from documents import store, accounts\n"
        "store.connect(data_dir=sys.argv[1])\n"
        "granted = sum(accounts.take_attempt(['name:target'], 5) is not None for _ in range(10))\n"
        "print(granted)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(data)], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(3)
    ]
    granted = [int(run.communicate(timeout=120)[0].strip()) for run in runs]
    assert sum(granted) == 5, granted


def test_behind_a_proxy_the_limit_counts_the_client_address():
    app = _make_app({"MOCK_STORE": True, "PROXY_FIX": 1}, signed_in=False)
    make_account("clerk", "staff")
    client = app.test_client()
    for n in range(5):  # one client behind the office's proxy guesses wrong five times
        client.post(
            "/login",
            data={"username": f"nobody{n}", "password": "wrong-0000"},
            headers={"X-Forwarded-For": "10.0.0.7"},
        )
    refused = client.post(
        "/login",
        data={"username": "x", "password": "wrong-0000"},
        headers={"X-Forwarded-For": "10.0.0.7"},
    )
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    colleague = app.test_client()  # the same proxy, another client: not locked out
    response = colleague.post(
        "/login",
        data={"username": "clerk", "password": "secret-123"},
        headers={"X-Forwarded-For": "10.0.0.8"},
    )
    assert response.status_code == 302
    events = documents.AuditEvent.objects(action="login_failed")
    assert {e.address for e in events} == {"10.0.0.7"}
    mongoengine.disconnect_all()
