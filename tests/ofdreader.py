"""A reader of OFD packages (GB/T 33190-2016) for the tests, written from the standard, sharing no
code with the writer (``exports.ofd``): it follows OFD.xml → DocRoot → Document.xml → Pages →
Content.xml, resolves fonts through the public and document resources, checks the structure the
standard requires (namespace, required elements and attributes, unique IDs within MaxUnitID,
files that exist, DeltaX that fit their text) and gives every character with its position.

No OFD reader on PyPI could serve: easyofd needs PyMuPDF (AGPL), ofdparser opens Windows font
files (simsun.ttc) when imported.
"""

import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

from fontTools.ttLib import TTFont

NS = {"ofd": "http://www.ofdspec.org/2016"}
Q = "{http://www.ofdspec.org/2016}"


class Invalid(AssertionError):
    """The package breaks a rule of GB/T 33190."""


@dataclass
class Char:
    text: str
    x: float  # mm from the page's left edge: the character's origin on the baseline
    baseline: float  # mm from the page's top edge
    size: float
    font: str  # the font's FontName
    colour: str  # "R G B"


@dataclass
class Path:
    left: float
    top: float
    width: float
    height: float
    fill: str | None
    stroke: str | None


@dataclass
class Page:
    chars: list = field(default_factory=list)
    paths: list = field(default_factory=list)

    @property
    def text(self):
        return "".join(c.text for c in self.chars)


@dataclass
class Document:
    title: str
    physical_box: tuple
    fonts: dict  # ID → (FontName, cmap of the embedded file or None)
    pages: list


def _need(element, path, what):
    found = element.find(path, NS)
    if found is None:
        raise Invalid(f"{what}: {path} is missing")
    return found


def _numbers(text, count=None, what=""):
    try:
        values = [float(v) for v in (text or "").split()]
    except ValueError as error:
        raise Invalid(f"{what}: not numbers: {text!r}") from error
    if count is not None and len(values) != count:
        raise Invalid(f"{what}: {count} numbers expected in {text!r}")
    return values


def _deltas(text, what):
    """DeltaX/DeltaY with the standard's "g N D" shorthand (N times the advance D)."""
    values, tokens = [], (text or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g":
            values += [float(tokens[i + 2])] * int(tokens[i + 1])
            i += 3
        else:
            values.append(float(tokens[i]))
            i += 1
    return values


def read(data: bytes) -> Document:
    package = zipfile.ZipFile(io.BytesIO(data))
    names = set(package.namelist())

    def xml(path):
        if path not in names:
            raise Invalid(f"{path} is not in the package")
        root = ET.fromstring(package.read(path))
        if not root.tag.startswith(Q):
            raise Invalid(f"{path}: root {root.tag} is not in the OFD namespace")
        return root

    entry = xml("OFD.xml")
    if entry.tag != Q + "OFD" or entry.get("DocType") != "OFD" or not entry.get("Version"):
        raise Invalid("OFD.xml: the root must be ofd:OFD with Version and DocType=OFD")
    body = _need(entry, "ofd:DocBody", "OFD.xml")
    info = _need(body, "ofd:DocInfo", "DocBody")
    _need(info, "ofd:DocID", "DocInfo")
    root_path = _need(body, "ofd:DocRoot", "DocBody").text.strip().lstrip("/")
    base = posixpath.dirname(root_path)
    document = xml(root_path)
    common = _need(document, "ofd:CommonData", "Document.xml")
    max_id = int(_need(common, "ofd:MaxUnitID", "CommonData").text)
    box = tuple(
        _numbers(_need(common, "ofd:PageArea/ofd:PhysicalBox", "CommonData").text, 4, "Box")
    )
    ids = set()

    def unit(element, what):
        if element.get("ID") is None:
            raise Invalid(f"{what} without ID")
        number = int(element.get("ID"))
        if number in ids or not 0 < number <= max_id:
            raise Invalid(f"{what}: ID {number} repeated or beyond MaxUnitID {max_id}")
        ids.add(number)
        return number

    fonts = {}
    for tag in ("ofd:PublicRes", "ofd:DocumentRes"):
        for res in common.findall(tag, NS):
            path = posixpath.join(base, res.text.strip())
            resources = xml(path)
            res_base = posixpath.join(posixpath.dirname(path), resources.get("BaseLoc", ""))
            for font in resources.findall("ofd:Fonts/ofd:Font", NS):
                number = unit(font, "Font")
                if not font.get("FontName"):
                    raise Invalid("Font without FontName")
                cmap = None
                file = font.find("ofd:FontFile", NS)
                if file is not None:
                    font_path = posixpath.normpath(posixpath.join(res_base, file.text.strip()))
                    if font_path not in names:
                        raise Invalid(f"font file {font_path} is not in the package")
                    with TTFont(io.BytesIO(package.read(font_path)), lazy=True) as program:
                        cmap = set(program.getBestCmap())
                fonts[number] = (font.get("FontName"), cmap)
    pages = []
    for entry_page in _need(document, "ofd:Pages", "Document.xml").findall("ofd:Page", NS):
        unit(entry_page, "Page")
        content = xml(posixpath.join(base, entry_page.get("BaseLoc").lstrip("/")))
        page = Page()
        for layer in content.findall("ofd:Content/ofd:Layer", NS):
            unit(layer, "Layer")
            for element in layer:
                what = element.tag.replace(Q, "")
                unit(element, what)
                left, top, width, height = _numbers(element.get("Boundary"), 4, what)
                fill = element.find("ofd:FillColor", NS)
                stroke = element.find("ofd:StrokeColor", NS)
                if what == "PathObject":
                    _need(element, "ofd:AbbreviatedData", "PathObject")
                    filled = element.get("Fill", "false") == "true"
                    stroked = element.get("Stroke", "true") == "true"
                    page.paths.append(
                        Path(
                            left,
                            top,
                            width,
                            height,
                            fill.get("Value") if filled and fill is not None else None,
                            (stroke.get("Value") if stroke is not None else "0 0 0")
                            if stroked
                            else None,
                        )
                    )
                elif what == "TextObject":
                    font = int(element.get("Font") or -1)
                    if font not in fonts:
                        raise Invalid(f"TextObject {element.get('ID')}: unknown font {font}")
                    size = float(element.get("Size"))
                    colour = fill.get("Value") if fill is not None else "0 0 0"
                    for code in element.findall("ofd:TextCode", NS):
                        text = code.text or ""
                        deltas = _deltas(code.get("DeltaX"), "DeltaX")
                        if len(deltas) > max(len(text) - 1, 0):
                            raise Invalid(f"TextCode {text[:10]!r}: more DeltaX than characters")
                        x = left + float(code.get("X"))
                        y = top + float(code.get("Y"))
                        for i, ch in enumerate(text):
                            page.chars.append(Char(ch, x, y, size, fonts[font][0], colour))
                            if i < len(text) - 1:
                                x += deltas[i] if i < len(deltas) else (deltas or [0])[-1]
                else:
                    raise Invalid(f"unexpected {what} in a layer")
        pages.append(page)
    title = info.find("ofd:Title", NS)
    return Document(title.text if title is not None else "", box, fonts, pages)
