"""A unit's own fields for its plans and case cards: definitions as data, JSON Schema, values.

A ``FieldSet`` holds, per unit and per kind of record, the fields the unit added. Their values live
in the record's ``extra`` dict under the field's key. Definitions change without losing anything:

- a label can change at any time (the key stays, so do the values);
- a removed field is kept as *retired*: no longer in forms, its values still shown and migratable;
- a retyped field keeps its stored values; those that do not fit the new type stay as they were
  until someone enters a new value or migrates them;
- every change of the definitions makes a new version (``FieldSetVersion`` keeps each one), and
  each record stores the version it was last written under.

This module holds the definitions, their versions and the check of a definition list. What the
definitions ask of the values is in two siblings below it: ``custom_schema`` turns them into a
JSON Schema and checks values against it (a 格式 matched by RE2), ``custom_values`` converts typed
text to the field's type, shows stored values as text and migrates them from one field to another.
"""

import datetime
import math
import re

from mongoengine import (
    CASCADE,
    BooleanField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    FloatField,
    IntField,
    ListField,
    ReferenceField,
    ValidationError,
)
from mongoengine import EmbeddedDocumentField as Embedded

from .custom_schema import json_schema, pattern_problem, validate_values
from .custom_values import parse_value
from .fields import NAME, TEXT, DictField, StringField
from .unit import Unit

# type → its name in the panel
FIELD_TYPES = {
    "text": "单行文本",
    "textarea": "多行文本",
    "number": "数字",
    "date": "日期",
    "boolean": "是/否",
    "choice": "单选",
    "multichoice": "多选",
    "person": "本单位人员",
    "table": "表格",
}
COLUMN_TYPES = {k: v for k, v in FIELD_TYPES.items() if k not in ("table", "multichoice")}
TARGETS = (("case_card", "一案一卡"), ("plan", "实施方案"))
# the part of the case card a unit's own field is shown and entered in (none: 其他信息)
CARD_PARTS = (
    ("petitioner", "信访人"),
    ("matter", "信访事项"),
    ("handling", "办理"),
    ("progress", "目前进展与处理措施"),
)
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"


class ColumnDefinition(EmbeddedDocument):
    """A column of a table field."""

    key = StringField(required=True, max_length=40)
    label = StringField(required=True, max_length=NAME)
    type = StringField(choices=list(COLUMN_TYPES.items()), default="text")
    required = BooleanField(default=False)
    choices = ListField(StringField(max_length=NAME))
    personal = BooleanField(default=False)  # 个人信息: masked like ID numbers and phones

    def __str__(self):
        return f"{self.label}（{FIELD_TYPES.get(self.type, self.type)}）"


class FieldDefinition(EmbeddedDocument):
    """One field a unit added to its plans or case cards."""

    key = StringField(required=True, max_length=40)
    label = StringField(required=True, max_length=NAME)
    type = StringField(choices=list(FIELD_TYPES.items()), default="text")
    required = BooleanField(default=False)
    default = StringField(max_length=NAME)  # as typed in the panel; parsed by type
    choices = ListField(StringField(max_length=NAME))
    help_text = StringField(max_length=TEXT)
    min_length = IntField(min_value=0)
    max_length = IntField(min_value=1)
    minimum = FloatField()
    maximum = FloatField()
    pattern = StringField(max_length=NAME)
    columns = ListField(Embedded(ColumnDefinition))  # for a table
    show_in_list = BooleanField(default=True)
    personal = BooleanField(default=False)  # 个人信息: masked like ID numbers and phones
    retired = BooleanField(default=False)
    part = StringField(choices=CARD_PARTS)  # where on the case card it belongs

    @property
    def holds_personal_data(self):
        return bool(self.personal or any(c.personal for c in self.columns))

    def __str__(self):
        mark = "（已停用）" if self.retired else ""
        return f"{self.label}（{FIELD_TYPES.get(self.type, self.type)}）{mark}"


class FieldSet(Document):
    """The fields a unit added to one kind of record, with their version."""

    unit = ReferenceField(Unit, required=True, reverse_delete_rule=CASCADE)
    target = StringField(required=True, choices=TARGETS)
    version = IntField(default=0)
    fields = ListField(Embedded(FieldDefinition))
    json_schema = DictField()  # derived from the fields on every save
    updated_at = DateTimeField()

    meta = {
        "collection": "field_sets",
        "indexes": [{"fields": ["unit", "target"], "unique": True}],
    }

    def __str__(self):
        target = dict(TARGETS).get(self.target, self.target)
        return f"{self.unit}·{target}（第{self.version}版）" if self.unit else target

    @property
    def active(self):
        return [f for f in self.fields if not f.retired]

    @property
    def retired(self):
        return [f for f in self.fields if f.retired]

    def field(self, key):
        return next((f for f in self.fields if f.key == key), None)

    def clean(self):
        problems = check_definitions(self.fields)
        if problems:
            raise ValidationError("；".join(problems), errors={"fields": "；".join(problems)})

    def prepare_version(self, previous_fields=()):
        """Make these definitions the next version; fields left out are kept as retired.

        Returns False (and changes nothing) when the definitions are the same as before.
        """
        kept = {f.key for f in self.fields}
        for old in previous_fields:
            if old.key not in kept:
                old.retired = True
                self.fields.append(old)
        if self.version and _same(self.fields, previous_fields):
            return False
        self.version = (self.version or 0) + 1
        self.json_schema = json_schema(self.fields)
        self.updated_at = datetime.datetime.now().replace(microsecond=0)
        return True

    def record_version(self):
        """Keep a copy of the saved definitions under their version number."""
        if not FieldSetVersion.objects(field_set=self, version=self.version).first():
            FieldSetVersion(
                field_set=self,
                version=self.version,
                fields=list(self.fields),
                json_schema=self.json_schema,
                saved_at=self.updated_at,
            ).save()

    def save_new_version(self, previous_fields=()):
        """prepare_version, save and record_version in one step (for scripts and seeds)."""
        self.prepare_version(previous_fields)
        self.save()
        self.record_version()
        return self

    @classmethod
    def for_unit(cls, unit, target):
        if unit is None:
            return None
        return cls.objects(unit=unit, target=target).first()


class FieldSetVersion(Document):
    """Every version of a unit's definitions, so that each record's version can be read back."""

    field_set = ReferenceField(FieldSet, required=True, reverse_delete_rule=CASCADE)
    version = IntField(required=True)
    fields = ListField(Embedded(FieldDefinition))
    json_schema = DictField()
    saved_at = DateTimeField()

    meta = {"collection": "field_set_versions", "indexes": ["field_set"]}


def _same(fields, others):
    return [f.to_mongo().to_dict() for f in fields] == [f.to_mongo().to_dict() for f in others]


# --- checking definitions -------------------------------------------------------------------------


def check_definitions(fields) -> list[str]:
    """What is wrong with a list of definitions, in Chinese; empty when they are fine."""
    problems = []
    seen = set()
    for number, field in enumerate(fields, start=1):
        name = f"第{number}个字段「{field.label or field.key or ''}」"
        problems += _check_one(field, name, FIELD_TYPES)
        if field.key in seen:
            problems.append(f"{name}：字段键「{field.key}」重复")
        seen.add(field.key)
        if field.type == "table":
            if not field.columns:
                problems.append(f"{name}：表格至少要有一列")
            column_keys = set()
            for column in field.columns:
                problems += _check_one(
                    column, f"{name}的列「{column.label or column.key}」", COLUMN_TYPES
                )
                if column.key in column_keys:
                    problems.append(f"{name}：列键「{column.key}」重复")
                column_keys.add(column.key)
    return problems


def _check_one(field, name, types) -> list[str]:
    problems = []
    if not field.key or not re.match(KEY_PATTERN, field.key):
        problems.append(f"{name}：字段键须以英文字母开头，只含英文字母、数字和下划线，最长40个字符")
    if not field.label:
        problems.append(f"{name}：名称不能为空")
    if field.type not in types:
        problems.append(f"{name}：未知的字段类型「{field.type}」")
        return problems
    if field.type in ("choice", "multichoice") and not [c for c in field.choices if c]:
        problems.append(f"{name}：单选或多选字段必须填写选项")
    if len(set(field.choices)) != len(field.choices):
        problems.append(f"{name}：选项有重复")
    pattern = getattr(field, "pattern", None)
    if pattern and (problem := pattern_problem(pattern)):
        problems.append(f"{name}：{problem}")
    low, high = getattr(field, "min_length", None), getattr(field, "max_length", None)
    if low is not None and high is not None and low > high:
        problems.append(f"{name}：最短长度大于最长长度")
    low, high = getattr(field, "minimum", None), getattr(field, "maximum", None)
    for bound, label in ((low, "最小值"), (high, "最大值")):
        if bound is not None and not math.isfinite(bound):  # NaN made every save fail
            problems.append(f"{name}：{label}须是有限的数字，不能是 NaN 或无穷大")
    if low is not None and high is not None and low > high:
        problems.append(f"{name}：最小值大于最大值")
    default = getattr(field, "default", None)
    if default not in (None, "") and not problems:
        try:
            value = parse_value(field, default)
        except ValueError as exc:
            problems.append(f"{name}：默认值无效：{exc}")
        else:
            errors = validate_values([field], {field.key: value})
            problems += [f"{name}：默认值不符合本字段的要求（{e}）" for e in errors]
    return problems
