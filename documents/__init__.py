"""The domain: MongoEngine documents of xinfang and the rules that belong to them (no Flask)."""

# the list index follows every card write from here on (documents.signals)
from . import cardquery  # noqa: F401
from .accounts import Account, AuditEvent, Role
from .case import CaseCard, CaseCardHistory, ConcurrentEdit, Representative, TimelineEntry
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
