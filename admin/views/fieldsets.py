"""The unit's own fields (自定义字段): definitions, versions, migration of stored values."""

import json

from flask import abort, flash, request
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

import documents
from documents import custom_fields, custom_values

from ..auth import csrf_ok, require
from .base import XinfangModelView, _unit_filter
from .cards import _save_quietly


def _settings(definition) -> str:
    """What a definition sets, in words, only the settings its type uses."""
    parts = []
    if definition.type in ("choice", "multichoice") and definition.choices:
        parts.append(gettext("选项：%(items)s", items="、".join(definition.choices)))
    if definition.type in ("text", "textarea"):
        if definition.min_length:
            parts.append(gettext("至少 %(n)s 字", n=definition.min_length))
        if definition.max_length:
            parts.append(gettext("至多 %(n)s 字", n=definition.max_length))
        if definition.pattern:
            parts.append(gettext("格式：%(p)s", p=definition.pattern))
    if definition.type == "number":
        if definition.minimum is not None:
            parts.append(gettext("最小 %(n)s", n=definition.minimum))
        if definition.maximum is not None:
            parts.append(gettext("最大 %(n)s", n=definition.maximum))
    if definition.type == "table" and definition.columns:
        parts.append(gettext("各列：%(cols)s", cols="、".join(str(c) for c in definition.columns)))
    if definition.default not in (None, "") and definition.type != "table":
        parts.append(gettext("默认值：%(v)s", v=definition.default))
    return "；".join(parts)


def _fields_table(field_set):
    """The definitions as a table a clerk reads: name, key, type, required, settings."""
    if not field_set.fields:
        return ""
    yes, no = gettext("是"), gettext("否")
    head = "".join(
        f"<th>{escape(h)}</th>"
        for h in (
            gettext("名称"),
            gettext("字段代码"),
            gettext("类型"),
            gettext("必填"),
            gettext("设置"),
            gettext("说明"),
            gettext("状态"),
        )
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(str(cell))}</td>"
            for cell in (
                d.label,
                d.key,
                custom_fields.FIELD_TYPES.get(d.type, d.type),
                yes if d.required else no,
                _settings(d),
                d.help_text or "",
                gettext("已停用") if d.retired else gettext("使用中"),
            )
        )
        + "</tr>"
        for d in field_set.fields
    )
    return Markup(
        f"<table class='table table-sm table-bordered mb-0'><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


class FieldSetView(XinfangModelView):
    """A unit's own fields: define, change (nothing is lost), migrate values."""

    read_permission = write_permission = "fields:write"

    column_list = ("unit", "target", "version", "fields", "updated_at")
    column_details_list = ("unit", "target", "version", "fields", "updated_at", "json_schema")
    column_filters = ("target",)
    form_columns = ("unit", "target", "fields")
    column_formatters_detail = {
        "fields": lambda v, c, m, n: _fields_table(m),
        "json_schema": lambda v, c, m, n: Markup(
            "<details><summary>{}</summary><pre>{}</pre></details>".format(
                escape(gettext("展开查看（供对接其他系统时使用）")),
                escape(json.dumps(m.json_schema, ensure_ascii=False, indent=2)),
            )
        ),
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
                moved, failures = custom_values.migrate(records, source, target, _save_quietly)
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
