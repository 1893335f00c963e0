"""A unit's own fields for its plans and case cards: definitions as data, JSON Schema, values.

A ``FieldSet`` holds, per unit and per kind of record, the fields the unit added. Their values live
in the record's ``extra`` dict under the field's key. Definitions change without losing anything:

- a label can change at any time (the key stays, so do the values);
- a removed field is kept as *retired*: no longer in forms, its values still shown and migratable;
- a retyped field keeps its stored values; those that do not fit the new type stay as they were
  until someone enters a new value or migrates them;
- every change of the definitions makes a new version (``FieldSetVersion`` keeps each one), and
  each record stores the version it was last written under.
"""

import datetime
import functools
import math
import re
from decimal import Decimal, DecimalException, InvalidOperation

import jsonschema
import re2
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

from . import masking
from .fields import NAME, TEXT, DictField, StringField
from .unit import Person, Unit

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
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


# --- JSON Schema and validation -------------------------------------------------------------------


def json_schema(fields) -> dict:
    """The JSON Schema of the active fields' values (retired keys are allowed, unchecked)."""
    properties, required = {}, []
    for field in fields:
        if field.retired:
            continue
        properties[field.key] = _schema_of(field)
        if field.required and field.type != "boolean":
            required.append(field.key)
    # draft 2020-12 (MongoDB refuses a "$schema" key in a stored document, so it is implied)
    schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": True,
    }
    if required:
        schema["required"] = required
    return schema


def _text_schema(field, schema):
    schema["type"] = "string"
    if field.required:
        schema["minLength"] = max(1, getattr(field, "min_length", None) or 0)
    elif getattr(field, "min_length", None):
        schema["minLength"] = field.min_length
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    if getattr(field, "pattern", None):
        schema["pattern"] = field.pattern


def _number_schema(field, schema):
    schema["type"] = "number"
    for bound in ("minimum", "maximum"):
        value = getattr(field, bound, None)
        # NaN or infinity, stored before they were refused, bound nothing
        if value is not None and math.isfinite(value):
            schema[bound] = value


def _multichoice_schema(field, schema):
    schema.update(type="array", items={"enum": list(field.choices)}, uniqueItems=True)
    if field.required:
        schema["minItems"] = 1


def _table_schema(field, schema):
    columns = {c.key: _schema_of(c) for c in field.columns}
    row = {"type": "object", "properties": columns, "additionalProperties": False}
    needed = [c.key for c in field.columns if c.required and c.type != "boolean"]
    if needed:
        row["required"] = needed
    schema.update(type="array", items=row)
    if field.required:
        schema["minItems"] = 1


_SCHEMAS = {
    "text": _text_schema,
    "textarea": _text_schema,
    "number": _number_schema,
    "date": lambda field, schema: schema.update(type="string", format="date"),
    "boolean": lambda field, schema: schema.update(type="boolean"),
    "choice": lambda field, schema: schema.update(type="string", enum=list(field.choices)),
    "multichoice": _multichoice_schema,
    "person": lambda field, schema: schema.update(type="string", pattern="^[0-9a-f]{24}$"),
    "table": _table_schema,
}


def _schema_of(field) -> dict:
    schema: dict = {"title": field.label}
    if field.type in _SCHEMAS:
        _SCHEMAS[field.type](field, schema)
    return schema


_MESSAGES = {
    "required": "不能为空",
    "minLength": "不能为空或过短",
    "maxLength": "超过长度上限",
    "pattern": "格式不正确",
    "minimum": "小于最小值",
    "maximum": "大于最大值",
    "enum": "不是可选的值",
    "type": "类型不正确",
    "format": "不是有效的日期",
    "minItems": "至少要填一项",
    "uniqueItems": "有重复的选项",
    "additionalProperties": "含有未定义的列",
}


# A unit-defined 格式 is matched by RE2, whose time is linear in the text: a pattern like
# ^(a+)+$ took 0.86 s at 24 characters under Python's backtracking engine, doubling with each
# one more. RE2 has no backreferences or lookaround; such a pattern is refused when defined.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str):
    return re2.compile(pattern, _RE2_OPTIONS)


def pattern_problem(pattern: str) -> str | None:
    """Why a 格式 (regular expression) cannot be used, in Chinese, or None."""
    try:
        re.compile(pattern)  # the form's browser check uses the same syntax
    except re.error as exc:
        return f"格式（正则表达式）无效：{exc.msg}"
    try:
        _compiled(pattern)
    except re2.error:
        return "格式（正则表达式）不能使用反向引用（\\1）或前后查找（(?=…)、(?<=…)），请改写"
    return None


def matches(pattern: str, text: str) -> bool:
    """Whether ``text`` holds a match of the 格式 ``pattern`` (JSON Schema's unanchored search),
    in time linear in the text; a pattern RE2 cannot run (stored before such were refused) does
    not match."""
    try:
        return _compiled(pattern).search(text) is not None
    except re2.error:
        return False


def _pattern(validator, pattern, instance, schema):
    """JSON Schema's ``pattern`` keyword matched by RE2 instead of Python's ``re``."""
    if not validator.is_type(instance, "string"):
        return
    if not matches(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})


def schema_message(validator: str) -> str:
    """What a failed JSON Schema keyword (``error.validator``) means, in Chinese."""
    return _MESSAGES.get(validator, "无效")


def _date_checker():
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def is_date(value):
        if not isinstance(value, str):
            return True
        if not _DATE.match(value):
            raise ValueError(value)
        datetime.date.fromisoformat(value)
        return True

    return checker


_FORMATS = _date_checker()


def validate_values(fields, values: dict) -> list[str]:
    """Check values against the definitions; each message names the field by its label."""
    schema = json_schema(fields)
    validator = _Validator(schema, format_checker=_FORMATS)
    labels = {f.key: f.label for f in fields}
    columns = {f.key: {c.key: c.label for c in f.columns} for f in fields if f.type == "table"}
    messages = []
    for error in sorted(validator.iter_errors(values), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            key = next((k for k in error.validator_value if k not in present), "")
            if path:  # a required column of a table row
                where = f"「{labels.get(path[0], path[0])}」第{path[1] + 1}行"
                messages.append(f"{where}「{columns.get(path[0], {}).get(key, key)}」不能为空")
            else:
                messages.append(f"「{labels.get(key, key)}」不能为空")
            continue
        where = f"「{labels.get(path[0], path[0])}」" if path else ""
        if len(path) >= 3:
            where += f"第{path[1] + 1}行「{columns.get(path[0], {}).get(path[2], path[2])}」"
        messages.append(f"{where}{schema_message(error.validator)}")
    return messages


# --- converting and showing values ----------------------------------------------------------------


def _parse_text(field, raw):
    return raw if isinstance(raw, str) else str(raw)


def _parse_number(field, raw):
    if isinstance(raw, bool):
        raise ValueError("不是数字")
    if isinstance(raw, int | float):
        return _storable_number(raw, raw)
    text = str(raw).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"「{_short(text)}」不是数字") from None
    if not number.is_finite():
        raise ValueError(f"「{_short(text)}」不是有限的数字")
    try:
        integral = number == number.to_integral_value()
    except DecimalException:  # an exponent beyond what decimal computes with
        integral = number.adjusted() > 0
    if integral:
        # checked before int(): 1e999999 has a million digits
        if number.adjusted() > 18 or abs(number) > INT64_MAX:
            raise ValueError(f"「{_short(text)}」超出了可以保存的范围（整数不能超过 18 位）")
        return int(number)
    return _storable_number(float(number), text)


def _parse_date(field, raw):
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "-")
    match = re.match(r"^(\d{4})\D(\d{1,2})\D(\d{1,2})日?$", text)
    if not match:
        raise ValueError(f"「{raw}」不是日期")
    try:
        return datetime.date(*map(int, match.groups())).isoformat()
    except ValueError:
        raise ValueError(f"「{raw}」不是有效的日期") from None


def _parse_boolean(field, raw):
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("是", "yes", "true", "1", "y"):
        return True
    if text in ("否", "no", "false", "0", "n"):
        return False
    raise ValueError(f"「{raw}」不是“是”或“否”")


def _parse_choice(field, raw):
    if raw not in field.choices:
        raise ValueError(f"「{raw}」不是可选的值")
    return raw


def _parse_multichoice(field, raw):
    items = raw if isinstance(raw, list) else re.split(r"[、,，;；\s]+", str(raw).strip())
    items = [i for i in items if i]
    wrong = [i for i in items if i not in field.choices]
    if wrong:
        raise ValueError(f"「{'、'.join(wrong)}」不是可选的值")
    return items


def _parse_table(field, raw):
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise ValueError("不是表格")
    return raw


_PARSERS = {
    "text": _parse_text,
    "textarea": _parse_text,
    "person": _parse_text,
    "number": _parse_number,
    "date": _parse_date,
    "boolean": _parse_boolean,
    "choice": _parse_choice,
    "multichoice": _parse_multichoice,
    "table": _parse_table,
}


def parse_value(field, raw):
    """A value typed as text (a default, a value to migrate) as the field's type; ValueError if not.

    Values that are already of the right type pass unchanged.
    """
    if raw is None or raw == "":
        return None
    if field.type not in _PARSERS:
        raise ValueError(f"未知的字段类型「{field.type}」")
    return _PARSERS[field.type](field, raw)


INT64_MAX = 2**63 - 1  # MongoDB stores integers of 8 bytes


def _short(text, length=30):
    text = str(text)
    return text if len(text) <= length else f"{text[:length]}…"


def _storable_number(value, raw):
    """A number MongoDB stores and the schema compares: no NaN, no infinity, integers of 8
    bytes."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"「{_short(raw)}」不是有限的数字")
    if isinstance(value, int) and abs(value) > INT64_MAX:
        raise ValueError(f"「{_short(raw)}」超出了可以保存的范围（整数不能超过 18 位）")
    return value


def fits(field, value) -> bool:
    """Whether a stored value is valid for the field as it is defined now."""
    if value is None:
        return True
    return not validate_values([field], {field.key: value})


def display(field, value, mask=False) -> str:
    """A stored value as text for lists, detail pages and exports; ``mask`` hides what a field
    or table column marked 个人信息 holds."""
    if value is None or value == "" or value == []:
        return ""
    if field is None:
        return str(value)
    if mask and field.personal and field.type != "table":
        return masking.mask_text(display(field, value))
    kind = field.type
    if kind == "boolean" and isinstance(value, bool):
        return "是" if value else "否"
    if kind == "multichoice" and isinstance(value, list):
        return "、".join(map(str, value))
    if kind == "person" and isinstance(value, str):
        person = (
            Person.objects(pk=value).only("name", "title").first()
            if re.match(r"^[0-9a-f]{24}$", value)
            else None
        )
        return str(person) if person else value
    if kind == "table" and isinstance(value, list):
        columns = field.columns
        rows = []
        for row in value:
            if isinstance(row, dict):
                rows.append(
                    "，".join(
                        f"{c.label}：{_cell(c, row.get(c.key), mask and field.personal, mask)}"
                        for c in columns
                        if row.get(c.key) not in (None, "")
                    )
                )
        return "；".join(rows)
    if kind == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(column, value, whole_table_masked, mask):
    text = display(column, value, mask)
    return masking.mask_text(text) if whole_table_masked and not column.personal else text


def migrate(records, source_key, target, save) -> tuple[int, list[str]]:
    """Move values from ``source_key`` to the ``target`` field, converting them to its type.

    Values that cannot be converted stay where they are and are reported. ``save(record)``
    persists a changed record. Returns how many were moved and the failures.
    """
    moved, failures = 0, []
    for record in records:
        extra = record.extra or {}
        if source_key not in extra or extra[source_key] in (None, "", []):
            continue
        try:
            value = parse_value(target, extra[source_key])
            problems = validate_values([target], {target.key: value}) if value is not None else []
        except ValueError as exc:
            problems = [str(exc)]
        if problems:
            failures.append(f"{record}：{'；'.join(problems)}")
            continue
        extra[target.key] = value
        if source_key != target.key:
            extra.pop(source_key)
        record.extra = extra
        save(record)
        moved += 1
    return moved, failures
