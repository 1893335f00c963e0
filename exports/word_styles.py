"""The measures and styles of the Word circular, and the XML its paragraphs are made of.

``word.py`` puts the document together; the parts it writes (``word_body.py``: the 版头 and the
text down to the 成文日期; ``word_tail.py``: the attachments and the 版记) are built of the runs
and paragraphs here, on the grid measured here (LINE, CHAR) and in the paragraph styles named
here by their role, each naming its licensed font first. A part sets a paragraph off the style
only where the standard measures it (a gap, an indent, the red line), through ``_ppr``.
"""

from xml.sax.saxutils import escape, quoteattr

from docx.oxml.ns import nsdecls

from . import fonts as font_stacks
from . import gbt9704 as g

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
