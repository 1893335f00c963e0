"""Printable documents: turns already-loaded plain data into PDFs (no Flask, no database).

The public facade: ``render_circular(doc)`` for a plan as a GB/T 9704 circular, ``render(doc,
fmt)`` for it as PDF, Word (.docx) or OFD, plus the font report used by ``xinfang check``.
"""

from .cells import safe_cell
from .circular import doc_number, imprint_defaults, render_circular, render_circular_with_notes
from .fonts import FONT_ROLES, font_report, missing_glyphs
from .formats import FORMATS, EmptyDocument, render
from .workbook import tables_xlsx

__all__ = [
    "FONT_ROLES",
    "FORMATS",
    "EmptyDocument",
    "doc_number",
    "font_report",
    "missing_glyphs",
    "imprint_defaults",
    "render",
    "render_circular",
    "render_circular_with_notes",
    "safe_cell",
    "tables_xlsx",
]
