"""Accounts, roles, the audit log, procedures and deadline rules."""

import mongoengine
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields import PasswordField
from wtforms.validators import StopValidation

import documents
from documents import accounts

from .base import XinfangModelView


class RoleView(XinfangModelView):
    """Roles and what they may do: data an administrator edits."""

    read_permission = write_permission = "accounts:write"
    column_list = ("key", "name", "scope", "permissions")
    form_columns = ("key", "name", "scope", "permissions")
    column_formatters = {
        "permissions": lambda v, c, m, n: "、".join(
            dict(accounts.PERMISSIONS).get(p, p) for p in m.permissions
        )
    }


def _chosen(form, field):
    if field.data is None:
        raise StopValidation(gettext("请选择角色"))


class AccountView(XinfangModelView):
    """Accounts: a password is set here, never shown; the hash is all that is stored."""

    read_permission = write_permission = "accounts:write"
    column_list = ("username", "name", "role", "unit", "person", "active", "last_login")
    column_searchable_list = ("username", "name")
    form_columns = ("username", "name", "role", "unit", "person", "active", "new_password")
    form_extra_fields = {"new_password": PasswordField(_l("新密码（不修改请留空）"))}
    column_details_exclude_list = ("password_hash",)
    column_export_exclude_list = ("password_hash",)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        # no role is chosen for the clerk: an account gets the rights someone picked for it
        form.role.allow_blank, form.role.blank_text = True, gettext("（请选择角色）")
        form.role.validators = [_chosen]
        form.role.required_choice = False  # _chosen says it, naming the role
        # a new account needs a password: the label says so, and the browser asks for it
        form.new_password.label.text = gettext("密码")
        form.new_password.flags.required = True
        form.new_password.description = gettext(
            "至少 8 位，须同时含字母和数字；账号本人第一次登录时须改为自己的密码。"
        )
        return form

    def on_model_change(self, form, model, is_created):
        password = form.new_password.data
        if password:
            model.set_password(password)
            # a password someone else chose is temporary: its owner changes it at next login
            model.must_change_password = model.pk is None or str(model.pk) != str(current_user.pk)
        elif is_created:
            raise mongoengine.ValidationError(
                "新账号须设置密码", errors={"password_hash": "新账号须设置密码"}
            )

    def after_model_change(self, form, model, is_created):
        ended = form.new_password.data or not model.active
        if ended and not is_created and str(model.pk) != str(current_user.pk):
            model.end_sessions()  # a new password or a deactivation ends the old sessions


class AuditView(XinfangModelView):
    """The audit log: viewable and filterable by administrators, editable by nobody."""

    read_permission = "audit:read"
    write_permission = "never"  # no role has it: nobody changes the log
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "actor", "username", "action", "target", "target_id", "detail", "address")
    column_filters = ("at", "action", "username", "actor", "address")
    column_searchable_list = ("actor", "username", "detail", "target_id")
    column_default_sort = ("at", True)
    column_formatters = {
        "action": lambda v, c, m, n: documents.AuditEvent.ACTIONS.get(m.action, m.action)
    }

    def get_query(self):
        return self.model.objects  # every unit's events: administrators only

    def get_count_query(self):
        return self.model.objects


class DeadlineRuleSetView(XinfangModelView):
    read_permission, write_permission = "case:read", "rules:write"
    column_list = ("unit", "rules", "due_soon_days")
    form_columns = ("unit", "rules", "due_soon_days", "note")


class CaseProcedureView(XinfangModelView):
    read_permission, write_permission = "case:read", "rules:write"
    column_list = ("unit", "steps", "moves")
    form_columns = ("unit", "steps", "moves")
    form_args = {"moves": {"description": _l("每行一条，如 登记→分类")}}
