"""A plan as a red-header circular in the GB/T 9704 format (2012 style, or 1999 with 主题词)."""

import datetime
import re

from . import fonts as font_stacks
from .justify import _key, measures, set_paragraph, sized_table, text_width
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


TITLE_SIZE_MM = 22 * 25.4 / 72  # 2号
# the kinds a title ends in: a line break goes before one rather than through it
_TITLE_KINDS = (
    "实施方案",
    "实施意见",
    "工作方案",
    "通知",
    "方案",
    "意见",
    "办法",
    "规定",
    "制度",
    "决定",
    "公告",
    "通报",
    "报告",
    "请示",
    "批复",
    "细则",
    "计划",
    "总结",
    "要点",
    "函",
)


def _title_lines(title, fonts=None):
    """The title's lines: where the unit broke it; else, when it is longer than a line, broken
    at word boundaries (rjieba, the jieba segmenter) into as few lines of about equal length
    as fit (GB/T 9704: 词意完整, 排列对称), best after 的, 和, 与, 及 or before the kind of document
    (…工作的 / 通知), never inside a quoted name."""
    given = [line for line in (title or "").splitlines() if line.strip()] or [""]
    if len(given) > 1:
        return given
    text = given[0].strip()
    limit = TEXT_WIDTH_MM - 1
    width = _title_width(text, fonts)
    if width <= limit:
        return [text]
    import rjieba  # imported on the first long title, not at start

    ends, quoted, at, depth = set(), set(), 0, 0
    for word in rjieba.cut(text):
        at += len(word)
        depth += word.count("“") + word.count("《") - word.count("”") - word.count("》")
        if at < len(text):  # a line may end here, after a word; inside quotes or 《》 at a cost
            (ends if depth <= 0 else quoted).add(at)
    count = int(-(-width // limit))
    best = _title_cuts(text, sorted(ends | quoted), quoted, count, limit, fonts)
    if best is None:
        return [text]  # no such break fits: left to the layout engine
    cuts = [0, *best, len(text)]
    return [text[i:j] for i, j in zip(cuts, cuts[1:], strict=False)]


def _title_cuts(text, ends, quoted, count, limit, fonts):
    """``count - 1`` cut positions among ``ends`` with every line fitting ``limit`` mm, lines as
    even as they can be, a cut after 的/和/与/及/、 or before the kind of document preferred, one
    inside a quoted name (``quoted``) only when nothing else fits."""
    target = len(text) / count

    def cost(i, j):
        line = text[i:j]
        if _title_width(line, fonts) > limit:
            return None
        good = j == len(text) or line[-1] in "的和与及、" or text[j:].startswith(_TITLE_KINDS)
        return (len(line) - target) ** 2 + (0 if good else 9) + (400 if j in quoted else 0)

    points = [0, *ends, len(text)]
    best = {(0, 0): (0.0, [])}  # (position, lines so far) → (cost, cuts)
    for lines in range(count):
        for i in points:
            if (i, lines) not in best:
                continue
            total, cuts = best[(i, lines)]
            for j in points:
                if j <= i or (lines == count - 1) != (j == len(text)):
                    continue
                c = cost(i, j)
                if c is None:
                    continue
                key = (j, lines + 1)
                if key not in best or total + c < best[key][0]:
                    best[key] = (total + c, cuts + ([j] if j < len(text) else []))
    found = best.get((len(text), count))
    return found[1] if found else None


def _title_width(text, fonts=None):
    return text_width(text, "小标宋", TITLE_SIZE_MM, fonts)


def _listed(names):
    text = "，".join(names)
    return text if text.endswith("。") else text + "。"  # a list line ends with 。


def _issuer(doc) -> str:
    """The (lead) issuing body as the 署名 writes it, or as its 标志 does without 文件."""
    for name in [*(doc.get("signatories") or []), *(doc.get("issuer_marks") or [])]:
        name = re.sub(r"文件$", "", (name or "").strip())
        if name:
            return name
    return ""


def imprint_defaults(doc: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The circular with 印发机关 and 印发日期 filled in where the plan lacks them, and notes for
    the clerk as (what, value) pairs: ("printed_by", the office printed), ("printed_date", the
    date printed) when ``date_written`` gave it or ("printed_date_today", …) without one, and
    ("subject_terms", "") for a 1999-style circular without 主题词. The office is ``office`` when
    the caller knows it, else the lead issuer's name with 办公室."""
    doc = dict(doc)
    notes = []
    if not (doc.get("printed_by") or "").strip():
        issuer = _issuer(doc)
        own = issuer.endswith(("办公室", "办公厅", "办"))  # the issuer is an office already
        office = (doc.get("office") or "").strip() or (
            (issuer if own else f"{issuer}办公室") if issuer else ""
        )
        if office:
            doc["printed_by"] = office
            notes.append(("printed_by", office))
    if not doc.get("printed_date"):
        day = doc.get("date_written") or datetime.date.today()
        doc["printed_date"] = day
        what = "printed_date" if doc.get("date_written") else "printed_date_today"
        notes.append((what, document_date(day, "2012")))
    if (doc.get("style") or "2012") == "1999" and not doc.get("subject_terms"):
        notes.append(("subject_terms", ""))
    return doc, notes


def _imprint(doc, style):
    """The 版记: every circular has one (its 印发机关 and 印发日期 defaulted, see above)."""
    lists = []
    if style == "1999":
        if doc.get("report_to"):
            lists.append(("报", _listed(doc["report_to"])))
        if doc.get("copy_to"):
            lists.append(("抄送", _listed(doc["copy_to"])))
        if doc.get("distribute_to"):
            lists.append(("发", _listed(doc["distribute_to"])))
    else:
        copy_to = [
            *doc.get("report_to", []),
            *doc.get("copy_to", []),
            *doc.get("distribute_to", []),
        ]
        if copy_to:
            lists.append(("抄送", _listed(copy_to)))
    printed_date = document_date(doc.get("printed_date"), "2012")  # 印发日期: Arabic in both
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
    "office": "",  # the issuer's office, 印发机关 when the plan names none
}


SIZE_3_MM = 16 * 25.4 / 72  # 3号, one character of the grid
SIZE_4_MM = 14 * 25.4 / 72  # 4号, the text of tables


def _signature(names, date, fonts=None):
    """Where the 署名 stand over the 成文日期 (右空四字): centred on the date, one under the other
    for a joint document in the order of the issuers, and moved left as a block when the longest
    name would come closer than two characters to the right edge (GB/T 9704-2012 7.3.5)."""
    measure = measures(_key(fonts))["仿宋"]

    def width(text):
        return sum(measure(ch) for ch in text) * SIZE_3_MM

    widest = max((width(n) for n in names), default=0.0)
    date_width = width(date)
    overhang = (widest - date_width) / 2  # past the date's right end, when centred on it
    right = -min(overhang, 2 * SIZE_3_MM)  # 右空四字 for the date: at most two characters more
    return {"width": f"{widest + 0.5:.3f}", "right": f"{right - 0.25:.3f}"}


_CITED = re.compile(r"附件\s*[0-9０-９一二三四五六七八九十]")


def _number_attachments(doc) -> bool:
    """Attachments are numbered when there are several or the body cites one by number."""
    attachments = doc.get("attachments") or []
    if len(attachments) > 1:
        return True
    texts = [doc.get("preamble") or ""] + [
        f"{s.get('heading') or ''}{s.get('text') or ''}" for s in doc.get("sections") or []
    ]
    return bool(attachments) and any(_CITED.search(t) for t in texts)


def context(
    doc: dict, imprint_own_page=False, imprint_even=False, fonts=None, no_body_note=False
) -> dict:
    doc = {**FIELDS, **{k: v for k, v in doc.items() if v is not None}}
    style = doc.get("style") or "2012"
    recipients = (doc.get("main_recipients") or "").strip()
    date_written = document_date(doc.get("date_written"), style)
    return {
        "number_attachments": _number_attachments(doc),
        "signature": _signature(doc.get("signatories") or [], date_written, fonts),
        "no_body_note": no_body_note,
        "doc": {**doc, "style": style},
        "marks": _marks(doc.get("issuer_marks") or []),
        "doc_number": doc_number(doc.get("doc_number")),
        "title_lines": _title_lines(doc.get("title"), fonts),
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
                **sized_table(
                    a.get("headers") or [], a.get("rows") or [], TEXT_WIDTH_MM, SIZE_4_MM, fonts
                ),
                "paragraphs": [
                    set_paragraph([(t, None)], fonts=fonts) for t in _paragraphs(a.get("text"))
                ],
            }
            for a in doc.get("attachments") or []
        ],
        "date_written": date_written,
        "imprint": _imprint(doc, style),
        "imprint_own_page": imprint_own_page or imprint_even,
        "imprint_even": imprint_even,
    }


def _page_of(document, anchor) -> int | None:
    for number, page in enumerate(document.pages, start=1):
        if anchor in page.anchors:
            return number
    return None


def layout_circular(doc: dict, font_overrides=None):
    """The laid-out document. The 版记 stands at the foot of the last page, on a page of its own
    only when it does not fit there, and moves to an even page, after a blank one, when the unit
    asks. （次页无正文） is printed only when the page after the signature really has no body."""
    css = stylesheet(font_overrides)
    doc, _ = imprint_defaults(doc)

    def lay(**options):
        return render_pdf("circular.html", context(doc, fonts=font_overrides, **options), css)

    document = lay()
    even = False
    page = _page_of(document, "imprint")
    if doc.get("even_imprint_page") and page is not None and page % 2 == 1:
        even = True
        document = lay(imprint_even=True)
    if doc.get("no_body_on_next_page") and not doc.get("attachments"):
        if (_page_of(document, "imprint") or 0) > (_page_of(document, "text-end") or 0):
            document = lay(imprint_even=even, no_body_note=True)
    return document


def render_circular(doc: dict, font_overrides=None) -> bytes:
    """The circular as PDF bytes."""
    return layout_circular(doc, font_overrides).write_pdf()


def render_circular_with_notes(doc: dict, font_overrides=None) -> tuple[bytes, list]:
    """The circular as PDF bytes, and what the clerk should know about it (what was defaulted,
    what is missing: the notes of ``imprint_defaults``)."""
    return render_circular(doc, font_overrides), imprint_defaults(doc)[1]
