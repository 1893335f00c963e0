"""A unit's own fields in the panel: forms, list columns, filters, search, details and exports.

The definitions live in ``documents.custom_fields``. A view of plans or case cards is scoped to
one unit per request: the unit of the record being edited or shown, the unit chosen on the create
form, or the ``unit`` argument of a list (kept by Flask-Admin across paging, sorting, filtering
and searching). Flask-Admin computes its columns and filters once, at start-up; here they are
properties that add the scoped unit's fields for the current request only (kept in ``flask.g``),
so a definition change shows on the next page load, without a restart, and one unit's fields
never appear in another unit's pages.
"""

import math
import re

import bson
import mongoengine
from flask import g, request
from flask_admin.contrib.mongoengine import filters as me_filters
from flask_admin.contrib.mongoengine.tools import parse_like_term
from flask_admin.helpers import get_form_data
from flask_admin.model.fields import InlineFieldList, InlineFormField
from flask_babel import gettext
from markupsafe import Markup, escape
from wtforms import Form, fields, validators, widgets

import documents
from documents import custom_fields, custom_schema, custom_values
from exports.cells import safe_cell

from .auth import can, scoped
from .flaskadmin_adapter import RequestScopedView

PREFIX = "x__"  # form field names of custom fields, apart from the core fields


# --- form fields ---


def visible_fields(field_set):
    return field_set.active if field_set else []


def editable_fields(field_set):
    """The active fields a form offers: who may not see personal data may not change it."""
    allowed = can("personal_data")
    return [f for f in visible_fields(field_set) if allowed or not f.holds_personal_data]


def form_field(definition, unit, stored=None):
    """An unbound WTForms field for one definition (a column of a table too)."""
    kind = definition.type
    required = definition.required and kind != "boolean"
    checks = (
        [validators.InputRequired(message=gettext("该字段是必填字段。"))]
        if required
        else [validators.Optional()]
    )
    # Flask-Admin prints a description as markup: the unit's text goes in escaped
    description = escape(getattr(definition, "help_text", None) or "")
    if stored is not None and not custom_values.fits(definition, stored):
        description += gettext(
            "（原值「%(value)s」与当前类型不符，保留不变，直到填写新值或迁移）",
            value=custom_values.display(None, stored),
        )
    options = {"label": definition.label, "description": description, "validators": checks}
    if kind in ("text", "textarea"):
        low, high = getattr(definition, "min_length", None), getattr(definition, "max_length", None)
        if low or high:
            checks.append(validators.Length(min=low or -1, max=high or -1))
        if getattr(definition, "pattern", None):
            checks.append(_matches(definition.pattern))
        return (fields.TextAreaField if kind == "textarea" else fields.StringField)(**options)
    if kind == "number":
        checks.append(_storable_number(definition))
        low, high = (_finite(getattr(definition, name, None)) for name in ("minimum", "maximum"))
        if low is not None or high is not None:
            checks.append(validators.NumberRange(min=low, max=high))
        return fields.DecimalField(**options)
    if kind == "date":
        return fields.DateField(**options)
    if kind == "boolean":
        options["validators"] = []
        return fields.BooleanField(**options)
    if kind == "choice":
        choices = [(c, c) for c in definition.choices]
        if not required:
            choices.insert(0, ("", "—"))
        return fields.SelectField(choices=choices, **options)
    if kind == "multichoice":
        return ChoicesField(
            choices=[(c, c) for c in definition.choices],
            widget=widgets.ListWidget(prefix_label=False),
            option_widget=widgets.CheckboxInput(),
            **options,
        )
    if kind == "person":
        people = documents.Person.objects(unit=unit).only("name", "title") if unit else []
        choices = [("", "—")] + [(str(p.pk), str(p)) for p in people]
        return fields.SelectField(choices=choices, **options)
    if kind == "table":
        row_form = type(
            "RowForm",
            (Form,),
            {column.key: form_field(column, unit) for column in definition.columns},
        )
        options["validators"] = []
        return InlineFieldList(InlineFormField(row_form), min_entries=0, **options)
    raise ValueError(f"unknown field type {kind}")


def _matches(pattern):
    """The 格式 check of a text field, as the stored values are checked (RE2, linear time,
    JSON Schema's unanchored search), not wtforms' Regexp (Python's backtracking re)."""

    def check(form, field):
        if field.data and not custom_schema.matches(pattern, field.data):
            raise validators.ValidationError(gettext("格式不正确"))

    return check


def _finite(bound):
    """A bound of a number field; NaN or infinity (refused since, perhaps stored before) is none:
    comparing with NaN failed every save."""
    return bound if bound is not None and math.isfinite(bound) else None


def _storable_number(definition):
    """A validator: the number is one MongoDB stores (no NaN or infinity, integers of 8 bytes);
    the chain stops here, as comparing NaN with the bounds fails."""

    def check(form, field):
        if field.data is None:
            return
        try:
            custom_values.parse_value(definition, str(field.data))
        except ValueError as problem:
            field.errors[:] = []
            raise validators.StopValidation(str(problem)) from None

    return check


class ChoicesField(fields.SelectMultipleField):
    """Several choices as check boxes, refusing unknown ones in Chinese."""

    def pre_validate(self, form):
        allowed = {str(value) for value, _ in self.choices}
        wrong = [str(v) for v in self.data or [] if str(v) not in allowed]
        if wrong:
            raise validators.ValidationError(
                gettext("「%(values)s」不是有效的选择", values="、".join(wrong))
            )


def form_value(definition, value):
    """A stored value as the form field wants it."""
    if value is None:
        return None
    try:
        value = custom_values.parse_value(definition, value)
    except ValueError:
        return None  # a value of an older type: the form starts empty, the value is kept
    if definition.type == "date":
        import datetime

        return datetime.date.fromisoformat(value)
    if definition.type == "table":
        return [dict(row) for row in value]
    return value


def stored_value(definition, data):
    """What a form field's data is stored as (None when empty)."""
    kind = definition.type
    if data is None or data == "" or data == []:
        return None if kind != "boolean" else bool(data)
    if kind == "number":
        return custom_values.parse_value(definition, str(data))
    if kind == "date":
        return data.isoformat()
    if kind == "table":
        rows = []
        for row in data:
            values = {}
            for column in definition.columns:
                value = stored_value(column, row.get(column.key))
                if value is not None and value is not False:
                    values[column.key] = value
            if values:
                rows.append(values)
        return rows or None
    return data


def _populate_core_fields(form, obj):
    """The form's populate_obj for the document's own fields; custom ones go to ``extra``."""
    for name, field in form._fields.items():
        if not name.startswith(PREFIX):
            field.populate_obj(obj, name)


# --- filters ---


class ExtraFilter(me_filters.BaseMongoEngineFilter):
    """A filter on a custom field's value in ``extra``."""

    operator = None  # the MongoDB operator, or a callable building the condition

    def __init__(self, key, name, options=None, data_type=None, label=None):
        super().__init__(f"extra.{key}", name, options=options, data_type=data_type)
        self.key = key
        self.label = label

    def condition(self, value):
        return {self.operator: value}

    def apply(self, query, value):
        return query.filter(__raw__={self.column: self.condition(value)})

    def card_condition(self, value):
        """The condition as the card-query contract takes it: (key, operator, value)."""
        return self.key, _CONTRACT_OPERATORS[self.operator], value

    def operation(self):
        return self.label


_CONTRACT_OPERATORS = {"$eq": "=", "$ne": "!=", "$gt": ">", "$lt": "<", "$gte": ">=", "$lte": "<="}


class ExtraEqual(ExtraFilter):
    operator = "$eq"


class ExtraNotEqual(ExtraFilter):
    operator = "$ne"


class ExtraContains(ExtraFilter):
    def condition(self, value):
        return {"$regex": re.escape(value), "$options": "i"}

    def card_condition(self, value):
        return self.key, "contains", value


class ExtraGreater(ExtraFilter):
    operator = "$gt"


class ExtraSmaller(ExtraFilter):
    operator = "$lt"


class ExtraNumberFilter(ExtraFilter):
    def validate(self, value):
        try:
            float(value)
        except ValueError:
            return False
        return True

    def clean(self, value):
        return custom_values.parse_value(custom_fields.FieldDefinition(type="number"), value)


class ExtraNumberEqual(ExtraNumberFilter):
    operator = "$eq"


class ExtraNumberGreater(ExtraNumberFilter):
    operator = "$gt"


class ExtraNumberSmaller(ExtraNumberFilter):
    operator = "$lt"


class ExtraDateFilter(ExtraFilter):
    def __init__(self, key, name, label=None):
        super().__init__(key, name, data_type="datepicker", label=label)

    def validate(self, value):
        return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", value))


class ExtraDateEqual(ExtraDateFilter):
    operator = "$eq"


class ExtraDateAfter(ExtraDateFilter):
    operator = "$gte"


class ExtraDateBefore(ExtraDateFilter):
    operator = "$lte"


class ExtraBoolean(ExtraFilter):
    def __init__(self, key, name, label=None):
        options = [("1", gettext("是")), ("0", gettext("否"))]
        super().__init__(key, name, options=options, label=label)

    def condition(self, value):
        return {"$eq": True} if value == "1" else {"$ne": True}

    def card_condition(self, value):
        return self.key, "=" if value == "1" else "!=", True


class ExtraHasItem(ExtraFilter):
    operator = "$eq"  # on an array, equality matches an item


def filters_for(definition):
    """The filters a custom field offers, by its type."""
    key, name, kind = definition.key, definition.label, definition.type
    equal, not_equal = gettext("等于"), gettext("不等于")
    if kind in ("text", "textarea"):
        return [ExtraContains(key, name, label=gettext("包含")), ExtraEqual(key, name, label=equal)]
    if kind == "number":
        return [
            ExtraNumberEqual(key, name, label=equal),
            ExtraNumberGreater(key, name, label=gettext("大于")),
            ExtraNumberSmaller(key, name, label=gettext("小于")),
        ]
    if kind == "date":
        return [
            ExtraDateEqual(key, name, label=equal),
            ExtraDateAfter(key, name, label=gettext("不早于")),
            ExtraDateBefore(key, name, label=gettext("不晚于")),
        ]
    if kind == "boolean":
        return [ExtraBoolean(key, name, label=equal)]
    if kind == "choice":
        options = [(c, c) for c in definition.choices]
        return [
            ExtraEqual(key, name, options=options, label=equal),
            ExtraNotEqual(key, name, options=options, label=not_equal),
        ]
    if kind == "multichoice":
        options = [(c, c) for c in definition.choices]
        return [ExtraHasItem(key, name, options=options, label=gettext("包含"))]
    if kind == "person":
        people = documents.Person.objects(unit=g.xf_scope_unit).only("name", "title")
        options = [(str(p.pk), str(p)) for p in people]
        return [ExtraEqual(key, name, options=options, label=equal)]
    return []


# --- the view mixin ---


class CustomFieldsMixin(RequestScopedView):
    """Adds the scoped unit's own fields to a view of plans or case cards."""

    custom_target = None  # "plan" or "case_card"

    # which unit and which fields this request is about

    def scope_unit(self):
        cache = g.setdefault("xf_scope", {})
        if "unit" not in cache:
            cache["unit"] = self._find_scope_unit()
        return cache["unit"]

    def _find_scope_unit(self):
        from .auth import scoped

        unit_id = request.args.get("unit") or (request.form.get("unit") if request.form else None)
        if unit_id and bson.ObjectId.is_valid(unit_id):
            return scoped(documents.Unit, documents.Unit.objects(pk=unit_id)).first()
        record_id = request.args.get("id")
        if record_id and bson.ObjectId.is_valid(record_id):
            record = self.model.objects(pk=record_id).only("unit").first()
            return record.unit if record else None
        if unit_id or request.endpoint != f"{self.endpoint}.create_view":
            return None
        # an account of one unit: its unit, so that the plain create form has the unit's fields
        units = scoped(documents.Unit, documents.Unit.objects.only("id"))
        return units.first() if units.count() == 1 else None

    def scope_field_set(self):
        cache = g.setdefault("xf_scope", {})
        if "field_set" not in cache:
            unit = self.scope_unit()
            cache["field_set"] = documents.FieldSet.for_unit(unit, self.custom_target)
        return cache["field_set"]

    def scoped_attribute(self, name, base):
        field_set = self.scope_field_set()
        if field_set is None or not field_set.fields:
            return base
        cache = g.setdefault("xf_scope", {})
        if name not in cache:
            cache[name] = self._widen(name, base, field_set)
        return cache[name]

    def _widen(self, name, base, field_set):
        active = field_set.active
        if name == "_list_columns":
            return list(base or []) + [
                (f"extra.{f.key}", f.label) for f in active if f.show_in_list and f.type != "table"
            ]
        if name == "_details_columns":
            retired = gettext("（已停用）")
            return (
                list(base or [])
                + [(f"extra.{f.key}", f.label) for f in active]
                + [(f"extra.{f.key}", f"{f.label}{retired}") for f in field_set.retired]
            )
        if name == "_export_columns":
            return list(base or []) + [
                (f"extra.{f.key}", safe_cell(f.label)) for f in field_set.fields
            ]
        if name == "_sortable_columns":
            return {
                **(base or {}),
                **{
                    f"extra.{f.key}": f"extra.{f.key}"
                    for f in active
                    if f.type in ("text", "number", "date", "choice", "boolean")
                },
            }
        filters, args = self._custom_filters(base_filters=self.class_filters(), active=active)
        return {"_filters": filters, "_filter_args": args}[name]

    def _custom_filters(self, base_filters, active):
        cache = g.setdefault("xf_scope", {})
        if "filters" not in cache:
            g.xf_scope_unit = self.scope_unit()
            filters = list(base_filters)
            for definition in active:
                filters += filters_for(definition)
            args = {self.get_filter_arg(i, flt): (i, flt) for i, flt in enumerate(filters)}
            cache["filters"] = (filters, args)
        return cache["filters"]

    # values in lists, detail pages and exports

    def own_column_value(self, context, model, name):
        if not name.startswith("extra."):
            return super().own_column_value(context, model, name)
        key = name[len("extra.") :]
        field_set = self.scope_field_set()
        definition = field_set.field(key) if field_set else None
        value = (model.extra or {}).get(key)
        text = custom_values.display(definition, value, mask=not can("personal_data"))
        if (
            definition is not None
            and value is not None
            and not custom_values.fits(definition, value)
            and context is not None
        ):
            return Markup(
                f"{escape(text)} <span class='badge badge-warning'>"
                f"{escape(gettext('旧类型的值'))}</span>"
            )
        return text

    # search

    def search_query(self, query, search_term, fields):
        op, term = parse_like_term(search_term)
        criteria = None
        for field in fields:
            q = mongoengine.Q(**{f"{field.name}__{op}": term})
            criteria = q if criteria is None else criteria | q
        field_set = self.scope_field_set()
        for definition in visible_fields(field_set):
            if definition.type in ("text", "textarea", "choice", "multichoice") and not (
                definition.personal and not can("personal_data")
            ):
                raw = {f"extra.{definition.key}": {"$regex": re.escape(term), "$options": "i"}}
                q = mongoengine.Q(__raw__=raw)
                criteria = q if criteria is None else criteria | q
        return query.filter(criteria) if criteria is not None else query

    # forms

    def _custom_form(self, form_class, record=None, formdata=True):
        """The form with the unit's own fields; ``formdata=None`` fills it from ``record`` only
        (an unsaved record shown for review)."""
        formdata = get_form_data() if formdata is True else formdata
        unit = record.unit if record is not None else self.scope_unit()
        field_set = documents.FieldSet.for_unit(unit, self.custom_target)
        if field_set is None or not field_set.active:
            form = form_class(formdata, obj=record)
            self._limit_choices_to_unit(form, unit, record)
            return form, None
        stored = (record.extra or {}) if record is not None else {}
        extra_fields, initial = {}, {}
        for definition in editable_fields(field_set):
            name = PREFIX + definition.key
            extra_fields[name] = form_field(definition, unit, stored.get(definition.key))
            if record is not None:
                initial[name] = form_value(definition, stored.get(definition.key))
            elif definition.default not in (None, ""):
                initial[name] = form_value(definition, definition.default)
        extra_fields["populate_obj"] = _populate_core_fields
        widened = type(form_class.__name__, (form_class,), extra_fields)
        form = widened(formdata, obj=record, **initial)
        self._limit_choices_to_unit(form, unit, record)
        return form, field_set

    def adjust_form(self, form, unit, record):
        """A hook for views to set choices that depend on the unit or the record."""

    def _limit_choices_to_unit(self, form, unit, record):
        """Drop-downs of people and plans offer those of the form's unit only."""
        self.adjust_form(form, unit, record)
        if unit is None:
            return
        if record is None and "unit" in form and not form.unit.data:
            form.unit.data = unit
        for name, field in self.model._fields.items():
            target = getattr(field, "document_type", None)
            if (
                name in form
                and name != "unit"
                and target is not None
                and "unit" in getattr(target, "_fields", {})
                and getattr(form[name], "queryset", None) is not None
            ):
                form[name].queryset = scoped(target, target.objects(unit=unit))

    def create_form(self, obj=None):
        form, _ = self._custom_form(self.form_class("create"))
        return form

    def edit_form(self, obj=None):
        form, _ = self._custom_form(self.form_class("edit"), obj)
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        field_set = documents.FieldSet.for_unit(model.unit, self.custom_target)
        if field_set is None:
            return
        extra = dict(model.extra or {})
        submitted = {}
        for definition in field_set.active:
            name = PREFIX + definition.key
            if name not in form:
                continue  # the unit changed on this form: its fields come on the next edit
            value = stored_value(definition, form[name].data)
            old = extra.get(definition.key)
            if value is None:
                if old is not None and not custom_values.fits(definition, old):
                    continue  # a value of an older type stays until replaced or migrated
                extra.pop(definition.key, None)
            else:
                extra[definition.key] = submitted[definition.key] = value
        kept_old = {
            d.key
            for d in field_set.active
            if d.key not in submitted and not custom_values.fits(d, extra.get(d.key))
        }
        hidden = {d.key for d in visible_fields(field_set)} - {
            d.key for d in editable_fields(field_set)
        }  # personal data this account cannot see
        checked = [d for d in field_set.active if d.key not in kept_old | hidden]
        problems = custom_schema.validate_values(
            checked, {d.key: extra[d.key] for d in checked if d.key in extra}
        )
        if problems:
            raise mongoengine.ValidationError("；".join(problems))
        model.extra = extra
        model.fields_version = field_set.version
