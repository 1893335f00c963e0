"""What a failure tells the reader: a message in Chinese chosen by the error's type, never the
exception's own text (``date value out of range``, ``MongoDB can only handle up to 8-byte ints``
are English and say nothing to an office clerk); and the reference number under which an
unexpected failure is logged with its traceback, so that the reader can quote it."""

import decimal
import secrets

import bson
import jsonschema
from flask import current_app, request
from flask_babel import gettext

from documents import custom_fields


def reference() -> str:
    """A short reference number for one failure (8 hex digits)."""
    return secrets.token_hex(4)


def quoted(text, length=30) -> str:
    """User input repeated in a message: short (flashed messages live in the session cookie,
    which a browser drops beyond 4 KB) and without control characters."""
    text = str(text)
    shown = "".join(c if c.isprintable() else "\ufffd" for c in text[:length])
    return shown + ("…" if len(text) > length else "")


def explain(exc: BaseException) -> str | None:
    """A Chinese message for a failure caused by what was entered, by the error's type; None for
    one that is not (a defect, to be logged with a reference number)."""
    if isinstance(exc, RecursionError):
        return gettext("内容的嵌套层数过多")
    if isinstance(exc, OverflowError):  # date arithmetic, an integer BSON cannot hold
        return gettext("日期或数值超出了可以处理的范围")
    if isinstance(exc, bson.errors.InvalidId):
        return gettext("关联记录不存在")
    if isinstance(exc, bson.errors.InvalidDocument):
        return gettext("内容含有无法保存的字段名或数值（字段名不能以 $ 开头，不能含有英文句点或"
                       "空字符；整数不能超过 18 位）")  # fmt: skip
    if isinstance(exc, bson.errors.BSONError):
        return gettext("内容含有无法保存的字符或数值")
    if isinstance(exc, jsonschema.ValidationError):
        return custom_fields.schema_message(exc.validator)
    if isinstance(exc, decimal.InvalidOperation):
        return gettext("不是有效的数字")
    if isinstance(exc, UnicodeError):
        return gettext("含有无法识别的字符")
    if isinstance(exc, ValueError):  # a date that does not exist or is out of range, mostly
        return gettext("日期或数值无效，或超出了可以处理的范围")
    return None


def log_failure(exc: BaseException | None, reference_number: str, what: str = "") -> None:
    """The failure in the application log, with its traceback and reference number."""
    where = f"{request.method} {request.full_path}" if request else ""
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    current_app.logger.error("内部错误（编号 %s）%s %s", reference_number, what, where,
                             exc_info=exc_info)  # fmt: skip
