"""Every use of Flask-Admin's internals, in one place, so that an upgrade breaks here and only here.

Flask-Admin is pinned to 2.2.x (pyproject.toml). Each override below names what of Flask-Admin
2.2.1 (``flask_admin/model/base.py``, ``flask_admin/contrib/mongoengine/view.py``) it relies on.
The views (``admin/views/``, ``admin/custom.py``, ``admin/cardlist.py``) do not touch a private
name of Flask-Admin: they define the hooks of ``ModelViewAdapter`` and ``RequestScopedView``.
"""

import logging
from collections import OrderedDict

from flask import flash, has_request_context
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.model import BaseModelView
from flask_admin.model.base import FilterGroup
from flask_babel import gettext

from documents.fields import StringField as CheckedStringField

log = logging.getLogger(__name__)


class ModelViewAdapter(ModelView):
    """Flask-Admin's MongoEngine view with the hooks xinfang's views fill in."""

    max_page = None  # the largest ?page= a list accepts (None: any)
    # 2.2.1: _search checks a search column's exact class against allowed_search_types;
    # documents.fields.StringField (refusing control characters) is a subclass of mongoengine's
    allowed_search_types = (*ModelView.allowed_search_types, CheckedStringField)

    # --- hooks for the views ---

    def check_request(self, name):
        """Called before every exposed view, ``name`` the view's method (``create_view`` …)."""

    def record_being_saved(self, form, model, is_created):
        """Called with the record just before it is saved from a form (create or edit)."""

    def audit_change(self, action, model):
        """Called after every create, update and delete ("create", "update", "delete") that
        succeeded; the views' base logs them (admin.auditlog). No default: none is forgotten."""
        raise NotImplementedError(f"{type(self).__name__} does not log its changes")

    def remove_record(self, model) -> bool:
        """Delete the record (Flask-Admin's delete_model); a view may archive it instead."""
        return super().delete_model(model)

    def explain_refused_save(self, form, exc) -> bool:
        """True when the view explained itself why ``exc`` refused an edit (nothing flashed)."""
        return False

    def own_column_value(self, context, model, name):
        """The value of a column Flask-Admin does not know (``NotImplemented``: its own)."""
        return NotImplemented

    def search_query(self, query, search_term, fields):
        """The list's query narrowed to ``search_term``; ``fields`` the searchable fields."""
        return ModelView._search(self, query, search_term)

    # --- what the views read of Flask-Admin's state ---

    def applied_filter(self, position):
        """The list filter at ``position`` of the list's ``?flt…`` arguments."""
        # 2.2.1: get_list gets filters as (position in self._filters, name, value)
        return self._filters[position]

    def form_class(self, kind):
        """The form class Flask-Admin made for ``kind`` ("create" or "edit")."""
        # 2.2.1: _refresh_forms_cache keeps them in _create_form_class and _edit_form_class
        return self._create_form_class if kind == "create" else self._edit_form_class

    def create_form_rules(self):
        # 2.2.1: _refresh_form_rules_cache keeps the RuleSet of form_create_rules here
        return self._form_create_rules

    # --- the overrides ---

    def _handle_view(self, name, **kwargs):
        # 2.2.1: BaseView._handle_view(name) runs before every @expose'd view, with the view
        # method's name; returning a response would answer instead of the view
        self.check_request(name)
        return super()._handle_view(name, **kwargs)

    def _get_list_extra_args(self):
        # 2.2.1: the list's ViewArgs, .page straight from ?page= (a huge or negative one reaches
        # the database as a skip)
        view_args = super()._get_list_extra_args()
        if self.max_page is not None:
            view_args.page = min(max(view_args.page or 0, 0), self.max_page)
        return view_args

    @property
    def _filter_groups(self):
        # 2.2.1: _refresh_filters_cache sets self._filter_groups once, at start; the list
        # reads it through _get_filter_groups on every request. Per request here, as the
        # filters may depend on the request (a unit's own fields).
        if not has_request_context():
            return self.__dict__.get("_xf_filter_groups")
        return filter_groups(self, self._filters)

    @_filter_groups.setter
    def _filter_groups(self, value):
        self.__dict__["_xf_filter_groups"] = value

    def _on_model_change(self, form, model, is_created):
        # 2.2.1: create_model and update_model call _on_model_change (which calls
        # on_model_change) after populate_obj, before model.save()
        self.record_being_saved(form, model, is_created)
        return super()._on_model_change(form, model, is_created)

    def scaffold_sortable_columns(self):
        # 2.2.1: the sortable field classes are a module set (contrib.mongoengine.view.
        # SORTABLE_FIELDS) matched by exact type: add the checked StringField subclass
        columns = super().scaffold_sortable_columns()
        for name, field in self._get_model_fields():
            if isinstance(field, CheckedStringField):
                columns[name] = field
        return columns

    def _process_ajax_references(self):
        # 2.2.1: the MongoEngine view walks the subdocument configs by field type *name* and
        # fails on EmbeddedDocumentListField; the nested forms use plain selects, so only the
        # top-level AJAX references (BaseModelView's) are processed.
        return BaseModelView._process_ajax_references(self)

    def _get_list_value(self, context, model, name, column_formatters, column_type_formatters):
        # 2.2.1: every cell of a list, a detail page and an export goes through here (context
        # None for an export)
        value = self.own_column_value(context, model, name)
        if value is not NotImplemented:
            return value
        return super()._get_list_value(
            context, model, name, column_formatters, column_type_formatters
        )

    def _search(self, query, search_term):
        # 2.2.1: get_list calls _search(query, term) when there is a search term; the fields of
        # column_searchable_list are in self._search_fields (init_search)
        return self.search_query(query, search_term, self._search_fields)

    # create, update and delete are not overridden by the views (their hooks are on_model_change,
    # after_model_change, explain_refused_save and remove_record): each success is audited here

    def create_model(self, form):
        # 2.2.1: returns the new record, or False when it was not saved
        model = super().create_model(form)
        if model:
            self.audit_change("create", model)
        return model

    def delete_model(self, model):
        # 2.2.1: delete_view and the delete action call delete_model(record) → True or False
        removed = self.remove_record(model)
        if removed:
            self.audit_change("delete", model)
        return removed

    def update_model(self, form, model):
        # a copy of 2.2.1's ModelView.update_model (contrib/mongoengine/view.py) with one more
        # branch: an exception the view explains itself (explain_refused_save, e.g. a card saved
        # by someone else meanwhile) keeps the form without a second message
        try:
            form.populate_obj(model)
            self._on_model_change(form, model, False)
            model.save()
        except Exception as ex:
            if self.explain_refused_save(form, ex):
                return False
            if not self.handle_view_exception(ex):
                flash(gettext("保存失败：发生了内部错误，已记录。"), "error")
                log.exception("Failed to update record.")
            return False
        self.after_model_change(form, model, False)
        self.audit_change("update", model)
        return True


def filter_groups(view, filters):
    """The add-filter drop-down of a list, its options read now (Flask-Admin reads them once, at
    start-up, so new units never showed and every unit did).

    2.2.1: the grouping of BaseModelView._refresh_filters_cache (FilterGroup, and the dicts of
    index, arg, operation, options, type that the list template reads), done per request."""
    groups = OrderedDict()
    for index, flt in enumerate(filters or []):
        key = str(flt.name)
        if key not in groups:
            groups[key] = FilterGroup(flt.name)
        groups[key].append(
            {
                "index": index,
                "arg": view.get_filter_arg(index, flt),
                "operation": flt.operation(),
                "options": flt.get_options(view) or None,
                "type": flt.data_type,
            }
        )
    return groups or None


def _request_scoped(name):
    """A view attribute that Flask-Admin sets once and that is widened per request."""

    def get(self):
        base = self.__dict__.get("_xf_base" + name)
        if not has_request_context():
            return base
        return self.scoped_attribute(name, base)

    def set(self, value):
        self.__dict__["_xf_base" + name] = value

    return property(get, set)


class RequestScopedView:
    """A view whose columns, sorting and filters are widened per request (``scoped_attribute``).

    2.2.1: _refresh_cache computes _list_columns, _sortable_columns, _details_columns,
    _export_columns and _refresh_filters_cache _filters and _filter_args, once, in __init__;
    the list, detail and export views read them on every request.
    """

    _list_columns = _request_scoped("_list_columns")
    _details_columns = _request_scoped("_details_columns")
    _export_columns = _request_scoped("_export_columns")
    _sortable_columns = _request_scoped("_sortable_columns")
    _filters = _request_scoped("_filters")
    _filter_args = _request_scoped("_filter_args")  # the drop-down groups follow _filters

    def scoped_attribute(self, name, base):
        """The value of attribute ``name`` for this request; ``base`` is Flask-Admin's."""
        return base

    def class_filters(self):
        """The view's own filters, as Flask-Admin made them (before any widening)."""
        return self.__dict__.get("_xf_base_filters") or []


def add_converters(converter, by_type_name):
    """Form fields for more field types: {mongoengine field type name: conv_ method}."""
    # 2.2.1: ModelConverter.converters maps a field's type *name* to its conv_ method (filled by
    # @converts); convert() looks the field's class name up there
    converter.converters.update(by_type_name)
