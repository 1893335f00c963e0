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
