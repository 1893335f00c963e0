"""Measures a PDF the way GB/T 9704 measures a page: millimetres from the top-left corner.

A character's box is its ideographic em box as set on its baseline: from 0.12 em below the
baseline to 0.88 em above it (the design box of CJK fonts), whatever the font's own ascent and
descent say, so that measurements do not depend on which free or licensed font served.
"""

import io
from dataclasses import dataclass

import pdfplumber

PT = 25.4 / 72  # millimetres per point


@dataclass
class Glyph:
    text: str
    left: float
    right: float
    top: float
    bottom: float
    size: float  # mm
    font: str
    color: tuple


@dataclass
class Line:
    text: str
    left: float
    right: float
    top: float
    bottom: float
    glyphs: list


def open_pdf(data: bytes):
    return pdfplumber.open(io.BytesIO(data))


def glyphs(page) -> list[Glyph]:
    result = []
    height = float(page.height)
    for char in page.chars:
        size = float(char["size"]) * PT
        baseline = height - float(char["matrix"][5])  # from the top, in points
        base = baseline * PT
        result.append(
            Glyph(
                text=char["text"],
                left=float(char["x0"]) * PT,
                right=float(char["x1"]) * PT,
                top=base - 0.88 * size,
                bottom=base + 0.12 * size,
                size=size,
                font=char["fontname"],
                color=tuple(char.get("non_stroking_color") or ()),
            )
        )
    return result


def lines(page, tolerance=1.0) -> list[Line]:
    """Glyphs grouped into lines by their baseline, top to bottom."""
    rows: list[list[Glyph]] = []
    for glyph in sorted(glyphs(page), key=lambda g: (g.bottom, g.left)):
        if rows and abs(rows[-1][0].bottom - glyph.bottom) <= tolerance:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    result = []
    for row in rows:
        row.sort(key=lambda g: g.left)
        result.append(
            Line(
                text="".join(g.text for g in row),
                left=min(g.left for g in row),
                right=max(g.right for g in row),
                top=min(g.top for g in row),
                bottom=max(g.bottom for g in row),
                glyphs=row,
            )
        )
    return result


def find_line(page, needle) -> Line:
    for line in lines(page):
        if needle in line.text.replace(" ", ""):
            return line
    raise AssertionError(f"no line with {needle!r} on the page")


def rules(page):
    """Filled rectangles thinner than 1.5 mm: the rules, as (top, bottom, left, right, colour)."""
    height = float(page.height)
    found = []
    for rect in page.rects:
        top = (height - float(rect["y1"])) * PT
        bottom = (height - float(rect["y0"])) * PT
        if bottom - top <= 1.5:
            found.append(
                (
                    top,
                    bottom,
                    float(rect["x0"]) * PT,
                    float(rect["x1"]) * PT,
                    tuple(rect.get("non_stroking_color") or ()),
                )
            )
    return sorted(found)


# --- the text area and its paragraphs ----------------------------------------------------------

TEXT_LEFT, TEXT_RIGHT = 28.0, 184.0  # mm: the left and right edges of the 156 mm text area
BODY_SIZE = 16 * PT  # 3号
INDENT = 2 * BODY_SIZE


def _is_body(line) -> bool:
    """A line of 3号 text starting on the left edge or two characters in."""
    size = line.glyphs[0].size
    return abs(size - BODY_SIZE) < 0.05 and (
        abs(line.left - TEXT_LEFT) < 0.3 or abs(line.left - TEXT_LEFT - INDENT) < 0.3
    )


def body_lines(pdf) -> list[list[Line]]:
    """Each page's lines of body text (paragraphs and headings on the grid), top to bottom."""
    return [[line for line in lines(page) if _is_body(line)] for page in pdf.pages]


def continues(line) -> bool:
    """A paragraph's second or later line: it starts on the left edge, in the body font (the
    attachment label 附件N, also on the edge, is in 黑体)."""
    return abs(line.left - TEXT_LEFT) < 0.3 and "Hei" not in line.glyphs[0].font


def short_lines(pdf, tolerance=0.5):
    """(page, text, mm short of the right edge) of every body line that is not the last of its
    paragraph (the next body line continues it) and does not end on the right edge."""
    flat = [(n, line) for n, page in enumerate(body_lines(pdf), start=1) for line in page]
    found = []
    for (page, line), (_, following) in zip(flat, flat[1:], strict=False):
        if continues(following) and abs(line.right - TEXT_RIGHT) > tolerance:
            found.append((page, line.text, round(TEXT_RIGHT - line.right, 2)))
    return found


def stranded_lines(pdf):
    """(page, what, text) of a paragraph's first line alone at a page foot ("orphan") and its
    last line alone at a page top ("widow")."""
    pages = body_lines(pdf)
    found = []
    for n, (page, following) in enumerate(zip(pages, pages[1:], strict=False), start=1):
        if not page or not following:
            continue
        last, first = page[-1], following[0]
        if not continues(last) and continues(first):
            found.append((n, "orphan", last.text))
        if continues(first) and (len(following) == 1 or not continues(following[1])):
            found.append((n + 1, "widow", first.text))
    return found


def last_lines(pdf) -> list[str]:
    """The last body line of each page, spaces removed."""
    return [page[-1].text.replace(" ", "") if page else "" for page in body_lines(pdf)]
