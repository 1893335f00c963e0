"""A failed save says what is wrong in Chinese, from the field's constraints and the value it
was given: mongoengine's English text is never read (another version may word it otherwise)."""

import mongoengine
import pytest

import documents
from admin import errors

from .conftest import flashed_errors


def _failure(record) -> mongoengine.ValidationError:
    try:
        record.validate()
    except mongoengine.ValidationError as exc:
        return exc
    raise AssertionError("the record is valid")


def _reworded(error):
    """The same error with every English message replaced: the reasons must not change."""
    for value in (error.errors or {}).values():
        if isinstance(value, mongoengine.ValidationError):
            _reworded(value)
            if not errors._own(value.message):
                value.message = "something else entirely"
    return error


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"name": None}, "「名称」：不能为空"),
        ({"name": "长" * 300}, "「名称」：内容过长（最多"),
        ({"name": "某单位", "kind": "不存在的类别"}, "「类型」：不是可选的值"),
        ({"name": "某单位", "issuer_marks": ["好", "长" * 300]}, "「发文机关标志」第2项：内容过长"),
    ],
)
def test_the_reason_comes_from_the_constraint_not_the_text(app, fields, expected):
    unit = documents.Unit(**fields)
    error = _reworded(_failure(unit))
    messages = errors.validation_messages(documents.Unit, error, unit)
    assert any(expected in m for m in messages), messages
    assert not any(errors._CJK.search(m) is None for m in messages)


def test_numbers_outside_their_range_name_the_range(app):
    field = mongoengine.IntField(min_value=1, max_value=99)
    assert errors.reason(field, 500) == "数值超出范围（1～99）"
    assert errors.reason(field, "abc") == "必须是整数"
    assert errors.reason(mongoengine.DateField(), "x") == "不是有效的日期"


def test_a_documents_own_chinese_message_is_shown_as_it_is(app):
    error = mongoengine.ValidationError(
        "x", errors={"name": mongoengine.ValidationError("名称不能只有空格")}
    )
    assert errors.validation_messages(documents.Unit, error) == ["「名称」：名称不能只有空格"]


def test_a_refused_delete_names_what_still_refers_to_the_record(app, client):
    role = documents.Role.objects.get(key="admin")  # the test account has it (DENY rule)
    response = client.post("/admin/role/delete/", data={"id": str(role.pk)}, follow_redirects=True)
    assert "不能删除：仍有账号记录引用它" in flashed_errors(response)
    assert documents.Role.objects(pk=role.pk).first() is not None
