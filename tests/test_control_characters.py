"""Control characters are refused where they are typed, with a Chinese message that says where
the invisible character is, and the form comes back with what was typed (issue 13: a NUL in a
信访人 made the unit's XLSX export a 500 for everyone)."""

import html

import mongoengine
import pytest

import documents
from documents.fields import control_problem, first_control_problem

from .conftest import flashed_errors


@pytest.fixture
def unit(app):
    return documents.Unit(name="原有单位", short_name="原有").save()


@pytest.mark.parametrize(
    "bad",
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\ufffe", "\x0b", "\x0c"],
)
def test_every_invisible_control_character_is_named_by_position_and_code(bad):
    problem = control_problem(f"张{bad}三")
    assert problem is not None
    assert "第2个字符" in problem and f"U+{ord(bad):04X}" in problem


@pytest.mark.parametrize(
    "good", ["张三", "第一行\n第二行", "甲\t乙", "回车\r\n换行", "（一）、《》“”"]
)
def test_tabs_line_breaks_and_chinese_punctuation_are_kept(good):
    assert control_problem(good) is None
    assert first_control_problem({"键": [good, {"内": good}]}) is None


def test_nested_values_and_keys_are_walked():
    assert "U+0000" in first_control_problem({"表格": [{"电话": "1\x003"}]})
    assert "U+0007" in first_control_problem({"键\x07": 1})


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (documents.Unit, {"name": "某\x00单位"}),
        (documents.Unit, {"name": "某单位", "extra": {"备注": ["正常", {"深": "坏\x1b"}]}}),
        (documents.Person, {"name": "张\x07三"}),
    ],
)
def test_the_documents_refuse_control_characters_in_strings_lists_and_dicts(unit, kind, values):
    if kind is documents.Person:
        values = {**values, "unit": unit}
    record = kind(**values)
    with pytest.raises(mongoengine.ValidationError) as caught:
        record.validate()
    assert "控制字符" in str(caught.value)


def test_a_card_with_a_control_character_is_refused_and_the_form_keeps_what_was_typed(client, unit):
    response = client.post(
        "/admin/casecard/new/",
        data={
            "unit": str(unit.pk),
            "petitioner": "张\x00三",
            "subject": "反映村道年久失修",
            "step": "登记",
            "registered_on": "2024-01-02",
        },
    )
    assert response.status_code == 200
    errors = flashed_errors(response)
    assert "保存失败" in errors and "控制字符" in errors and "U+0000" in errors
    assert "反映村道年久失修" in html.unescape(response.get_data(as_text=True))
    assert documents.CaseCard.objects.count() == 0


def test_a_phone_list_item_with_a_control_character_is_refused(client, unit):
    response = client.post(
        "/admin/casecard/new/",
        data={
            "unit": str(unit.pk),
            "petitioner": "张三",
            "subject": "反映问题",
            "step": "登记",
            "registered_on": "2024-01-02",
            "phones": "1380000\x1b0000",
        },
    )
    assert response.status_code == 200
    assert "控制字符" in flashed_errors(response)
    assert documents.CaseCard.objects.count() == 0


def test_an_edit_with_a_control_character_leaves_the_record_as_it_was(client, unit):
    response = client.post(
        f"/admin/unit/edit/?id={unit.pk}", data={"name": "新\u202e名称", "kind": "其他"}
    )
    assert response.status_code == 200 and "U+202E" in flashed_errors(response)
    unit.reload()
    assert unit.name == "原有单位"


def test_the_control_character_is_said_next_to_the_field_with_the_forms_other_errors(client):
    response = client.post(
        "/admin/casecard/new/",
        data={"petitioner": "张\x00三", "subject": "反映问题", "registered_on": "2024-01-02"},
    )
    assert response.status_code == 200
    errors = flashed_errors(response)
    assert "必填" in errors and "U+0000" in errors  # the missing unit and the NUL at once
