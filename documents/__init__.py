"""The domain: MongoEngine documents of xinfang and the rules that belong to them (no Flask)."""

from .case import CaseCard, TimelineEntry
from .custom_fields import ColumnDefinition, FieldDefinition, FieldSet, FieldSetVersion
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
from .unit import Department, Person, Unit

ALL_DOCUMENTS = (Unit, Person, LeadershipGroup, Plan, CaseCard, FieldSet, FieldSetVersion)

__all__ = [
    "ALL_DOCUMENTS",
    "Attachment",
    "CaseCard",
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
