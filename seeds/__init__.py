"""Sample data: the five source units of shared/seeds, and a load() that is safe to run twice."""

from documents import (
    CaseCard,
    ColumnDefinition,
    Department,
    FieldDefinition,
    FieldSet,
    GroupMember,
    LeadershipGroup,
    Person,
    Plan,
    Representative,
    Section,
    TimelineEntry,
    Unit,
)
from documents.plan import (
    STRUCTURE_FIELDS,
    Attachment,
    Phase,
    ProcedureStep,
    ReceptionArrangement,
    ReportingDuty,
    Target,
)

from .sample import DEMO_ACCOUNTS, SOURCE_UNITS, SUPERIOR_UNIT, TOWNSHIP

_PLAN_PARTS = {
    "targets": Target,
    "procedure": ProcedureStep,
    "reporting_duties": ReportingDuty,
    "phases": Phase,
    "receptions": ReceptionArrangement,
    "attachments": Attachment,
}


def load() -> dict[str, int]:
    """Create what is missing of the sample data; records that exist are left as they are.

    Records are found by their natural keys (unit name; person, group and plan by unit and name or
    title; case card by unit and number), so a second run, or a run after edits, adds nothing.
    Returns how many records of each kind were created.
    """
    created = {
        "单位": 0,
        "人员": 0,
        "领导小组": 0,
        "实施方案": 0,
        "自定义字段": 0,
        "一案一卡": 0,
        "接访安排": 0,
        "账号": 0,
    }
    superior, new = _get_or_create(Unit, {"name": SUPERIOR_UNIT["name"]}, dict(SUPERIOR_UNIT))
    created["单位"] += new
    for source in SOURCE_UNITS:
        unit, new = _get_or_create(Unit, {"name": source["unit"]["name"]}, _unit_fields(source))
        created["单位"] += new
        if new and source is TOWNSHIP:
            unit.parent = superior
            unit.save()
        people = {}
        for data in source["people"]:
            person, new = _get_or_create(Person, {"unit": unit, "name": data["name"]}, data)
            people[person.name] = person
            created["人员"] += new
        plan, new = _get_or_create(
            Plan, {"unit": unit, "title": source["plan"]["title"]}, _plan_fields(source["plan"])
        )
        created["实施方案"] += new
        scheduled = _schedule(plan)
        created["接访安排"] += scheduled
        if scheduled:
            _record_held(plan, source.get("held_sessions") or {})
        if source["group"]:
            fields = _group_fields(source["group"], people, plan)
            _, new = _get_or_create(LeadershipGroup, {"unit": unit, "name": fields["name"]}, fields)
            created["领导小组"] += new
        field_set = None
        if source.get("case_card_fields") and not FieldSet.for_unit(unit, "case_card"):
            field_set = FieldSet(
                unit=unit,
                target="case_card",
                fields=[_definition(d) for d in source["case_card_fields"]],
            ).save_new_version()
            created["自定义字段"] += 1
        field_set = field_set or FieldSet.for_unit(unit, "case_card")
        for data in source["cases"]:
            fields = _case_fields(data, people, plan)
            if field_set is not None:
                fields["fields_version"] = field_set.version
            _, new = _get_or_create(CaseCard, {"unit": unit, "number": data["number"]}, fields)
            created["一案一卡"] += new
    created["账号"] = _accounts()
    return created


def _accounts() -> int:
    """The demo accounts, each created once: with its published password, which must be changed
    at the first login. An existing account is never touched, and one that an administrator
    deleted is not created again (the store remembers which were made)."""
    from documents import Account
    from documents.accounts import ensure_roles

    roles = ensure_roles()
    settings = Account._get_db()["xinfang_settings"]
    made_before = set((settings.find_one({"_id": "demo_accounts"}) or {}).get("made", ()))
    made = 0
    for data in DEMO_ACCOUNTS:
        if data["username"] in made_before:
            continue
        if Account.objects(username=data["username"]).first() is None:
            unit = Unit.objects(name=data["unit"]).first() if data.get("unit") else None
            person = (
                Person.objects(unit=unit, name=data["person"]).first()
                if data.get("person")
                else None
            )
            account = Account(
                username=data["username"],
                name=data["name"],
                role=roles[data["role"]],
                unit=unit,
                person=person,
                must_change_password=True,
            )
            account.set_password(data["password"])
            account.save()
            made += 1
        settings.update_one(
            {"_id": "demo_accounts"}, {"$addToSet": {"made": data["username"]}}, upsert=True
        )
    return made


def flag_published_passwords() -> list[str]:
    """Accounts that still have a demo password from the README must change it at their next
    login (stores made before that rule, or a password set back to a published one)."""
    from documents import Account

    flagged = []
    for data in DEMO_ACCOUNTS:
        account = Account.objects(username=data["username"]).first()
        if (
            account is not None
            and not account.must_change_password
            and account.check_password(data["password"])
        ):
            account.must_change_password = True
            account.save()
            flagged.append(account.username)
    return flagged


# how each source plan refers to itself and to its head, and which of its sections become parts
# drawn from the new unit's own records (its group, rules, principles, procedure)
_TEMPLATE_WORDS = {
    "区法院": {"own": ("我院",), "head": "院长"},
    "市司法局": {"own": ("我局",), "head": None},
    "农建营": {
        "own": ("我营",),
        "head": None,
        "words": {"全营": "全{简称}", "营机关": "{简称}机关"},
        "parts": {
            "成立领导干部大接访活动领导小组": "group",
            "扎实深入开展大接访活动": "receptions",
            "接访原则": "principles",
            "接访程序": "procedure",
        },
    },
    "魏塘街道": {"own": ("我街道",), "head": None},
    "XXX乡": {
        "own": ("我乡",),
        "head": "乡党委书记",
        "words": {"全乡": "全{简称}"},
        "parts": {"组织保障": "group"},
    },
}


def plan_templates() -> dict[str, Plan]:
    """The plan of each source unit as a template (unsaved plans without a unit): its unit's
    name, short name, self-reference, head's title and year are placeholders ({单位}, {简称},
    {自称}, {主要领导}, {年}; documents.templating), filled for the unit a plan is made for."""
    from documents import templating

    result = {"空白方案（常用标题）": templating.blank_plan()}
    for source in SOURCE_UNITS:
        plan = Plan(
            **{k: v for k, v in _plan_fields(source["plan"]).items() if k in STRUCTURE_FIELDS}
        )
        words = _TEMPLATE_WORDS.get(source["unit"]["short_name"], {})
        for section in plan.sections:
            section.part = words.get("parts", {}).get(section.heading)
        templating.templatize(
            plan, source["unit"], words.get("own", ()), words.get("head"), words.get("words")
        )
        result[f"{source['unit']['short_name']}：{source['plan']['title']}"] = plan
    return result


def _schedule(plan) -> int:
    """The plan's reception schedule, when it has none yet and its rules give dates."""
    from documents import schedule

    if schedule.ReceptionSession.objects(plan=plan).first() is not None:
        return 0
    try:
        return schedule.regenerate(plan)["created"]
    except (schedule.ScheduleError, schedule.CalendarDataMissing):
        return 0  # e.g. the court's plan says every Friday but gives no period


def _record_held(plan, held):
    """Mark the sample's reception days that were held, with the petitioners received."""
    from documents import schedule

    for day, petitioners in held.items():
        for session in schedule.ReceptionSession.objects(plan=plan, date=day):
            session.status, session.petitioners = "held", petitioners
            session.save()


def _get_or_create(document, key, fields):
    existing = document.objects(**key).first()
    if existing is not None:
        return existing, False
    record = document(**key, **{k: v for k, v in fields.items() if k not in key})
    record.save()
    return record, True


def _unit_fields(source):
    data = dict(source["unit"])
    data["departments"] = [Department(**d) for d in data.get("departments", [])]
    return data


def _plan_fields(data):
    fields = dict(data)
    fields["sections"] = [
        Section(level=level, heading=heading, text=text)
        for level, heading, text in data["sections"]
    ]
    for name, embedded in _PLAN_PARTS.items():
        fields[name] = [embedded(**item) for item in data.get(name, [])]
    return fields


def _group_fields(data, people, plan):
    fields = dict(data)
    fields["plan"] = plan
    fields["members"] = [
        GroupMember(role=role, name=name, title=title, person=people.get(name))
        for role, name, title in data["members"]
    ]
    return fields


def _definition(data):
    columns = [ColumnDefinition(**c) for c in data.get("columns", [])]
    return FieldDefinition(**{**data, "columns": columns})


def _case_fields(data, people, plan):
    fields = {k: v for k, v in data.items() if k not in ("leader", "timeline")}
    fields["representatives"] = [Representative(name=n) for n in data.get("representatives", [])]
    if "cadre" in fields.get("extra", {}):  # a person field stores the person's id
        fields["extra"] = {**fields["extra"], "cadre": str(people[fields["extra"]["cadre"]].pk)}
    fields["plan"] = plan
    fields["responsible_leader"] = people.get(data.get("leader"))
    fields["timeline"] = [
        TimelineEntry(date=day, actor=actor, content=content)
        for day, actor, content in data.get("timeline", [])
    ]
    return fields
