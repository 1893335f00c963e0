"""The parts of a plan's body drawn from its structure (one source of truth).

A section of a plan may name a part (``Section.part``): the leadership group with its office and
duties, the principles, the targets, the reception arrangements, the procedure with its time
limits, the reporting duties, the phases. When the plan is printed or previewed, that section's
text is written here from the records, in the wording of the source documents
(组长：杨立平（农建营党支部书记）…, ①申请：…), so a change in the group or a rule shows in the next
printout and nothing is typed twice. A section without a part prints its own text.
"""

import datetime

from .group import LeadershipGroup
from .plan import rule_days_of_month, rule_nths, rule_weekdays

# part key → the heading it takes when the section has none, in the default order of a plan
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_WEEKDAYS = "一二三四五六日"
_NUMBERS = "零一二三四五"
_COMPARATORS = {
    ">=": "不低于{}",
    "<=": "不超过{}",
    "=": "为{}",
    "下降": "下降{}",
    "减少": "减少{}",
    "不发生": "坚决不发生{}",
}


def _marker(n: int) -> str:
    return _CIRCLED[n - 1] if n <= len(_CIRCLED) else f"（{n}）"


def _numbered(lines) -> str:
    return "\n".join(f"{_marker(n)}{line}" for n, line in enumerate(lines, start=1))


def _day(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _sentence(text: str) -> str:
    text = (text or "").strip()
    return text if not text or text[-1] in "。；！？：" else text + "。"


def group_of(plan):
    """The leadership group the plan prints: the one of this plan, else the unit's only one."""
    if plan.pk is not None:
        group = LeadershipGroup.objects(plan=plan).first()
        if group is not None:
            return group
    if plan.unit is None:
        return None
    groups = list(LeadershipGroup.objects(unit=plan.unit, plan=None).limit(2))
    return groups[0] if len(groups) == 1 else None


def member_line(member) -> str:
    """杨立平（农建营党支部书记）: the member's name and title (a linked person's record keeps
    them up to date: Person.save), the person's where the member has none."""
    person = member.person if member.person else None
    title = member.title or (person.title if person is not None else None)
    name = member.name or (person.name if person is not None else "")
    return f"{name}（{title}）" if title else name


def group_text(group) -> str:
    if group is None:
        return ""
    lines = [f"为加强对活动的组织领导，成立{group.name}，成员如下："]
    for role in ("组长", "副组长", "成员"):
        members = group.members_in(role)
        for n, member in enumerate(members):
            lines.append((f"{role}：" if n == 0 else "") + member_line(member))
    office = group.office_name or "领导小组办公室"
    director = ""
    if group.office_director:
        title = group.office_director_title or ""
        verb = "兼任" if "兼" in title else "任"
        title = title.replace("（兼）", "").replace("(兼)", "")
        director = f"，由{title}{group.office_director}同志{verb}办公室主任"
    if office.startswith("领导小组"):
        office = office[len("领导小组") :]
    office_line = f"领导小组下设{office}{director}。"
    if group.office_duties:
        duties = "；".join(d.strip().rstrip("。；") for d in group.office_duties)
        office_line += f"主要职责：{duties}。"
    lines.append(office_line)
    return "\n".join(lines)


def _lunar_day(day) -> str:
    """农历 day of the month: 初一 … 初十, 十一 … 二十, 廿一 … 廿九, 三十."""
    tens, units = divmod(day, 10)
    digits = "十一二三四五六七八九"
    if day <= 10:
        return "初" + ("十" if day == 10 else digits[day])
    if day == 20:
        return "二十"
    if day == 30:
        return "三十"
    return ("十", "廿")[tens - 1] + digits[units]


def _day_labels(dates) -> list[str]:
    """4月7日, 4月11日 in order, the year once, on the first day of each year."""
    labels, year = [], None
    for day in sorted(dates):
        labels.append(
            f"{day:%Y年}{day.month}月{day.day}日"
            if day.year != year
            else f"{day.month}月{day.day}日"
        )
        year = day.year
    return labels


def _days(dates) -> str:
    return "、".join(_day_labels(dates))


def _when(rule) -> str:
    """When the rule's days are, as a plan says it."""
    weekdays = rule_weekdays(rule)
    named = "、".join(_WEEKDAYS[w] for w in weekdays)
    if rule.kind == "weekly":
        return f"每周{named}" if weekdays else "每周"
    if rule.kind == "monthly_nth_weekday":
        nths = [_NUMBERS[n] if n < len(_NUMBERS) else str(n) for n in rule_nths(rule)]
        days = "、".join(f"星期{_WEEKDAYS[w]}" for w in weekdays)
        if rule.week_reading == "calendar_week":
            return f"每月第{'、'.join(nths)}周的{days}"
        return f"每月第{'个、第'.join(nths)}个{days}"
    if rule.kind == "monthly_day":
        return "每月" + "、".join(f"{d}日" for d in rule_days_of_month(rule))
    if rule.kind == "working_days":
        return "每个工作日"
    if rule.kind == "lunar_days":
        return "每月农历" + "、".join(_lunar_day(d) for d in sorted(set(rule.lunar_days)))
    if rule.kind == "dates":
        return _days(set(rule.dates) | {d.date for d in rule.table_days if d.date})
    return ""


_CALENDAR_KINDS = (
    "weekly",
    "monthly_nth_weekday",
    "monthly_day",
    "working_days",
    "lunar_days",
    "dates",
)
_HOLIDAYS = {
    "next_working_day": "，遇节假日顺延至下一个工作日",
    "next_same_weekday": "，遇节假日顺延至下周同一天",
    "skip": "，遇节假日不安排接访",
}


def _each(leaders, named) -> str:
    """每人 where several people (or a body of them) share a quota: 甲、乙每人每月…, 检察长每月…"""
    several = len(named) > 1 or any(w in leaders for w in ("成员", "各", "班子", "们"))
    return f"{leaders}每人" if several else leaders


def _table_line(rule) -> str:
    """A table of days, each with its own leader and place: 2011年4月7日为乜冠军接访日（接访地点：
    县国土局）；4月11日为张某某接访日……"""
    days = sorted((d for d in rule.table_days if d.date), key=lambda d: d.date)
    listed = {d.date for d in days}
    rows = []
    for day, date in zip(days, _day_labels([d.date for d in days]), strict=True):
        who = day.leader or "、".join(rule.leaders) or "领导班子成员"
        place = day.place or rule.place
        rows.append(f"{date}为{who}接访日" + (f"（接访地点：{place}）" if place else ""))
    others = sorted(set(rule.dates) - listed)
    if others:
        who = "、".join(rule.leaders) or "领导班子成员"
        rows.append(
            f"{_days(others)}为{who}接访日" + (f"（接访地点：{rule.place}）" if rule.place else "")
        )
    return "；".join(rows)


def reception_line(rule, attachment_hint="") -> str:
    """One reception rule as a sentence: when, who, hours, holidays, place, who takes part."""
    named = list(rule.leaders) or [d.leader for d in rule.table_days if d.leader]
    leaders = "、".join(dict.fromkeys(named)) or "领导班子成员"
    period = ""
    if rule.start_date and rule.end_date:
        period = f"{_day(rule.start_date)}至{_day(rule.end_date)}，"
    elif rule.start_date:
        period = f"自{_day(rule.start_date)}起，"
    place_said = False
    if rule.kind == "dates" and rule.table_days:
        text, place_said = f"{period}{_table_line(rule)}", True
    elif rule.kind in _CALENDAR_KINDS:
        text = f"{period}{_when(rule)}为{leaders}接访日"
    elif rule.kind == "days_per_leader" and rule.quota_period == "year":
        who = _each(leaders, named)
        text = f"{period}{who}每年接访不少于{rule.days_per_year or ''}天{attachment_hint}"
    elif rule.kind == "days_per_leader":
        who = _each(leaders, named)
        text = f"{period}{who}每月接访{rule.days_per_month or ''}天{attachment_hint}"
    elif rule.kind == "phase":
        text = f"{period}{leaders}每周至少接访{rule.days_per_week or ''}天"
    else:
        text = f"{period}{leaders}随时接待来访群众"
    hours = getattr(rule, "hours", None)
    if hours:
        text += f"，接访时间为{hours}"
    # a holiday moves only a day the rule fixes: not the working days a quota is spread over
    if rule.kind in _CALENDAR_KINDS and rule.kind != "working_days":
        text += _HOLIDAYS.get(rule.holiday_rule, "")
    if rule.place and not place_said:
        text += f"；接访地点：{rule.place}"
    if rule.accompany:
        text += f"；参与接访人员：{rule.accompany}"
    return text + "。"


def receptions_text(plan) -> str:
    hint = ""
    for n, attachment in enumerate(plan.attachments, start=1):
        if attachment.kind == "schedule":
            hint = f"（具体时间见附件{n}）" if len(plan.attachments) > 1 else "（具体时间见附件）"
    return _numbered(reception_line(rule, hint) for rule in plan.receptions)


def procedure_line(step) -> str:
    text = step.name + (f"：{step.description.strip().rstrip('。')}" if step.description else "")
    notes = []
    if step.time_limit_days:
        unit = "个工作日" if step.day_kind == "working" else "日"
        notes.append(f"时限{step.time_limit_days}{unit}")
    if step.basis:
        notes.append(f"依据{step.basis}")
    return text + (f"（{'，'.join(notes)}）" if notes else "") + "。"


_CADENCE = {"daily": "每日", "weekly": "每周", "monthly": "每月", "once": "", "event": ""}


def reporting_line(duty) -> str:
    if duty.cadence == "event":
        when = duty.deadline or (
            f"发生后{duty.within_hours}小时内" if duty.within_hours else "发生后及时"
        )
        how = f"以{duty.sent_by}" if duty.sent_by else ""
        to = "、".join(duty.recipients)
        return f"{duty.name}：{when}{how}报告{to}。"
    when = duty.deadline or ""
    if not when:
        when = _CADENCE.get(duty.cadence, "")
        if duty.cadence == "weekly" and duty.deadline_weekday is not None:
            when += f"星期{_WEEKDAYS[duty.deadline_weekday]}"
        if duty.cadence == "monthly" and duty.deadline_day:
            when += f"{duty.deadline_day}日"
        if duty.deadline_time:
            when += f"{duty.deadline_time}"
        when += "前" if when else ""
    to = "、".join(duty.recipients)
    text = f"{duty.name}：{when}" + (f"报送{to}" if to else "报送")
    if duty.start_date:
        text = f"{duty.name}：从{_day(duty.start_date)}起，{when}" + (f"报送{to}" if to else "报送")
    if duty.zero_report:
        text += "，无情况实行零报告"
    return text + "。"


def target_line(target) -> str:
    if target.description:
        return _sentence(target.description).rstrip("。")
    shape = _COMPARATORS.get(target.comparator or ">=", "{}")
    return f"{target.name}{shape.format(target.value or '')}"


def targets_text(plan) -> str:
    lines, groups = [], {}
    for target in plan.targets:
        if target.group:
            groups.setdefault(target.group, []).append(target)
    seen = set()
    for target in plan.targets:
        if not target.group:
            lines.append(target_line(target) + "。")
        elif target.group not in seen:
            seen.add(target.group)
            items = "；".join(target_line(t) for t in groups[target.group])
            lines.append(f"{target.group}：{items}。")
    return _numbered(lines)


def phase_line(phase) -> str:
    dates = ""
    if phase.start_date and phase.end_date:
        dates = f"（{_day(phase.start_date)}至{_day(phase.end_date)}）"
    elif phase.start_date:
        dates = f"（{_day(phase.start_date)}起）"
    parts = [p for p in (phase.description, phase.intensity) if p]
    body = "；".join(p.strip().rstrip("。") for p in parts)
    return f"{phase.name}{dates}" + (f"：{body}" if body else "") + "。"


def part_text(plan, part: str) -> str:
    """The text of one generated part of ``plan`` (empty when the plan has nothing for it)."""
    if part == "group":
        return group_text(group_of(plan))
    if part == "principles":
        return _numbered(_sentence(p) for p in plan.principles)
    if part == "targets":
        return targets_text(plan)
    if part == "receptions":
        return receptions_text(plan)
    if part == "procedure":
        return _numbered(procedure_line(s) for s in plan.procedure)
    if part == "reporting":
        return _numbered(reporting_line(d) for d in plan.reporting_duties)
    if part == "phases":
        return _numbered(phase_line(p) for p in plan.phases)
    raise ValueError(f"unknown part {part}")
