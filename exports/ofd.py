"""A circular as OFD (GB/T 33190-2016), the fixed-layout format of e-government documents.

The layout is the product's own: the PDF the circular renderer makes. Its pages are read back
with pdfplumber (every character with its position, font, size and colour; the filled
rectangles and stroked lines of the rules) and written as an OFD package:

    OFD.xml                     the document's entry: DocInfo, DocRoot
    Doc_0/Document.xml          pages, page area (A4 in mm), MaxUnitID, public resources
    Doc_0/PublicRes.xml         the fonts, each with its embedded file under Doc_0/Res/
    Doc_0/Pages/Page_N/Content.xml
                                one layer of TextObjects (a run of text in one font, size and
                                colour on one baseline, with the advance of each character in
                                DeltaX) and PathObjects (the red line, the 版记's rules, table
                                borders)

The embedded fonts are the subsets WeasyPrint put in the PDF (OpenType files with their cmap),
so an OFD reader draws exactly the glyphs of the PDF, with nothing to install. No AGPL code is
involved: pdfplumber and pdfminer.six are MIT, pypdf is BSD.
"""

import datetime
import io
import re
import uuid
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pdfplumber
import pypdf

from . import circular
from . import gbt9704 as g
from .checks import check_printable

NS = "http://www.ofdspec.org/2016"
MM = g.PT  # PDF points to OFD millimetres
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _colour(value) -> str:
    """A pdfplumber colour (gray, RGB or CMYK, 0–1) as OFD's "R G B" (0–255)."""
    value = tuple(value or (0,)) if not isinstance(value, (int, float)) else (value,)
    if len(value) == 1:
        value = value * 3
    elif len(value) == 4:
        c, m, y, k = value
        value = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return " ".join(str(round(max(0.0, min(1.0, float(v))) * 255)) for v in value[:3])


def _font_files(pdf_bytes: bytes) -> dict[str, tuple[bytes, str]]:
    """The embedded font programs of the PDF by base font name: (data, file extension)."""
    found = {}
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            if name in found:
                continue
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant.get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            for key, ext in (("/FontFile3", "otf"), ("/FontFile2", "ttf"), ("/FontFile", "pfb")):
                if key in descriptor:
                    data = descriptor[key].get_object().get_data()
                    found[name] = (data, "otf" if data[:4] == b"OTTO" else ext)
                    break
    return found


class _Ids:
    def __init__(self):
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def _runs(chars):
    """Characters grouped into runs: one font, size and colour, on one baseline, left to right."""
    runs = []
    for char in sorted(chars, key=lambda c: (round(c["baseline"], 1), c["x"])):
        key = (char["font"], round(char["size"], 3), char["colour"], round(char["baseline"], 2))
        if runs and runs[-1][0] == key and char["x"] >= runs[-1][1][-1]["x"] - 0.01:
            runs[-1][1].append(char)
        else:
            runs.append((key, [char]))
    return runs


def _page_xml(page, fonts: dict[str, int], ids: _Ids) -> str:
    height = float(page.height)
    chars = []
    for char in page.chars:
        text = char.get("text") or ""
        if not text or not text.isprintable():
            continue
        chars.append(
            {
                "text": text,
                "x": float(char["matrix"][4]) * MM,
                "baseline": (height - float(char["matrix"][5])) * MM,
                "size": float(char["size"]) * MM,
                "advance": (float(char["x1"]) - float(char["x0"])) * MM,
                "font": fonts[_SUBSET.sub("", char["fontname"])],
                "colour": _colour(char.get("non_stroking_color")),
            }
        )
    objects = []
    for rect in page.rects:
        if not rect.get("fill"):
            continue
        x, top = float(rect["x0"]) * MM, float(rect["top"]) * MM
        w, h = float(rect["width"]) * MM, float(rect["height"]) * MM
        objects.append(
            f'<ofd:PathObject ID="{ids.next()}" Boundary="{_num(x)} {_num(top)} {_num(w)} '
            f'{_num(h)}" Fill="true" Stroke="false">'
            f'<ofd:FillColor Value="{_colour(rect.get("non_stroking_color"))}"/>'
            f"<ofd:AbbreviatedData>M 0 0 L {_num(w)} 0 L {_num(w)} {_num(h)} L 0 {_num(h)} C"
            "</ofd:AbbreviatedData></ofd:PathObject>"
        )
    for line in page.lines:
        width = float(line.get("linewidth") or 0) * MM or 0.1
        x0, x1 = float(line["x0"]) * MM, float(line["x1"]) * MM
        top, bottom = float(line["top"]) * MM, float(line["bottom"]) * MM
        pad = width / 2
        left, up = x0 - pad, top - pad
        points = [((p[0]) * MM - left, (p[1]) * MM - up) for p in line["pts"]]
        data = " ".join(
            f"{'M' if i == 0 else 'L'} {_num(px)} {_num(py)}" for i, (px, py) in enumerate(points)
        )
        objects.append(
            f'<ofd:PathObject ID="{ids.next()}" Boundary="{_num(left)} {_num(up)} '
            f'{_num(x1 - x0 + width)} {_num(bottom - top + width)}" LineWidth="{_num(width)}">'
            f'<ofd:StrokeColor Value="{_colour(line.get("stroking_color"))}"/>'
            f"<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>"
        )
    for (font, size, colour, _), run in _runs(chars):
        first, last = run[0], run[-1]
        left = first["x"]
        top = first["baseline"] - size  # the box: one em above the baseline, a fifth below
        width = last["x"] + max(last["advance"], size / 2) - left
        deltas = " ".join(_num(b["x"] - a["x"]) for a, b in zip(run, run[1:], strict=False))
        text = escape("".join(c["text"] for c in run))
        objects.append(
            f'<ofd:TextObject ID="{ids.next()}" Boundary="{_num(left)} {_num(top)} '
            f'{_num(width)} {_num(size * 1.2)}" Font="{font}" Size="{_num(size)}">'
            f'<ofd:FillColor Value="{colour}"/>'
            f'<ofd:TextCode X="0" Y="{_num(size)}"'
            + (f' DeltaX="{deltas}"' if deltas else "")
            + f">{text}</ofd:TextCode></ofd:TextObject>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}">'
        f'<ofd:Content><ofd:Layer ID="{ids.next()}">{"".join(objects)}</ofd:Layer></ofd:Content>'
        "</ofd:Page>"
    )


def pdf_to_ofd(pdf_bytes: bytes, title: str = "", author: str = "") -> bytes:
    """The pages of a PDF the product rendered, as an OFD package (bytes of a zip file)."""
    embedded = _font_files(pdf_bytes)
    ids = _Ids()
    font_ids: dict[str, int] = {}
    font_entries = []
    files: dict[str, bytes] = {}
    for name, (data, ext) in embedded.items():
        family = _SUBSET.sub("", name)
        if family in font_ids:
            continue
        font_ids[family] = ids.next()
        path = f"font_{font_ids[family]}.{ext}"
        files[f"Doc_0/Res/{path}"] = data
        font_entries.append(
            f'<ofd:Font ID="{font_ids[family]}" FontName={quoteattr(family)} '
            f"FamilyName={quoteattr(family.split('-')[0])}>"
            f"<ofd:FontFile>{path}</ofd:FontFile></ofd:Font>"
        )
    pages = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages):
            for char in page.chars:  # a font the PDF uses without embedding it: named only
                family = _SUBSET.sub("", char["fontname"])
                if family not in font_ids:
                    font_ids[family] = ids.next()
                    font_entries.append(
                        f'<ofd:Font ID="{font_ids[family]}" FontName={quoteattr(family)}/>'
                    )
            page_id = ids.next()
            files[f"Doc_0/Pages/Page_{number}/Content.xml"] = _page_xml(page, font_ids, ids).encode(
                "utf-8"
            )
            pages.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{number}/Content.xml"/>')
        width = float(pdf.pages[0].width) * MM if pdf.pages else g.PAGE_WIDTH
        height = float(pdf.pages[0].height) * MM if pdf.pages else g.PAGE_HEIGHT
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
        f"<ofd:Fonts>{''.join(font_entries)}</ofd:Fonts></ofd:Res>"
    ).encode()
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}">'
        f"<ofd:CommonData><ofd:MaxUnitID>{ids.last}</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {_num(width)} {_num(height)}</ofd:PhysicalBox>"
        "</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{''.join(pages)}</ofd:Pages></ofd:Document>"
    ).encode()
    today = datetime.date.today().isoformat()
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" '
        'DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>{uuid.uuid4().hex}</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>"
        + (f"<ofd:Author>{escape(author)}</ofd:Author>" if author else "")
        + f"<ofd:CreationDate>{today}</ofd:CreationDate>"
        "<ofd:Creator>xinfang</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    ).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", files.pop("OFD.xml"))
        for path, data in files.items():
            package.writestr(path, data)
    return out.getvalue()


def render_circular_ofd(doc: dict, font_overrides=None) -> bytes:
    """The circular as OFD: the PDF circular's layout, its fonts embedded."""

    check_printable(doc)
    pdf = circular.render_circular(doc, font_overrides)
    title = (doc.get("title") or "").replace("\n", "")
    author = "、".join(doc.get("signatories") or [])
    return pdf_to_ofd(pdf, title=title, author=author)
