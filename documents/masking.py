"""Personal data as shown to those without the right to see it whole: the middle of an ID
number or phone hidden, any other personal text kept to its first character."""

import re

_ID_SHAPE = re.compile(r"[0-9]{15}|[0-9]{17}[0-9Xx]")
_PHONE_SHAPE = re.compile(r"\+?[0-9][0-9 ()\-]{5,}[0-9]")


def mask_id(value: str) -> str:
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 7) + value[-3:]


def mask_phone(value: str) -> str:
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(value) -> str:
    """A value of a field marked 个人信息, whatever it holds."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if _ID_SHAPE.fullmatch(text):
        return mask_id(text)
    if _PHONE_SHAPE.fullmatch(text):
        return mask_phone(re.sub(r"[ ()\-]", "", text))
    return text[0] + "*" * max(len(text) - 1, 2)
