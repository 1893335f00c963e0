"""Logins, CSRF tokens, permissions and the unit scope of every request."""

import datetime

import mongoengine
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_admin.form import SecureForm
from flask_babel import gettext
from flask_login import LoginManager, current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from wtforms import PasswordField, StringField, validators

import documents
from documents import accounts, audit

from . import auditlog
from .auditlog import address

MAX_FAILURES = 5  # failed logins in 15 minutes, per name or per address
OPEN_ENDPOINTS = {"login", "static", "admin.static", "set_language"}
# what a session whose password must be changed may still do
PASSWORD_ENDPOINTS = {"change_password", "logout"}


class XinfangForm(SecureForm):
    """Every form of the panel carries a CSRF token bound to the session."""

    class Meta:
        @property
        def csrf(self):
            return current_app.config.get("CSRF_ENABLED", True)

        @property
        def csrf_secret(self):
            return (
                current_app.secret_key.encode()
                if isinstance(current_app.secret_key, str)
                else current_app.secret_key
            )

        @property
        def csrf_context(self):
            return session


class LoginForm(XinfangForm):
    username = StringField(validators=[validators.InputRequired(message="请填写用户名")])
    password = PasswordField(validators=[validators.InputRequired(message="请填写密码")])


class PasswordForm(XinfangForm):
    current = PasswordField(validators=[validators.InputRequired(message="请填写现在的密码")])
    new = PasswordField(validators=[validators.InputRequired(message="请填写新密码")])
    again = PasswordField(
        validators=[
            validators.InputRequired(message="请再输一遍新密码"),
            validators.EqualTo("new", message="两次输入的新密码不一致"),
        ]
    )


def csrf_ok() -> bool:
    """For the panel's own POST endpoints (Flask-Admin's forms check theirs themselves)."""
    form = XinfangForm(request.form)
    return form.validate()


def csrf_field() -> Markup:
    return (
        Markup(XinfangForm().csrf_token())
        if current_app.config.get("CSRF_ENABLED", True)
        else Markup("")
    )


def init_auth(app):
    manager = LoginManager(app)
    manager.login_view = "login"

    @manager.user_loader
    def load(session_id):
        # None for an ended session (logout, new password, deactivated): it must log in again
        return documents.Account.for_session(session_id)

    @app.context_processor
    def tokens():
        return {"xf_csrf_field": csrf_field, "current_user": current_user}

    app.before_request(_require_login)
    app.teardown_request(_forget_actor)
    app.add_url_rule("/login", "login", _login, methods=("GET", "POST"))
    app.add_url_rule("/logout", "logout", _logout, methods=("POST",))
    app.add_url_rule(
        "/account/password", "change_password", _change_password_page, methods=("GET", "POST")
    )

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("error.html", message=gettext("没有权限访问这个页面")), 403

    @app.errorhandler(400)
    def bad_request(error):
        return render_template("error.html", message=gettext("请求无效，请刷新页面后重试")), 400


def _forget_actor(exc=None):
    """The request's actor ends with it: a thread serving the next request, or code running
    after a test client's request, does not act in its name."""
    token = g.pop("xf_actor", None)
    if token is not None:
        try:
            audit.reset_actor(token)
        except ValueError:  # set in another context (a copied one): nothing to undo here
            pass


def _require_login():
    # who the history of records names for this request (until its end: _forget_actor)
    if current_user.is_authenticated:
        g.xf_actor = audit.set_actor(current_user.name)
    else:
        g.xf_actor = audit.set_actor(gettext("面板用户（%(address)s）", address=address()))
    if request.endpoint in OPEN_ENDPOINTS or _feed_token_ok():
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("login", next=request.full_path))
    if current_user.must_change_password and request.endpoint not in PASSWORD_ENDPOINTS:
        flash(
            gettext(
                "这个账号的密码是别人设置的（示例账号或管理员设置），请先改为只有您知道的密码。"
            ),
            "error",
        )
        return redirect(url_for("change_password"))
    return None


def _login():
    form = LoginForm(request.form if request.method == "POST" else None)
    if request.method == "POST":
        result = _try_login(form)
        if result is not None:
            return result
    no_accounts = documents.Account.objects.only("id").first() is None
    return render_template("auth/login.html", form=form, no_accounts=no_accounts)


def _logout():
    if not csrf_ok():
        abort(400)
    auditlog.record("logout")
    current_user.end_sessions()  # every session of the account, on every device
    logout_user()
    session.clear()
    return redirect(url_for("login"))


def _change_password_page():
    form = PasswordForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        result = _change_password(form)
        if result is not None:
            return result
    elif "csrf_token" in form.errors:
        flash(gettext("页面已过期，请重新输入。"), "error")
    return render_template("auth/password.html", form=form)


def _try_login(form):
    username = (form.username.data or "").strip()
    if not form.validate():
        if "csrf_token" in form.errors:
            flash(gettext("页面已过期，请重新登录。"), "error")
        return None
    keys = [f"name:{username}"] + ([f"addr:{address()}"] if request.remote_addr else [])
    taken = accounts.take_attempt(keys, MAX_FAILURES)
    if taken is None:  # the count is taken before the password is checked: parallel tries too
        auditlog.record("login_refused", username=username[:50])
        flash(gettext("登录失败次数过多，请15分钟后再试。"), "error")
        return None
    account = documents.Account.objects(username=username).first()
    if account is None or not account.active or not account.check_password(form.password.data):
        auditlog.record("login_failed", username=username[:50])
        flash(gettext("用户名或密码不正确。"), "error")
        return None
    accounts.give_back(taken)
    accounts.forget_old_attempts()
    session.clear()
    login_user(account)
    account.last_login = datetime.datetime.now().replace(microsecond=0)
    account.save()
    auditlog.record("login", account=account)
    return redirect(safe_next(request.args.get("next")))


def safe_next(target) -> str:
    """Where to go after logging in: a path on this site, else the home page. Browsers drop
    tabs and line breaks from a URL and read a backslash as a slash (``/``, a tab, ``/host``
    is ``//host``, off site), so a target holding any of them, or naming a scheme or host, is
    not followed."""
    from urllib.parse import urlsplit

    home = url_for("admin.index")
    if not target or not target.startswith("/") or len(target) > 2000:
        return home
    if any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return home
    return target


def _change_password(form):
    account = current_user._get_current_object()
    if not account.check_password(form.current.data):
        form.current.errors = [gettext("现在的密码不正确")]
        return None
    if form.new.data == form.current.data:
        form.new.errors = [gettext("新密码不能与现在的密码相同")]
        return None
    problem = accounts.password_problem(form.new.data)
    if problem:
        form.new.errors = [gettext(problem)]
        return None
    account.set_password(form.new.data)
    account.must_change_password = False
    account.save()
    account.end_sessions()  # other sessions end; this one goes on under the new epoch
    session.clear()
    login_user(account)
    auditlog.record("password_changed", account=account)
    flash(gettext("密码已修改，这个账号在其他地方的登录已退出。"), "success")
    return redirect(url_for("admin.index"))


# --- feeds for calendar programs, which cannot log in -------------------------------------------


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="xinfang-feed")


def feed_token(unit_id) -> str:
    """A link for calendar programs, bound to this account and its current feed key: a new key
    (重置订阅链接) revokes every link made before."""
    account = current_user._get_current_object()
    key = account.feed_key or account.new_feed_key()
    return _serializer().dumps({"account": str(account.pk), "unit": str(unit_id), "key": key})


def _feed_token_ok() -> bool:
    if request.endpoint not in ("schedule.ical_unit", "schedule.ical_leader"):
        return False
    try:
        data = _serializer().loads(request.args.get("token", ""))
        account = documents.Account.objects(pk=data.get("account")).first()
    except (BadSignature, AttributeError, mongoengine.ValidationError):
        return False
    if account is None or not account.active or not account.can("schedule:read"):
        return False
    if not account.feed_key or data.get("key") != account.feed_key:
        return False  # a revoked link
    if account.must_change_password:
        return False
    if data.get("unit") != (request.view_args or {}).get("unit_id"):
        return False
    allowed = account.unit_ids()
    if allowed is None or any(str(u) == data["unit"] for u in allowed):
        g.feed_account = account  # the feed shows what this account may see, no more
        auditlog.record("feed", request.path[:100], account=account)
        return True
    return False


def _viewer():
    """The account a request acts for: the signed-in one, else a calendar feed's."""
    from flask import has_request_context

    if not has_request_context():
        return None
    if current_user.is_authenticated:
        return current_user
    return g.get("feed_account")


# --- permissions and scope -----------------------------------------------------------------------


def can(permission) -> bool:
    viewer = _viewer()  # a calendar feed acts with the rights of the account that made its link
    return viewer is not None and viewer.can(permission)


def allowed_unit_ids():
    """None: every unit; else the ids of the units the current account may see."""
    if not current_user.is_authenticated:
        return []
    return current_user.unit_ids()


def unit_allowed(unit) -> bool:
    ids = allowed_unit_ids()
    return ids is None or (unit is not None and unit.pk in ids)


def require(permission):
    if not can(permission):
        auditlog.record("denied", request.path, detail=permission)
        abort(403)


def scoped(model, query):
    """A query narrowed to what the current account may see."""
    from mongoengine import Q

    viewer = _viewer()
    if viewer is None:
        return query.filter(pk__in=[])
    ids = viewer.unit_ids()
    if ids is not None:
        if model is documents.Unit:
            query = query.filter(pk__in=ids)
        elif "unit" in model._fields:
            query = query.filter(unit__in=ids)
    if viewer.can("case:own"):
        person = viewer.person
        if model is documents.CaseCard:
            query = (
                query.filter(Q(responsible_leader=person) | Q(reception_leader=person))
                if person
                else query.filter(pk__in=[])
            )
        elif model in (documents.ReceptionSession, documents.LeaderActivity):
            query = query.filter(leader__in=own_leader_names())
    return query


def own_leader_names():
    """The names a leader's receptions and activities go by (name and title), when the current
    account sees only its own; None when it sees every leader of its units."""
    viewer = _viewer()
    if viewer is None:
        return []
    if not viewer.can("case:own"):
        return None
    person = viewer.person
    return [n for n in (person.name, person.title) if n] if person else []


def card_query(**criteria):
    """A card query kept within what the current account may see: its units, and for a leader
    who sees only his or her own cards, those (``scoped``'s rule for the other records)."""
    from documents.cardquery import CardQuery

    viewer = _viewer()
    if viewer is None:
        return CardQuery(units=(), **criteria)
    units, leader = viewer.unit_ids(), None
    if viewer.can("case:own"):
        person = viewer.person
        if person is None:
            return CardQuery(units=(), **criteria)
        leader = person.pk
    return CardQuery(units=None if units is None else tuple(units), leader=leader, **criteria)
