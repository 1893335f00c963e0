"""Case cards (一案一卡): the list, the card page, deadlines, personal data."""

import logging

import bson
import mongoengine
from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.fields import SelectField

import documents
from documents import cardquery
from documents.case import DEFAULT_CATEGORIES

from .. import cardpage, printing
from ..auth import can, csrf_ok, require, scoped
from ..cardlist import CardListMixin
from ..errors import validation_messages
from ..filters import DeadlineStatusFilter
from ..forms import VersionField
from ..labels import label_of
from .base import ScopedListMixin, XinfangModelView
from .history import _PERSONAL_FORMATTERS, PERSONAL_FIELDS, _log_personal_view

log = logging.getLogger(__name__)


class CaseCardView(CardListMixin, ScopedListMixin, XinfangModelView):
    read_permission, write_permission = "case:read", "case:write"
    delete_permission = "case:delete"
    custom_target = "case_card"
    details_template = "admin/xf_case_details.html"
    form_overrides = {"version": VersionField, "step": SelectField, "category": SelectField}
    column_sortable_list = (
        "number",
        "registered_on",
        "petitioner",
        "case_type",
        "source",
        "status",
        "outcome",
        "next_deadline",
        "step",
    )
    column_details_exclude_list = (
        "extra",
        "version",
        "archived",
        "archived_at",
        "archived_by",
        "next_deadline_label",
        "fields_version",
        "related_reasons",  # shown with 关联信访件
    )
    column_export_list = (
        "number",
        "registered_on",
        "petitioner",
        "group_size",
        "id_number",
        "phones",
        "address",
        "source",
        "case_type",
        "category",
        "subject",
        "request",
        "responsible_leader",
        "department",
        "step",
        "next_deadline",
        "progress",
        "petitioner_status",
        "measures",
        "status",
        "outcome",
        "channel",
        "unit",
    )
    column_export_exclude_list = ("extra", "version", "related_cards")

    def __init__(self, *args, **kwargs):
        self.column_extra_row_actions = [
            EndpointLinkRowAction("fa fa-print", ".pdf_view", title=_l("打印一案一卡"))
        ]
        self.column_filters = (
            *self.column_filters,
            DeadlineStatusFilter("next_deadline", _l("期限状态")),
        )
        self.column_formatters = {"next_deadline": _deadline_cell, **_PERSONAL_FORMATTERS}
        self.column_formatters_detail = {**_PERSONAL_FORMATTERS, "related_cards": _related_cell}
        self.column_formatters_export = dict(_PERSONAL_FORMATTERS)
        super().__init__(*args, **kwargs)

    create_template = "admin/xf_case_create.html"
    edit_template = "admin/xf_case_edit.html"

    def get_query(self):
        return super().get_query().filter(archived__ne=True)

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if template == self.details_template and model is not None:
            kwargs["xf_card"] = cardpage.card_page(self, model, "详情", self.scope_field_set())
        if template in (self.create_template, self.edit_template) and "form" in kwargs:
            field_set = self.scope_field_set()  # the unit whose own fields the form holds
            kwargs["xf_form_parts"] = cardpage.form_parts(kwargs["form"], field_set)
        return super().render(template, **kwargs)

    @expose("/earlier/")
    def earlier_view(self):
        """The earlier cards of a petitioner typed on the registration form (证件号码, or 姓名 and
        电话), scoped exactly as the card list, personal data masked: a small JSON answer."""
        from flask import jsonify

        id_number = (request.args.get("id_number") or "").strip().upper()
        name = (request.args.get("name") or "").strip()
        phones = [p.strip() for p in (request.args.get("phone") or "").splitlines() if p.strip()]
        conditions = []
        if len(id_number) >= 15:
            conditions.append(mongoengine.Q(id_number=id_number))
        if name and phones:
            conditions.append(mongoengine.Q(petitioner=name, phones__in=phones))
        if not conditions:
            return jsonify(cards=[])
        query = self.get_query()
        unit_id = request.args.get("unit")
        if unit_id:
            unit = self.scope_unit()
            query = query.filter(unit=unit) if unit else query.filter(pk__in=[])
        criteria = conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
        found = query.filter(criteria).order_by("-registered_on").limit(10)
        return jsonify(cards=[cardpage.earlier_card(self, card, id_number, name) for card in found])

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
            before.step if before else None, model.step
        )
        if problem:
            raise mongoengine.ValidationError(problem, errors={"step": problem})
        if model.category == "":
            model.category = None

    def explain_refused_save(self, form, exc):
        """A save over someone else's newer one is refused, and said so."""
        if isinstance(exc, documents.ConcurrentEdit):
            self._explain_conflict(form, exc)
            return True
        return super().explain_refused_save(form, exc)

    def _explain_conflict(self, form, conflict):
        changed = documents.CaseCardHistory.for_card(
            conflict.card, version__gt=conflict.seen_version
        )
        fields, actors = [], []
        for entry in changed:
            actors.append(entry.actor)
            fields += [label_of(documents.CaseCard, c["field"]) for c in entry.changes]
        fields = "、".join(dict.fromkeys(fields)) or gettext("若干内容")
        flash(
            gettext(
                "没有保存：您打开这张卡片之后，%(actors)s 修改并保存了它（%(fields)s）。"
                "您填写的内容仍在下面，请核对后再次保存；再次保存将以您的内容为准。",
                actors="、".join(dict.fromkeys(actors)) or gettext("他人"),
                fields=fields,
            ),
            "error",
        )
        current = documents.CaseCard.objects(pk=conflict.card.pk).only("version").first()
        if current is not None:
            form.version.data = current.version

    def remove_record(self, model):
        """Deleting a card moves it to the archive, from where it can be restored."""
        try:
            model.archive()
        except Exception as ex:
            if not self.handle_view_exception(ex):
                flash(gettext("归档失败：%(message)s", message=str(ex)), "error")
            return False
        flash(gettext("已将卡片移入归档，可在“一案一卡归档”中恢复。"), "success")
        return True

    @expose("/move/", methods=("POST",))
    def move_view(self):
        """One of the allowed next steps, from the buttons of the card page."""
        require(self.write_permission)
        if not csrf_ok():
            abort(400)
        card = self.get_one(request.form.get("id", ""))
        wanted = request.form.get("step", "")
        back = self.get_url(".details_view", id=card.pk)
        problem = documents.Procedure.for_unit(card.unit).problem(card.step, wanted)
        if problem or card.archived:
            flash(problem or gettext("这张卡片已归档。"), "error")
            return redirect(back)
        seen = request.form.get("version", "")
        if not seen.isdigit() or int(seen) != (card.version or 0):
            flash(gettext("没有转办：这张卡片在您打开之后已被他人修改，请核对后再操作。"), "error")
            return redirect(back)
        before = card.step
        card.step = wanted
        try:
            card.save()
        except documents.ConcurrentEdit:
            flash(gettext("没有转办：这张卡片在您打开之后已被他人修改，请核对后再操作。"), "error")
            return redirect(back)
        except mongoengine.ValidationError as problem:
            for message in validation_messages(self.model, problem, card):
                flash(gettext("没有转办：%(message)s", message=message), "error")
            return redirect(back)
        self.after_model_change(None, card, False)
        flash(
            gettext("已从“%(before)s”转到“%(after)s”。", before=before or "—", after=wanted),
            "success",
        )
        return redirect(back)

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
        return self.printed(
            lambda: printing.cards_pdf(
                [card], printing.font_overrides(), mask=not can("personal_data")
            ),
            name,
        )

    @expose("/blank/")
    def blank_view(self):
        unit_id = request.args.get("unit", "")
        unit = (
            scoped(documents.Unit, documents.Unit.objects(pk=unit_id)).first()
            if bson.ObjectId.is_valid(unit_id)
            else None
        )
        if unit is None:
            flash(gettext("请选择单位。"), "error")
            return redirect(self.get_url(".index_view"))
        return self.printed(
            lambda: printing.blank_form_pdf(unit, printing.font_overrides()),
            f"{unit.name}信访登记表.pdf",
        )

    @action("print", _l("打印选中的卡片"))
    def action_print(self, ids):
        cards = [
            c for c in self.get_query().filter(pk__in=[i for i in ids if bson.ObjectId.is_valid(i)])
        ]
        if not cards:
            flash(gettext("请先选择要打印的卡片。"), "error")
            return redirect(self.get_url(".index_view"))
        return self.printed(
            lambda: printing.cards_pdf(
                cards, printing.font_overrides(), mask=not can("personal_data")
            ),
            "一案一卡.pdf",
            download=True,
        )

    column_list = (
        "number",
        "registered_on",
        "petitioner",
        "subject",
        "case_type",
        "source",
        "step",
        "next_deadline",
        "responsible_leader",
        "outcome",
        "unit",
    )
    column_searchable_list = ("number", "petitioner", "subject", "category", "department")
    column_filters = ("registered_on", "source", "case_type", "category", "status", "outcome")
    column_default_sort = ("registered_on", True)
    form_columns = (  # 编号 is given on registration (documents.numbering)
        "unit",
        "plan",
        "registered_on",
        "step",
        "petitioner",
        "group_size",
        "representatives",
        "id_number",
        "phones",
        "address",
        "source",
        "case_type",
        "marks",
        "category",
        "subject",
        "request",
        "facts",
        "responsible_leader",
        "department",
        "classification",
        "reception_leader",
        "reception_date",
        "timeline",
        "progress",
        "petitioner_status",
        "measures",
        "decided_on",
        "replied_on",
        "extension_days",
        "extension_reason",
        "extension_approver",
        "review_requested_on",
        "review_answered_on",
        "rereview_requested_on",
        "rereview_answered_on",
        "leader_notified_on",
        "petitioner_notified_on",
        "status",
        "closed_on",
        "outcome",
        "channel",
        "version",
    )


class ArchivedCaseCardView(CardListMixin, XinfangModelView):
    """Archived case cards: shown, printed and restored, not edited."""

    endpoint_name = "archivedcasecard"
    list_archived = True
    allow_create = allow_edit = allow_delete = False
    read_permission = write_permission = "case:delete"
    column_list = (
        "number",
        "registered_on",
        "petitioner",
        "subject",
        "unit",
        "archived_at",
        "archived_by",
    )
    column_searchable_list = ("number", "petitioner", "subject")
    details_template = "admin/xf_case_details.html"

    def get_query(self):
        return super().get_query().filter(archived=True)

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if template == self.details_template and model is not None:
            kwargs["xf_card"] = cardpage.card_page(self, model, "归档卡片详情")
        return super().render(template, **kwargs)

    @action("restore", _l("恢复选中的卡片"))
    def action_restore(self, ids):
        restored = 0
        for card in self.get_query().filter(pk__in=[i for i in ids if bson.ObjectId.is_valid(i)]):
            card.restore()
            restored += 1
        flash(gettext("已恢复 %(n)s 张卡片。", n=restored), "success")


def deadlines_today():
    from documents import deadlines

    return deadlines.today()


def _related_cell(view, context, model, name):
    """The related cards the account may see (a leader: his or her own)."""
    ids = [c.pk for c in model.related_cards if c]
    cards = scoped(documents.CaseCard, documents.CaseCard.objects(pk__in=ids)) if ids else []
    reasons = dict(model.related_matches())
    items = "".join(
        f"<li>{escape(str(card))}"
        + (f"（{escape(reasons[card])}）" if reasons.get(card) else "")
        + "</li>"
        for card in cards
    )
    return Markup(f"<ol class='xf-nested'>{items}</ol>") if items else ""


def _deadline_cell(view, context, model, name):
    """The next deadline as the clerk wants it: what is due and “还剩 N 天 / 已超期 N 天”."""
    if model.deadline_problem and not model.next_deadline:
        return Markup(f"<span class='badge badge-secondary'>{escape(gettext('无法计算'))}</span>")
    if not model.next_deadline:
        return ""
    today = deadlines_today()
    state = cardquery.deadline_state(model.next_deadline, today, _due_soon_days(model))
    text, _ = cardpage.remaining(model.next_deadline, today)
    css = {"overdue": "danger", "due_soon": "warning"}.get(state, "light")
    label = escape(model.next_deadline_label or "")
    title = escape(gettext("期限：%(day)s", day=cardpage.day(model.next_deadline)))
    return Markup(
        f"<span title='{title}'>{label} "
        f"<span class='badge badge-{css}'>{escape(text)}</span></span>"
    )


def _due_soon_days(card):
    """The card's unit's 即将到期天数, read once a request."""
    from flask import g

    from documents.deadlines import DUE_SOON_DAYS

    if "xf_due_soon" not in g:
        g.xf_due_soon = cardquery.custom_due_soon_days()
    unit = card._data.get("unit")
    unit_id = str(getattr(unit, "id", None) or getattr(unit, "pk", None) or unit or "")
    return g.xf_due_soon.get(unit_id, DUE_SOON_DAYS)


def _save_quietly(record):
    record.save(validate=False)
