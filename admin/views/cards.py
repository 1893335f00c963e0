"""Case cards (一案一卡): the list, the card page, deadlines, personal data."""

import logging

import bson
import mongoengine
from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.fields import SelectField

import documents
from documents import cardquery
from documents.case import DEFAULT_CATEGORIES
from documents.deadlines import STATUS_LABELS, Rules

from .. import printing
from ..auth import can, scoped
from ..cardlist import CardListMixin
from ..forms import VersionField
from ..labels import label_of
from .base import ScopedListMixin, XinfangModelView
from .history import _PERSONAL_FORMATTERS, PERSONAL_FIELDS, _log_personal_view, card_history

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
            before.step if before else None, model.step
        )
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
                flash(gettext("保存失败：发生了内部错误，已记录。"), "error")
                log.exception("Failed to update record.")
            return False
        self.after_model_change(form, model, False)
        return True

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
            kwargs["xf_deadlines"] = [
                {
                    "label": d.label,
                    "due": d.due,
                    "done_on": d.done_on,
                    "basis": d.basis,
                    "problem": d.problem,
                    "status": STATUS_LABELS[d.status(today, rules.due_soon_days)],
                    "css": _STATUS_CSS.get(d.status(today, rules.due_soon_days), ""),
                }
                for d in model.deadlines()
            ]
            related = [c.pk for c in model.related_cards if c]
            reasons = dict(model.related_matches())
            kwargs["xf_related"] = [
                (card, self.get_url(".details_view", id=card.pk), reasons.get(card, ""))
                for card in scoped(documents.CaseCard, documents.CaseCard.objects(pk__in=related))
            ]
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
    column_export_exclude_list = ("extra",)
    form_columns = (
        "unit",
        "plan",
        "number",
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


class DeadlineStatusFilter(BaseMongoEngineFilter):
    """Cards by their next deadline: overdue, due soon (within the unit's 即将到期天数), later,
    none; the card-query contract's states (the list asks the contract; this is the way of a
    list that cannot)."""

    def __init__(self, column, name):
        options = [
            ("overdue", _l("已超期")),
            ("due_soon", _l("即将到期")),
            ("pending", _l("未到期")),
            ("none", _l("无待办期限")),
        ]
        super().__init__(column, name, options=options)

    def apply(self, query, value):
        if value not in cardquery.DEADLINE_STATES:
            return query
        return query.filter(__raw__=cardquery.deadline_selector(value))

    def operation(self):
        return gettext("为")


_STATUS_CSS = {
    "overdue": "table-danger",
    "due_soon": "table-warning",
    "unknown": "table-secondary",
    "done": "text-muted",
}


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


def _save_quietly(record):
    record.save(validate=False)
