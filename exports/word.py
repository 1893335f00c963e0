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

The document is put together here: the package (styles and font table replaced, footers added),
the parts written in order, the section (page, margins, grid, footers) and where the 版记 goes.
The measures and styles are ``word_styles.py``'s; the 版头 and the text ``word_body.py``'s; the
attachments and the 版记 ``word_tail.py``'s.
"""

import io

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

from . import circular
from . import gbt9704 as g
from .checks import EmptyDocument, check_printable  # noqa: F401 (EmptyDocument: re-exported)
from .word_body import _body, _closing, _head
from .word_styles import (
    _END,
    LINE,
    TW,
    W,
    _blank,
    _font_table_xml,
    _fonts,
    _rpr,
    _styles_xml,
    _Writer,
)
from .word_tail import _attachments, _imprint_table

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
