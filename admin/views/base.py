"""The base of every view: Chinese labels, nested forms, JSON fields, Chinese errors,
permissions, the unit scope of the account, the audit log and printing."""

import logging

import bson
import mongoengine
from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from mongoengine import ListField

import documents
import exports
from exports.cells import safe_cell

from .. import auditlog, errors, printing
from ..auth import XinfangForm, can, require, scoped
from ..custom import CustomFieldsMixin
from ..errors import validation_messages
from ..filters import ReferenceFilter, XinfangFilterConverter
from ..flaskadmin_adapter import ModelViewAdapter
from ..forms import XinfangConverter, subdocument_forms
from ..labels import help_for, labels_for

log = logging.getLogger(__name__)


MAX_PAGE = 10**9  # of any list: beyond it, every list is empty anyway


def render_nested(view, context, model, name):
    """A nested list in lists and detail pages: a numbered list, escaped."""
    value = getattr(model, name)
    if not value:
        return ""
    items = "".join(f"<li>{escape(str(item))}</li>" for item in value)
    return Markup(f"<ol class='xf-nested'>{items}</ol>")


class XinfangModelView(ModelViewAdapter):
    """The base of every view: Chinese labels, nested forms, JSON fields, Chinese errors,
    permissions, the unit scope of the account, CSRF tokens and the audit log."""

    model_form_converter = XinfangConverter
    form_base_class = XinfangForm
    read_permission = "unit:read"
    write_permission = "unit:write"
    delete_permission = None  # the write permission unless set
    allow_create = allow_edit = allow_delete = True
    allow_export = False
    filter_converter = XinfangFilterConverter()
    can_view_details = True
    page_size = 50
    details_modal = False
    edit_modal = False
    create_modal = False
    max_page = MAX_PAGE

    def __init__(self, model, name=None, **kwargs):
        self.column_labels = {**labels_for(model), **(self.column_labels or {})}
        # values with a name (("case_card", "一案一卡")) show by their name in lists and details
        self.column_choices = {
            name: list(field.choices)
            for name, field in model._fields.items()
            if field.choices and isinstance(next(iter(field.choices)), tuple)
        } | (self.column_choices or {})
        helps = help_for(model)
        self.form_args = {
            name: {
                "label": label,
                **({"description": helps[name]} if name in helps else {}),
                **(self.form_args or {}).get(name, {}),
            }
            for name, label in self.column_labels.items()
        }
        self.form_subdocuments = {**subdocument_forms(model), **(self.form_subdocuments or {})}
        formatters = {
            name: render_nested
            for name, field in model._fields.items()
            if isinstance(field, ListField)
        }
        self.column_formatters = {**formatters, **(self.column_formatters or {})}
        self.column_formatters_detail = {**formatters, **(self.column_formatters_detail or {})}
        # yes/no in Chinese wherever a boolean is shown
        from flask_admin.contrib.mongoengine import typefmt as mongo_formats
        from flask_admin.model import typefmt

        yes_no = {bool: lambda view, value, name: gettext("是") if value else gettext("否")}
        self.column_type_formatters = {**mongo_formats.DEFAULT_FORMATTERS, **yes_no}
        self.column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, **yes_no}
        self.column_type_formatters_export = {**typefmt.EXPORT_FORMATTERS, **yes_no}
        super().__init__(model, name=name, **kwargs)

    # --- permissions ---

    def is_accessible(self):
        return can(self.read_permission)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("login", next=request.full_path))
        require(self.read_permission)

    @property
    def can_create(self):
        return self.allow_create and can(self.write_permission)

    @property
    def can_edit(self):
        return self.allow_edit and can(self.write_permission)

    @property
    def can_delete(self):
        return self.allow_delete and can(self.delete_permission or self.write_permission)

    @property
    def can_export(self):
        return self.allow_export and can("export")

    def check_request(self, name):
        # a POST that changes data needs the write permission, whatever the form says
        if request.method == "POST" and name in ("create_view", "edit_view", "action_view"):
            require(self.write_permission)
        if request.method == "POST" and name == "delete_view":
            require(self.delete_permission or self.write_permission)

    # --- the unit scope ---

    def get_query(self):
        return scoped(self.model, super().get_query())

    def get_count_query(self):
        return scoped(self.model, super().get_count_query())

    @expose("/api/file/")
    def api_file_view(self):
        # Flask-Admin's reader of GridFS files: no record of the panel holds one, and any
        # ?coll= or ?db= it was given answered a 500
        abort(404)

    def get_one(self, id):
        record = self._get_one_or_none(id)
        if record is None:
            abort(404)
        return record

    def _get_one_or_none(self, id):
        try:
            return self.get_query().filter(pk=id).first()
        except (mongoengine.ValidationError, bson.errors.InvalidId):
            return None

    @action("delete", _l("删除"), _l("确定删除所选的记录吗？"))
    def action_delete(self, ids):
        # Flask-Admin's own version looks records up with in_bulk, which ignores the query's
        # filters: another unit's ids would be deleted. Only records in scope are touched here.
        records = self.get_query().filter(pk__in=[i for i in ids if bson.ObjectId.is_valid(i)])
        count = sum(1 for record in records if self.delete_model(record))
        flash(gettext("已删除 %(n)s 条记录。", n=count), "success")

    # --- the audit log ---

    def audit_change(self, action, model):
        """Every create, update and delete through a view (ModelViewAdapter calls it)."""
        auditlog.record(action, model)

    def record_being_saved(self, form, model, is_created):
        g.xf_record = model  # for the reasons of a failed save (handle_view_exception)

    def on_model_delete(self, model):
        g.xf_record = model  # for the reasons of a refused delete (handle_view_exception)

    @expose("/export/<export_type>/")
    def export(self, export_type):
        require("export")
        auditlog.record("export", self.model.__name__, detail=request.query_string.decode()[:500])
        return super().export(export_type)

    def get_export_value(self, model, name):
        # CSV and XLSX alike: no formulas, no control characters (exports.cells)
        return safe_cell(super().get_export_value(model, name))

    def print_links(self, record):
        return []

    def print_notes(self, record):
        """What printing the record will default or lacks, shown beside its print links."""
        return []

    def render(self, template, **kwargs):
        if "model" in kwargs and template == self.details_template and kwargs["model"]:
            kwargs.setdefault("xf_print_links", self.print_links(kwargs["model"]))
            kwargs.setdefault("xf_print_notes", self.print_notes(kwargs["model"]))
        return super().render(template, **kwargs)

    def printed(self, make_pdf, filename, download=None, fmt="pdf"):
        """A PDF (or Word, OFD) response, or back to the list with the reason when it cannot be
        made."""
        require("print")
        auditlog.record("print", self.model.__name__, detail=filename)
        try:
            data = make_pdf()
        except Exception as exc:  # a font or layout failure must not become a 500
            reference = errors.reference()
            errors.log_failure(exc, reference, "printing failed")
            error = errors.explain(exc) or gettext("内部错误，已记录")
            if fmt == "pdf":
                message = gettext(
                    "生成 PDF 失败（编号 %(reference)s）：%(error)s",
                    reference=reference,
                    error=error,
                )
            else:
                message = gettext(
                    "生成 %(format)s 文件失败（编号 %(reference)s）：%(error)s",
                    format=exports.FORMATS[fmt][2],
                    reference=reference,
                    error=error,
                )
            flash(message, "error")
            return redirect(self.get_url(".index_view"))
        if download is None:
            download = bool(request.args.get("download"))
        return printing.pdf_response(data, filename, download, fmt)

    def search_placeholder(self):
        # Flask-Admin's MongoEngine view has none and shows "None" in the search box
        names = [str(self.column_labels.get(n, n)) for n in self.column_searchable_list or ()]
        return gettext("搜索：%(fields)s", fields="、".join(names)) if names else None

    def handle_view_exception(self, exc):
        record = g.pop("xf_record", None)  # the record being saved or deleted, if any
        if isinstance(exc, mongoengine.ValidationError):
            for message in validation_messages(self.model, exc, record):
                flash(gettext("保存失败：%(message)s", message=message), "error")
            return True
        if isinstance(exc, mongoengine.NotUniqueError) and isinstance(record, documents.CaseCard):
            # the unique index of card numbers (MongoDB): the number is given back, a retry
            # takes the next free one
            flash(gettext("保存失败：编号已被本单位另一张卡片使用，请再保存一次。"), "error")
            return True
        if isinstance(exc, mongoengine.NotUniqueError):
            flash(
                gettext(
                    "保存失败：已有相同的记录（同名的单位，或同一单位同一用途的自定义字段），"
                    "不能重复。"
                ),
                "error",
            )
            return True
        if (
            isinstance(exc, mongoengine.OperationError)
            and record is not None
            and errors.referrers(record)
        ):  # a delete refused by a DENY rule
            flash(
                gettext(
                    "不能删除：仍有%(names)s记录引用它，请先处理这些记录。",
                    names="、".join(errors.referrers(record)),
                ),
                "error",
            )
            return True
        message = errors.explain(exc)  # by the error's type: its own text is never shown
        if message is not None:
            flash(gettext("保存失败：%(message)s", message=message), "error")
            return True
        if super().handle_view_exception(exc):
            return True
        reference = errors.reference()
        errors.log_failure(exc, reference, self.model.__name__)
        flash(
            gettext(
                "操作失败：发生了内部错误（编号 %(reference)s），已记录。请联系系统管理员。",
                reference=reference,
            ),
            "error",
        )
        return True

    def get_invalid_value_msg(self, value, filter):
        # Flask-Admin's message repeats the value whole: a long one overflows the session cookie
        return gettext("筛选条件的值无效：%(value)s", value=errors.quoted(value))


def _unit_filter():
    return ReferenceFilter("unit", _l("单位"), documents.Unit)


class ScopedListMixin(CustomFieldsMixin):
    """Lists of plans and case cards, scoped to one unit by the `unit` argument."""

    list_template = "admin/xf_list.html"
    allow_export = True
    export_types = ["csv", "xlsx"]

    def get_query(self):
        query = super().get_query()
        unit_id = request.args.get("unit") if request else None
        if unit_id:
            unit = self.scope_unit()
            return query.filter(unit=unit) if unit else query.filter(pk__in=[])
        return query

    def render(self, template, **kwargs):
        kwargs.setdefault("xf_scope_unit", self.scope_unit() if request.args.get("unit") else None)
        kwargs.setdefault("xf_units", scoped(documents.Unit, documents.Unit.objects.only("name")))
        kwargs.setdefault("xf_extra_links", self.extra_links())
        kwargs.setdefault("xf_row_actions", RowActions())
        return super().render(template, **kwargs)


class RowActions:
    """The buttons of a list row, rendered once a page: the row actions of a list are the
    same for every row but for the record's id (Flask-Admin 2.2's view, edit, delete and
    endpoint-link actions take nothing else from the row), so the first row's are kept and the
    id put in for each other row. Fifty rows of four macros each were half of a list page."""

    def __init__(self):
        self._html, self._pk = None, None

    def keep(self, pk, html):
        self._pk, self._html = str(pk), str(html)
        return Markup(self._html)

    def ready(self):
        return self._html is not None and bool(self._pk)

    def row(self, pk):
        return Markup(self._html.replace(self._pk, str(pk)))

    def extra_links(self):
        return []
