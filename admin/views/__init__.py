"""The panel's model views, by area, and the table that registers them (VIEWS):

- ``base``: XinfangModelView, the base of every view (labels, forms, permissions, scope,
  errors, the audit log, printing), and the unit-scoped list mixin;
- ``units``: units, people, leadership groups; ``fieldsets``: the unit's own fields;
- ``plans``: plans, templates and the Word import; ``cards``: case cards and the archive,
  with ``history`` for a card's change history; ``schedules``: reception days, activities;
- ``system``: accounts, roles, the audit log, procedures and deadline rules.
"""

from flask_babel import lazy_gettext as _l

import documents

from ..filters import DeadlineStatusFilter
from .base import XinfangModelView
from .cards import ArchivedCaseCardView, CaseCardView
from .fieldsets import FieldSetView
from .plans import PlanView
from .schedules import LeaderActivityView, ReceptionSessionView
from .system import AccountView, AuditView, CaseProcedureView, DeadlineRuleSetView, RoleView
from .units import LeadershipGroupView, PersonView, UnitView

VIEWS = (
    (UnitView, documents.Unit, _l("单位"), _l("单位与人员")),
    (FieldSetView, documents.FieldSet, _l("自定义字段"), _l("单位与人员")),
    (PersonView, documents.Person, _l("人员"), _l("单位与人员")),
    (LeadershipGroupView, documents.LeadershipGroup, _l("领导小组"), _l("单位与人员")),
    (PlanView, documents.Plan, _l("实施方案"), None),
    (CaseCardView, documents.CaseCard, _l("一案一卡"), _l("一案一卡")),
    (ArchivedCaseCardView, documents.CaseCard, _l("一案一卡归档"), _l("一案一卡")),
    (CaseProcedureView, documents.CaseProcedure, _l("办理程序"), _l("一案一卡")),
    (DeadlineRuleSetView, documents.DeadlineRuleSet, _l("期限规则"), _l("一案一卡")),
    (ReceptionSessionView, documents.ReceptionSession, _l("接访安排"), _l("接访")),
    (LeaderActivityView, documents.LeaderActivity, _l("下访、约访记录"), _l("接访")),
    (AccountView, documents.Account, _l("账号"), _l("系统")),
    (RoleView, documents.Role, _l("角色与权限"), _l("系统")),
    (AuditView, documents.AuditEvent, _l("审计日志"), _l("系统")),
)


__all__ = ["VIEWS", "DeadlineStatusFilter", "XinfangModelView"]
