"""The app factory: configuration layers, store choice, and a second app in one process."""

import re

import pytest

from admin import create_app
from documents import store


def test_factory_builds_panel_in_chinese_by_default(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "领导干部大接访" in html
    assert "一案一卡" in html and "实施方案" in html


def test_root_redirects_to_panel(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")


def test_second_app_in_same_process_has_its_own_admin():
    first = create_app({"TESTING": True, "MOCK_STORE": True, "SECRET_KEY": "x"})
    second = create_app({"TESTING": True, "MOCK_STORE": True, "SECRET_KEY": "x"})
    for app in (first, second):
        client = app.test_client()
        assert client.get("/login").status_code == 200
        response = client.get("/admin/unit/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_english_is_available(client):
    html = client.get("/admin/unit/?lang=en").get_data(as_text=True)
    assert "<title>Units and people - Unit - Leaders' Grand Reception</title>" in html
    assert ">Short name</a>" in html and "简称" not in html
    # nothing left in Chinese but the way back to it and the signed-in account's role (data)
    assert set(re.findall(r"[\u4e00-\u9fff]+", html)) == {"简体中文", "系统管理员"}
    # the choice sticks for the session
    html = client.get("/admin/casecard/").get_data(as_text=True)
    assert "Case cards" in html


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("mongodb://localhost:27017", "没有写数据库名"),
        ("mongodb://localhost:27017/", "没有写数据库名"),
        ("http://localhost/xinfang", "必须以 mongodb://"),
        ("mongodb://localhost/bad.name", "数据库名不合法"),
    ],
)
def test_bad_mongodb_uri_is_refused_with_a_clear_message(uri, message):
    with pytest.raises(store.StoreError, match=message):
        create_app({"MONGODB_URI": uri})


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    with pytest.raises(store.StoreError, match="不是目录"):
        create_app({"DATA_DIR": str(path)})


def test_embedded_store_is_the_default_and_keeps_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"DATA_DIR": str(tmp_path)})
    info = app.extensions["xinfang_store"]
    assert info.kind == "embedded" and info.location == str(tmp_path)
    again = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SECRET_KEY"] == again.config["SECRET_KEY"]


def test_environment_configures_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XINFANG_DATA_DIR", str(tmp_path / "env-data"))
    app = create_app()
    assert app.extensions["xinfang_store"].location == str(tmp_path / "env-data")


def test_every_ui_string_has_an_english_translation(tmp_path):
    from pathlib import Path

    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(root / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "gettext",
            "-k",
            "_",
            "-o",
            str(pot),
            str(root),
        ]
    )
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    po = root / "admin/translations/en/LC_MESSAGES/messages.po"
    with po.open("rb") as f:
        translated = {m.id for m in read_po(f) if m.id and m.string}
    assert wanted - translated == set()
    mo = po.with_suffix(".mo")
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1, "messages.mo is older than messages.po"
