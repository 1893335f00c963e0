"""A unit's own fields on the panel's forms: one WTForms field per definition, and the values
between what is stored in ``extra`` and what a form field holds.

``CustomFieldsMixin`` (``admin/custom.py``) adds these fields to a plan's or a case card's form,
named ``PREFIX`` + the field's key so that they stand apart from the document's own fields, and
stores what was submitted. The checks here mirror those the stored values get
(``documents.custom_schema``): a 格式 is matched by RE2, a number must be one MongoDB stores.
"""

import math

from flask_admin.model.fields import InlineFieldList, InlineFormField
from flask_babel import gettext
from markupsafe import escape
from wtforms import Form, fields, validators, widgets

import documents
from documents import custom_schema, custom_values

from .auth import can

PREFIX = "x__"  # form field names of custom fields, apart from the core fields


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
