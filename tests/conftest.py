"""Fixtures: an app on a fresh mongomock database per test, and one on the embedded store."""

import contextlib

import mongoengine
import pytest
from flask.testing import FlaskClient
from jinja2 import StrictUndefined

import documents
from admin import create_app


class LoudUndefined(StrictUndefined):
    """Fails when a missing variable is printed or iterated; a test like `{% if x.y %}`, which
    Flask-Admin's own templates rely on, stays allowed."""

    def __bool__(self):
        return False

    def __eq__(self, other):
        return isinstance(other, type(self))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = StrictUndefined.__hash__


class SignedInClient(FlaskClient):
    """A test client signed in as the app's test account (``app.config["TEST_ACCOUNT"]``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account_id = self.application.config.get("TEST_ACCOUNT")
        if account_id:
            with self.application.app_context():
                session_id = documents.Account.objects.get(pk=account_id).get_id()
            with self.session_transaction() as session:
                session["_user_id"] = session_id
                session["_fresh"] = True


def make_account(username, role_key, unit=None, person=None, password="secret-123"):
    """An account with one of the four roles, for tests."""
    from documents import accounts

    roles = accounts.ensure_roles()
    account = documents.Account(
        username=username, name=username, role=roles[role_key], unit=unit, person=person
    )
    account.set_password(password)
    return account.save()


def _make_app(config, signed_in=True):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "CSRF_ENABLED": False, **config})
    app.jinja_env.undefined = LoudUndefined
    # each mongomock client has a store of its own, and each embedded store a fresh folder
    db = mongoengine.get_db()
    assert all(
        db[name].count_documents({}) == 0
        for name in db.list_collection_names()
        if name != "xinfang_settings"
    )  # what the store was opened with (case_deadlines.py)
    if signed_in:
        app.config["TEST_ACCOUNT"] = str(make_account("tester", "admin").pk)
    app.test_client_class = SignedInClient
    return app


@pytest.fixture
def app():
    app = _make_app({"MOCK_STORE": True})
    yield app
    mongoengine.disconnect_all()


@pytest.fixture
def embedded_app(tmp_path):
    app = _make_app({"DATA_DIR": str(tmp_path / "data")})
    yield app
    mongoengine.disconnect_all()


@pytest.fixture
def mongodb_app():
    """The app on the real MongoDB server of ``MONGODB_TEST_URI`` (emptied first); skipped
    without one."""
    import os

    uri = os.environ.get("MONGODB_TEST_URI")
    if not uri:
        pytest.skip("MONGODB_TEST_URI is not set")
    mongoengine.disconnect_all()
    probe = create_app({"TESTING": True, "SECRET_KEY": "test", "MONGODB_URI": uri})
    with probe.app_context():
        db = mongoengine.get_db()
        for name in db.list_collection_names():
            db.drop_collection(name)
    app = _make_app({"MONGODB_URI": uri})
    yield app
    mongoengine.disconnect_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded(app):
    import seeds

    seeds.load()
    return app


def flashed_errors(response) -> str:
    """The text of the error messages on a page."""
    import re

    html = response.get_data(as_text=True)
    parts = re.findall(r'(?s)class="alert alert-danger[^"]*">(.*?)</div>', html)
    parts += re.findall(r'(?s)class="(?:help-block|invalid-feedback)[^"]*">(.*?)</', html)
    return " ".join(re.sub(r"<[^>]+>|&times;|\s+", " ", part).strip() for part in parts)


@contextlib.contextmanager
def request_as_tester(app, url):
    """A request context of ``url`` with the app's test account signed in."""
    from flask_login import login_user

    with app.test_request_context(url):
        login_user(documents.Account.objects.get(pk=app.config["TEST_ACCOUNT"]))
        yield
