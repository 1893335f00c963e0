"""What a failure tells the reader: a message in Chinese chosen by the error's type, never the
exception's own text (``date value out of range``, ``MongoDB can only handle up to 8-byte ints``
are English and say nothing to an office clerk); and the reference number under which an
unexpected failure is logged with its traceback, so that the reader can quote it."""

import decimal
import re
import secrets

import bson
import jsonschema
import mongoengine
from flask import current_app, request
from flask_babel import gettext

import exports
from documents import custom_schema

from .labels import label_of


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
        return gettext(
            "内容含有无法保存的字段名或数值（字段名不能以 $ 开头，不能含有英文句点或"
            "空字符；整数不能超过 18 位）"
        )
    if isinstance(exc, bson.errors.BSONError):
        return gettext("内容含有无法保存的字符或数值")
    if isinstance(exc, jsonschema.ValidationError):
        return custom_schema.schema_message(exc.validator)
    if isinstance(exc, decimal.InvalidOperation):
        return gettext("不是有效的数字")
    if isinstance(exc, UnicodeError):
        return gettext("含有无法识别的字符")
    if isinstance(exc, exports.EmptyDocument):
        return {
            "title": gettext("文件没有标题，无法生成公文：请先填写标题。"),
            "text": gettext("文件没有正文，无法生成公文：请先填写正文。"),
        }[exc.reason]
    if isinstance(exc, ValueError):  # a date that does not exist or is out of range, mostly
        return gettext("日期或数值无效，或超出了可以处理的范围")
    return None


def log_failure(exc: BaseException | None, reference_number: str, what: str = "") -> None:
    """The failure in the application log, with its traceback and reference number."""
    where = f"{request.method} {request.full_path}" if request else ""
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    current_app.logger.error(
        "内部错误（编号 %s）%s %s", reference_number, what, where, exc_info=exc_info
    )


# --- mongoengine's validation errors ------------------------------------------------------------
# mongoengine raises one ValidationError type with English text for every constraint. The reason
# is found here from the field's declared constraints and the value it was given (too long for
# its max_length, not among its choices, below its min_value …), never from the English text.
# The documents' own validators already speak Chinese: their messages are shown as they are.

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH = re.compile(r"^[A-Za-z]")


def _own(message) -> bool:
    """A message of the documents' own validators (Chinese), not one of mongoengine's (English,
    which may quote Chinese values: "Value must be one of ('法院', …)")."""
    return bool(message) and bool(_CJK.search(message)) and not _ENGLISH.match(message)


_UNKNOWN = object()  # no value to look at (an error without a document)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _number_reason(field, value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        return (
            gettext("必须是整数")
            if isinstance(field, mongoengine.IntField)
            else gettext("必须是数字")
        )
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    if (low is not None and value < low) or (high is not None and value > high):
        return gettext(
            "数值超出范围（%(low)s～%(high)s）",
            low="" if low is None else low,
            high="" if high is None else high,
        )
    return gettext("数值无效或超出范围")


def _string_reason(field, value) -> str | None:
    if not isinstance(value, str):
        return gettext("必须是文字")
    if field.max_length is not None and len(value) > field.max_length:
        return gettext("内容过长（最多 %(n)s 个字）", n=field.max_length)
    if field.min_length is not None and len(value) < field.min_length:
        return gettext("内容过短（至少 %(n)s 个字）", n=field.min_length)
    if field.regex is not None and not field.regex.match(value):
        return gettext("格式不正确")
    return None


def _choices(field):
    return [c[0] if isinstance(c, (list, tuple)) else c for c in field.choices or ()]


def reason(field, value=_UNKNOWN) -> str:
    """What is wrong with ``value`` for ``field``, by the field's type and constraints."""
    inner = getattr(field, "field", None) or field
    if value is not _UNKNOWN:
        if _empty(value) and getattr(field, "required", False):
            return gettext("不能为空")
        if field is not None and field.choices and not _empty(value):
            values = value if isinstance(value, (list, tuple)) else [value]
            if any(v not in _choices(field) for v in values):
                return gettext("不是可选的值")
        if isinstance(field, mongoengine.StringField):
            found = _string_reason(field, value)
            if found:
                return found
        if isinstance(
            field, (mongoengine.IntField, mongoengine.FloatField, mongoengine.DecimalField)
        ):
            return _number_reason(field, value)
    elif getattr(field, "required", False) and not isinstance(field, mongoengine.StringField):
        return gettext("不能为空")
    for kinds, text in (
        (mongoengine.DictField, gettext("字段名不能以 $ 开头，也不能含有英文句点或空字符")),
        (
            (mongoengine.IntField, mongoengine.FloatField, mongoengine.DecimalField),
            gettext("数值无效或超出范围"),
        ),
        ((mongoengine.DateField, mongoengine.DateTimeField), gettext("不是有效的日期")),
        ((mongoengine.ReferenceField, mongoengine.LazyReferenceField), gettext("关联记录无效")),
        (mongoengine.StringField, gettext("内容不符合要求（长度或格式）")),
    ):
        if isinstance(field, kinds) or isinstance(inner, kinds):
            return text
    return gettext("内容无效")


def validation_messages(model, error: mongoengine.ValidationError, document=None) -> list[str]:
    """Each invalid field named by its Chinese label, with what is wrong with it; ``document``
    (the record that failed) lets the reason be read off the value it holds."""
    if not error.errors:
        message = error.message or ""
        return [message if _own(message) else gettext("内容无效")]
    return list(_walk(model, error.errors, "", document))


def _child(container, key):
    if container is _UNKNOWN or container is None:
        return _UNKNOWN
    try:
        if str(key).isdigit():
            return container[int(key)]
        if isinstance(container, dict):
            return container.get(key, _UNKNOWN)
        return getattr(container, key, _UNKNOWN)
    except (IndexError, KeyError, TypeError, AttributeError):
        return _UNKNOWN


def _walk(model, errors, prefix, document, field=None):
    """mongoengine nests errors by field, list index and NON_FIELD_ERRORS ("__all__")."""
    for key, error in errors.items():
        value = _child(document, key)
        if key == mongoengine.base.NON_FIELD_ERRORS:
            where, inner_model, inner_field, value = prefix, model, field, document
        elif str(key).isdigit():  # an item of a list field
            where, inner_model = f"{prefix}第{int(key) + 1}项", model
            inner_field = getattr(field, "field", None) or field
        else:
            inner_field = model._fields.get(key) if model is not None else None
            where = f"{prefix}「{label_of(model, key)}」" if inner_field else f"{prefix}{key}"
            inner_model = _embedded_type(inner_field)
        nested = error.errors if isinstance(error, mongoengine.ValidationError) else None
        if isinstance(error, dict):
            nested = error
        if nested:
            yield from _walk(inner_model, nested, where, value, inner_field)
            continue
        text = error.message if isinstance(error, mongoengine.ValidationError) else str(error)
        said = text if _own(text) else reason(inner_field, value)
        yield f"{where}：{said}" if where else said


def _embedded_type(field):
    inner = getattr(field, "field", None) or field
    return getattr(inner, "document_type", None) if inner is not None else None


def referrers(record) -> list[str]:
    """The kinds of record that still refer to ``record`` under a DENY rule (why a delete was
    refused), read off mongoengine's delete rules rather than its error text."""
    names = []
    for (kind, field), rule in type(record)._meta.get("delete_rules", {}).items():
        if rule == mongoengine.DENY and kind.objects(**{f"{field}__in": [record]}).limit(1).count():
            names.append(DOCUMENT_NAMES.get(kind.__name__, kind.__name__))
    return names


DOCUMENT_NAMES = {
    "Unit": "单位",
    "Person": "人员",
    "LeadershipGroup": "领导小组",
    "Plan": "实施方案",
    "CaseCard": "一案一卡",
    "Role": "角色",
    "Account": "账号",
    "FieldSet": "自定义字段",
}
