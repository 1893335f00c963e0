"""The panel's audit log (``documents.AuditEvent``): one helper for every event a person causes.

Who and from where are taken from the request: the account signed in (or the one given, for a
login or a calendar feed) and the client's address. Records changed through a list view
(new, edited, deleted) are logged by the views' base (``XinfangModelView.audit_change``, called
by ``admin.flaskadmin_adapter.ModelViewAdapter`` after each create, update and delete), so that
no view can forget them; ``tests/test_audit.py`` checks every view of the panel.
"""

from flask import has_request_context, request
from flask_login import current_user

from documents import accounts


def address() -> str:
    return (request.remote_addr or "-") if has_request_context() else "-"


def record(action, target=None, *, target_id=None, detail=None, account=None, username=None):
    """One line of the audit log.

    ``target``: a record (its kind, id and text are logged) or what was acted on, as text;
    ``account``: who, when not the one signed in (a login, a feed); ``username``: the name
    typed at a login that was refused (no account).
    """
    if account is None and username is None and has_request_context():
        account = current_user if current_user.is_authenticated else None
    if hasattr(target, "pk") and not isinstance(target, str):
        target_name, target_id = type(target).__name__, target.pk
        detail = str(target) if detail is None else detail
    else:
        target_name = target or ""
    accounts.record(
        action,
        actor=account.name if account is not None else (username or ""),
        username=account.username if account is not None else (username or ""),
        target=target_name,
        target_id=target_id,
        detail=(detail or "")[:200] if hasattr(target, "pk") else (detail or ""),
        address=address(),
    )
