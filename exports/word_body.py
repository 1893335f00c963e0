"""The first page of the Word circular and its text: the 版头 (份号 and 密级, the red 标志, the
发文字号 and the red line, the title), the 主送机关 and the body with its headings, then the
附件说明, the 署名 and the 成文日期. Each writes its paragraphs, in the styles and on the grid of
``word_styles.py``, into the writer that ``word.py`` assembles the document from; the pages after
the text (attachments, 版记) are ``word_tail.py``'s.
"""

from . import gbt9704 as g
from .word_styles import CHAR, LINE, TW, _blank, _p, _ppr, _run, _Writer


def _head(w: _Writer, ctx):
    doc = ctx["doc"]
    notes = [n for n in (doc.get("copy_number"), doc.get("secrecy"), doc.get("urgency")) if n]
    for note in notes:
        w.add(_p("xf-head", _run(note)))
    marks = ctx["marks"]
    top = g.MARK_TOP.get(doc["style"], g.MARK_TOP["2012"]) - len(notes) * g.PITCH
    w.add(_blank(TW(max(top, 0.5))))
    for mark in marks:
        size_mm = float(mark["size"])
        size_pt = int(size_mm / g.PT * 2) / 2  # whole half points, never wider than the line
        w.add(
            _p(
                "xf-mark",
                _run(mark["text"], w.names["小标宋"], size_pt, True, g.RED_HEX),
                _ppr(line=TW(size_pt * g.PT), align="center", keep_next=True, grid=False),
            )
        )
    w.add(_blank(2 * LINE))  # 空二行
    number_line = TW(g.SIZE_3 * g.PT)  # the line box is the character box
    if doc.get("signer"):
        tab = f'<w:tabs><w:tab w:val="right" w:pos="{TW(g.TEXT_WIDTH) - CHAR}"/></w:tabs>'
        w.add(
            _p(
                "xf-number",
                _run(ctx["doc_number"] + "\t签发人：")
                + _run(doc["signer"], w.names["楷体"], g.SIZE_3),
                _ppr(
                    line=number_line, align="left", left=CHAR, keep_next=True, extra=tab, grid=False
                ),
            )
        )
    else:
        w.add(
            _p(
                "xf-number",
                _run(ctx["doc_number"]),
                _ppr(line=number_line, align="center", keep_next=True, grid=False),
            )
        )
    # the red line: the bottom border of an empty paragraph as tall as the gap above it
    width = round(g.RED_LINE_WIDTH / g.PT * 8)  # eighths of a point
    border = (
        f'<w:pBdr><w:bottom w:val="single" w:sz="{width}" w:space="0" '
        f'w:color="{g.RED_HEX}"/></w:pBdr>'
    )
    w.add(
        _p(
            "xf-space",
            "",
            _ppr(line=TW(g.RED_LINE_BELOW_NUMBER), keep_next=True, extra=border, grid=False),
        )
    )
    w.add(_blank(2 * LINE - TW(g.RED_LINE_WIDTH)))  # 空二行 below the red line
    title = "".join(
        ("<w:r><w:br/></w:r>" if i else "") + _run(line)
        for i, line in enumerate(ctx["title_lines"])
    )
    w.add(_p("xf-title", title))


def _body(w: _Writer, ctx):
    doc = ctx["doc"]
    if doc.get("main_recipients"):
        w.add(_blank(LINE, keep_next=True))
        w.add(_p("xf-recipients", _run(f"{doc['main_recipients']}：")))
    for paragraph in ctx["preamble"]:
        w.add(_p("a", _run(paragraph)))
    heading_style = {1: "xf-h1", 2: "xf-h2", 3: "xf-h3", 4: "xf-h4"}
    heading_role = {1: "黑体", 2: "楷体", 3: "仿宋", 4: "仿宋"}
    for block in ctx["blocks"]:
        level = block["level"] if block["level"] in heading_style else 0
        heading = f"{block['number']}{block['heading']}"
        if block["runin"] and level:
            first, rest = (block["paragraphs"][:1], block["paragraphs"][1:])
            runs = _run(heading, w.names[heading_role[level]]) + _run(first[0] if first else "")
            w.add(_p("a", runs))
            for paragraph in rest:
                w.add(_p("a", _run(paragraph)))
            continue
        if block["heading"]:
            w.add(_p(heading_style.get(level, "a"), _run(heading)))
        for paragraph in block["paragraphs"]:
            w.add(_p("a", _run(paragraph)))


def _closing(w: _Writer, ctx):
    doc = ctx["doc"]
    attachments = ctx["attachments"]
    if attachments:
        w.add(_blank(LINE, keep_next=False))
        label = "附件："
        many = len(attachments) > 1
        for i, attachment in enumerate(attachments, start=1):
            text = f"{i}．{attachment['title']}" if many else attachment["title"]
            number = 2 if many else 0  # "1．" hangs: a long title wraps under its text
            ppr = _ppr(
                align="left",
                left=(2 + len(label) + number) * CHAR,
                hanging=(len(label) + number) * CHAR if i == 1 else number * CHAR,
                keep_next=True,
            )
            w.add(_p("xf-note", _run((label if i == 1 else "") + text), ppr))
    # 署名 and 成文日期 off the character grid, in natural widths (CJK one em, digits half), so
    # that the date sits 右空四字 and the 署名 centred over it in any word processor
    EM4 = 4 * round(g.SIZE_3 * 20)
    signatories = list(doc.get("signatories") or [])
    date = ctx["date_written"]
    size = g.SIZE_3 * g.PT
    date_width = g.text_width(date, size)
    w.add(_blank(2 * LINE))  # room for the seal
    for name in signatories:
        name_width = g.text_width(name, size)
        right = EM4 + TW((date_width - name_width) / 2) if date else EM4
        w.add(
            _p(
                "xf-sign",
                _run(name),
                _ppr(align="right", right=max(right, 0), keep_next=True, grid=False),
            )
        )
    if date:
        w.add(_p("xf-date", _run(date), _ppr(align="right", right=EM4, grid=False)))
    if doc.get("note"):
        w.add(_p("a", _run(f"（{doc['note']}）"), _ppr(align="left", left=2 * CHAR)))
    if doc.get("no_body_on_next_page"):
        w.add(_p("a", _run("（次页无正文）"), _ppr(align="left", left=2 * CHAR)))
