"""Printing from the panel and the CLI: documents as plain data, rendered by ``exports``."""

from flask import current_app

import documents
import exports
from exports import forms


def font_overrides():
    """The deployment's font stacks (``XINFANG_FONT_STACKS`` as JSON: {"仿宋": ["仿宋_GB2312"]})."""
    stacks = current_app.config.get("FONT_STACKS") if current_app else None
    return stacks if isinstance(stacks, dict) else None


def plan_pdf(plan, style=None, fonts=None) -> bytes:
    doc = plan.as_printable()
    if style in ("2012", "1999"):
        doc["style"] = style
    return exports.render_circular(doc, fonts)


def plan_document(plan, fmt="pdf", style=None, fonts=None) -> bytes:
    """The plan (or 活动总结) as a circular in ``fmt``: pdf, docx (Word) or ofd."""
    doc = plan.as_printable()
    if style in ("2012", "1999"):
        doc["style"] = style
    return exports.render(doc, fmt, fonts)


def schedule_pdf(plan, fonts=None) -> bytes:
    attachment = plan._printable_attachment(
        documents.Attachment(title="接访日程安排表", kind="schedule")
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
    printable = []
    for card in cards:
        if card.unit.pk not in sets:
            sets[card.unit.pk] = documents.FieldSet.for_unit(card.unit, "case_card")
        printable.append(card.as_printable(sets[card.unit.pk], mask=mask))
    return forms.render_case_cards(printable, fonts)


def blank_form_pdf(unit, fonts=None) -> bytes:
    field_set = documents.FieldSet.for_unit(unit, "case_card")
    return forms.render_case_cards([documents.case.blank_card(unit, field_set)], fonts, blank=True)


def pdf_response(data: bytes, filename: str, download: bool, fmt: str = "pdf"):
    from urllib.parse import quote

    from flask import Response

    disposition = "attachment" if download or fmt != "pdf" else "inline"
    return Response(
        data,
        mimetype=exports.FORMATS[fmt][0],
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"},
    )
