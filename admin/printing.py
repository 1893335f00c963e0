"""Printing from the panel and the CLI: documents as plain data, rendered by ``exports``."""

from flask import current_app
from flask_babel import gettext

import documents
import exports
from documents import printable
from exports import forms


def font_overrides():
    """The deployment's font stacks (``XINFANG_FONT_STACKS`` as JSON: {"仿宋": ["仿宋_GB2312"]})."""
    stacks = current_app.config.get("FONT_STACKS") if current_app else None
    return stacks if isinstance(stacks, dict) else None


def plan_pdf(plan, style=None, fonts=None) -> bytes:
    doc = printable.plan(plan)
    if style in ("2012", "1999"):
        doc["style"] = style
    return exports.render_circular(doc, fonts)


def _note_text(what, value, style):
    if what == "printed_by":
        return gettext("未填写印发机关，版记按“%(office)s”印出", office=value)
    if what == "printed_date":
        return gettext("未填写印发日期，版记按成文日期“%(day)s”印出", day=value)
    if what == "printed_date_today":
        return gettext("未填写印发日期和成文日期，版记按今天“%(day)s”印出", day=value)
    if what == "subject_terms":
        if style == "1999":
            return gettext("1999版格式的版记应有主题词：此件未填写主题词")
        return gettext("按1999版格式印出时缺少主题词")
    return value


def plan_notes(plan, style=None) -> list[str]:
    """What the clerk should know before printing: what the 版记 takes by default, what is
    missing (主题词 for the 1999 style, also when the unit prints in 2012 style)."""
    doc = printable.plan(plan)
    if style in ("2012", "1999"):
        doc["style"] = style
    _, notes = exports.imprint_defaults(doc)
    if doc["style"] != "1999":
        notes += [
            n
            for n in exports.imprint_defaults({**doc, "style": "1999"})[1]
            if n[0] == "subject_terms"
        ]
    return [_note_text(what, value, doc["style"]) for what, value in notes]


def plan_document(plan, fmt="pdf", style=None, fonts=None) -> bytes:
    """The plan (or 活动总结) as a circular in ``fmt``: pdf, docx (Word) or ofd."""
    doc = printable.plan(plan)
    if style in ("2012", "1999"):
        doc["style"] = style
    return exports.render(doc, fmt, fonts)


def schedule_pdf(plan, fonts=None) -> bytes:
    attachment = printable.attachment(
        plan, documents.Attachment(title="接访日程安排表", kind="schedule")
    )
    subtitle = "　".join(filter(None, [plan.title, attachment.get("text")]))
    return forms.render_table(
        f"{plan.unit.name}接访日程安排表",
        attachment["headers"],
        attachment["rows"],
        subtitle=subtitle,
        widths=attachment["widths"],
        font_overrides=fonts,
    )


def cards_pdf(cards, fonts=None, mask=False) -> bytes:
    """Cards as one PDF; ``mask`` hides the middle of ID numbers and phones."""
    sets = {}
    cards_data = []
    for card in cards:
        if card.unit.pk not in sets:
            sets[card.unit.pk] = documents.FieldSet.for_unit(card.unit, "case_card")
        cards_data.append(printable.card(card, sets[card.unit.pk], mask=mask))
    return forms.render_case_cards(cards_data, fonts)


def blank_form_pdf(unit, fonts=None) -> bytes:
    field_set = documents.FieldSet.for_unit(unit, "case_card")
    return forms.render_case_cards([printable.blank_card(unit, field_set)], fonts, blank=True)


def pdf_response(data: bytes, filename: str, download: bool, fmt: str = "pdf"):
    from urllib.parse import quote

    from flask import Response

    disposition = "attachment" if download or fmt != "pdf" else "inline"
    return Response(
        data,
        mimetype=exports.FORMATS[fmt][0],
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"},
    )
