"""Plan templates that fit the unit: placeholders in a template's text, filled for one unit.

A template refers to its unit as {单位} (the full name), {简称}, {自称} (我院, 我局, 我乡,
我街道 …), {主要领导} (the head's title: 院长, 局长, 书记 …) and {年} (the campaign year).
``fill`` puts the unit's values in every text of a plan; ``templatize`` turns a source unit's
own plan into a template by putting the placeholders where its name, short name,
self-reference, head's title and year stood.
"""

import datetime
import re

from mongoengine import EmbeddedDocument
from mongoengine.base import BaseList

from .choices import PARTS
from .plan import Plan, Section
from .unit import Person

PLACEHOLDERS = ("单位", "简称", "自称", "主要领导", "年")
_PATTERN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

# 自称 and 主要领导 by the kind of unit, when the unit sets none
SELF_REFERENCE = {
    "法院": "我院",
    "检察院": "我院",
    "司法局": "我局",
    "公安局": "我局",
    "县直部门": "我局",
    "民兵农建营": "我营",
    "街道": "我街道",
    "乡镇": "我乡",
}
HEAD_TITLE = {
    "法院": "院长",
    "检察院": "检察长",
    "司法局": "局长",
    "公安局": "局长",
    "县直部门": "局长",
    "民兵农建营": "营长",
    "街道": "主任",
    "乡镇": "乡长",
}


def self_reference(unit) -> str:
    if getattr(unit, "self_reference", None):
        return unit.self_reference
    if unit.kind == "乡镇" and (unit.name or "").endswith("镇"):
        return "我镇"
    if unit.kind == "县直部门" and (unit.name or "").endswith(("委", "办")):
        return "我" + unit.name[-1]
    return SELF_REFERENCE.get(unit.kind, "我单位")


def head_title(unit) -> str:
    """The title of the unit's head: its first leader's 职务, else the usual one of its kind."""
    if unit.pk is not None:
        leader = Person.objects(unit=unit, is_leader=True).order_by("id").first()
        if leader is not None and leader.title:
            return leader.title
    if unit.kind == "乡镇" and (unit.name or "").endswith("镇"):
        return "镇长"
    return HEAD_TITLE.get(unit.kind, "主要领导")


def values(unit, year=None) -> dict:
    return {
        "单位": unit.name or "",
        "简称": unit.short_name or unit.name or "",
        "自称": self_reference(unit),
        "主要领导": head_title(unit),
        "年": str(year or datetime.date.today().year),
    }


def fill_text(text, filled: dict):
    if not isinstance(text, str) or "{" not in text:
        return text
    return _PATTERN.sub(lambda m: filled[m.group(1)], text)


def _walk(value, change):
    """``value`` with ``change`` applied to every string in it (documents changed in place)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list | BaseList):
        return [_walk(item, change) for item in value]
    if isinstance(value, EmbeddedDocument):
        for name in value._fields:
            setattr(value, name, _walk(getattr(value, name), change))
        return value
    return value


TEXT_FIELDS = (
    "title",
    "preamble",
    "sections",
    "principles",
    "targets",
    "procedure",
    "reporting_duties",
    "phases",
    "receptions",
    "attachments",
)


def fill(plan, unit, year=None):
    """Fill the placeholders of every text of ``plan`` with ``unit``'s values; returns plan."""
    filled = values(unit, year)
    for name in TEXT_FIELDS:
        setattr(plan, name, _walk(getattr(plan, name), lambda t: fill_text(t, filled)))
    return plan


def shift_years(plan, year):
    """Move the template's dates (period, rules, duties, phases) into ``year``."""
    start = plan.period_start
    if start is None or year is None or start.year == year:
        return plan
    offset = year - start.year

    def moved(day):
        if day is None:
            return None
        try:
            return day.replace(year=day.year + offset)
        except ValueError:  # 29 February
            return day.replace(year=day.year + offset, day=28)

    plan.period_start, plan.period_end = moved(plan.period_start), moved(plan.period_end)
    for item in [*plan.receptions, *plan.reporting_duties, *plan.phases]:
        item.start_date, item.end_date = moved(item.start_date), moved(item.end_date)
    return plan


def templatize(plan, unit_fields: dict, own_words=(), head=None, words=None):
    """Put placeholders into a source unit's plan: its name, short name, self-reference
    (``own_words``, e.g. 我院), head's title, year and other ``words`` (old → new), longest
    first; returns the plan."""
    pairs = [(unit_fields.get("name"), "{单位}"), (unit_fields.get("short_name"), "{简称}")]
    pairs += list((words or {}).items())
    pairs += [(word, "{自称}") for word in own_words]
    if head:
        pairs.append((head, "{主要领导}"))
    if plan.period_start:
        pairs.append((f"{plan.period_start.year}年", "{年}年"))
    pairs = sorted(((a, b) for a, b in pairs if a), key=lambda p: -len(p[0]))

    def change(text):
        for old, new in pairs:
            text = text.replace(old, new)
        return text

    for name in TEXT_FIELDS:
        if name != "title":
            setattr(plan, name, _walk(getattr(plan, name), change))
    return plan


def blank_plan():
    """A plan with the usual headings: the written ones to fill in, the parts drawn from the
    unit's records in the default order."""
    plan = Plan(
        kind="实施方案",
        preamble=(
            "为认真贯彻落实上级关于开展领导干部大接访活动的部署，切实解决群众反映的突出问题，"
            "维护社会和谐稳定，结合{自称}实际，制定本方案。"
        ),
    )
    plan.sections.append(
        Section(
            level=1,
            heading="指导思想",
            text="坚持以人为本、执政为民，畅通信访渠道，把矛盾化解在基层、解决在萌芽状态。",
        )
    )
    for key, heading in PARTS:
        plan.sections.append(Section(level=1, heading=heading, part=key))
    plan.sections.append(
        Section(
            level=1,
            heading="工作要求",
            text=(
                "{单位}各部门要提高认识，落实责任，严格按照本方案开展工作，确保大接访活动取得实效。"
            ),
        )
    )
    return plan
