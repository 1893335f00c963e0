"""A new unit set up in one go: the unit with its issuing details, its leaders and staff, an
account, a plan from a template or an imported text, the leadership group from its people, a
reception rule and the generated schedule (no Flask: the panel's setup page calls ``set_up``).

Everything is checked before anything is stored; what was stored is removed again when a later
record fails, so a refused setup leaves nothing behind and can be sent again as corrected.
"""

import dataclasses
import datetime
import re

from mongoengine import NotUniqueError, ValidationError

from . import templating
from .accounts import Account, password_problem
from .fields import NAME, SHORT
from .group import MEMBER_ROLES, GroupMember, LeadershipGroup
from .plan import Attachment, ReceptionArrangement
from .schedule import CalendarDataMissing, ReceptionSession, ScheduleError, regenerate
from .unit import Person, Unit

_SPLIT = re.compile(r"[\s,，;；]+")
_PHONE = re.compile(r"^[0-9０-９+＋()（）\-－]{5,20}$")
DEFAULT_DUTIES = (
    "负责大接访活动的组织协调和日常工作",
    "负责信访事项的登记、分类、交办和督办",
    "负责接访日程的安排和通知",
    "负责信息收集、汇总和报送",
)


class SetupProblem(ValueError):
    """What is wrong with the setup, in Chinese, one problem a line."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclasses.dataclass
class PersonLine:
    name: str
    title: str = ""
    phone: str = ""
    is_leader: bool = False


def parse_people(text: str, is_leader: bool) -> tuple[list[PersonLine], list[str]]:
    """``姓名 职务 电话`` one a line (spaces, tabs or commas between; 职务 and 电话 optional)."""
    people, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        tokens = [t for t in _SPLIT.split(line.strip()) if t]
        if not tokens:
            continue
        phone = tokens.pop() if len(tokens) > 1 and _PHONE.match(tokens[-1]) else ""
        name, title = tokens[0], "".join(tokens[1:])
        if len(name) > NAME or len(title) > NAME or len(phone) > SHORT:
            problems.append(f"第 {number} 行“{line.strip()[:20]}”过长")
            continue
        people.append(PersonLine(name, title, phone, is_leader))
    return people, problems


@dataclasses.dataclass
class Setup:
    """What the setup page sends, already read from the form."""

    unit: dict
    leaders: list
    staff: list
    account: dict | None  # username, name, password, role (a Role), person (a name or "")
    plan_source: object  # an unsaved Plan to copy (template) or None
    imported: object  # an importer.Imported, or None
    plan_title: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    group: dict  # name, roles {person name: 组长/副组长/成员}, office_director, title, duties
    rule: dict | None  # the fields of a ReceptionArrangement
    generate: bool = True


@dataclasses.dataclass
class Result:
    unit: Unit
    people: list
    account: object
    plan: object
    group: LeadershipGroup
    schedule: dict


def default_roles(people) -> dict:
    """The group as most plans form it: the first leader 组长, the other leaders 副组长."""
    roles = {}
    leaders = [p for p in people if p.is_leader]
    for n, person in enumerate(leaders):
        roles[person.name] = "组长" if n == 0 else "副组长"
    return roles


def set_up(setup: Setup) -> Result:
    """Create everything, or nothing (SetupProblem with the reasons)."""
    problems = []
    unit_fields = {k: v for k, v in setup.unit.items() if v not in (None, "", [])}
    if not unit_fields.get("name"):
        problems.append("请填写单位名称")
    elif Unit.objects(name=unit_fields["name"]).first() is not None:
        problems.append(f"已有名为“{unit_fields['name']}”的单位")
    everyone = [*setup.leaders, *setup.staff]
    names = [p.name for p in everyone]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append(f"人员名单中重复的姓名：{'、'.join(twice)}")
    if not setup.leaders:
        problems.append("请至少填写一位领导（接访领导、领导小组成员都从中选择）")
    if setup.plan_source is None and setup.imported is None:
        problems.append("请选择方案模板，或上传、粘贴已有的方案")
    if not setup.plan_title:
        problems.append("请填写方案标题")
    if setup.period_start and setup.period_end and setup.period_end < setup.period_start:
        problems.append("活动结束日期不能早于开始日期")
    if setup.account:
        if Account.objects(username=setup.account["username"]).first() is not None:
            problems.append(f"用户名“{setup.account['username']}”已被使用")
        problem = password_problem(setup.account.get("password") or "")
        if problem:
            problems.append(f"账号：{problem}")
    roles = setup.group.get("roles") or {}
    unknown = [name for name in roles if name not in names]
    if unknown:
        problems.append(f"领导小组成员不在人员名单中：{'、'.join(unknown)}")
    if any(role not in MEMBER_ROLES for role in roles.values()):
        problems.append("领导小组成员的职务只能是组长、副组长或成员")
    if not roles:
        problems.append("领导小组至少要有一位成员")
    rule = setup.rule
    if rule:
        unknown = [name for name in rule.get("leaders", []) if name not in names]
        if unknown:
            problems.append(f"接访领导不在人员名单中：{'、'.join(unknown)}")
    if problems:
        raise SetupProblem(problems)

    created = []
    try:
        unit = Unit(**unit_fields)
        unit.save()
        created.append(unit)
        people = {}
        for line in everyone:
            person = Person(
                unit=unit,
                name=line.name,
                title=line.title or None,
                phone=line.phone or None,
                is_leader=line.is_leader,
            )
            person.save()
            created.append(person)
            people[line.name] = person
        year = (setup.period_start or datetime.date.today()).year
        if setup.imported is not None:
            plan = setup.imported.plan(unit)  # the imported text as it stands
            plan.title = setup.plan_title or plan.title
        else:
            plan = setup.plan_source.copy_structure(unit, setup.plan_title)
            templating.shift_years(plan, year)
            templating.fill(plan, unit, year)
        if setup.period_start:
            plan.period_start = setup.period_start
        if setup.period_end:
            plan.period_end = setup.period_end
        if rule:
            plan.receptions = [ReceptionArrangement(**rule)]
            if rule.get("kind") != "any_time" and not any(
                a.kind == "schedule" for a in plan.attachments
            ):
                plan.attachments.append(Attachment(title="接访日程安排表", kind="schedule"))
        if setup.imported is None:
            # a template's parts drawn from the records: the group and the rule entered here
            plan.place_parts(parts={"group", "receptions"})
        plan.save()
        created.append(plan)
        members = []
        for role in MEMBER_ROLES:
            for name, chosen in roles.items():
                if chosen == role:
                    person = people[name]
                    members.append(
                        GroupMember(role=role, name=name, title=person.title, person=person)
                    )
        director = people.get(setup.group.get("office_director") or "")
        group = LeadershipGroup(
            unit=unit,
            plan=plan,
            name=setup.group.get("name") or "领导干部大接访活动领导小组",
            members=members,
            office_director=director.name if director else None,
            office_director_title=(setup.group.get("office_director_title") or None)
            if director
            else None,
            office_duties=list(setup.group.get("office_duties") or DEFAULT_DUTIES),
        )
        group.save()
        created.append(group)
        account = None
        if setup.account:
            data = setup.account
            account = Account(
                username=data["username"],
                name=data.get("name") or data["username"],
                role=data["role"],
                unit=unit,
                person=people.get(data.get("person") or data.get("name") or ""),
                must_change_password=True,
            )
            account.set_password(data["password"])
            account.save()
            created.append(account)
        made = {"created": 0, "clashes": []}
        if setup.generate and plan.receptions:
            made = regenerate(plan)
        return Result(unit, list(people.values()), account, plan, group, made)
    except (ValidationError, NotUniqueError, ScheduleError, CalendarDataMissing) as exc:
        _remove(created)
        message = exc.message if isinstance(exc, ValidationError) else str(exc)
        if isinstance(exc, ValidationError) and exc.errors:
            message = "；".join(str(e) for e in exc.errors.values())
        raise SetupProblem([message]) from None
    except Exception:
        _remove(created)
        raise


def _remove(records):
    for record in reversed(records):
        if record.__class__.__name__ == "Plan":
            ReceptionSession.objects(plan=record).delete()
        record.delete()
