"""Flask-Admin views of the documents: mostly declarations; behaviour lives in XinfangModelView."""

import re

import bson
import mongoengine
from flask import flash
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.model import BaseModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from mongoengine import ListField

import documents

from .filters import ReferenceFilter, XinfangFilterConverter
from .forms import XinfangConverter, subdocument_forms
from .labels import label_of, labels_for

# mongoengine's validation messages, in Chinese
_MESSAGES = [
    (re.compile(r"^Field is required"), "不能为空"),
    (re.compile(r"^String value is too long"), "内容过长"),
    (re.compile(r"^String value is too short"), "内容过短"),
    (re.compile(r"^String value did not match validation regex"), "格式不正确"),
    (re.compile(r"^Value must be one of"), "不是可选的值"),
    (re.compile(r"^Integer value is too (large|small)"), "数值超出范围"),
    (re.compile(r"^.*could not be converted to int"), "必须是整数"),
    (re.compile(r"^cannot parse date"), "不是有效的日期"),
    (re.compile(r"^A ReferenceField only accepts"), "关联记录无效"),
]


def _chinese(message: str) -> str:
    for pattern, text in _MESSAGES:
        if pattern.search(message):
            return text
    return message


def validation_messages(model, error: mongoengine.ValidationError) -> list[str]:
    """Each invalid field named by its Chinese label, with what is wrong with it."""
    if not error.errors:
        return [_chinese(error.message)]
    return list(_walk(model, error.errors, ""))


def _walk(model, errors, prefix):
    """mongoengine nests errors by field, list index and NON_FIELD_ERRORS ("__all__")."""
    for key, value in errors.items():
        field = model._fields.get(key) if model is not None else None
        if key == mongoengine.base.NON_FIELD_ERRORS:
            where, inner_model = prefix, model
        elif str(key).isdigit():
            where, inner_model = f"{prefix}第{int(key) + 1}项", model
        else:
            where = f"{prefix}「{label_of(model, key)}」" if field else f"{prefix}{key}"
            inner_model = _embedded_type(field)
        inner = value.errors if isinstance(value, mongoengine.ValidationError) else None
        if isinstance(value, dict):
            inner = value
        if inner:
            yield from _walk(inner_model, inner, where)
        else:
            text = value.message if isinstance(value, mongoengine.ValidationError) else str(value)
            yield f"{where}：{_chinese(text)}" if where else _chinese(text)


def _embedded_type(field):
    inner = getattr(field, "field", None) or field
    return getattr(inner, "document_type", None) if inner is not None else None


_DOCUMENT_NAMES = {"Unit": "单位", "Person": "人员", "LeadershipGroup": "领导小组",
                   "Plan": "实施方案", "CaseCard": "一案一卡"}  # fmt: skip


def render_nested(view, context, model, name):
    """A nested list in lists and detail pages: a numbered list, escaped."""
    value = getattr(model, name)
    if not value:
        return ""
    items = "".join(f"<li>{escape(str(item))}</li>" for item in value)
    return Markup(f"<ol class='xf-nested'>{items}</ol>")


class XinfangModelView(ModelView):
    """The base of every view: Chinese labels, nested forms, JSON fields, Chinese errors."""

    model_form_converter = XinfangConverter
    filter_converter = XinfangFilterConverter()
    can_view_details = True
    can_export = False
    page_size = 50
    details_modal = False
    edit_modal = False
    create_modal = False

    def __init__(self, model, name=None, **kwargs):
        self.column_labels = {**labels_for(model), **(self.column_labels or {})}
        self.form_args = {
            name: {"label": label, **(self.form_args or {}).get(name, {})}
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
        super().__init__(model, name=name, **kwargs)

    def search_placeholder(self):
        # Flask-Admin's MongoEngine view has none and shows "None" in the search box
        names = [str(self.column_labels.get(n, n)) for n in self.column_searchable_list or ()]
        return gettext("搜索：%(fields)s", fields="、".join(names)) if names else None

    def get_one(self, id):
        # A malformed id is simply a record that does not exist (Flask-Admin says so in Chinese)
        try:
            return self.get_query().filter(pk=id).first()
        except (mongoengine.ValidationError, bson.errors.InvalidId):
            return None

    def _process_ajax_references(self):
        # Flask-Admin walks the subdocument configs by field type *name* and fails on
        # EmbeddedDocumentListField; the nested forms use plain selects, so only the top-level
        # AJAX references are processed.
        return BaseModelView._process_ajax_references(self)

    def handle_view_exception(self, exc):
        if isinstance(exc, mongoengine.ValidationError):
            for message in validation_messages(self.model, exc):
                flash(gettext("保存失败：%(message)s", message=message), "error")
            return True
        if isinstance(exc, mongoengine.NotUniqueError):
            flash(gettext("保存失败：已有同名的记录，名称不能重复。"), "error")
            return True
        if isinstance(exc, mongoengine.OperationError) and "refers to it" in str(exc):
            referrer = re.search(r"\((\w+)\.\w+ refers to it\)", str(exc))
            names = _DOCUMENT_NAMES.get(referrer.group(1), "") if referrer else ""
            flash(gettext("不能删除：仍有%(names)s记录引用它，请先处理这些记录。", names=names),
                  "error")  # fmt: skip
            return True
        return super().handle_view_exception(exc)


def _unit_filter():
    return ReferenceFilter("unit", _l("单位"), documents.Unit)


class UnitView(XinfangModelView):
    column_list = ("name", "short_name", "kind", "doc_code", "parent", "document_style")
    column_searchable_list = ("name", "short_name", "doc_code")
    column_filters = ("kind", "document_style")
    form_columns = (
        "name", "short_name", "kind", "parent", "issuer_marks", "doc_code", "document_style",
        "even_imprint_page", "superiors", "departments", "address", "phone", "extra",
    )  # fmt: skip


class PersonView(XinfangModelView):
    column_list = ("name", "title", "unit", "department", "phone", "is_leader")
    column_searchable_list = ("name", "title", "department", "phone")
    column_filters = ("is_leader", "department")

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)


class LeadershipGroupView(XinfangModelView):
    column_list = ("name", "unit", "office_director", "members")
    column_searchable_list = ("name", "office_director")
    form_columns = (
        "unit", "plan", "name", "members", "office_name", "office_director",
        "office_director_title", "office_duties",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        self.column_filters = (_unit_filter(),)
        super().__init__(*args, **kwargs)


class PlanView(XinfangModelView):
    column_list = ("title", "unit", "kind", "doc_number", "date_written", "period_start",
                   "period_end")  # fmt: skip
    column_searchable_list = ("title", "doc_number", "preamble")
    column_filters = ("kind", "date_written", "style")
    column_default_sort = ("date_written", True)
    form_columns = (
        "unit", "title", "kind", "period_start", "period_end", "preamble", "sections",
        "principles", "targets", "procedure", "reporting_duties", "phases", "receptions",
        "attachments",
        "style", "issuer_marks", "doc_number", "copy_number", "secrecy", "urgency", "signer",
        "main_recipients", "signatories", "date_written", "note", "no_body_on_next_page",
        "subject_terms", "report_to", "copy_to", "distribute_to", "printed_by", "printed_date",
        "extra",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)


class CaseCardView(XinfangModelView):
    column_list = ("number", "registered_on", "petitioner", "subject", "case_type", "source",
                   "responsible_leader", "status", "outcome", "unit")  # fmt: skip
    column_searchable_list = ("number", "petitioner", "subject", "category", "department")
    column_filters = ("registered_on", "source", "case_type", "category", "status", "outcome")
    column_default_sort = ("registered_on", True)
    form_columns = (
        "unit", "plan", "number", "registered_on", "petitioner", "group_size", "id_number",
        "phone", "address", "source", "case_type", "category", "subject", "request", "facts",
        "responsible_leader", "department", "timeline", "progress", "petitioner_status",
        "measures", "status", "outcome", "extra",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)


VIEWS = (
    (UnitView, documents.Unit, _l("单位"), _l("单位与人员")),
    (PersonView, documents.Person, _l("人员"), _l("单位与人员")),
    (LeadershipGroupView, documents.LeadershipGroup, _l("领导小组"), _l("单位与人员")),
    (PlanView, documents.Plan, _l("实施方案"), None),
    (CaseCardView, documents.CaseCard, _l("一案一卡"), None),
)

__all__ = ["VIEWS", "XinfangModelView"]
