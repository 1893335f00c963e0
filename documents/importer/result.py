"""What was recognised in a document, and the unsaved documents it gives."""

import datetime
from dataclasses import dataclass, field

from ..group import GroupMember, LeadershipGroup
from ..plan import (
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
from ..unit import Person


@dataclass
class Imported:
    """What was recognised in a document; lists of plain dicts, ready for the review form."""

    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    kind: str = "实施方案"
    title: str = ""
    doc_number: str = ""
    issuer_marks: list = field(default_factory=list)
    main_recipients: str = ""
    preamble: str = ""
    sections: list = field(default_factory=list)  # {"level", "heading", "text"}
    principles: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    procedure: list = field(default_factory=list)  # {"name", "description", "time_limit_days"}
    reporting_duties: list = field(default_factory=list)
    phases: list = field(default_factory=list)  # {"name", "start_date", "end_date", ...}
    receptions: list = field(default_factory=list)
    attachments: list = field(default_factory=list)  # {"title", "kind", "text"}
    signatories: list = field(default_factory=list)
    date_written: datetime.date | None = None
    note: str = ""
    no_body_on_next_page: bool = False
    subject_terms: list = field(default_factory=list)
    report_to: list = field(default_factory=list)
    copy_to: list = field(default_factory=list)
    distribute_to: list = field(default_factory=list)
    printed_by: str = ""
    printed_date: datetime.date | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    group: dict = field(default_factory=dict)  # {"name", "members": [(role, name, title)], …}

    PLAN_FIELDS = (
        "kind",
        "title",
        "doc_number",
        "issuer_marks",
        "main_recipients",
        "preamble",
        "principles",
        "signatories",
        "date_written",
        "note",
        "no_body_on_next_page",
        "subject_terms",
        "report_to",
        "copy_to",
        "distribute_to",
        "printed_by",
        "printed_date",
        "period_start",
        "period_end",
    )

    def plan(self, unit):
        """An unsaved plan of ``unit`` holding everything recognised."""
        values = {name: getattr(self, name) for name in self.PLAN_FIELDS}
        values["title"] = values["title"] or "（未识别出标题）"
        if values["doc_number"]:
            values["doc_number"] = normalize_doc_number(values["doc_number"])
        return Plan(
            unit=unit,
            **{k: v for k, v in values.items() if v not in (None, "", [])},
            sections=[Section(**s) for s in self.sections],
            targets=[Target(**t) for t in self.targets],
            procedure=[ProcedureStep(**p) for p in self.procedure],
            reporting_duties=[ReportingDuty(**d) for d in self.reporting_duties],
            phases=[Phase(**p) for p in self.phases],
            receptions=[ReceptionArrangement(**r) for r in self.receptions],
            attachments=[Attachment(**a) for a in self.attachments],
        )

    def leadership_group(self, unit):
        """(unsaved LeadershipGroup, people to create) when a group was recognised."""
        if not self.group.get("members"):
            return None, []
        people, members = [], []
        known = {p.name: p for p in Person.objects(unit=unit)} if unit and unit.pk else {}
        for role, name, title in self.group["members"]:
            role = role if role in ("组长", "副组长") else "成员"
            person = known.get(name)
            if person is None:
                person = Person(unit=unit, name=name, title=title or None, is_leader=role != "成员")
                known[name] = person
                people.append(person)
            members.append(GroupMember(role=role, name=name, title=title or None, person=person))
        group = LeadershipGroup(
            unit=unit,
            name=self.group.get("name") or "领导小组",
            members=members,
            office_name=self.group.get("office_name") or None,
            office_director=self.group.get("office_director") or None,
            office_director_title=self.group.get("office_director_title") or None,
            office_duties=list(self.group.get("office_duties") or []),
        )
        return group, people


def save_group(group, people, plan):
    """Saves a group from ``Imported.leadership_group`` with the people it creates, for ``plan``."""
    for person in people:
        person.save()
    group.plan = plan
    return group.save()
