"""The web panel: the app factory, Flask-Admin views, translations, CLI commands."""

import os
import pathlib

from flask import Flask, redirect, render_template, request, session, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel, gettext
from flask_babel import lazy_gettext as _l
from jinja2 import FileSystemBytecodeCache
from werkzeug.exceptions import InternalServerError

import documents
from documents import store

from . import auth
from .auth import scoped

LOCALES = {"zh_Hans_CN": "简体中文", "en": "English"}
DEFAULT_LOCALE = "zh_Hans_CN"


class HomeView(AdminIndexView):
    """The front page: the units and what they hold."""

    def is_accessible(self):
        from flask_login import current_user

        return current_user.is_authenticated

    @expose("/")
    def index(self):
        from documents import figures

        from .reports.common import chosen_unit
        from .reports.dashboard import dashboard

        units = list(
            scoped(documents.Unit, documents.Unit.objects.only("name", "short_name", "kind"))
        )
        counts = figures.card_counts(units) if units else {}
        rows = [
            {
                "unit": unit,
                "plans": documents.Plan.objects(unit=unit).count(),
                "cases": counts.get(str(unit.pk), 0),
                "people": documents.Person.objects(unit=unit).count(),
            }
            for unit in units
        ]
        unit = chosen_unit(units, counts) if auth.can("case:read") else None
        return self.render("admin/home.html", units=rows, d=dashboard(units, unit))


class XinfangFlask(Flask):
    def log_exception(self, exc_info):
        """Left to the 500 handler (``_init_routes``), which logs the failure once, with its
        traceback and the reference number the reader is shown."""


def create_app(test_config=None):
    """Build the panel: config, store, translations, admin views, CLI commands."""
    app = XinfangFlask(__name__)
    # the compiled templates kept between starts (keyed by each template's source, in a
    # folder of this user's under the temporary directory): compiling the list page's
    # templates was a fifth of a cold start
    app.jinja_options = {**app.jinja_options, "bytecode_cache": FileSystemBytecodeCache()}
    _configure(app, test_config)
    app.extensions["xinfang_store"] = _open_store(app)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _local_secret(app)
    _init_babel(app)
    _init_admin(app)
    from .auth import init_auth

    init_auth(app)
    from .security import init_security

    init_security(app)
    _init_routes(app)
    _init_cli(app)
    return app


def load_samples(app) -> str:
    """Load the sample data (``seeds``); what was loaded, to print."""
    import seeds

    with app.app_context():
        counts = seeds.load()
    return "示例数据已载入：" + "，".join(f"{name} {n} 条" for name, n in counts.items())


def _init_cli(app):
    """The commands under `flask --app admin …` (``xinfang`` has them all: admin.cli)."""

    @app.cli.command("seed")
    def seed_command():
        """载入示例数据"""
        print(load_samples(app))


def _configure(app, test_config):
    app.config.from_mapping(
        SECRET_KEY=None,
        MONGODB_URI=None,
        DATA_DIR=os.path.join(os.getcwd(), "data"),
        MOCK_STORE=False,
        BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE,
        BABEL_TRANSLATION_DIRECTORIES=str(pathlib.Path(__file__).parent / "translations"),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        # the same bound for text typed or pasted as for a file (Werkzeug's default, 500 KB, cut a
        # pasted plan of 190,000 characters), and room for a long plan's many form fields
        MAX_FORM_MEMORY_SIZE=20 * 1024 * 1024,
        MAX_FORM_PARTS=20_000,
        CSRF_ENABLED=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,  # set XINFANG_SESSION_COOKIE_SECURE=true behind HTTPS
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        FLASK_ADMIN_SWATCH="default",
        # the audit log keeps a year (网络安全法第二十一条: network logs at least six months);
        # older events are deleted at start; 0 keeps them all
        AUDIT_RETENTION_DAYS=365,
    )
    app.config.from_prefixed_env("XINFANG")
    for key in ("MONGODB_URI", "SECRET_KEY"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if test_config:
        app.config.update(test_config)


def _local_secret(app):
    """A random secret kept in the data folder, so sessions survive a restart."""
    if app.config["MONGODB_URI"] or app.config["MOCK_STORE"]:
        return os.urandom(32).hex()
    folder = pathlib.Path(app.config["DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()


def _open_store(app):
    info = store.connect(
        uri=app.config["MONGODB_URI"],
        data_dir=app.config["DATA_DIR"],
        mock=app.config["MOCK_STORE"],
    )
    from documents.cardquery import index as card_index

    card_index.sync()  # the embedded store's list index, rebuilt if a process died mid-write
    from documents.case_deadlines import refresh_for_calendar

    refresh_for_calendar()  # new holiday data (a newer chinese-calendar): deadlines anew
    from documents.case import CaseCard
    from documents.numbering import backfill_once, ensure_unique_index

    backfill_once(CaseCard)  # cards from before numbering get their numbers, in registration order
    if problem := ensure_unique_index(CaseCard, info.kind):
        app.logger.warning(problem)
    from documents import accounts

    accounts.forget_old_events(int(app.config["AUDIT_RETENTION_DAYS"] or 0))
    return info


def _select_locale():
    wanted = request.args.get("lang")
    if wanted in LOCALES:
        session["lang"] = wanted
    return session.get("lang", DEFAULT_LOCALE)


def _init_babel(app):
    Babel(app, locale_selector=_select_locale)

    @app.context_processor
    def locales():
        return {"xf_locales": LOCALES, "xf_locale": _select_locale()}


def _init_admin(app):
    from .views import VIEWS

    admin = Admin(
        app,
        name=_l("领导干部大接访"),
        url="/admin",
        index_view=HomeView(name=_l("首页"), url="/admin"),
        theme=Bootstrap4Theme(
            base_template="admin/xinfang_base.html", swatch="default", fluid=True
        ),
        # Flask-Admin's own Chinese catalog misses a few messages; ours fills them in
        translations_path=str(pathlib.Path(__file__).parent / "translations"),
    )
    for view_class, model, name, category in VIEWS:
        endpoint = getattr(view_class, "endpoint_name", None) or model.__name__.lower()
        admin.add_view(view_class(model, name=name, category=category, endpoint=endpoint))
    from .schedule import ScheduleView

    admin.add_view(ScheduleView(name=_l("接访日程"), category=_l("接访"), endpoint="schedule"))
    from .reports import ReportsView
    from .setup import SetupView

    admin.add_view(SetupView(name=_l("新单位设置"), category=_l("单位与人员"), endpoint="setup"))

    admin.add_view(ReportsView(name=_l("报送事项"), category=_l("统计报送"), endpoint="reports"))
    from flask_admin.menu import MenuLink

    admin.add_link(
        MenuLink(name=_l("目标考核与活动总结"), endpoint="reports.targets", category=_l("统计报送"))
    )
    return admin


def _init_routes(app):
    @app.route("/")
    def root():
        return redirect(url_for("admin.index"))

    @app.errorhandler(404)
    def not_found(error):
        return render_template("error.html", message=gettext("页面或记录不存在")), 404

    @app.errorhandler(413)
    def too_large(error):
        return render_template("error.html", message=gettext("上传的内容过大（上限 20 MB）")), 413

    @app.errorhandler(InternalServerError)
    def server_error(error):
        # every failure no view explained: a Chinese page with a reference number to quote, the
        # traceback in the log under that number, never Flask's English page or the error's text
        from . import errors

        reference = errors.reference()
        errors.log_failure(getattr(error, "original_exception", None), reference)
        message = gettext("服务器内部错误，这次操作没有完成")
        try:
            page = render_template(
                "error.html",
                message=message,
                reference=reference,
                hint=gettext("请稍后重试；如果问题仍然存在，请把错误编号告诉系统管理员。"),
            )
        except Exception:  # noqa: BLE001 - the page of last resort must not fail itself
            page = (
                '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8">'
                f"<title>{message}</title></head><body><h3>{message}</h3>"
                f"<p>错误编号：{reference}</p></body></html>"
            )
        return page, 500
