"""Size limits shared by the documents, so that oversized input is refused with a message."""

import datetime
import re

import mongoengine

NAME = 100  # names, titles, short labels
SHORT = 50  # codes, phone numbers, short names
HEADING = 200  # a heading or a document title
TEXT = 2000  # a sentence or a short paragraph
LONG = 50000  # a section's body text

# the dates the panel works with: date arithmetic near 0001-01-01 or 9999-12-31 (a previous
# period, a month's end, a deadline) would leave the calendar Python can represent
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)


# Characters nobody types on purpose and that break what reads the text later: C0 controls but
# tab and line breaks, DEL, C1 controls, lone surrogates (not UTF-8), the bidirectional overrides
# that make a text read differently from what it holds, and the Unicode non-characters. A NUL in a
# 信访人 made the unit's XLSX export fail for everyone; such input is refused where it is typed.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def control_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, in Chinese, or None: names the first control character by
    its position and code, because it is invisible in the form."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return (
        f"第{found.start() + 1}个字符是看不见的控制字符（U+{ord(found.group()):04X}），"
        "打印和导出都会出错，请删除后再保存（常见于从其他软件复制的文字）"
    )


def first_control_problem(value) -> str | None:
    """:func:`control_problem` for a value holding strings anywhere: dict keys and values, list
    items, nested to any depth (a custom field's 表格 rows, a record's extension fields)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if problem := control_problem(item):
                return problem
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


class StringField(mongoengine.StringField):
    """mongoengine's StringField refusing control characters (:func:`control_problem`). Keeps
    the name StringField: Flask-Admin picks a form field by the model field's class name."""

    def validate(self, value):
        super().validate(value)
        if isinstance(value, str) and (problem := control_problem(value)):
            self.error(problem)


class DictField(mongoengine.DictField):
    """mongoengine's DictField refusing control characters in its keys and values, nested to
    any depth. Keeps the name DictField for Flask-Admin's form converter."""

    def validate(self, value):
        super().validate(value)
        if isinstance(value, dict) and (problem := first_control_problem(value)):
            self.error(problem)


def _spoken(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def date_problem(value) -> str | None:
    """Why a date is outside the dates the panel works with (FIRST_DAY to LAST_DAY), or None."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date) and not FIRST_DAY <= value <= LAST_DAY:
        return f"日期须在{_spoken(FIRST_DAY)}至{_spoken(LAST_DAY)}之间（填的是{value.isoformat()}）"
    return None


class DateField(mongoengine.DateField):
    """mongoengine's DateField limited to FIRST_DAY … LAST_DAY: a 成文日期 of 9999-12-31 made
    every deadline and period computed from it fail. Keeps the name DateField for Flask-Admin."""

    def validate(self, value):
        super().validate(value)
        if problem := date_problem(value):
            self.error(problem)
