"""The formats a circular is exported in: PDF (to print), Word (to edit), OFD (to send).

``render(doc, "docx")`` takes the plain data of ``circular.render_circular``; a document with
nothing to print is refused in Chinese (``EmptyDocument``) rather than written as an empty file.
"""

from . import circular
from .checks import EmptyDocument, check_printable  # noqa: F401 (EmptyDocument: re-exported)

FORMATS = {
    "pdf": ("application/pdf", "pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word",
    ),
    "ofd": ("application/ofd", "ofd", "OFD"),
}


def render(doc: dict, fmt: str = "pdf", font_overrides=None) -> bytes:
    """The circular in one of ``FORMATS``."""
    if fmt not in FORMATS:
        raise ValueError(f"未知的格式：{fmt}（可选 pdf、docx、ofd）")
    check_printable(doc)
    # python-docx and the PDF reader are imported on the first such export, not at start
    if fmt == "docx":
        from . import word

        return word.render_circular_docx(doc, font_overrides)
    if fmt == "ofd":
        from . import ofd

        return ofd.render_circular_ofd(doc, font_overrides)

    return circular.render_circular(doc, font_overrides)
