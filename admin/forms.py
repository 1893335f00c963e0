"""Form conversion for MongoEngine documents, in one place for every view.

Flask-Admin's MongoEngine converter skips ``EmbeddedDocumentListField`` and turns a ``DictField``
into a text area it cannot save. Here the nested lists become inline lists of subforms (with
Chinese labels), a ``DictField`` becomes a JSON editor that refuses what is not a JSON object, a
list of strings becomes a text area with one item a line, and long strings get a text area.
"""

import datetime
import json
import math
import re

from flask_admin.contrib.mongoengine import EmbeddedForm
from flask_admin.contrib.mongoengine.form import CustomModelConverter
from flask_admin.contrib.mongoengine.form import ModelSelectField as _ModelSelectField
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from mongoengine import DateField, Document, EmbeddedDocumentField, IntField, ListField, StringField
from mongoengine import ValidationError as DocumentValidationError
from wtforms import fields, validators

from documents.fields import control_problem, date_problem
from documents.importer.common import number_of

from .flaskadmin_adapter import add_converters
from .labels import help_for, labels_for

LONG_TEXT_FROM = 200  # strings allowed to be longer than this get a text area


MAX_JSON_DEPTH = 20  # objects and lists within one another
INT64 = (-(2**63), 2**63 - 1)  # the integers BSON stores


class _Refused(ValueError):
    """A JSON value the panel does not store, said in Chinese."""


def _json_int(text):
    # checked before conversion: Python refuses to convert more than 4,300 digits at all
    if len(text.lstrip("-")) > 19 or not INT64[0] <= int(text) <= INT64[1]:
        raise _Refused(
            gettext(
                "整数“%(number)s”超出了可以保存的范围（不能超过 18 位）",
                number=text[:20] + ("…" if len(text) > 20 else ""),
            )
        )
    return int(text)


def _json_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(gettext("数值“%(number)s”超出了可以保存的范围", number=text[:20]))
    return value


def _json_constant(name):
    raise _Refused(gettext("不能使用 %(name)s，请填写数字", name=name))


def _json_problem(value, depth=1):
    """What the panel does not store in a JSON value (None when it stores it whole): nesting
    deeper than MAX_JSON_DEPTH, field names MongoDB refuses (starting with $, holding a full stop
    or a control character), text that is not Unicode."""
    if depth > MAX_JSON_DEPTH:
        return gettext("嵌套不能超过 %(n)s 层", n=MAX_JSON_DEPTH)
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no store can hold it
            return gettext("含有无法识别的字符")
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    if isinstance(value, dict):
        for key in value:
            if key.startswith("$") or "." in key or not key.isprintable():
                return gettext(
                    "字段名“%(key)s”不能以 $ 开头，也不能含有英文句点或控制字符",
                    key="".join(c if c.isprintable() else "\ufffd" for c in key[:30]),
                )
    for item in items:
        problem = _json_problem(item, depth + 1)
        if problem:
            return problem
    return None


class JSONObjectField(fields.TextAreaField):
    """Edits a DictField as a JSON object, refusing what MongoDB cannot store or the panel
    cannot show: deep nesting, integers beyond 8 bytes, NaN and infinities, refused field names."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if not self.data:
            return ""
        return json.dumps(self.data, ensure_ascii=False, indent=2, default=_json_default)

    def process_formdata(self, valuelist):
        self.data = {}
        if not valuelist or not valuelist[0].strip():
            return
        try:
            value = json.loads(
                valuelist[0],
                parse_int=_json_int,
                parse_float=_json_float,
                parse_constant=_json_constant,
            )
        except _Refused:
            raise
        except RecursionError:  # nested a few hundred deep: the decoder gives up
            raise ValueError(gettext("嵌套不能超过 %(n)s 层", n=MAX_JSON_DEPTH)) from None
        except json.JSONDecodeError as exc:
            raise ValueError(
                gettext(
                    "不是有效的 JSON：第 %(line)s 行第 %(col)s 列有误",
                    line=exc.lineno,
                    col=exc.colno,
                )
            ) from None
        except ValueError:
            raise ValueError(gettext("不是有效的 JSON")) from None
        if not isinstance(value, dict):
            raise ValueError(gettext('必须是 JSON 对象，例如 {"字段": "值"}'))
        problem = _json_problem(value)
        if problem:
            raise ValueError(problem)
        self.data = value


def _blank_is_none(coerce):
    def convert(value):
        return None if value in ("", None) else coerce(value)

    return convert


def _json_default(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


class VersionField(fields.HiddenField):
    """The version of a record the person saw when the form was made (optimistic locking)."""

    def process_formdata(self, valuelist):
        try:
            self.data = int(valuelist[0]) if valuelist and valuelist[0] else 0
        except ValueError:
            self.data = 0


class LinesField(fields.TextAreaField):
    """Edits a list of strings as a text area, one item a line; blank lines are dropped."""

    def __init__(self, label=None, validators=None, max_item_length=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_item_length = max_item_length

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = [line.strip() for line in valuelist[0].splitlines() if line.strip()]
        else:
            self.data = []

    def pre_validate(self, form):
        limit = self.max_item_length
        for number, item in enumerate(self.data or [], start=1):
            if limit and len(item) > limit:
                raise validators.ValidationError(
                    gettext("第 %(n)s 行超过 %(max)s 个字", n=number, max=limit)
                )


class NumbersField(fields.StringField):
    """Edits a list of whole numbers as one line: 1、4 or 8, 25 (第一、四周; 每月8日、25日)."""

    def __init__(self, label=None, validators=None, min_value=None, max_value=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.min_value, self.max_value = min_value, max_value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "、".join(str(n) for n in self.data or [])

    def process_formdata(self, valuelist):
        self.data, self.bad = [], []
        for item in re.split(r"[\s,，、;；]+", valuelist[0] if valuelist else ""):
            # as a clerk writes them: 第一、第四; 8日、25号; 十五; 初一 stays a mistake here
            number = number_of(re.sub(r"^第|[日号周个]$", "", item))
            if item:
                (self.data if number is not None else self.bad).append(
                    number if number is not None else item
                )

    def pre_validate(self, form):
        if getattr(self, "bad", None):
            bad = self.bad[0] if len(self.bad[0]) <= 20 else self.bad[0][:20] + "…"
            raise validators.ValidationError(gettext("“%(item)s”不是数字", item=bad))
        for n in self.data or []:
            if (self.min_value is not None and n < self.min_value) or (
                self.max_value is not None and n > self.max_value
            ):
                raise validators.ValidationError(
                    gettext(
                        "%(n)s 不在 %(low)s 到 %(high)s 之间",
                        n=n,
                        low=self.min_value,
                        high=self.max_value,
                    )
                )


class DatesField(LinesField):
    """Edits a list of dates, one a line (2024-10-19)."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(d.isoformat() for d in self.data or [])

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.raw_lines, dates = list(self.data), []
        for line in self.raw_lines:
            try:
                dates.append(datetime.date.fromisoformat(line))
            except ValueError:
                dates.append(None)
        self.data = dates

    def pre_validate(self, form):
        for line, day in zip(self.raw_lines if self.raw_data else [], self.data, strict=False):
            if day is None:
                raise validators.ValidationError(
                    gettext("“%(line)s”不是日期，请写成 2024-10-19", line=line)
                )


class ModelSelectField(_ModelSelectField):
    """Flask-Admin's reference drop-down, offering only records the account may see, and
    refusing a malformed id or one outside that scope instead of failing with a 500.

    A record's stored choice outside the account's scope (a unit's 上级单位 seen from the unit)
    stays offered and may be kept, never swapped for another outside the scope."""

    def _scope(self):
        from .auth import scoped

        if self.queryset is not None:
            self.queryset = scoped(self.queryset._document, self.queryset)

    def _kept(self):
        """The stored choice, when the account's scope does not hold it."""
        stored = getattr(self, "object_data", None)
        if stored is None or getattr(stored, "pk", None) is None or self.queryset is None:
            return None
        return None if self.queryset.filter(pk=stored.pk).count() else stored

    def __init__(self, *args, required_choice=False, **kwargs):
        super().__init__(*args, **kwargs)
        # a required choice still starts blank (no record lands in the first unit unasked),
        # unless there is only one to choose
        self.required_choice = required_choice

    def iter_choices(self):
        self._scope()
        kept = self._kept()
        if (
            self.required_choice
            and self.data is None
            and not self.raw_data
            and self.queryset is not None
            and self.queryset.count() == 1
        ):
            self.data = self.queryset.first()
        choices = list(super().iter_choices())
        if kept is not None:
            at = 1 if self.allow_blank else 0
            choices.insert(at, (kept.pk, str(kept), self.data == kept, {}))
        return iter(choices)

    def process_formdata(self, valuelist):
        self._scope()
        kept = self._kept()
        if kept is not None and valuelist and valuelist[0] == str(kept.pk):
            self.data = kept
            return
        try:
            super().process_formdata(valuelist)
        except DocumentValidationError:
            self.data = None
            raise ValueError(gettext("所选的关联记录不存在")) from None

    def pre_validate(self, form):
        chosen = self.raw_data and self.raw_data[0] not in ("", "__None")
        if chosen and self.data is None:
            raise validators.ValidationError(gettext("所选的关联记录不存在"))
        if (not self.allow_blank or self.required_choice) and self.data is None:
            raise validators.ValidationError(gettext("请选择一项"))


def _no_control_characters(form, field):
    if isinstance(field.data, str) and (problem := control_problem(field.data)):
        raise validators.ValidationError(problem)


def _date_in_range(form, field):
    if problem := date_problem(field.data):
        raise validators.ValidationError(problem)


def choice_label(record) -> str:
    """How a record reads in a drop-down: a unit by its full name and its 简称, so that typing
    either finds it; a person with the 职务."""
    name = getattr(record, "name", None)
    short = getattr(record, "short_name", None)
    if isinstance(record, Document) and "short_name" in record._fields and name:
        return f"{name}（{short}）" if short and short != name else name
    return str(record)


class XinfangConverter(CustomModelConverter):
    """Flask-Admin's MongoEngine converter with the nested parts and JSON handled."""

    def __init__(self, view):
        super().__init__(view)
        add_converters(
            self, {"EmbeddedDocumentListField": self.conv_List, "DictField": self.conv_Dict}
        )

    def clone_converter(self, view):
        return self.__class__(view)

    def convert(self, model, field, field_args):
        unbound = super().convert(model, field, field_args)
        # An optional choice gets a blank option that stores nothing, instead of a value that
        # is not among the choices.
        if unbound is not None and getattr(field, "choices", None) and not field.required:
            if not isinstance(field, ListField) and "choices" in unbound.kwargs:
                unbound.kwargs["choices"] = [("", "—"), *unbound.kwargs["choices"]]
                unbound.kwargs["coerce"] = _blank_is_none(unbound.kwargs.get("coerce", str))
        return unbound

    def conv_String(self, model, field, kwargs):
        if field.max_length and field.max_length > LONG_TEXT_FROM:
            kwargs.setdefault("textarea", True)
        if not field.required:
            # an empty input stores nothing, rather than "" (which a regex or choice refuses)
            kwargs["filters"] = [*kwargs.get("filters", []), _blank_is_none(str)]
        # said next to the field with the form's other errors (the record refuses it too)
        kwargs["validators"] = [*kwargs.get("validators", []), _no_control_characters]
        return super().conv_String(model, field, kwargs)

    def conv_Date(self, model, field, kwargs):
        # the dates the panel works with, said next to the field before the record's own
        # checks compute deadlines or periods from it (documents.fields.date_problem)
        kwargs["validators"] = [*kwargs.get("validators", []), _date_in_range]
        return super().conv_Date(model, field, kwargs)

    def conv_Reference(self, model, field, kwargs):
        kwargs["allow_blank"] = True
        kwargs["required_choice"] = bool(field.required)
        if field.required:
            kwargs.setdefault("blank_text", _l("（请选择）"))
        kwargs.setdefault("label_modifier", choice_label)
        return ModelSelectField(model=field.document_type, **kwargs)

    def conv_Dict(self, model, field, kwargs):
        kwargs.setdefault("description", _l("可填写本单位特有的内容，格式为 JSON 对象。"))
        return JSONObjectField(**kwargs)

    def conv_List(self, model, field, kwargs):
        inner = field.field
        if isinstance(inner, StringField) and not inner.choices:
            kwargs.setdefault("description", _l("每行一项"))
            return LinesField(max_item_length=inner.max_length, **kwargs)
        if isinstance(inner, IntField) and not inner.choices:
            kwargs.setdefault("description", _l("可写多个，以顿号或逗号分隔"))
            return NumbersField(min_value=inner.min_value, max_value=inner.max_value, **kwargs)
        if isinstance(inner, DateField):
            kwargs.setdefault("description", _l("每行一个日期，如 2024-10-19"))
            return DatesField(**kwargs)
        return super().conv_List(model, field, kwargs)


def subdocument_forms(model) -> dict:
    """EmbeddedForm configs, with Chinese labels, for every embedded field of a document.

    Flask-Admin looks up the subform of a list's items under the key None.
    """
    result = {}
    for name, field in model._fields.items():
        if isinstance(field, ListField) and isinstance(field.field, EmbeddedDocumentField):
            item_form = _embedded_form(field.field.document_type)
            result[name] = EmbeddedForm(form_subdocuments={None: item_form})
        elif isinstance(field, EmbeddedDocumentField):
            result[name] = _embedded_form(field.document_type)
    return result


def _embedded_form(embedded) -> EmbeddedForm:
    """The subform of an embedded document; what the program keeps itself (``computed_fields``,
    such as the people a rule's leaders are linked to) is not offered for editing."""
    labels, helps = labels_for(embedded), help_for(embedded)
    return EmbeddedForm(
        form_excluded_columns=tuple(getattr(embedded, "computed_fields", ())),
        form_args={
            key: {"label": label, **({"description": helps[key]} if key in helps else {})}
            for key, label in labels.items()
        },
        form_subdocuments=subdocument_forms(embedded),
    )
