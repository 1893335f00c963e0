"""The domain: MongoEngine documents of xinfang and the rules that belong to them (no Flask)."""

# from here on, the list index follows every card write (documents.signals), and the cards'
# stored deadlines every change of a unit's rules (documents.case_deadlines)
from . import cardquery, case_deadlines, plan_people  # noqa: F401
from .accounts import Account, AuditEvent, Role
from .case import CaseCard, ConcurrentEdit, Representative, TimelineEntry
from .case_history import CaseCardHistory
from .custom_fields import ColumnDefinition, FieldDefinition, FieldSet, FieldSetVersion
from .deadlines import DeadlineRule, DeadlineRuleSet
from .group import GroupMember, LeadershipGroup
from .plan import (
    Attachment,
    Phase,
    Plan,
    ProcedureStep,
    ReceptionArrangement,
    ReportingDuty,
    Section,
    Target,
    normalize_doc_number,
)
from .procedure import CaseProcedure, Procedure, ProcedureState
from .reports import Report
from .schedule import LeaderActivity, ReceptionSession, ScheduleError
from .unit import Department, Person, Unit

ALL_DOCUMENTS = (
    Unit,
    Person,
    LeadershipGroup,
    Plan,
    CaseCard,
    CaseCardHistory,
    FieldSet,
    FieldSetVersion,
    DeadlineRuleSet,
    CaseProcedure,
    ReceptionSession,
    LeaderActivity,
    Role,
    Account,
    AuditEvent,
    Report,
)

__all__ = [
    "ALL_DOCUMENTS",
    "Account",
    "AuditEvent",
    "Role",
    "Attachment",
    "CaseCard",
    "CaseCardHistory",
    "CaseProcedure",
    "Procedure",
    "ProcedureState",
    "ConcurrentEdit",
    "DeadlineRule",
    "DeadlineRuleSet",
    "LeaderActivity",
    "ReceptionSession",
    "Report",
    "Representative",
    "ScheduleError",
    "ColumnDefinition",
    "FieldDefinition",
    "FieldSet",
    "FieldSetVersion",
    "Department",
    "GroupMember",
    "LeadershipGroup",
    "Person",
    "Phase",
    "Plan",
    "ProcedureStep",
    "ReceptionArrangement",
    "ReportingDuty",
    "Section",
    "Target",
    "TimelineEntry",
    "Unit",
    "normalize_doc_number",
]
