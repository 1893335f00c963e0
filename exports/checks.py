"""What a document must hold to be printed in any format: a document with nothing to print is
refused in Chinese (``EmptyDocument``) rather than written as an empty file."""


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
