"""Every record created, edited or deleted through a view of the panel leaves its audit event,
whatever the view overrides (admin.flaskadmin_adapter audits, admin.auditlog writes)."""

import flask_login
import pytest

import documents
from admin.flaskadmin_adapter import ModelViewAdapter
from admin.views import XinfangModelView

from .conftest import make_account


def _model_views(app):
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, ModelViewAdapter)]


def _events(action, record):
    return documents.AuditEvent.objects(
        action=action, target=type(record).__name__, target_id=str(record.pk)
    ).count()


def test_no_view_can_skip_the_audit_of_its_changes(app):
    views = _model_views(app)
    assert len(views) >= 14
    for view in views:
        kind = type(view)
        assert isinstance(view, XinfangModelView), kind
        for name in ("create_model", "update_model", "delete_model"):
            assert getattr(kind, name) is getattr(ModelViewAdapter, name), (kind, name)
        assert kind.audit_change is XinfangModelView.audit_change, kind


def test_a_view_that_does_not_log_its_changes_fails_at_its_first_change(app):
    class Unlogged(ModelViewAdapter):
        pass

    view = Unlogged(documents.Unit, endpoint="unlogged")
    with pytest.raises(NotImplementedError):
        view.audit_change("create", documents.Unit(name="某单位"))


def test_an_edit_and_a_delete_through_every_view_are_logged(seeded):
    """Each view saves one of its records unchanged through its own edit form, then deletes one:
    the save is logged as an update, the delete as a delete when it happened (a record others
    still refer to is refused, and nothing is logged)."""
    app = seeded
    admin = make_account("auditor", "admin")
    views = [(v, v.model.objects.first()) for v in _model_views(app)]
    views = [(v, record) for v, record in views if record is not None]
    edited = deleted = 0
    for view, record in views:  # every edit first: a delete may leave another's reference dangling
        with app.test_request_context(f"/admin/{view.endpoint}/edit/?id={record.pk}"):
            flask_login.login_user(admin)
            if not view.can_edit:
                continue
            assert view.update_model(view.edit_form(obj=record), record), view.endpoint
        assert _events("update", record) == 1, view.endpoint
        edited += 1
    for view, record in views:
        with app.test_request_context(f"/admin/{view.endpoint}/delete/", method="POST"):
            flask_login.login_user(admin)
            if not view.can_delete:
                continue
            removed = view.delete_model(record)
        assert _events("delete", record) == (1 if removed else 0), view.endpoint
        deleted += removed
    assert edited >= 8 and deleted >= 3


def test_creating_accounts_and_field_sets_is_logged_with_who_and_where(client, seeded):
    """Two views whose after_model_change does its own work (ending sessions, keeping the
    field set's versions): their changes are logged all the same."""
    unit = documents.Unit.objects.first()
    response = client.post(
        "/admin/account/new/",
        data={
            "username": "newclerk",
            "name": "新办事员",
            "role": str(documents.Role.objects.get(key="staff").pk),
            "unit": str(unit.pk),
            "new_password": "Clerk-2026-new",
            "active": "y",
        },
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    account = documents.Account.objects.get(username="newclerk")
    event = documents.AuditEvent.objects.get(action="create", target="Account")
    assert event.target_id == str(account.pk) and event.username == "tester"
    assert event.address == "10.1.2.3"
    response = client.post(
        "/admin/casecard/delete/", data={"id": str(documents.CaseCard.objects.first().pk)}
    )
    assert response.status_code == 302
    archived = documents.CaseCard.objects(archived=True).first()
    assert archived is not None and _events("delete", archived) == 1
