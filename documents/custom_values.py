"""The values of a unit's own fields: typed text as the field's type, stored values as text, and
their migration from one field to another.

``parse_value`` reads what someone typed (a default, a value to migrate, a number on a form) as
the field's type, or says in Chinese why it cannot; ``display`` shows a stored value in lists,
detail pages, the card page and exports, masking what is marked 个人信息; ``fits`` and ``migrate``
check values against the definitions through ``custom_schema``. The definitions themselves are
in ``custom_fields``, which uses ``parse_value`` to check a definition's default.
"""

import datetime
import math
import re
from decimal import Decimal, DecimalException, InvalidOperation

from . import masking
from .custom_schema import validate_values
from .unit import Person


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
