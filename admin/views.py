"""Flask-Admin views of the documents: mostly declarations; behaviour lives in XinfangModelView."""

import datetime
import json
import logging
import re

import bson
import mongoengine
from flask import abort, flash, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from flask_admin.model import BaseModelView
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from mongoengine import ListField
from wtforms.fields import PasswordField, SelectField
from wtforms.validators import StopValidation

import documents
from documents import accounts, audit, cardquery, custom_fields, masking, schedule
from documents.case import DEFAULT_CATEGORIES
from documents.deadlines import STATUS_LABELS, Rules
from documents.fields import NAME

from . import errors, printing
from .auth import XinfangForm, address, can, csrf_ok, require, scoped
from .cardlist import CardListMixin
from .custom import CustomFieldsMixin
from .filters import ReferenceFilter, XinfangFilterConverter, filter_groups
from .forms import VersionField, XinfangConverter, subdocument_forms
from .labels import label_of, labels_for

log = logging.getLogger(__name__)

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


_CJK = re.compile(r"[\u4e00-\u9fff]")

# what a field of each kind says when mongoengine's own (English) message is not one of the above
_BY_FIELD_TYPE = (
    (mongoengine.DictField, "字段名不能以 $ 开头，也不能含有英文句点或空字符"),
    ((mongoengine.IntField, mongoengine.FloatField, mongoengine.DecimalField),
     "数值无效或超出范围"),
    ((mongoengine.DateField, mongoengine.DateTimeField), "不是有效的日期"),
    (mongoengine.ReferenceField, "关联记录无效"),
)


def _chinese(message: str, field=None) -> str:
    for pattern, text in _MESSAGES:
        if pattern.search(message):
            return text
    if _CJK.search(message):  # the documents' own messages are written in Chinese
        return message
    inner = getattr(field, "field", None) or field
    for kind, text in _BY_FIELD_TYPE:
        if isinstance(field, kind) or isinstance(inner, kind):
            return text
    return "内容无效"


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
            yield f"{where}：{_chinese(text, field)}" if where else _chinese(text, field)


def _embedded_type(field):
    inner = getattr(field, "field", None) or field
    return getattr(inner, "document_type", None) if inner is not None else None


MAX_PAGE = 10**9  # of any list: beyond it, every list is empty anyway

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

    def __init__(self, model, name=None, **kwargs):
        self.column_labels = {**labels_for(model), **(self.column_labels or {})}
        # values with a name (("case_card", "一案一卡")) show by their name in lists and details
        self.column_choices = {
            name: list(field.choices)
            for name, field in model._fields.items()
            if field.choices and isinstance(next(iter(field.choices)), tuple)
        } | (self.column_choices or {})
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

    def _handle_view(self, name, **kwargs):
        # a POST that changes data needs the write permission, whatever the form says
        if request.method == "POST" and name in ("create_view", "edit_view", "action_view"):
            require(self.write_permission)
        if request.method == "POST" and name == "delete_view":
            require(self.delete_permission or self.write_permission)
        return super()._handle_view(name, **kwargs)

    def _get_list_extra_args(self):
        # a page MongoDB can skip to (0 to 2**63 - 1 records): a larger or negative one was a 500
        view_args = super()._get_list_extra_args()
        view_args.page = min(max(view_args.page or 0, 0), MAX_PAGE)
        return view_args

    @property
    def _filter_groups(self):
        if not has_request_context():
            return self.__dict__.get("_xf_filter_groups")
        return filter_groups(self, self._filters)

    @_filter_groups.setter
    def _filter_groups(self, value):
        self.__dict__["_xf_filter_groups"] = value

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

    def after_model_change(self, form, model, is_created):
        accounts.record("create" if is_created else "update", actor=current_user.name,
                        username=current_user.username, target=self.model.__name__,
                        target_id=model.pk, detail=str(model)[:200], address=address())

    def on_model_delete(self, model):
        accounts.record("delete", actor=current_user.name, username=current_user.username,
                        target=self.model.__name__, target_id=model.pk,
                        detail=str(model)[:200], address=address())  # fmt: skip

    @expose("/export/<export_type>/")
    def export(self, export_type):
        require("export")
        accounts.record("export", actor=current_user.name, username=current_user.username,
                        target=self.model.__name__, detail=request.query_string.decode()[:500],
                        address=address())  # fmt: skip
        return super().export(export_type)

    def print_links(self, record):
        return []

    def render(self, template, **kwargs):
        if "model" in kwargs and template == self.details_template and kwargs["model"]:
            kwargs.setdefault("xf_print_links", self.print_links(kwargs["model"]))
        return super().render(template, **kwargs)

    def printed(self, make_pdf, filename, download=None):
        """A PDF response, or back to the list with the reason when it cannot be made."""
        require("print")
        accounts.record("print", actor=current_user.name, username=current_user.username,
                        target=self.model.__name__, detail=filename, address=address())
        try:
            data = make_pdf()
        except Exception as exc:  # a font or layout failure must not become a 500
            reference = errors.reference()
            errors.log_failure(exc, reference, "printing failed")
            flash(gettext("生成 PDF 失败（编号 %(reference)s）：%(error)s", reference=reference,
                          error=errors.explain(exc) or gettext("内部错误，已记录")), "error")
            return redirect(self.get_url(".index_view"))
        if download is None:
            download = bool(request.args.get("download"))
        return printing.pdf_response(data, filename, download)

    def search_placeholder(self):
        # Flask-Admin's MongoEngine view has none and shows "None" in the search box
        names = [str(self.column_labels.get(n, n)) for n in self.column_searchable_list or ()]
        return gettext("搜索：%(fields)s", fields="、".join(names)) if names else None

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
            flash(gettext("保存失败：已有相同的记录（同名的单位，或同一单位同一用途的自定义字段），"
                          "不能重复。"), "error")  # fmt: skip
            return True
        if isinstance(exc, mongoengine.OperationError) and "refers to it" in str(exc):
            referrer = re.search(r"\((\w+)\.\w+ refers to it\)", str(exc))
            names = _DOCUMENT_NAMES.get(referrer.group(1), "") if referrer else ""
            flash(gettext("不能删除：仍有%(names)s记录引用它，请先处理这些记录。", names=names),
                  "error")  # fmt: skip
            return True
        message = errors.explain(exc)  # by the error's type: its own text is never shown
        if message is not None:
            flash(gettext("保存失败：%(message)s", message=message), "error")
            return True
        if super().handle_view_exception(exc):
            return True
        reference = errors.reference()
        errors.log_failure(exc, reference, self.model.__name__)
        flash(gettext("操作失败：发生了内部错误（编号 %(reference)s），已记录。请联系系统管理员。",
                      reference=reference), "error")  # fmt: skip
        return True

    def get_invalid_value_msg(self, value, filter):
        # Flask-Admin's message repeats the value whole: a long one overflows the session cookie
        return gettext("筛选条件的值无效：%(value)s", value=errors.quoted(value))


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
        return super().render(template, **kwargs)

    def extra_links(self):
        return []


class PlanView(ScopedListMixin, XinfangModelView):
    read_permission, write_permission = "plan:read", "plan:write"
    custom_target = "plan"
    column_list = ("title", "unit", "kind", "doc_number", "date_written", "period_start",
                   "period_end")  # fmt: skip
    column_searchable_list = ("title", "doc_number", "preamble")
    column_filters = ("kind", "date_written", "style")
    column_default_sort = ("date_written", True)
    column_details_exclude_list = ("extra",)
    column_export_exclude_list = ("extra",)
    form_columns = (
        "unit", "title", "kind", "period_start", "period_end", "preamble", "sections",
        "principles", "targets", "procedure", "reporting_duties", "phases", "receptions",
        "attachments",
        "style", "issuer_marks", "doc_number", "copy_number", "secrecy", "urgency", "signer",
        "main_recipients", "signatories", "date_written", "note", "no_body_on_next_page",
        "subject_terms", "report_to", "copy_to", "distribute_to", "printed_by", "printed_date",
    )  # fmt: skip

    details_template = "admin/xf_details.html"

    def __init__(self, *args, **kwargs):
        self.column_extra_row_actions = [
            EndpointLinkRowAction("fa fa-print", ".pdf_view", title=_l("预览公文 PDF"))]
        super().__init__(*args, **kwargs)

    def extra_links(self):
        return [(gettext("从模板新建"), self.get_url(".from_template_view",
                                                   unit=request.args.get("unit"))),
                (gettext("从 Word 或文字导入"),
                 self.get_url(".import_view", unit=request.args.get("unit")))]  # fmt: skip

    # --- importing an existing document (documents.importer) ---

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        """Upload or paste → the recognised structure beside the source → confirm → saved."""
        from documents import importer

        units = list(scoped(documents.Unit, documents.Unit.objects.only("name")))
        chosen = {"unit": request.values.get("unit") or "", "text": request.form.get("text", ""),
                  "part": request.form.get("part", ""), "parts": []}  # fmt: skip
        if request.method == "GET":
            return self.render("admin/xf_import.html", units=units, **chosen)
        require("plan:write")
        if not csrf_ok():
            abort(400)
        unit = next((u for u in units if str(u.pk) == chosen["unit"]), None)
        try:
            upload = request.files.get("file")
            if upload is not None and upload.filename:
                chosen["text"] = importer.read_upload(upload.filename, upload.read())
            if unit is None:
                raise importer.ImportProblem(gettext("请选择要导入到哪个单位。"))
            importer.check_text(chosen["text"])
            parts = importer.split_documents(chosen["text"])
            if len(parts) > 1 and not chosen["part"].isdigit():
                chosen["parts"] = [name for name, _ in parts]
                flash(gettext("文件中有 %(n)s 篇文件，请选择要导入哪一篇。", n=len(parts)), "info")
                return self.render("admin/xf_import.html", units=units, **chosen)
            source = parts[min(int(chosen["part"] or 0), len(parts) - 1)][1]
            imported = importer.import_text(source)
        except importer.ImportProblem as problem:
            flash(str(problem), "error")
            return self.render("admin/xf_import.html", units=units, **chosen)
        plan = imported.plan(unit)
        form, _ = self._custom_form(self._create_form_class, plan, formdata=None)
        return self._render_review(unit, source, imported, form)

    @expose("/import/confirm/", methods=("POST",))
    def import_confirm_view(self):
        """Saves what the person reviewed: the plan, and the leadership group when kept."""
        from documents import importer

        require("plan:write")
        if not csrf_ok():
            abort(400)
        unit = scoped(documents.Unit, documents.Unit.objects(pk=request.form.get("unit"))).first() \
            if bson.ObjectId.is_valid(request.form.get("unit", "")) else None  # fmt: skip
        source = request.form.get("source", "")
        if unit is None or not source.strip():
            flash(gettext("导入的内容已失效，请重新上传或粘贴。"), "error")
            return redirect(self.get_url(".import_view"))
        try:
            imported = importer.import_text(source)
        except importer.ImportProblem as problem:
            flash(str(problem), "error")
            return redirect(self.get_url(".import_view"))
        form = self.create_form()
        group, problems = _reviewed_group(request.form, unit)
        for problem in problems:
            flash(problem, "error")
        if problems or not self.validate_form(form):
            if not problems:
                flash(gettext("有内容需要更正，尚未保存。"), "error")
            return self._render_review(unit, source, imported, form)
        if form.unit.data is None or form.unit.data.pk != unit.pk:
            flash(gettext("导入的方案只能保存到所选单位。"), "error")
            return self._render_review(unit, source, imported, form)
        plan = self.create_model(form)
        if not plan:
            return self._render_review(unit, source, imported, form)
        if group is not None:
            group = importer.save_group(*group, plan)
            accounts.record(
                "create", actor=current_user.name, username=current_user.username,
                target="LeadershipGroup", target_id=group.pk, detail=str(group)[:200],
                address=address())  # fmt: skip
        flash(gettext("已导入并保存“%(title)s”。", title=plan.title), "success")
        return redirect(self.get_url(".details_view", id=plan.pk))

    def _render_review(self, unit, source, imported, form):
        from flask_admin.form import FormOpts

        reviewed = "group-name" in request.form  # shown again after a correction
        group = _group_from_form(request.form) if reviewed else imported.group
        return self.render(
            "admin/xf_import_review.html", unit=unit, source=source, imported=imported,
            form=form, group=group, roles=documents.group.MEMBER_ROLES,
            keep_group=bool(group.get("members")) and (
                not reviewed or request.form.get("group-keep") == "on"),
            form_opts=FormOpts(widget_args=self.form_widget_args,
                               form_rules=self._form_create_rules),
            return_url=self.get_url(".index_view"),
        )  # fmt: skip

    def print_links(self, record):
        return [
            (gettext("预览公文"), self.get_url(".pdf_view", id=record.pk), True),
            (gettext("下载 PDF"), self.get_url(".pdf_view", id=record.pk, download=1), False),
            (gettext("按2012版格式"), self.get_url(".pdf_view", id=record.pk, style="2012"), False),
            (gettext("按1999版格式（主题词）"), self.get_url(".pdf_view", id=record.pk,
                                                          style="1999"), False),
            (gettext("接访日程安排表"), self.get_url(".schedule_view", id=record.pk), False),
        ]  # fmt: skip

    @expose("/pdf/")
    def pdf_view(self):
        plan = self.get_one(request.args.get("id", ""))
        return self.printed(lambda: printing.plan_pdf(
            plan, request.args.get("style"), printing.font_overrides()), f"{plan.title}.pdf")

    @expose("/schedule/")
    def schedule_view(self):
        plan = self.get_one(request.args.get("id", ""))
        return self.printed(lambda: printing.schedule_pdf(plan, printing.font_overrides()),
                            f"{plan.unit.name}接访日程安排表.pdf")  # fmt: skip

    @expose("/from-template/", methods=("GET", "POST"))
    def from_template_view(self):
        import seeds

        templates = seeds.plan_templates()
        chosen = {
            "chosen_unit": request.values.get("unit") or "",
            "chosen_template": request.values.get("template") or "",
            "chosen_title": (request.values.get("title") or "").strip(),
        }
        if request.method == "POST":
            require("plan:write")
            if not csrf_ok():
                abort(400)
            plan, problem = self._plan_from_template(templates, **chosen)
            if plan is not None:
                flash(gettext("已从模板新建方案，请继续编辑。"), "success")
                return redirect(self.get_url(".edit_view", id=plan.pk))
            flash(problem, "error")
        plans = scoped(documents.Plan, documents.Plan.objects.only("title", "unit"))
        return self.render("admin/xf_from_template.html", templates=list(templates),
                           plans=plans,
                           units=scoped(documents.Unit, documents.Unit.objects.only("name")),
                           **chosen)  # fmt: skip

    def _plan_from_template(self, templates, chosen_unit, chosen_template, chosen_title):
        unit = scoped(documents.Unit, documents.Unit.objects(pk=chosen_unit)).first() \
            if bson.ObjectId.is_valid(chosen_unit) else None  # fmt: skip
        if unit is None:
            return None, gettext("请选择单位。")
        if not chosen_title:
            return None, gettext("请填写新方案的标题。")
        if len(chosen_title) > 200:
            return None, gettext("标题不能超过 200 个字。")
        source = None
        if chosen_template.startswith("template:"):
            index = chosen_template.split(":", 1)[1]
            names = list(templates)
            if index.isdigit() and int(index) < len(names):
                source = templates[names[int(index)]]
        elif chosen_template.startswith("plan:"):
            plan_id = chosen_template.split(":", 1)[1]
            if bson.ObjectId.is_valid(plan_id):
                source = scoped(documents.Plan, documents.Plan.objects(pk=plan_id)).first()
        elif chosen_template == "blank":
            source = documents.Plan()
        if source is None:
            return None, gettext("所选的模板不存在。")
        plan = source.copy_structure(unit, chosen_title)
        plan.save()
        return plan, None


def _group_from_form(data) -> dict:
    """The leadership group as the review form holds it."""
    members = []
    for n in range(200):
        if f"member-{n}-name" not in data:
            break
        if data.get(f"member-{n}-delete") == "on":
            continue
        name = data.get(f"member-{n}-name", "").strip()
        if name:
            members.append((data.get(f"member-{n}-role", "成员"), name,
                            data.get(f"member-{n}-title", "").strip()))  # fmt: skip
    return {"name": data.get("group-name", "").strip(), "members": members,
            "office_name": data.get("group-office_name", "").strip(),
            "office_director": data.get("group-office_director", "").strip(),
            "office_director_title": data.get("group-office_director_title", "").strip(),
            "office_duties": [d.strip() for d in data.get("group-office_duties", "").splitlines()
                              if d.strip()]}  # fmt: skip


def _reviewed_group(data, unit):
    """((unsaved group, people to create) or None, problems in Chinese) from the review
    form."""
    from documents.importer import Imported

    if data.get("group-keep") != "on":
        return None, []
    reviewed = _group_from_form(data)
    problems = []
    if not reviewed["members"]:
        problems.append(gettext("领导小组没有成员；不需要导入领导小组时，请取消“同时导入领导小组”。"))
    for role, name, title in reviewed["members"]:
        if role not in documents.group.MEMBER_ROLES:
            problems.append(gettext("领导小组成员“%(name)s”的职务“%(role)s”无效。", name=name,
                                    role=role))  # fmt: skip
        if len(name) > NAME or len(title) > NAME:
            problems.append(gettext("领导小组成员“%(name)s”的姓名或职务过长。", name=name[:20]))
    if not reviewed["name"]:
        problems.append(gettext("请填写领导小组的名称。"))
    if problems:
        return None, problems
    return Imported(group=reviewed).leadership_group(unit), []


class CaseCardView(CardListMixin, ScopedListMixin, XinfangModelView):
    read_permission, write_permission = "case:read", "case:write"
    delete_permission = "case:delete"
    custom_target = "case_card"
    details_template = "admin/xf_case_details.html"
    form_overrides = {"version": VersionField, "step": SelectField, "category": SelectField}
    column_sortable_list = ("number", "registered_on", "petitioner", "case_type", "source",
                            "status", "outcome", "next_deadline", "step")  # fmt: skip
    column_details_exclude_list = ("extra", "version", "archived", "archived_at", "archived_by",
                                   "next_deadline_label", "fields_version")  # fmt: skip
    column_export_list = (
        "number", "registered_on", "petitioner", "group_size", "id_number", "phones", "address",
        "source", "case_type", "category", "subject", "request", "responsible_leader",
        "department", "step", "next_deadline", "progress", "petitioner_status", "measures",
        "status", "outcome", "channel", "unit",
    )  # fmt: skip
    column_export_exclude_list = ("extra", "version", "related_cards")

    def __init__(self, *args, **kwargs):
        self.column_extra_row_actions = [
            EndpointLinkRowAction("fa fa-print", ".pdf_view", title=_l("打印一案一卡"))]
        self.column_filters = (*self.column_filters, DeadlineStatusFilter("next_deadline",
                                                                          _l("期限状态")))
        self.column_formatters = {"next_deadline": _deadline_cell, **_PERSONAL_FORMATTERS}
        self.column_formatters_detail = {**_PERSONAL_FORMATTERS, "related_cards": _related_cell}
        self.column_formatters_export = dict(_PERSONAL_FORMATTERS)
        super().__init__(*args, **kwargs)

    def get_query(self):
        return super().get_query().filter(archived__ne=True)

    def adjust_form(self, form, unit, record):
        if not can("personal_data"):  # who may not see them may not change them either
            for name in PERSONAL_FIELDS:
                if name in form:
                    del form[name]
        elif record is not None and (record.id_number or record.phones):
            _log_personal_view(record, "编辑表单")
        procedure = documents.Procedure.for_unit(unit)
        current = record.step if record is not None else None
        steps = procedure.allowed(current) if current else [procedure.first]
        form.step.choices = [(s, s) for s in steps]
        if record is None and not form.step.data:
            form.step.data = procedure.first
        categories = list((unit.case_categories if unit else None) or DEFAULT_CATEGORIES)
        stored = record.category if record is not None else None
        if stored and stored not in categories:
            categories.append(stored)
        form.category.choices = [("", "—"), *[(c, c) for c in categories]]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        before = None if is_created else self.model.objects(pk=model.pk).only("step").first()
        problem = documents.Procedure.for_unit(model.unit).problem(
            before.step if before else None, model.step)  # fmt: skip
        if problem:
            raise mongoengine.ValidationError(problem, errors={"step": problem})
        if model.category == "":
            model.category = None

    def update_model(self, form, model):
        """Flask-Admin's update, refusing a save over someone else's newer one."""
        try:
            form.populate_obj(model)
            self._on_model_change(form, model, False)
            model.save()
        except documents.ConcurrentEdit as conflict:
            self._explain_conflict(form, conflict)
            return False
        except Exception as ex:
            if not self.handle_view_exception(ex):
                flash(gettext("保存失败：%(message)s", message=str(ex)), "error")
                log.exception("Failed to update record.")
            return False
        self.after_model_change(form, model, False)
        return True

    def _explain_conflict(self, form, conflict):
        changed = documents.CaseCardHistory.objects(card=conflict.card,
                                                    version__gt=conflict.seen_version)
        fields, actors = [], []
        for entry in changed:
            actors.append(entry.actor)
            fields += [label_of(documents.CaseCard, c["field"]) for c in entry.changes]
        fields = "、".join(dict.fromkeys(fields)) or gettext("若干内容")
        flash(gettext("没有保存：您打开这张卡片之后，%(actors)s 修改并保存了它（%(fields)s）。"
                      "您填写的内容仍在下面，请核对后再次保存；再次保存将以您的内容为准。",
                      actors="、".join(dict.fromkeys(actors)) or gettext("他人"), fields=fields),
              "error")  # fmt: skip
        current = documents.CaseCard.objects(pk=conflict.card.pk).only("version").first()
        if current is not None:
            form.version.data = current.version

    def delete_model(self, model):
        """Deleting a card moves it to the archive, from where it can be restored."""
        try:
            model.archive()
        except Exception as ex:
            if not self.handle_view_exception(ex):
                flash(gettext("归档失败：%(message)s", message=str(ex)), "error")
            return False
        flash(gettext("已将卡片移入归档，可在“一案一卡归档”中恢复。"), "success")
        return True

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if template == self.details_template and model is not None:
            rules = Rules.for_unit(model.unit)
            today = deadlines_today()
            kwargs["xf_deadlines"] = [{
                "label": d.label, "due": d.due, "done_on": d.done_on, "basis": d.basis,
                "problem": d.problem, "status": STATUS_LABELS[d.status(today, rules.due_soon_days)],
                "css": _STATUS_CSS.get(d.status(today, rules.due_soon_days), ""),
            } for d in model.deadlines()]  # fmt: skip
            related = [c.pk for c in model.related_cards if c]
            kwargs["xf_related"] = [(card, self.get_url(".details_view", id=card.pk)) for card in
                                    scoped(documents.CaseCard, documents.CaseCard.objects(
                                        pk__in=related))]  # fmt: skip
            kwargs["xf_history"] = card_history(model, "详情")
        return super().render(template, **kwargs)

    def print_links(self, record):
        return [
            (gettext("打印一案一卡"), self.get_url(".pdf_view", id=record.pk), True),
            (gettext("下载 PDF"), self.get_url(".pdf_view", id=record.pk, download=1), False),
        ]

    def extra_links(self):
        unit = request.args.get("unit")
        if not unit:
            return []
        return [(gettext("空白登记表"), self.get_url(".blank_view", unit=unit))]

    @expose("/pdf/")
    def pdf_view(self):
        card = self.get_one(request.args.get("id", ""))
        name = f"一案一卡{card.number or card.petitioner}.pdf"
        return self.printed(lambda: printing.cards_pdf([card], printing.font_overrides(),
                                                       mask=not can("personal_data")), name)

    @expose("/blank/")
    def blank_view(self):
        unit_id = request.args.get("unit", "")
        unit = scoped(documents.Unit, documents.Unit.objects(pk=unit_id)).first() \
            if bson.ObjectId.is_valid(unit_id) else None  # fmt: skip
        if unit is None:
            flash(gettext("请选择单位。"), "error")
            return redirect(self.get_url(".index_view"))
        return self.printed(lambda: printing.blank_form_pdf(unit, printing.font_overrides()),
                            f"{unit.name}信访登记表.pdf")  # fmt: skip

    @action("print", _l("打印选中的卡片"))
    def action_print(self, ids):
        cards = [c for c in self.get_query().filter(pk__in=[i for i in ids if
                                                            bson.ObjectId.is_valid(i)])]
        if not cards:
            flash(gettext("请先选择要打印的卡片。"), "error")
            return redirect(self.get_url(".index_view"))
        return self.printed(lambda: printing.cards_pdf(cards, printing.font_overrides(),
                                                       mask=not can("personal_data")),
                            "一案一卡.pdf", download=True)  # fmt: skip
    column_list = ("number", "registered_on", "petitioner", "subject", "case_type", "source",
                   "step", "next_deadline", "responsible_leader", "outcome", "unit")  # fmt: skip
    column_searchable_list = ("number", "petitioner", "subject", "category", "department")
    column_filters = ("registered_on", "source", "case_type", "category", "status", "outcome")
    column_default_sort = ("registered_on", True)
    column_details_exclude_list = ("extra",)
    column_export_exclude_list = ("extra",)
    form_columns = (
        "unit", "plan", "number", "registered_on", "step", "petitioner", "group_size",
        "representatives", "id_number", "phones", "address", "source", "case_type", "marks",
        "category", "subject", "request", "facts", "responsible_leader", "department",
        "classification", "reception_leader", "reception_date", "timeline", "progress",
        "petitioner_status", "measures", "decided_on", "replied_on", "extension_days",
        "extension_reason", "extension_approver", "review_requested_on", "review_answered_on",
        "rereview_requested_on", "rereview_answered_on", "leader_notified_on",
        "petitioner_notified_on", "status", "closed_on", "outcome", "channel", "version",
    )  # fmt: skip


class FieldSetView(XinfangModelView):
    """A unit's own fields: define, change (nothing is lost), migrate values."""

    read_permission = write_permission = "fields:write"

    column_list = ("unit", "target", "version", "fields", "updated_at")
    column_details_list = ("unit", "target", "version", "fields", "updated_at", "json_schema")
    column_filters = ("target",)
    form_columns = ("unit", "target", "fields")
    column_formatters_detail = {"json_schema": lambda v, c, m, n: Markup(
        f"<pre>{escape(json.dumps(m.json_schema, ensure_ascii=False, indent=2))}</pre>")}

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        self.column_extra_row_actions = [
            EndpointLinkRowAction("fa fa-exchange", ".migrate_view", title=_l("迁移字段值"))]
        super().__init__(*args, **kwargs)

    def on_model_change(self, form, model, is_created):
        previous = []
        if not is_created:
            stored = documents.FieldSet.objects(pk=model.pk).first()
            previous = stored.fields if stored else []
        model.prepare_version(previous)

    def after_model_change(self, form, model, is_created):
        model.record_version()

    @expose("/migrate/", methods=("GET", "POST"))
    def migrate_view(self):
        field_set = self.get_one(request.args.get("id", ""))
        if request.method == "POST" and not csrf_ok():
            abort(400)

        records = self._records(field_set)
        sources = self._sources(field_set, records)
        failures = []
        if request.method == "POST":
            source = request.form.get("source", "")
            target = field_set.field(request.form.get("target", ""))
            require("fields:write")
            if source not in dict(sources) or target is None or target.retired:
                flash(gettext("请选择要迁移的字段和目标字段。"), "error")
            else:
                moved, failures = custom_fields.migrate(records, source, target, _save_quietly)
                flash(gettext("已迁移 %(moved)s 条记录的值，%(failed)s 条未能迁移。",
                              moved=moved, failed=len(failures)),
                      "success" if not failures else "warning")  # fmt: skip
        return self.render("admin/xf_migrate.html", field_set=field_set, sources=sources,
                           targets=field_set.active, failures=failures,
                           return_url=self.get_url(".details_view", id=field_set.pk))  # fmt: skip

    @staticmethod
    def _records(field_set):
        model = documents.CaseCard if field_set.target == "case_card" else documents.Plan
        return list(model.objects(unit=field_set.unit))

    @staticmethod
    def _sources(field_set, records):
        keys = {}
        for definition in field_set.fields:
            mark = gettext("（已停用）") if definition.retired else ""
            keys[definition.key] = f"{definition.label}{mark}（{definition.key}）"
        for record in records:
            for key in record.extra or {}:
                keys.setdefault(key, gettext("未定义的值（%(key)s）", key=key))
        return list(keys.items())


class ArchivedCaseCardView(CardListMixin, XinfangModelView):
    """Archived case cards: shown, printed and restored, not edited."""

    endpoint_name = "archivedcasecard"
    list_archived = True
    allow_create = allow_edit = allow_delete = False
    read_permission = write_permission = "case:delete"
    column_list = ("number", "registered_on", "petitioner", "subject", "unit", "archived_at",
                   "archived_by")  # fmt: skip
    column_searchable_list = ("number", "petitioner", "subject")
    details_template = "admin/xf_case_details.html"

    def get_query(self):
        return super().get_query().filter(archived=True)

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if template == self.details_template and model is not None:
            kwargs.setdefault("xf_deadlines", [])
            kwargs.setdefault("xf_related", [])
            kwargs["xf_history"] = card_history(model, "归档卡片详情")
        return super().render(template, **kwargs)

    @action("restore", _l("恢复选中的卡片"))
    def action_restore(self, ids):
        restored = 0
        for card in self.get_query().filter(pk__in=[i for i in ids if bson.ObjectId.is_valid(i)]):
            card.restore()
            restored += 1
        flash(gettext("已恢复 %(n)s 张卡片。", n=restored), "success")


class ReceptionSessionView(XinfangModelView):
    """Reception days: recorded as held, moved, swapped between leaders, added by hand."""

    read_permission, write_permission = "schedule:read", "schedule:write"

    column_list = ("date", "leader", "place", "accompany", "status", "petitioners", "note", "unit")
    column_searchable_list = ("leader", "place", "note")
    column_filters = ("date", "status", "leader")
    column_default_sort = ("date", False)
    form_columns = ("plan", "unit", "date", "leader", "place", "accompany", "status",
                    "petitioners", "note")  # fmt: skip

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)

    def on_model_change(self, form, model, is_created):
        model.generated = 0  # edited by hand: a regeneration keeps it
        model.changed_at = datetime.datetime.now().replace(microsecond=0)
        model.changed_by = audit.actor()

    @action("swap", _l("对调这两天的接访领导"), _l("确定对调所选两个安排的接访领导吗？"))
    def action_swap(self, ids):
        sessions = list(self.get_query().filter(pk__in=[i for i in ids
                                                        if bson.ObjectId.is_valid(i)]))
        if len(sessions) != 2:
            flash(gettext("请选择两个接访安排来对调。"), "error")
            return
        try:
            note = schedule.swap(*sessions)
        except schedule.ScheduleError as problem:
            flash(gettext("未能对调：%(problem)s", problem=str(problem)), "error")
        else:
            flash(gettext("已对调：%(note)s。请重新打印日程安排表。", note=note), "success")


class LeaderActivityView(XinfangModelView):
    """下访, 约访 and 走访 of leaders, counted against the plan's quotas."""

    read_permission, write_permission = "schedule:read", "schedule:write"

    column_list = ("date", "leader", "kind", "place", "case", "note", "unit")
    column_filters = ("date", "kind", "leader")
    column_searchable_list = ("leader", "place", "note")
    column_default_sort = ("date", True)
    form_columns = ("unit", "leader", "kind", "date", "place", "case", "note")

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)


class RoleView(XinfangModelView):
    """Roles and what they may do: data an administrator edits."""

    read_permission = write_permission = "accounts:write"
    column_list = ("key", "name", "scope", "permissions")
    form_columns = ("key", "name", "scope", "permissions")
    column_formatters = {"permissions": lambda v, c, m, n: "、".join(
        dict(accounts.PERMISSIONS).get(p, p) for p in m.permissions)}  # fmt: skip


def _chosen(form, field):
    if field.data is None:
        raise StopValidation(gettext("请选择角色"))


class AccountView(XinfangModelView):
    """Accounts: a password is set here, never shown; the hash is all that is stored."""

    read_permission = write_permission = "accounts:write"
    column_list = ("username", "name", "role", "unit", "person", "active", "last_login")
    column_searchable_list = ("username", "name")
    form_columns = ("username", "name", "role", "unit", "person", "active", "new_password")
    form_extra_fields = {"new_password": PasswordField(_l("新密码（不修改请留空）"))}
    column_details_exclude_list = ("password_hash",)
    column_export_exclude_list = ("password_hash",)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        # no role is chosen for the clerk: an account gets the rights someone picked for it
        form.role.allow_blank, form.role.blank_text = True, gettext("（请选择角色）")
        form.role.validators = [_chosen]
        return form

    def on_model_change(self, form, model, is_created):
        password = form.new_password.data
        if password:
            model.set_password(password)
            # a password someone else chose is temporary: its owner changes it at next login
            model.must_change_password = model.pk is None or str(model.pk) != str(
                current_user.pk)  # fmt: skip
        elif is_created:
            raise mongoengine.ValidationError("新账号须设置密码",
                                              errors={"password_hash": "新账号须设置密码"})

    def after_model_change(self, form, model, is_created):
        ended = form.new_password.data or not model.active
        if ended and not is_created and str(model.pk) != str(current_user.pk):
            model.end_sessions()  # a new password or a deactivation ends the old sessions


class AuditView(XinfangModelView):
    """The audit log: viewable and filterable by administrators, editable by nobody."""

    read_permission = "audit:read"
    write_permission = "never"  # no role has it: nobody changes the log
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "actor", "username", "action", "target", "target_id", "detail",
                   "address")  # fmt: skip
    column_filters = ("at", "action", "username", "actor", "address")
    column_searchable_list = ("actor", "username", "detail", "target_id")
    column_default_sort = ("at", True)
    column_formatters = {"action": lambda v, c, m, n: documents.AuditEvent.ACTIONS.get(
        m.action, m.action)}  # fmt: skip

    def get_query(self):
        return self.model.objects  # every unit's events: administrators only

    def get_count_query(self):
        return self.model.objects


class DeadlineRuleSetView(XinfangModelView):
    read_permission, write_permission = "case:read", "rules:write"
    column_list = ("unit", "rules", "due_soon_days")
    form_columns = ("unit", "rules", "due_soon_days", "note")


class CaseProcedureView(XinfangModelView):
    read_permission, write_permission = "case:read", "rules:write"
    column_list = ("unit", "steps", "moves")
    form_columns = ("unit", "steps", "moves")


class DeadlineStatusFilter(BaseMongoEngineFilter):
    """Cards by their next deadline: overdue, due soon (within the unit's 即将到期天数), later,
    none; the card-query contract's states (the list asks the contract; this is the way of a
    list that cannot)."""

    def __init__(self, column, name):
        options = [("overdue", _l("已超期")), ("due_soon", _l("即将到期")),
                   ("pending", _l("未到期")), ("none", _l("无待办期限"))]  # fmt: skip
        super().__init__(column, name, options=options)

    def apply(self, query, value):
        if value not in cardquery.DEADLINE_STATES:
            return query
        return query.filter(__raw__=cardquery.deadline_selector(value))

    def operation(self):
        return gettext("为")


_STATUS_CSS = {"overdue": "table-danger", "due_soon": "table-warning", "unknown": "table-secondary",
               "done": "text-muted"}  # fmt: skip


def deadlines_today():
    from documents import deadlines

    return deadlines.today()


def _related_cell(view, context, model, name):
    """The related cards the account may see (a leader: his or her own)."""
    ids = [c.pk for c in model.related_cards if c]
    cards = scoped(documents.CaseCard, documents.CaseCard.objects(pk__in=ids)) if ids else []
    items = "".join(f"<li>{escape(str(card))}</li>" for card in cards)
    return Markup(f"<ol class='xf-nested'>{items}</ol>") if items else ""


def _deadline_cell(view, context, model, name):
    if model.deadline_problem and not model.next_deadline:
        return Markup(f"<span class='badge badge-secondary'>{escape(gettext('无法计算'))}</span>")
    if not model.next_deadline:
        return ""
    today = deadlines_today()
    days = (model.next_deadline - today).days
    state = cardquery.deadline_state(model.next_deadline, today, _due_soon_days(model))
    if state == "overdue":
        badge = ("danger", gettext("已超期 %(n)s 天", n=-days))
    elif state == "due_soon":
        badge = ("warning", gettext("还剩 %(n)s 天", n=days))
    else:
        badge = ("light", "")
    label = escape(model.next_deadline_label or "")
    mark = f" <span class='badge badge-{badge[0]}'>{escape(badge[1])}</span>" if badge[1] else ""
    return Markup(f"{model.next_deadline:%Y-%m-%d} {label}{mark}")


def _due_soon_days(card):
    """The card's unit's 即将到期天数, read once a request."""
    from flask import g

    from documents.deadlines import DUE_SOON_DAYS

    if "xf_due_soon" not in g:
        g.xf_due_soon = cardquery.custom_due_soon_days()
    unit = card._data.get("unit")
    unit_id = str(getattr(unit, "id", None) or getattr(unit, "pk", None) or unit or "")
    return g.xf_due_soon.get(unit_id, DUE_SOON_DAYS)


def _history_row(entry, field_set, mask):
    """One entry of a card's history as shown; ``mask`` hides personal data as the card's
    fields hide it."""
    changes = []
    for change in entry.changes:
        name = change.get("field")
        before, after = change.get("before"), change.get("after")
        if entry.action == "登记" and before is None and after in (False, [], {}, ""):
            continue  # a default of a new card is not a change worth showing
        if name == "extra":
            changes += _extra_changes(field_set, before or {}, after or {}, mask)
            continue
        if mask:
            before, after = _masked_value(name, before), _masked_value(name, after)
        changes.append({"label": label_of(documents.CaseCard, name),
                        "before": _shown(name, before), "after": _shown(name, after)})
    return {"at": entry.at, "actor": entry.actor, "action": entry.action, "changes": changes}


def card_history(card, where):
    """The rows of a card's history. A full view of personal data on the page (the card's or
    its history's) goes to the audit log, once."""
    mask = not can("personal_data")
    field_set = documents.FieldSet.for_unit(card.unit, "case_card") if card.unit else None
    entries = list(documents.CaseCardHistory.objects(card=card))
    personal = {d.key for d in field_set.fields if d.holds_personal_data} if field_set else set()
    if not mask and (card.id_number or card.phones or card.representatives or any(
            (card.extra or {}).get(k) for k in personal) or any(
            _touches_personal_data(e, personal) for e in entries)):  # fmt: skip
        _log_personal_view(card, where)
    return [_history_row(entry, field_set, mask) for entry in entries]


def _touches_personal_data(entry, personal_keys):
    for change in entry.changes:
        name = change.get("field")
        if name in PERSONAL_FIELDS and (change.get("before") or change.get("after")):
            return True
        if name == "extra":
            values = {**(change.get("before") or {}), **(change.get("after") or {})}
            if personal_keys & {k for k, v in values.items() if v not in (None, "", [])}:
                return True
    return False


_MASKS = {"id_number": masking.mask_id, "phones": masking.mask_phone, "phone": masking.mask_phone}


def _masked_value(name, value):
    """A stored value of a card's field, or of a representative, as the masked field shows it."""
    if name == "representatives" and isinstance(value, list):
        return [{k: _masked_value(k, v) for k, v in r.items()} if isinstance(r, dict) else r
                for r in value]  # fmt: skip
    mask = _MASKS.get(name)
    if mask is None or value in (None, ""):
        return value
    return [mask(str(v)) for v in value] if isinstance(value, list) else mask(str(value))


def _extra_changes(field_set, before, after, mask):
    rows = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        definition = field_set.field(key) if field_set else None
        label = definition.label if definition else key
        rows.append({"label": label,
                     "before": custom_fields.display(definition, before.get(key), mask) or "（空）",
                     "after": custom_fields.display(definition, after.get(key), mask) or "（空）"})
    return rows


def _shown(name, value):
    if value in (None, "", [], {}):
        return "（空）"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    field = documents.CaseCard._fields.get(name)
    choices = getattr(field, "choices", None)
    if choices and isinstance(next(iter(choices)), tuple):
        return dict(choices).get(value, value)
    if isinstance(field, mongoengine.ReferenceField) and isinstance(value, str):
        record = field.document_type.objects(pk=value).first() if bson.ObjectId.is_valid(
            value) else None  # fmt: skip
        return str(record) if record else value
    if isinstance(value, list):
        return "；".join(_shown(None, v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_shown(None, v)}" for k, v in value.items() if k != "_cls")
    return str(value)


PERSONAL_FIELDS = ("id_number", "phones", "representatives")


def _masked(mask):
    def formatter(view, context, model, name):
        value = getattr(model, name)
        if name == "representatives":
            shown = [str(r) for r in value]
            return "、".join(shown)
        if can("personal_data"):
            return "、".join(value) if isinstance(value, list) else (value or "")
        if isinstance(value, list):
            return "、".join(mask(v) for v in value)
        return mask(value) if value else ""

    return formatter


_PERSONAL_FORMATTERS = {"id_number": _masked(masking.mask_id),
                        "phones": _masked(masking.mask_phone)}  # fmt: skip


def _log_personal_view(card, where):
    accounts.record("view_personal", actor=current_user.name, username=current_user.username,
                    target="CaseCard", target_id=card.pk, detail=f"{where}：{card}"[:200],
                    address=address())  # fmt: skip


def _save_quietly(record):
    record.save(validate=False)


VIEWS = (
    (UnitView, documents.Unit, _l("单位"), _l("单位与人员")),
    (FieldSetView, documents.FieldSet, _l("自定义字段"), _l("单位与人员")),
    (PersonView, documents.Person, _l("人员"), _l("单位与人员")),
    (LeadershipGroupView, documents.LeadershipGroup, _l("领导小组"), _l("单位与人员")),
    (PlanView, documents.Plan, _l("实施方案"), None),
    (CaseCardView, documents.CaseCard, _l("一案一卡"), _l("一案一卡")),
    (ArchivedCaseCardView, documents.CaseCard, _l("一案一卡归档"), _l("一案一卡")),
    (CaseProcedureView, documents.CaseProcedure, _l("办理程序"), _l("一案一卡")),
    (DeadlineRuleSetView, documents.DeadlineRuleSet, _l("期限规则"), _l("一案一卡")),
    (ReceptionSessionView, documents.ReceptionSession, _l("接访安排"), _l("接访")),
    (LeaderActivityView, documents.LeaderActivity, _l("下访、约访记录"), _l("接访")),
    (AccountView, documents.Account, _l("账号"), _l("系统")),
    (RoleView, documents.Role, _l("角色与权限"), _l("系统")),
    (AuditView, documents.AuditEvent, _l("审计日志"), _l("系统")),
)

__all__ = ["VIEWS", "XinfangModelView"]
