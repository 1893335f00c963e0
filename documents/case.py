"""Case cards (一案一卡): one card per petition, with the six fields of the card."""

import datetime

from mongoengine import (
    DENY,
    NULLIFY,
    DateField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ReferenceField,
    StringField,
)

from .fields import LONG, NAME, SHORT, TEXT
from .plan import Plan
from .unit import Person, Unit

SOURCES = ("来访", "来信", "网上", "电话", "上级交办", "上级督办")
CASE_TYPES = ("初访", "重复访", "越级访", "集体访", "赴京访")
OUTCOMES = ("化解", "息访罢访", "稳控", "不予受理")
STATUSES = ("登记", "办理中", "已答复", "已办结")


class TimelineEntry(EmbeddedDocument):
    """One dated entry of 处理过程, by a named person."""

    date = DateField(required=True)
    actor = StringField(required=True, max_length=NAME)
    content = StringField(required=True, max_length=TEXT)

    def __str__(self):
        return f"{self.date} {self.actor}：{self.content}"


class CaseCard(Document):
    """One petition followed from registration to its end."""

    unit = ReferenceField(Unit, required=True, reverse_delete_rule=DENY)
    plan = ReferenceField(Plan, reverse_delete_rule=NULLIFY)
    number = StringField(max_length=SHORT)  # 编号
    registered_on = DateField(required=True, default=datetime.date.today)
    petitioner = StringField(required=True, max_length=NAME)  # 信访人 (a person or a group)
    group_size = IntField(min_value=1, max_value=100000)  # for a group visit
    id_number = StringField(max_length=18)
    phone = StringField(max_length=SHORT)
    address = StringField(max_length=TEXT)
    source = StringField(choices=SOURCES, default="来访")
    case_type = StringField(choices=CASE_TYPES, default="初访")
    category = StringField(max_length=NAME)  # 征地拆迁, 劳动社保 … configurable per unit

    # 一案一卡: 案由, 包案责任人, 处理过程, 目前进展, 当事人动态, 处理措施
    subject = StringField(required=True, max_length=TEXT)  # 案由
    request = StringField(max_length=LONG)  # 请求
    facts = StringField(max_length=LONG)  # 事实和理由
    responsible_leader = ReferenceField(Person, reverse_delete_rule=NULLIFY)  # 包案责任人
    department = StringField(max_length=NAME)  # 责任部门
    timeline = EmbeddedDocumentListField(TimelineEntry)  # 处理过程
    progress = StringField(max_length=LONG)  # 目前进展
    petitioner_status = StringField(max_length=LONG)  # 当事人动态
    measures = StringField(max_length=LONG)  # 处理措施
    status = StringField(choices=STATUSES, default="登记")
    outcome = StringField(choices=OUTCOMES)

    extra = DictField()  # values of the unit's own fields (see custom_fields)
    fields_version = IntField()  # the version of those fields the record was written under

    meta = {
        "collection": "case_cards",
        "ordering": ["-registered_on"],
        "indexes": ["unit", "registered_on", "responsible_leader"],
    }

    def __str__(self):
        return f"{self.number or ''} {self.petitioner}：{self.subject}".strip()

    def as_printable(self, field_set=None) -> dict:
        """The card as plain data for the form renderer (``exports.render_case_cards``)."""
        from .custom_fields import display

        values = {
            "petitioner": self.petitioner, "group_size": self.group_size or "",
            "id_number": self.id_number, "phone": self.phone, "address": self.address,
            "source": self.source, "case_type": self.case_type, "category": self.category,
            "department": self.department, "subject": self.subject, "request": self.request,
            "facts": self.facts, "responsible_leader": str(self.responsible_leader or ""),
            "status": self.status, "progress": self.progress,
            "petitioner_status": self.petitioner_status, "measures": self.measures,
            "outcome": self.outcome,
        }  # fmt: skip
        fields = [{**spec, "value": values.get(spec["key"]) or ""} for spec in CARD_LAYOUT]
        timeline = next(f for f in fields if f["key"] == "timeline")
        timeline["lines"] = [f"{e.date:%Y-%m-%d} {e.actor}：{e.content}" for e in self.timeline]
        extra = self.extra or {}
        for definition in field_set.active if field_set else []:
            fields.append({
                "label": definition.label,
                "value": display(definition, extra.get(definition.key)),
                "wide": definition.type in ("textarea", "table"),
            })  # fmt: skip
        return {
            "unit": self.unit.name if self.unit else "", "number": self.number or "",
            "registered_on": f"{self.registered_on:%Y年%-m月%-d日}" if self.registered_on else "",
            "filled_by": "", "fields": fields,
        }  # fmt: skip


# What the printed card shows, in order: the six fields of 一案一卡 and what the register keeps
CARD_LAYOUT = [
    {"key": "petitioner", "label": "信访人"}, {"key": "group_size", "label": "人数"},
    {"key": "id_number", "label": "证件号码"}, {"key": "phone", "label": "联系电话"},
    {"key": "address", "label": "住址", "wide": True},
    {"key": "source", "label": "来源"}, {"key": "case_type", "label": "信访类型"},
    {"key": "category", "label": "问题类别"}, {"key": "department", "label": "责任部门"},
    {"key": "subject", "label": "案由", "wide": True, "size": "tall"},
    {"key": "request", "label": "请求", "wide": True, "size": "tall"},
    {"key": "facts", "label": "事实和理由", "wide": True, "size": "tall"},
    {"key": "responsible_leader", "label": "包案责任人"}, {"key": "status", "label": "办理状态"},
    {"key": "timeline", "label": "处理过程", "wide": True, "size": "taller"},
    {"key": "progress", "label": "目前进展", "wide": True, "size": "tall"},
    {"key": "petitioner_status", "label": "当事人动态", "wide": True, "size": "tall"},
    {"key": "measures", "label": "处理措施", "wide": True, "size": "tall"},
    {"key": "outcome", "label": "处理结果", "wide": True},
]  # fmt: skip


def blank_card(unit, field_set=None) -> dict:
    """An empty card of a unit, with its own fields, for registration on paper."""
    fields = [{**spec, "value": ""} for spec in CARD_LAYOUT]
    for definition in field_set.active if field_set else []:
        hint = "□" + "　□".join(definition.choices) if definition.type in (
            "choice", "multichoice") else ""  # fmt: skip
        if definition.type == "boolean":
            hint = "□是　□否"
        fields.append({"label": definition.label, "value": hint,
                       "wide": definition.type in ("textarea", "table", "multichoice")})
    return {"unit": unit.name if unit else "", "number": "", "registered_on": "",
            "filled_by": "", "fields": fields}  # fmt: skip
