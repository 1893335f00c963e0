"""The unit's own fields (自定义字段): definitions, versions, migration of stored values."""

import json

from flask import abort, flash, request
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

import documents
from documents import custom_fields

from ..auth import csrf_ok, require
from .base import XinfangModelView, _unit_filter
from .cards import _save_quietly


class FieldSetView(XinfangModelView):
    """A unit's own fields: define, change (nothing is lost), migrate values."""

    read_permission = write_permission = "fields:write"

    column_list = ("unit", "target", "version", "fields", "updated_at")
    column_details_list = ("unit", "target", "version", "fields", "updated_at", "json_schema")
    column_filters = ("target",)
    form_columns = ("unit", "target", "fields")
    column_formatters_detail = {
        "json_schema": lambda v, c, m, n: Markup(
            f"<pre>{escape(json.dumps(m.json_schema, ensure_ascii=False, indent=2))}</pre>"
        )
    }

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        self.column_extra_row_actions = [
            EndpointLinkRowAction("fa fa-exchange", ".migrate_view", title=_l("迁移字段值"))
        ]
        super().__init__(*args, **kwargs)

    def on_model_change(self, form, model, is_created):
        previous = []
        if not is_created:
            stored = documents.FieldSet.objects(pk=model.pk).first()
            previous = stored.fields if stored else []
        model.prepare_version(previous)

    def after_model_change(self, form, model, is_created):
        model.record_version()

    @expose("/migrate/", methods=("GET", "POST"))
    def migrate_view(self):
        field_set = self.get_one(request.args.get("id", ""))
        if request.method == "POST" and not csrf_ok():
            abort(400)

        records = self._records(field_set)
        sources = self._sources(field_set, records)
        failures = []
        if request.method == "POST":
            source = request.form.get("source", "")
            target = field_set.field(request.form.get("target", ""))
            require("fields:write")
            if source not in dict(sources) or target is None or target.retired:
                flash(gettext("请选择要迁移的字段和目标字段。"), "error")
            else:
                moved, failures = custom_fields.migrate(records, source, target, _save_quietly)
                flash(
                    gettext(
                        "已迁移 %(moved)s 条记录的值，%(failed)s 条未能迁移。",
                        moved=moved,
                        failed=len(failures),
                    ),
                    "success" if not failures else "warning",
                )
        return self.render(
            "admin/xf_migrate.html",
            field_set=field_set,
            sources=sources,
            targets=field_set.active,
            failures=failures,
            return_url=self.get_url(".details_view", id=field_set.pk),
        )

    @staticmethod
    def _records(field_set):
        model = documents.CaseCard if field_set.target == "case_card" else documents.Plan
        return list(model.objects(unit=field_set.unit))

    @staticmethod
    def _sources(field_set, records):
        keys = {}
        for definition in field_set.fields:
            mark = gettext("（已停用）") if definition.retired else ""
            keys[definition.key] = f"{definition.label}{mark}（{definition.key}）"
        for record in records:
            for key in record.extra or {}:
                keys.setdefault(key, gettext("未定义的值（%(key)s）", key=key))
        return list(keys.items())
