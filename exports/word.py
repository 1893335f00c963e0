"""A plan (or report, or 活动总结) as an editable Word document in the GB/T 9704 layout.

It takes the same plain data as the PDF circular (``circular.context``) and keeps its layout
decisions: A4 with the standard's margins, the 22 × 28 grid (Word's line-and-character grid, so
that what a clerk types stays on it), the red 标志 and red line (a paragraph border, not a
picture), the title, headings, 附件说明, 署名 and 成文日期, attachments on pages of their own with
their tables as Word tables, the 版记 at the foot of the last page (a table anchored to the bottom
of the text area) and page numbers `— 1 —` in odd (right) and even (left) footers.

Every part has a paragraph style named by its role (标题, 一级标题, 正文, 版记 …) that names the
licensed font first (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) in the East-Asian slot, with
its other name (FangSong_GB2312 …) in the font table: an office with those fonts sees the real
thing; one without them gets its word processor's substitute, on the same grid.
"""

import io
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from . import circular
from . import fonts as font_stacks
from . import gbt9704 as g
from .checks import EmptyDocument, check_printable  # noqa: F401 (EmptyDocument: re-exported)

W = nsdecls("w")
TW = g.mm_to_twips
# one grid line, in twips: 578, a hair under the 225 mm / 22 = 579.8 of the standard, so that
# LibreOffice, which rounds it up, still counts 22 lines in the text area (it centres what it
# counts, so 21 would shift every line by half a line)
LINE = int(g.TEXT_HEIGHT / g.LINES / g.TWIP) - 1
CHAR = int(g.CHAR_PITCH / g.TWIP)  # one grid character, in twips (315, never over the cell)


# --- styles ---


def _fonts(overrides=None) -> dict[str, str]:
    """The first name of each role's stack: the licensed font, or the deployment's own."""
    return {role: stack[0] for role, stack in font_stacks.stacks(overrides).items()}


def _rpr(font, size, bold=False, color=None, spacing=None, scale=None):
    attrs = " ".join(f"w:{slot}={quoteattr(font)}" for slot in ("ascii", "hAnsi", "eastAsia", "cs"))
    return (
        f'<w:rPr><w:rFonts {attrs} w:hint="eastAsia"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + (f'<w:color w:val="{color}"/>' if color else "")
        + (f'<w:spacing w:val="{spacing}"/>' if spacing is not None else "")
        + (f'<w:w w:val="{scale}"/>' if scale is not None else "")
        + f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
        + '<w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr>'
    )


def _ppr(
    line=LINE,
    align="both",
    first=0,
    left=0,
    right=0,
    hanging=0,
    before=0,
    after=0,
    keep_next=False,
    keep_lines=False,
    grid=True,
    page_break=False,
    extra="",
):
    ind = []
    if left:
        ind.append(f'w:left="{left}"')
    if right:
        ind.append(f'w:right="{right}"')
    if first:
        ind.append(f'w:firstLine="{first}" w:firstLineChars="{round(first / CHAR * 100)}"')
    if hanging:
        ind.append(f'w:hanging="{hanging}"')
    return (
        "<w:pPr>"
        + ("<w:keepNext/>" if keep_next else "")
        + ("<w:keepLines/>" if keep_lines else "")
        + ("<w:pageBreakBefore/>" if page_break else "")
        + '<w:widowControl w:val="0"/>'
        + extra
        + '<w:overflowPunct w:val="0"/>'  # punctuation is compressed, never hung in the margin
        # no extra space between Chinese and Latin letters or digits: 2012年3月9日, as the PDF
        + '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
        + ("" if grid else '<w:snapToGrid w:val="0"/>')
        + f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'
        + (f"<w:ind {' '.join(ind)}/>" if ind else '<w:ind w:firstLine="0"/>')
        + f'<w:jc w:val="{align}"/></w:pPr>'
    )


BUILT_IN = {"a": "Normal", "xf-title": "Title"}  # Word's own styles: 正文 and 标题 in Chinese Word


def _style_xml(style_id, name, ppr, rpr):
    kind = (
        'w:default="1"' if style_id == "a" else "" if style_id in BUILT_IN else 'w:customStyle="1"'
    )
    based_on = "" if style_id == "a" else '<w:basedOn w:val="a"/>'
    return (
        f'<w:style {W} w:type="paragraph" {kind} w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/>{based_on}<w:qFormat/>{ppr}{rpr}</w:style>'
    )


# style id, name, role, size (pt), bold, colour, paragraph properties. The body styles snap to
# the grid; the 版头, titles, tables and the 版记 keep their own measures (snapToGrid off).
OFF = dict(grid=False)
STYLES = [
    ("a", "Normal", "仿宋", g.SIZE_3, False, None, dict(first=2 * CHAR)),
    ("xf-mark", "发文机关标志", "小标宋", g.SIZE_1, True, g.RED_HEX, dict(align="center", **OFF)),
    ("xf-number", "发文字号", "仿宋", g.SIZE_3, False, None, dict(align="center", **OFF)),
    ("xf-title", "Title", "小标宋", g.SIZE_2, True, None, dict(align="center", **OFF)),
    ("xf-h1", "一级标题", "黑体", g.SIZE_3, False, None, dict(first=2 * CHAR, keep_next=True)),
    ("xf-h2", "二级标题", "楷体", g.SIZE_3, False, None, dict(first=2 * CHAR, keep_next=True)),
    ("xf-h3", "三级标题", "仿宋", g.SIZE_3, False, None, dict(first=2 * CHAR, keep_next=True)),
    ("xf-h4", "四级标题", "仿宋", g.SIZE_3, False, None, dict(first=2 * CHAR, keep_next=True)),
    ("xf-recipients", "主送机关", "仿宋", g.SIZE_3, False, None, dict()),
    ("xf-note", "附件说明", "仿宋", g.SIZE_3, False, None, dict(align="left")),
    ("xf-sign", "署名", "仿宋", g.SIZE_3, False, None, dict(align="right", keep_next=True, **OFF)),
    ("xf-date", "成文日期", "仿宋", g.SIZE_3, False, None, dict(align="right", **OFF)),
    ("xf-head", "份号密级", "黑体", g.SIZE_3, False, None, dict(align="left")),
    ("xf-att-label", "附件标签", "黑体", g.SIZE_3, False, None, dict(align="left")),
    ("xf-att-title", "附件标题", "小标宋", g.SIZE_2, True, None, dict(align="center", **OFF)),
    ("xf-table", "表格", "仿宋", g.SIZE_4, False, None, dict(align="center", line=0, **OFF)),
    ("xf-imprint", "版记", "仿宋", g.SIZE_4, False, None, dict(align="left", line=TW(7), **OFF)),
    ("xf-terms", "主题词", "黑体", g.SIZE_3, False, None, dict(align="left", line=TW(7), **OFF)),
    ("xf-page", "页码", "宋体", g.SIZE_4, False, None, dict(align="right", line=TW(4.94), **OFF)),
    ("xf-space", "空行", "仿宋", 1, False, None, dict(**OFF)),
]
# 28 characters of 3号 in the 156 mm line: Word's grid sets each in a 5.57 mm cell; LibreOffice
# gives a character wider than its cell two cells, so the body's characters are drawn at 98 %
# of their width (0.1 mm narrower, the PDF's -0.08 mm letter-spacing) to fit one cell in both
BODY_SCALE = 98


def _styles_xml(names: dict[str, str]) -> str:
    body = names["仿宋"]
    defaults = (
        f"<w:docDefaults><w:rPrDefault>{_rpr(body, g.SIZE_3)}</w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:overflowPunct w:val="0"/>'
        '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
        f'<w:spacing w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    styles = []
    for style_id, name, role, size, bold, color, ppr in STYLES:
        line = ppr.get("line", LINE)
        if line == 0:  # table cells: single spacing, a little air
            props = _ppr(**{**ppr, "line": 240}).replace('lineRule="exact"', 'lineRule="auto"')
        else:
            props = _ppr(**{**ppr, "line": line})
        styles.append(
            _style_xml(
                style_id,
                name,
                props,
                _rpr(
                    names[role],
                    size,
                    bold,
                    color,
                    0,
                    BODY_SCALE if ppr.get("grid", True) else 100,
                ),
            )
        )
    table = (
        f'<w:style {W} w:type="table" w:default="1" w:styleId="xf-grid"><w:name w:val="公文表格"/>'
        '<w:tblPr><w:tblCellMar><w:top w:w="85" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="85" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr></w:style>"
    )
    char = (
        f'<w:style {W} w:type="character" w:default="1" w:styleId="xf-dpf">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "</w:style>"
    )
    return (
        f'<w:styles {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        + defaults
        + "".join(styles)
        + char
        + table
        + "</w:styles>"
    )


def _font_table_xml(names: dict[str, str]) -> str:
    entries = []
    for name in dict.fromkeys([*names.values(), "Times New Roman"]):
        alt = g.ALT_NAMES.get(name)
        entries.append(
            f"<w:font w:name={quoteattr(name)}>"
            + (f"<w:altName w:val={quoteattr(alt)}/>" if alt else "")
            + ('<w:charset w:val="86"/>' if not name.isascii() or alt else "")
            + '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    return f"<w:fonts {W}>{''.join(entries)}</w:fonts>"


# --- paragraphs ---


def _run(text, font=None, size=None, bold=False, color=None):
    props = _rpr(font, size or g.SIZE_3, bold, color) if font else ""
    parts = []
    for i, piece in enumerate(text.split("\t")):
        if i:
            parts.append(f"<w:r>{props}<w:tab/></w:r>")
        if piece:
            parts.append(f'<w:r>{props}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(parts)


def _p(style, runs="", ppr=""):
    if ppr:
        ppr = ppr.replace("<w:pPr>", f'<w:pPr><w:pStyle w:val="{style}"/>', 1)
    else:
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
    return f"<w:p {W}>{ppr}{runs}</w:p>"


def _blank(height_twips, keep_next=True):
    """An empty paragraph of an exact height (the standard's 空一行, or a measured gap)."""
    return _p("xf-space", "", _ppr(line=max(height_twips, 2), keep_next=keep_next, grid=False))


# the paragraph a document must end with, after the 版记's table: hidden, so that it takes no room
_END = (
    f'<w:p {W}><w:pPr><w:pStyle w:val="xf-space"/><w:snapToGrid w:val="0"/>'
    '<w:spacing w:before="0" w:after="0" w:line="2" w:lineRule="exact"/>'
    '<w:rPr><w:vanish/><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
)


class _Writer:
    def __init__(self, names):
        self.names = names
        self.parts = []

    def add(self, xml):
        self.parts.append(xml)


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


def _table(attachment, names) -> str:
    headers, rows = attachment["headers"], attachment["rows"]
    columns = max([len(headers), *(len(r) for r in rows)] or [1])
    try:  # shares of the text width; a report's table may give them as text ("30")
        widths = [float(w) for w in attachment.get("widths") or []]
    except (TypeError, ValueError):
        widths = []
    if len(widths) != columns or not sum(widths):
        widths = [1] * columns
    total = TW(g.TEXT_WIDTH)
    twips = [round(total * w / sum(widths)) for w in widths]
    rule = round(g.TABLE_RULE / g.PT * 8)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="{rule}" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )

    def cell(text, width, header):
        run = _run(text, names["黑体"], g.SIZE_4) if header else _run(text)
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/>'
            f"</w:tcPr>{_p('xf-table', run)}</w:tc>"
        )

    def row(cells, header=False):
        cells = list(cells) + [""] * (columns - len(cells))
        props = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
        return (
            f"<w:tr>{props}"
            + "".join(cell(str(c), w, header) for c, w in zip(cells, twips, strict=True))
            + "</w:tr>"
        )

    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    return (
        f'<w:tbl {W}><w:tblPr><w:tblStyle w:val="xf-grid"/><w:tblW w:w="{total}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        + (row(headers, header=True) if headers else "")
        + "".join(row(r) for r in rows)
        + "</w:tbl>"
    )


def _attachments(w: _Writer, ctx):
    attachments = ctx["attachments"]
    many = len(attachments) > 1
    for i, attachment in enumerate(attachments, start=1):
        w.add(
            _p(
                "xf-att-label",
                _run(f"附件{i}" if many else "附件"),
                _ppr(align="left", page_break=True, keep_next=True),
            )
        )
        w.add(_blank(LINE))
        w.add(
            _p(
                "xf-att-title",
                _run(attachment["title"]),
                _ppr(align="center", keep_next=True, grid=False),
            )
        )
        w.add(_blank(LINE, keep_next=bool(attachment["rows"] or attachment["paragraphs"])))
        if attachment["rows"]:
            w.add(_table(attachment, w.names))
        for paragraph in attachment["paragraphs"]:
            w.add(_p("a", _run(paragraph)))


def _imprint_table(ctx, names, own_page=False) -> str:
    """The 版记 as a one-column table whose rows sit between the rules, its last rule on the
    bottom edge of the text area: on a page of its own after a blank as tall as the rest of the
    text area; sharing the page with the text, floating at the bottom of the text area (Word,
    WPS and LibreOffice from 7.6 keep it there; LibreOffice before 7.6 sets it below the text)."""
    doc, imprint = ctx["doc"], ctx["imprint"]
    style = doc["style"]
    size = g.SIZE_3 if style == "1999" else g.SIZE_4  # 1999: 主题词, 报/发 and 印发 in 3号
    pad = TW(g.SIZE_4 * g.PT)  # one 4号 character in, as the PDF
    thick = round(g.IMPRINT_THICK / g.PT * 8)
    thin = round(g.IMPRINT_THIN / g.PT * 8)
    width = TW(g.TEXT_WIDTH)
    row_height = TW(g.IMPRINT_ROW)

    def border(side, sz):
        return f'<w:{side} w:val="single" w:sz="{sz}" w:space="0" w:color="000000"/>'

    def row(runs, top=None, bottom=None, left=pad, tabs=""):
        borders = (border("top", top) if top else "") + (border("bottom", bottom) if bottom else "")
        ppr = _ppr(line=TW(7), align="left", extra=tabs, grid=False)
        return (
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{row_height}" w:hRule="exact"/>'
            f'</w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
            f"<w:tcBorders>{borders}</w:tcBorders>"
            f'<w:tcMar><w:left w:w="{left}" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/>'
            '<w:top w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/></w:tcMar>'
            f'<w:vAlign w:val="center"/></w:tcPr>{_p("xf-imprint", runs, ppr)}</w:tc></w:tr>'
        )

    rows = []
    if style == "1999" and doc.get("subject_terms"):
        rows.append(
            row(
                _run("主题词：", names["黑体"], g.SIZE_3)
                + _run("　".join(doc["subject_terms"]), names["小标宋"], g.SIZE_3, bold=True),
                left=0,
            )
        )
    lists = imprint["lists"]
    for i, (label, people) in enumerate(lists):
        rows.append(
            row(
                _run(f"{label}：{people}", names["仿宋"], size),
                top=thick if i == 0 else None,
                bottom=thin if i == len(lists) - 1 else None,
            )
        )
    tab = f'<w:tabs><w:tab w:val="right" w:pos="{width - 2 * pad}"/></w:tabs>'
    rows.append(
        row(
            _run(f"{imprint['printed_by']}\t{imprint['printed_date']}", names["仿宋"], size),
            top=None if lists else thick,
            bottom=thick,
            tabs=tab,
        )
    )
    position = (
        '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" '
        'w:bottomFromText="0" w:vertAnchor="margin" w:horzAnchor="margin" '
        'w:tblpXSpec="center" w:tblpYSpec="bottom"/><w:tblOverlap w:val="never"/>'
    )
    if own_page:
        # alone on its page: an empty first row, without rules, fills the text area above it
        position = ""
        rest = g.TEXT_HEIGHT - len(rows) * g.IMPRINT_ROW - 0.8  # room for the last rule and the end
        rows.insert(0, row("").replace(f'w:val="{row_height}"', f'w:val="{TW(rest)}"'))
    return (
        f'<w:tbl {W}><w:tblPr>{position}<w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
        '<w:right w:w="0" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>{"".join(rows)}</w:tbl>'
    )


# --- the section: page, grid, footers ---


def _footer_xml(odd: bool, names) -> str:
    indent = round(g.SIZE_4 * 20)  # one 4号 character in
    ppr = (
        f'<w:pPr><w:pStyle w:val="xf-page"/><w:spacing w:before="0" w:after="0" '
        f'w:line="{TW(g.SIZE_4 * g.PT)}" w:lineRule="exact"/>'
        + (f'<w:ind w:right="{indent}"/>' if odd else f'<w:ind w:left="{indent}"/>')
        + f'<w:jc w:val="{"right" if odd else "left"}"/></w:pPr>'
    )
    props = _rpr(names["宋体"], g.SIZE_4)
    field = (
        f'<w:r>{props}<w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{props}<w:t>1</w:t></w:r>"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r>{props}<w:t xml:space="preserve"> —</w:t></w:r>'
    )
    return f"<w:ftr {W}><w:p>{ppr}{field}</w:p></w:ftr>"


def _empty_footer_xml() -> str:
    return f'<w:ftr {W}><w:p><w:pPr><w:pStyle w:val="xf-page"/></w:pPr></w:p></w:ftr>'


def _sect_pr(footers: dict[str, str], start="nextPage", grid=True) -> str:
    # the page number's dashes 7 mm below the text area: the footer's line box (as tall as a 4号
    # character) centred there, its distance measured from the bottom of the page
    number_box = g.SIZE_4 * g.PT
    footer = g.PAGE_HEIGHT - (g.MARGIN_TOP + g.TEXT_HEIGHT + g.PAGE_NUMBER_BELOW) - number_box / 2
    refs = "".join(
        f'<w:footerReference w:type="{kind}" r:id="{rid}"/>' for kind, rid in footers.items()
    )
    char_space = round((g.CHAR_PITCH / g.PT - g.SIZE_3) * 4096)
    return (
        f'<w:sectPr {W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships">{refs}<w:type w:val="{start}"/>'
        f'<w:pgSz w:w="{TW(g.PAGE_WIDTH)}" w:h="{TW(g.PAGE_HEIGHT)}"/>'
        f'<w:pgMar w:top="{TW(g.MARGIN_TOP)}" w:right="{TW(g.MARGIN_RIGHT)}" '
        f'w:bottom="{TW(g.MARGIN_BOTTOM)}" w:left="{TW(g.MARGIN_LEFT)}" w:header="851" '
        f'w:footer="{TW(footer)}" w:gutter="0"/><w:cols w:space="425"/>'
        + (
            f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE}" w:charSpace="{char_space}"/>'
            if grid
            else f'<w:docGrid w:linePitch="{LINE}"/>'  # the 版记's own page: its rows' measures
        )
        + "</w:sectPr>"
    )


def _add_part(document, xml, reltype, partname, content_type):
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = Part(PackURI(partname), content_type, xml.encode("utf-8"), document.part.package)
    return document.part.relate_to(part, reltype)


FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"


def _plain(ctx, doc):
    """The circular's context with its texts as written: the PDF's context sets each paragraph
    and table cell line by line in markup (exports.justify), while Word breaks lines itself."""
    ctx["preamble"] = circular._paragraphs(doc.get("preamble"))
    for block, section in zip(ctx["blocks"], doc.get("sections") or [], strict=False):
        block["paragraphs"] = circular._paragraphs(section.get("text"))
    for shown, attachment in zip(ctx["attachments"], doc.get("attachments") or [], strict=False):
        shown["paragraphs"] = circular._paragraphs(attachment.get("text"))
        shown["headers"] = list(attachment.get("headers") or [])
        shown["rows"] = [list(row) for row in attachment.get("rows") or []]
        shown["widths"] = attachment.get("widths")
    return ctx


def render_circular_docx(doc: dict, font_overrides=None) -> bytes:
    """The circular as the bytes of a .docx file."""
    check_printable(doc)
    ctx = _plain(circular.context(doc, imprint_own_page=bool(doc.get("no_body_on_next_page"))), doc)
    names = _fonts(font_overrides)
    document = docx.Document()
    package = document.part.package
    for part in package.iter_parts():
        if part.partname == "/word/styles.xml":
            part._element = parse_xml(_styles_xml(names).encode("utf-8"))
        elif part.partname == "/word/fontTable.xml":
            part._blob = _font_table_xml(names).encode("utf-8")
    settings = document.settings.element
    settings.append(parse_xml(f"<w:evenAndOddHeaders {W}/>"))
    settings.append(parse_xml(f'<w:themeFontLang {W} w:val="en-US" w:eastAsia="zh-CN"/>'))

    w = _Writer(names)
    _head(w, ctx)
    _body(w, ctx)
    _closing(w, ctx)
    _attachments(w, ctx)

    odd = _add_part(document, _footer_xml(True, names), RT.FOOTER, "/word/footer1.xml", FOOTER_CT)
    even = _add_part(document, _footer_xml(False, names), RT.FOOTER, "/word/footer2.xml", FOOTER_CT)
    footers = {"default": odd, "even": even}
    imprint = ctx["imprint"]
    body = document.element.body
    for child in list(body):
        body.remove(child)
    if imprint and (ctx["imprint_own_page"] or doc.get("even_imprint_page")):
        # the 版记 on a page of its own (after （次页无正文）, or on an even page): a section of
        # its own, without page numbers, that Word starts on the next (even) page
        blank = _add_part(document, _empty_footer_xml(), RT.FOOTER, "/word/footer3.xml", FOOTER_CT)
        w.add(_blank(2, keep_next=False).replace("</w:pPr>", _sect_pr(footers) + "</w:pPr>", 1))
        w.add(_imprint_table(ctx, names, own_page=True))
        w.add(_END)
        final = _sect_pr(
            {"default": blank, "even": blank},
            start="evenPage" if doc.get("even_imprint_page") else "nextPage",
            grid=False,
        )
    else:
        if imprint:
            w.add(_imprint_table(ctx, names))
            w.add(_END)
        final = _sect_pr(footers)
    xml = (
        f'<w:body {W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships">{"".join(w.parts)}{final}</w:body>'
    )
    new_body = parse_xml(xml.encode("utf-8"))
    for child in list(new_body):
        body.append(child)
    core = document.core_properties
    core.title = (doc.get("title") or "").replace("\n", "")
    core.author = "xinfang"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
