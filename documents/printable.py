"""Documents as plain data for the renderers in ``exports``: a plan or a report as an official
document (``exports.render_circular``), a case card as a form (``exports.render_case_cards``).
Kept out of the documents themselves: a layout reads several of them (a plan's schedule
attachment reads the reception sessions), and the documents need not know how they print.
"""

import datetime

from .choices import PART_HEADINGS
from .custom_values import display
from .masking import mask_id, mask_phone
from .plan_parts import part_text
from .schedule import ReceptionSession


def plan(plan) -> dict:
    """The plan as plain data for the document renderer (``exports.render_circular``)."""
    unit = plan.unit
    return {
        "style": plan.effective_style,
        "copy_number": plan.copy_number,
        "secrecy": plan.secrecy,
        "urgency": plan.urgency,
        "issuer_marks": plan.effective_issuer_marks,
        "doc_number": plan.doc_number,
        "signer": plan.signer,
        "title": plan.title,
        "main_recipients": plan.main_recipients,
        "preamble": plan.preamble,
        "sections": sections(plan),
        "attachments": [attachment(plan, a) for a in plan.attachments],
        "signatories": list(plan.signatories),
        "date_written": plan.date_written,
        "note": plan.note,
        "no_body_on_next_page": plan.no_body_on_next_page,
        "subject_terms": list(plan.subject_terms),
        "report_to": list(plan.report_to),
        "copy_to": list(plan.copy_to),
        "distribute_to": list(plan.distribute_to),
        "printed_by": plan.printed_by,
        "printed_date": plan.printed_date,
        "even_imprint_page": bool(unit and unit.even_imprint_page),
    }


def sections(plan, with_parts=False) -> list[dict]:
    """The body as printed: a section that names a part gets its text from the structure
    (its own heading, or the part's when it has none), and is left out while the plan has
    nothing for it; the others print as written."""
    result = []
    for s in plan.sections:
        heading, text = s.heading, s.text
        if s.part:
            generated = part_text(plan, s.part)
            if not generated and not text:
                continue  # nothing entered for this part yet: no empty heading printed
            heading = heading or PART_HEADINGS[s.part]
            text = generated or text
        item = {"level": s.level, "heading": heading, "text": text}
        if with_parts:
            item["part"] = s.part
        result.append(item)
    return result


def attachment(plan, attachment) -> dict:
    """One attachment of a plan: its text, a table, or the reception schedule (the sessions
    generated, or the arrangements while there are none)."""
    if attachment.kind == "table":
        lines = [
            [cell.strip() for cell in line.split("|")]
            for line in (attachment.text or "").splitlines()
            if line.strip()
        ]
        if lines:
            width = max(len(line) for line in lines)
            rows = [line + [""] * (width - len(line)) for line in lines]
            return {"title": attachment.title, "text": "", "headers": rows[0], "rows": rows[1:]}
    if attachment.kind != "schedule":
        return {"title": attachment.title, "text": attachment.text}
    sessions = list(ReceptionSession.objects(plan=plan, status__ne="cancelled")) if plan.pk else []
    if sessions:
        accompany = {s.accompany or "" for s in sessions}
        if len(accompany) == 1:  # the same people every time: said once, under the table
            note = f"注：参与接访人员为{accompany.pop()}。" if sessions[0].accompany else ""
            rows = [
                [f"{s.date:%Y年%-m月%-d日}", s.weekday, s.leader, s.place or ""] for s in sessions
            ]
            headers, widths = ["日期", "星期", "接访领导", "接访地点"], [30, 16, 27, 27]
        else:
            note = ""
            rows = [
                [
                    f"{s.date:%Y年%-m月%-d日}",
                    s.weekday,
                    s.leader,
                    s.place or "",
                    s.accompany or "",
                ]
                for s in sessions
            ]
            headers = ["日期", "星期", "接访领导", "接访地点", "参与接访人员"]
            widths = [22, 12, 20, 20, 26]

        # reception hours print with the schedule too: said once when every session's rule has
        # the same, else beside each day (a rule without hours leaves its days' cell empty)
        def hours_of(session):
            rules = plan.receptions
            rule = (
                rules[session.rule]
                if session.rule is not None and session.rule < len(rules)
                else None
            )
            return (rule.hours or "") if rule is not None else ""

        hours = {hours_of(s) for s in sessions}
        if len(hours) == 1 and "" not in hours:
            note = f"接访时间：{hours.pop()}。" + note
        elif hours - {""}:
            headers = [*headers[:2], "接访时间", *headers[2:]]
            rows = [
                [*row[:2], hours_of(s), *row[2:]] for row, s in zip(rows, sessions, strict=True)
            ]
            widths = [w * 0.85 for w in widths[:2]] + [18] + [w * 0.85 for w in widths[2:]]
        text = "\n".join(filter(None, [attachment.text, note]))
        return {
            "title": attachment.title,
            "text": text,
            "rows": rows,
            "headers": headers,
            "widths": widths,
        }
    rows = [
        [
            "、".join(r.leaders),
            (r.description or r.get_kind_display()) + (f"，{r.hours}" if r.hours else ""),
            r.place or "",
            r.accompany or "",
        ]
        for r in plan.receptions
    ]
    return {
        "title": attachment.title,
        "text": attachment.text,
        "headers": ["接访领导", "接访时间", "接访地点", "参与接访人员"],
        "rows": rows,
        "widths": [18, 40, 20, 22],
    }


def card(card, field_set=None, mask=False) -> dict:
    """The card as plain data for the form renderer (``exports.render_case_cards``);
    ``mask`` hides the middle of the ID number and phones."""
    id_number = mask_id(card.id_number) if mask and card.id_number else card.id_number
    phones = [mask_phone(p) for p in card.phones] if mask else list(card.phones)
    representatives = "、".join(
        f"{r.name}（{mask_phone(r.phone) if mask else r.phone}）" if r.phone else r.name
        for r in card.representatives
    )
    values = {
        "petitioner": card.petitioner,
        "group_size": card.group_size or "",
        "representatives": representatives,
        "id_number": id_number,
        "phone": "、".join(phones),
        "address": card.address,
        "source": card.source,
        "case_type": card.case_type,
        "category": card.category,
        "department": card.department,
        "subject": card.subject,
        "request": card.request,
        "facts": card.facts,
        "responsible_leader": str(card.responsible_leader or ""),
        "status": card.status,
        "progress": card.progress,
        "petitioner_status": card.petitioner_status,
        "measures": card.measures,
        "outcome": card.outcome,
    }
    fields = [{**spec, "value": values.get(spec["key"]) or ""} for spec in CARD_LAYOUT]
    timeline = next(f for f in fields if f["key"] == "timeline")
    timeline["lines"] = [f"{e.date:%Y-%m-%d} {e.actor}：{e.content}" for e in card.timeline]
    extra = card.extra or {}
    for definition in field_set.active if field_set else []:
        fields.append(
            {
                "label": definition.label,
                "value": display(definition, extra.get(definition.key), mask),
                "wide": definition.type in ("textarea", "table"),
            }
        )
    return {
        "unit": card.unit.name if card.unit else "",
        "number": card.number or "",
        "registered_on": f"{card.registered_on:%Y年%-m月%-d日}" if card.registered_on else "",
        "filled_by": "",
        "fields": fields,
    }


# What the printed card shows, in order: the six fields of 一案一卡 and what the register keeps
CARD_LAYOUT = [
    {"key": "petitioner", "label": "信访人"},
    {"key": "group_size", "label": "人数"},
    {"key": "representatives", "label": "推选代表", "wide": True},
    {"key": "id_number", "label": "证件号码"},
    {"key": "phone", "label": "联系电话"},
    {"key": "address", "label": "住址", "wide": True},
    {"key": "source", "label": "来源"},
    {"key": "case_type", "label": "信访类型"},
    {"key": "category", "label": "问题类别"},
    {"key": "department", "label": "责任部门"},
    {"key": "subject", "label": "案由", "wide": True, "size": "tall"},
    {"key": "request", "label": "请求", "wide": True, "size": "tall"},
    {"key": "facts", "label": "事实和理由", "wide": True, "size": "tall"},
    {"key": "responsible_leader", "label": "包案责任人"},
    {"key": "status", "label": "办理状态"},
    {"key": "timeline", "label": "处理过程", "wide": True, "size": "taller"},
    {"key": "progress", "label": "目前进展", "wide": True, "size": "tall"},
    {"key": "petitioner_status", "label": "当事人动态", "wide": True, "size": "tall"},
    {"key": "measures", "label": "处理措施", "wide": True, "size": "tall"},
    {"key": "outcome", "label": "处理结果", "wide": True},
]


def blank_card(unit, field_set=None) -> dict:
    """An empty card of a unit, with its own fields, for registration on paper."""
    # a group's representatives are written in the 信访人 line on paper: the form stays one page
    fields = [{**spec, "value": ""} for spec in CARD_LAYOUT if spec["key"] != "representatives"]
    for definition in field_set.active if field_set else []:
        hint = (
            "□" + "　□".join(definition.choices)
            if definition.type in ("choice", "multichoice")
            else ""
        )
        if definition.type == "boolean":
            hint = "□是　□否"
        fields.append(
            {
                "label": definition.label,
                "value": hint,
                "wide": definition.type in ("textarea", "table", "multichoice"),
            }
        )
    return {
        "unit": unit.name if unit else "",
        "number": "",
        "registered_on": "",
        "filled_by": "",
        "fields": fields,
    }


def report(report, tables=None) -> dict:
    """The report as an official document for ``exports.render_circular``; ``tables`` in
    place of its own (a reader's narrowed copy)."""
    unit = report.unit
    sections = [{"level": 0, "heading": "", "text": report.text or ""}]
    attachments = (
        []
        if report.zero
        else [
            {
                "title": t["title"],
                "text": "",
                "headers": t["headers"],
                "rows": t["rows"],
                "widths": t.get("widths"),
            }
            for t in (report.tables if tables is None else tables)
            if t.get("rows")
        ]
    )
    written = (report.submitted_at or report.drafted_at or datetime.datetime.now()).date()
    return {
        "style": unit.document_style or "2012",
        "copy_number": None,
        "secrecy": None,
        "urgency": None,
        "issuer_marks": list(unit.issuer_marks or [unit.name]),
        "doc_number": report.doc_number,
        "signer": None,
        "title": report.title,
        "main_recipients": "、".join(report.recipients),
        "preamble": None,
        "sections": sections,
        "attachments": attachments,
        "signatories": [unit.name],
        "date_written": written,
        "note": None,
        "no_body_on_next_page": False,
        "subject_terms": [],
        "report_to": [],
        "copy_to": [],
        "distribute_to": [],
        "printed_by": None,
        "printed_date": None,
        "even_imprint_page": False,
    }
