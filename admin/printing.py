"""Printing from the panel and the CLI: documents as plain data, rendered by ``exports``."""

from flask import current_app

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


def pdf_response(data: bytes, filename: str, download: bool):
    from urllib.parse import quote

    from flask import Response

    disposition = "attachment" if download else "inline"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"},
    )
