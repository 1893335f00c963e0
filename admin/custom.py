"""A unit's own fields in the panel: forms, list columns, filters, search, details and exports.

The definitions live in ``documents.custom_fields``. A view of plans or case cards is scoped to
one unit per request: the unit of the record being edited or shown, the unit chosen on the create
form, or the ``unit`` argument of a list (kept by Flask-Admin across paging, sorting, filtering
and searching). Flask-Admin computes its columns and filters once, at start-up; here they are
properties that add the scoped unit's fields for the current request only (kept in ``flask.g``),
so a definition change shows on the next page load, without a restart, and one unit's fields
never appear in another unit's pages.

Here is the view mixin that does this (columns, details, exports, sorting, search and the forms'
scope); the form fields it adds and the values between form and store are in ``custom_forms``,
the filters on the fields' values in ``custom_filters``.
"""

import re

import bson
import mongoengine
from flask import g, request
from flask_admin.contrib.mongoengine.tools import parse_like_term
from flask_admin.helpers import get_form_data
from flask_babel import gettext
from markupsafe import Markup, escape

import documents
from documents import custom_schema, custom_values
from exports.cells import safe_cell

from .auth import can, scoped
from .custom_filters import filters_for
from .custom_forms import (
    PREFIX,
    _populate_core_fields,
    editable_fields,
    form_field,
    form_value,
    stored_value,
    visible_fields,
)
from .flaskadmin_adapter import RequestScopedView


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
