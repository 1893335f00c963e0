"""What a unit's own fields ask of their values, as JSON Schema, and the check of values against it.

``custom_fields`` derives a ``FieldSet``'s ``json_schema`` from its definitions here on every new
version, and checks a definition's default with ``validate_values``; the panel's forms and the
migration in ``custom_values`` check values with it too. Messages are in Chinese and name the
field by its label. A 格式 (regular expression) is matched by RE2, in the forms as in the schema,
so that a unit's pattern cannot take time exponential in the text.
"""

import datetime
import functools
import math
import re

import jsonschema
import re2

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
