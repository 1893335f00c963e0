"""A plan as a red-header circular in the GB/T 9704 format (2012 style, or 1999 with 主题词)."""

import re

from . import fonts as font_stacks
from .justify import set_paragraph
from .numbers import HeadingNumbers, document_date
from .rendering import environment, render_pdf

TEXT_WIDTH_MM = 156
MARK_MAX_MM = 15  # the height of the characters of the 发文机关标志, at most

_YEAR = re.compile(r"\s*[\[(（【〔［]\s*(\d{4})\s*[\])）】〕］]\s*")


def doc_number(text: str) -> str:
    """发文字号 with 〔〕 around the year, no 第, no padding zero: 隰民农营发〔2012〕2号."""
    text = _YEAR.sub(lambda m: f"〔{m.group(1)}〕", (text or "").strip())
    text = re.sub(r"第?\s*0*(\d+)\s*号$", lambda m: f"{m.group(1)}号", text)
    return re.sub(r"\s+", "", text)


def font_families(overrides=None) -> dict[str, str]:
    roles = font_stacks.stacks(overrides)
    return {
        "xbs": font_stacks.css_family(roles["小标宋"]),
        "fang": font_stacks.css_family(roles["仿宋"]),
        "hei": font_stacks.css_family(roles["黑体"]),
        "kai": font_stacks.css_family(roles["楷体"]),
        "song": font_stacks.css_family(roles["宋体"]),
    }


def stylesheet(overrides=None) -> str:
    roles = font_stacks.stacks(overrides)
    return environment.get_template("gbt9704.css.j2").render(
        fonts=font_families(overrides),
        shift={"xbs": font_stacks.em_box_shift(roles["小标宋"], bold=True)},
    )


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


HEADING_ROLES = {1: "黑体", 2: "楷体", 3: "仿宋", 4: "仿宋"}
RUNIN_ROLES = {f"runin level-{level}": role for level, role in HEADING_ROLES.items()}


def _blocks(sections, fonts=None):
    """Headings and paragraphs, each set line by line on the text width (see ``justify``)."""
    numbers = HeadingNumbers()
    blocks = []
    for section in sections:
        level = int(section.get("level") or 0)
        heading = (section.get("heading") or "").strip()
        number = numbers.next(level) if heading and level else ""
        texts = _paragraphs(section.get("text"))
        # a heading that ends a sentence runs into its text: 1．落实责任，严肃纪律。要按照…
        runin = bool(heading) and heading.endswith(("。", "：")) and level > 0
        paragraphs = [set_paragraph([(t, None)], fonts=fonts) for t in texts]
        if runin:
            runs = [(number + heading, f"runin level-{level}"), (texts[0] if texts else "", None)]
            paragraphs[:1] = [set_paragraph(runs, fonts=fonts, classes=RUNIN_ROLES)]
        blocks.append(
            {
                "level": level,
                "number": number,
                "heading": heading,
                "heading_text": number + heading,
                "heading_lines": set_paragraph(
                    [(number + heading, None)], fonts=fonts, role=HEADING_ROLES.get(level, "仿宋")
                )
                if heading and not runin
                else "",
                "paragraphs": paragraphs,
                "runin": runin,
            }
        )
    return blocks


def _marks(texts):
    """The 标志 lines, as large as they fit in the text width (joint issuers stacked)."""
    longest = max((len(t) for t in texts), default=1) or 1
    size = min(MARK_MAX_MM, TEXT_WIDTH_MM / longest)
    return [{"text": text, "size": f"{size:.2f}"} for text in texts]


def _title_lines(title):
    # the title breaks where the unit broke it; otherwise the browser engine breaks it
    return [line for line in (title or "").splitlines() if line.strip()] or [""]


def _imprint(doc, style):
    lists = []
    if style == "1999":
        if doc.get("report_to"):
            lists.append(("报", "，".join(doc["report_to"])))
        if doc.get("copy_to"):
            lists.append(("抄送", "，".join(doc["copy_to"])))
        if doc.get("distribute_to"):
            lists.append(("发", "，".join(doc["distribute_to"])))
    else:
        copy_to = [
            *doc.get("report_to", []),
            *doc.get("copy_to", []),
            *doc.get("distribute_to", []),
        ]
        if copy_to:
            lists.append(("抄送", "，".join(copy_to) + "。"))
    printed_date = document_date(doc.get("printed_date"), "2012")  # 印发日期: Arabic in both
    if not (lists or doc.get("printed_by") or printed_date or doc.get("subject_terms")):
        return None
    return {
        "lists": lists,
        "thick_first": True,
        "printed_by": doc.get("printed_by") or "",
        "printed_date": f"{printed_date}印发" if printed_date else "",
    }


# every element a circular may have; a plan gives what it has
FIELDS = {
    "style": "2012",
    "copy_number": "",
    "secrecy": "",
    "urgency": "",
    "issuer_marks": [],
    "doc_number": "",
    "signer": "",
    "title": "",
    "main_recipients": "",
    "preamble": "",
    "sections": [],
    "attachments": [],
    "signatories": [],
    "date_written": None,
    "note": "",
    "no_body_on_next_page": False,
    "subject_terms": [],
    "report_to": [],
    "copy_to": [],
    "distribute_to": [],
    "printed_by": "",
    "printed_date": None,
    "even_imprint_page": False,
}


def context(doc: dict, imprint_own_page=False, imprint_even=False, fonts=None) -> dict:
    doc = {**FIELDS, **{k: v for k, v in doc.items() if v is not None}}
    style = doc.get("style") or "2012"
    recipients = (doc.get("main_recipients") or "").strip()
    return {
        "doc": {**doc, "style": style},
        "marks": _marks(doc.get("issuer_marks") or []),
        "doc_number": doc_number(doc.get("doc_number")),
        "title_lines": _title_lines(doc.get("title")),
        "recipients": set_paragraph([(recipients + "：", None)], indent_em=0, fonts=fonts)
        if recipients
        else "",
        "preamble": [
            set_paragraph([(t, None)], fonts=fonts) for t in _paragraphs(doc.get("preamble"))
        ],
        "blocks": _blocks(doc.get("sections") or [], fonts),
        "attachments": [
            {
                **a,
                "paragraphs": [
                    set_paragraph([(t, None)], fonts=fonts) for t in _paragraphs(a.get("text"))
                ],
                "rows": a.get("rows") or [],
                "headers": a.get("headers") or [],
                "widths": a.get("widths") or [],
            }
            for a in doc.get("attachments") or []
        ],
        "date_written": document_date(doc.get("date_written"), style),
        "imprint": _imprint(doc, style),
        "imprint_own_page": imprint_own_page or imprint_even,
        "imprint_even": imprint_even,
    }


def _imprint_page(document) -> int | None:
    for number, page in enumerate(document.pages, start=1):
        if "imprint" in page.anchors:
            return number
    return None


def layout_circular(doc: dict, font_overrides=None):
    """The laid-out document; the 版记 moves to an even page, after a blank one, when asked."""
    css = stylesheet(font_overrides)
    own_page = bool(doc.get("no_body_on_next_page"))
    document = render_pdf(
        "circular.html", context(doc, imprint_own_page=own_page, fonts=font_overrides), css
    )
    page = _imprint_page(document)
    if doc.get("even_imprint_page") and page is not None and page % 2 == 1:
        document = render_pdf(
            "circular.html", context(doc, own_page, imprint_even=True, fonts=font_overrides), css
        )
    return document


def render_circular(doc: dict, font_overrides=None) -> bytes:
    """The circular as PDF bytes."""
    return layout_circular(doc, font_overrides).write_pdf()
