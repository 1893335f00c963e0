"""What follows the text of the Word circular: the attachments, each on a page of its own with
its table as a Word table, and the 版记, a table whose last rule sits on the bottom edge of the
text area (floating there, or on a page of its own). Built of ``word_styles.py``'s paragraphs;
``word.py`` decides where the 版记 goes and closes the document after it.
"""

from . import gbt9704 as g
from .word_styles import LINE, TW, W, _blank, _p, _ppr, _run, _Writer


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
