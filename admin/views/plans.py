"""Plans (实施方案): the list, templates, and importing a Word file with its review."""

import bson
from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

import documents
from documents import plan_people, printable
from documents.fields import NAME

from .. import auditlog, printing
from ..auth import csrf_ok, require, scoped
from .base import ScopedListMixin, XinfangModelView


class PlanView(ScopedListMixin, XinfangModelView):
    read_permission, write_permission = "plan:read", "plan:write"
    custom_target = "plan"
    column_list = (
        "title",
        "unit",
        "kind",
        "doc_number",
        "date_written",
        "period_start",
        "period_end",
    )
    column_searchable_list = ("title", "doc_number", "preamble")
    column_filters = ("kind", "date_written", "style")
    column_default_sort = ("date_written", True)
    column_details_exclude_list = ("extra",)
    column_export_exclude_list = ("extra",)
    form_columns = (
        "unit",
        "title",
        "kind",
        "period_start",
        "period_end",
        "preamble",
        "sections",
        "principles",
        "targets",
        "procedure",
        "reporting_duties",
        "phases",
        "receptions",
        "attachments",
        "style",
        "issuer_marks",
        "doc_number",
        "copy_number",
        "secrecy",
        "urgency",
        "signer",
        "main_recipients",
        "signatories",
        "date_written",
        "note",
        "no_body_on_next_page",
        "subject_terms",
        "report_to",
        "copy_to",
        "distribute_to",
        "printed_by",
        "printed_date",
    )

    details_template = "admin/xf_details.html"
    column_formatters_detail = {
        "sections": lambda v, c, m, n: _printed_sections(m),
        # empty: the unit's style, which the details page says rather than "None"
        "style": lambda v, c, m, n: dict(documents.unit.DOCUMENT_STYLES).get(
            m.style, gettext("按单位设置")
        ),
    }

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        missing = plan_people.unlinked(model)
        if missing:
            flash(
                gettext(
                    "接访领导“%(names)s”不在本单位的人员名单中：日程照常排出，但人员改名时这里不会"
                    "随之更新。可在“单位与人员 → 人员”中添加后再保存本方案。",
                    names="、".join(missing),
                ),
                "warning",
            )

    def __init__(self, *args, **kwargs):
        self.column_extra_row_actions = [
            EndpointLinkRowAction("fa fa-print", ".pdf_view", title=_l("预览公文 PDF"))
        ]
        super().__init__(*args, **kwargs)

    @action(
        "place_parts",
        _l("加入结构生成的章节"),
        _l("在所选方案末尾按默认顺序加入尚未放置的生成章节（领导小组、原则、接访安排等）吗？"),
    )
    def action_place_parts(self, ids):
        require(self.write_permission)
        plans = self.get_query().filter(pk__in=[i for i in ids if bson.ObjectId.is_valid(i)])
        added = 0
        for plan in plans:
            count = plan.place_parts()
            if count:
                plan.save()
                added += count
        flash(gettext("已加入 %(n)s 个由结构生成的章节。", n=added), "success")

    def extra_links(self):
        return [
            (
                gettext("从模板新建"),
                self.get_url(".from_template_view", unit=request.args.get("unit")),
            ),
            (
                gettext("从 Word 或文字导入"),
                self.get_url(".import_view", unit=request.args.get("unit")),
            ),
        ]

    # --- importing an existing document (documents.importer) ---

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        """Upload or paste → the recognised structure beside the source → confirm → saved."""
        from documents import importer

        units = list(scoped(documents.Unit, documents.Unit.objects.only("name")))
        chosen = {
            "unit": request.values.get("unit") or "",
            "text": request.form.get("text", ""),
            "part": request.form.get("part", ""),
            "parts": [],
        }
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
        form, _ = self._custom_form(self.form_class("create"), plan, formdata=None)
        if not imported.title:  # no title was read: the clerk writes it (saving asks for one)
            form.title.data = ""
            flash(gettext("没有识别出标题，请在“标题”中填写后再确认导入。"), "warning")
        return self._render_review(unit, source, imported, form)

    @expose("/import/confirm/", methods=("POST",))
    def import_confirm_view(self):
        """Saves what the person reviewed: the plan, and the leadership group when kept."""
        from documents import importer

        require("plan:write")
        if not csrf_ok():
            abort(400)
        unit = (
            scoped(documents.Unit, documents.Unit.objects(pk=request.form.get("unit"))).first()
            if bson.ObjectId.is_valid(request.form.get("unit", ""))
            else None
        )
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
            auditlog.record("create", group)
        flash(gettext("已导入并保存“%(title)s”。", title=plan.title), "success")
        return redirect(self.get_url(".details_view", id=plan.pk))

    def _render_review(self, unit, source, imported, form):
        from flask_admin.form import FormOpts

        reviewed = "group-name" in request.form  # shown again after a correction
        group = _group_from_form(request.form) if reviewed else imported.group
        return self.render(
            "admin/xf_import_review.html",
            unit=unit,
            source=source,
            imported=imported,
            form=form,
            group=group,
            roles=documents.group.MEMBER_ROLES,
            keep_group=bool(group.get("members"))
            and (not reviewed or request.form.get("group-keep") == "on"),
            form_opts=FormOpts(
                widget_args=self.form_widget_args, form_rules=self.create_form_rules()
            ),
            return_url=self.get_url(".index_view"),
        )

    def print_links(self, record):
        return [
            (gettext("预览公文"), self.get_url(".pdf_view", id=record.pk), True),
            (gettext("下载 PDF"), self.get_url(".pdf_view", id=record.pk, download=1), False),
            (gettext("下载 Word"), self.get_url(".export_view", id=record.pk, fmt="docx"), False),
            (gettext("下载 OFD"), self.get_url(".export_view", id=record.pk, fmt="ofd"), False),
            (gettext("按2012版格式"), self.get_url(".pdf_view", id=record.pk, style="2012"), False),
            (
                gettext("按1999版格式（主题词）"),
                self.get_url(".pdf_view", id=record.pk, style="1999"),
                False,
            ),
            (gettext("接访日程安排表"), self.get_url(".schedule_view", id=record.pk), False),
        ]

    def print_notes(self, record):
        return printing.plan_notes(record)

    @expose("/pdf/")
    def pdf_view(self):
        plan = self.get_one(request.args.get("id", ""))
        return self.printed(
            lambda: printing.plan_pdf(plan, request.args.get("style"), printing.font_overrides()),
            f"{plan.title}.pdf",
        )

    @expose("/export/")
    def export_view(self):
        """The circular as Word (to edit) or OFD (to send), in the unit's style or ``style``."""
        fmt = request.args.get("fmt", "")
        if fmt not in ("docx", "ofd"):
            abort(404)
        plan = self.get_one(request.args.get("id", ""))
        return self.printed(
            lambda: printing.plan_document(
                plan, fmt, request.args.get("style"), printing.font_overrides()
            ),
            f"{plan.title}.{fmt}",
            download=True,
            fmt=fmt,
        )

    @expose("/schedule/")
    def schedule_view(self):
        plan = self.get_one(request.args.get("id", ""))
        return self.printed(
            lambda: printing.schedule_pdf(plan, printing.font_overrides()),
            f"{plan.unit.name}接访日程安排表.pdf",
        )

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
        return self.render(
            "admin/xf_from_template.html",
            templates=list(templates),
            plans=plans,
            units=scoped(documents.Unit, documents.Unit.objects.only("name")),
            **chosen,
        )

    def _plan_from_template(self, templates, chosen_unit, chosen_template, chosen_title):
        unit = (
            scoped(documents.Unit, documents.Unit.objects(pk=chosen_unit)).first()
            if bson.ObjectId.is_valid(chosen_unit)
            else None
        )
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
        plan = plan_for_unit(source, unit, chosen_title)
        plan.save()
        return plan, None


def _printed_sections(plan):
    """The body as it prints, the parts drawn from the structure marked as such."""
    from markupsafe import Markup, escape

    from exports.numbers import HeadingNumbers

    numbers, items = HeadingNumbers(), []
    for shown in printable.sections(plan, with_parts=True):
        number = numbers.next(shown["level"]) if shown["heading"] else ""
        badge = (
            f" <span class='badge badge-info'>{escape(gettext('由结构生成'))}</span>"
            if shown["part"]
            else ""
        )
        lines = "".join(f"<br>{escape(line)}" for line in (shown["text"] or "").splitlines())
        items.append(
            f"<li><strong>{escape(number + (shown['heading'] or ''))}</strong>{badge}{lines}</li>"
        )
    return Markup(f"<ul class='list-unstyled xf-printed'>{''.join(items)}</ul>")


def plan_for_unit(source, unit, title, year=None):
    """A new, unsaved plan of ``unit`` from a template or a plan: the placeholders filled
    with the unit's name, self-reference, head's title and the year; dates moved into the year."""
    from documents import deadlines, templating

    year = year or deadlines.today().year
    plan = source.copy_structure(unit, title)
    templating.shift_years(plan, year)
    return templating.fill(plan, unit, year)


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
            members.append(
                (
                    data.get(f"member-{n}-role", "成员"),
                    name,
                    data.get(f"member-{n}-title", "").strip(),
                )
            )
    return {
        "name": data.get("group-name", "").strip(),
        "members": members,
        "office_name": data.get("group-office_name", "").strip(),
        "office_director": data.get("group-office_director", "").strip(),
        "office_director_title": data.get("group-office_director_title", "").strip(),
        "office_duties": [
            d.strip() for d in data.get("group-office_duties", "").splitlines() if d.strip()
        ],
    }


def _reviewed_group(data, unit):
    """((unsaved group, people to create) or None, problems in Chinese) from the review
    form."""
    from documents.importer import Imported

    if data.get("group-keep") != "on":
        return None, []
    reviewed = _group_from_form(data)
    problems = []
    if not reviewed["members"]:
        problems.append(
            gettext("领导小组没有成员；不需要导入领导小组时，请取消“同时导入领导小组”。")
        )
    for role, name, title in reviewed["members"]:
        if role not in documents.group.MEMBER_ROLES:
            problems.append(
                gettext("领导小组成员“%(name)s”的职务“%(role)s”无效。", name=name, role=role)
            )
        if len(name) > NAME or len(title) > NAME:
            problems.append(gettext("领导小组成员“%(name)s”的姓名或职务过长。", name=name[:20]))
    if not reviewed["name"]:
        problems.append(gettext("请填写领导小组的名称。"))
    if problems:
        return None, problems
    return Imported(group=reviewed).leadership_group(unit), []
