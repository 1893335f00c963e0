"""The formats a circular is exported in: PDF (to print), Word (to edit), OFD (to send).

``render(doc, "docx")`` takes the plain data of ``circular.render_circular``; a document with
nothing to print is refused in Chinese (``EmptyDocument``) rather than written as an empty file.
"""

FORMATS = {
    "pdf": ("application/pdf", "pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word",
    ),
    "ofd": ("application/ofd", "ofd", "OFD"),
}


class EmptyDocument(ValueError):
    """A plan with nothing to print: said in Chinese, never an empty file. ``reason`` is
    "title" or "text" (the panel says it in the user's language)."""

    def __init__(self, message, reason):
        super().__init__(message)
        self.reason = reason


def check_printable(doc: dict) -> None:
    """Refuses a document without a title, or without any text and attachment, in Chinese."""
    has_text = (
        any(
            (s.get("heading") or "").strip() or (s.get("text") or "").strip()
            for s in doc.get("sections") or []
        )
        or (doc.get("preamble") or "").strip()
    )
    if not (doc.get("title") or "").strip():
        raise EmptyDocument("文件没有标题，无法生成公文：请先填写标题。", "title")
    if not has_text and not doc.get("attachments"):
        raise EmptyDocument("文件没有正文，无法生成公文：请先填写正文。", "text")


def render(doc: dict, fmt: str = "pdf", font_overrides=None) -> bytes:
    """The circular in one of ``FORMATS``."""
    if fmt not in FORMATS:
        raise ValueError(f"未知的格式：{fmt}（可选 pdf、docx、ofd）")
    check_printable(doc)
    if fmt == "docx":
        from .word import render_circular_docx

        return render_circular_docx(doc, font_overrides)
    if fmt == "ofd":
        from .ofd import render_circular_ofd

        return render_circular_ofd(doc, font_overrides)
    from .circular import render_circular

    return render_circular(doc, font_overrides)
