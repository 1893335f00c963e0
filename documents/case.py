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
