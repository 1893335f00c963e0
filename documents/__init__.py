"""The domain: MongoEngine documents of xinfang and the rules that belong to them (no Flask)."""

from .case import CaseCard, TimelineEntry
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

ALL_DOCUMENTS = (Unit, Person, LeadershipGroup, Plan, CaseCard)

__all__ = [
    "ALL_DOCUMENTS",
    "Attachment",
    "CaseCard",
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
