"""A unit's own fields: definitions, every field type through the forms, changes that lose
nothing, migration, and no leak between units."""

import contextlib
import datetime
import json
import re
import signal
from html import unescape

import pytest

import documents
from documents import custom_fields, custom_schema, custom_values
from documents.custom_fields import ColumnDefinition as Column
from documents.custom_fields import FieldDefinition as Field

from .conftest import flashed_errors, request_as_tester


@pytest.fixture
def units(app):
    township = documents.Unit(name="某乡").save()
    court = documents.Unit(name="某法院").save()
    documents.Person(name="包村干部甲", title="副乡长", unit=township).save()
    documents.Person(name="法官乙", unit=court).save()
    return township, court


def _define(unit, *fields, target="case_card"):
    field_set = documents.FieldSet.for_unit(unit, target)
    previous = list(field_set.fields) if field_set else []
    if field_set is None:
        field_set = documents.FieldSet(unit=unit, target=target)
    field_set.fields = list(fields)
    return field_set.save_new_version(previous)


ALL_TYPES = (
    Field(key="note", label="备注", type="text", max_length=10, pattern=r"^[^0-9]*$"),
    Field(key="story", label="经过", type="textarea", min_length=2),
    Field(key="times", label="上访次数", type="number", minimum=0, maximum=99),
    Field(key="visit", label="回访日期", type="date"),
    Field(key="key_person", label="重点人员", type="boolean"),
    Field(key="risk", label="风险等级", type="choice", choices=["高", "中", "低"], required=True),
    Field(key="issues", label="涉及问题", type="multichoice", choices=["土地", "工资", "环境"]),
    Field(key="cadre", label="包村干部", type="person"),
    Field(
        key="contacts",
        label="联系人",
        type="table",
        columns=[
            Column(key="name", label="姓名", required=True),
            Column(key="age", label="年龄", type="number"),
        ],
    ),
)


def _shown(html, text):
    import re

    return re.search(rf">\s*{re.escape(text)}\s*<", html) is not None


def _card_form(unit, **extra):
    step = documents.Procedure.for_unit(unit).first
    return {
        "unit": str(unit.pk),
        "petitioner": "张某",
        "subject": "反映问题",
        "registered_on": "2024-03-01",
        "step": step,
        **extra,
    }


# --- definitions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (Field(key="a", label="甲", type="choice"), "必须填写选项"),
        (Field(key="a", label="甲", type="multichoice", choices=[""]), "必须填写选项"),
        (Field(key="a", label="甲", type="lottery"), "未知的字段类型「lottery」"),
        (Field(key="a", label="甲", pattern="[0-9"), "格式（正则表达式）无效"),
        (Field(key="a", label="甲", type="number", default="多"), "默认值无效"),
        (Field(key="a", label="甲", max_length=2, default="太长了"), "默认值不符合本字段的要求"),
        (Field(key="a", label="甲", type="choice", choices=["是"], default="否"), "默认值无效"),
        (Field(key="a", label="甲", type="date", default="2012-02-30"), "不是有效的日期"),
        (Field(key="1a", label="甲"), "字段键须以英文字母开头"),
        (Field(key="a.b", label="甲"), "字段键须以英文字母开头"),
        (Field(key="a", label=""), "名称不能为空"),
        (Field(key="a", label="甲", min_length=5, max_length=2), "最短长度大于最长长度"),
        (Field(key="a", label="甲", type="number", minimum=5, maximum=2), "最小值大于最大值"),
        (Field(key="a", label="甲", type="table"), "表格至少要有一列"),
        (Field(key="a", label="甲", type="number", minimum=float("nan")), "最小值须是有限的数字"),
        (Field(key="a", label="甲", type="number", maximum=float("inf")), "最大值须是有限的数字"),
        (Field(key="a", label="甲", type="number", minimum=float("-inf")), "不能是 NaN 或无穷大"),
        (
            Field(
                key="a",
                label="甲",
                type="table",
                columns=[Column(key="b", label="乙", type="table")],
            ),
            "未知的字段类型「table」",
        ),
    ],
)
def test_bad_definitions_are_explained_in_chinese(field, message):
    problems = custom_fields.check_definitions([field])
    assert any(message in p for p in problems), problems


def test_duplicate_keys_are_refused():
    problems = custom_fields.check_definitions(
        [Field(key="a", label="甲"), Field(key="a", label="乙")]
    )
    assert any("字段键「a」重复" in p for p in problems)


def test_good_definitions_pass_and_become_a_json_schema():
    assert custom_fields.check_definitions(ALL_TYPES) == []
    schema = custom_schema.json_schema(ALL_TYPES)
    assert schema["required"] == ["risk"]
    assert schema["properties"]["risk"]["enum"] == ["高", "中", "低"]
    assert schema["properties"]["visit"]["format"] == "date"
    assert schema["properties"]["contacts"]["items"]["required"] == ["name"]


def test_values_are_checked_against_the_schema_with_labels_in_messages():
    problems = custom_schema.validate_values(
        ALL_TYPES,
        {
            "note": "123",
            "story": "短",
            "times": 100,
            "visit": "2024-02-30",
            "risk": "极高",
            "issues": ["土地", "外星人"],
            "cadre": "nobody",
            "contacts": [{"age": 3}],
        },
    )
    text = " ".join(problems)
    for expected in (
        "「备注」格式不正确",
        "「经过」不能为空或过短",
        "「上访次数」大于最大值",
        "「回访日期」不是有效的日期",
        "「风险等级」不是可选的值",
        "「涉及问题」",
        "「包村干部」格式不正确",
        "「联系人」第1行「姓名」不能为空",
    ):
        assert expected in text, text
    assert custom_schema.validate_values(ALL_TYPES, {}) == ["「风险等级」不能为空"]


def test_a_unit_saves_definitions_with_chinese_errors_in_the_panel(client, units):
    township, _ = units
    response = client.post(
        "/admin/fieldset/new/",
        data={
            "unit": str(township.pk),
            "target": "case_card",
            "fields-0-key": "risk",
            "fields-0-label": "风险等级",
            "fields-0-type": "choice",
            "fields-1-key": "risk",
            "fields-1-label": "再一个",
            "fields-1-type": "text",
            "fields-1-pattern": "([",
        },
    )
    assert response.status_code == 200
    errors = flashed_errors(response)
    assert "必须填写选项" in errors and "字段键「risk」重复" in errors and "正则表达式" in errors
    assert documents.FieldSet.objects.count() == 0

    response = client.post(
        "/admin/fieldset/new/",
        data={
            "unit": str(township.pk),
            "target": "case_card",
            "fields-0-key": "risk",
            "fields-0-label": "风险等级",
            "fields-0-type": "choice",
            "fields-0-choices": "高\n中\n低",
            "fields-0-show_in_list": "y",
            "fields-1-key": "contacts",
            "fields-1-label": "联系人",
            "fields-1-type": "table",
            "fields-1-columns-0-key": "name",
            "fields-1-columns-0-label": "姓名",
            "fields-1-columns-0-type": "text",
            "fields-1-columns-0-required": "y",
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    field_set = documents.FieldSet.objects.get()
    assert field_set.version == 1 and [f.key for f in field_set.fields] == ["risk", "contacts"]
    assert field_set.fields[1].columns[0].required
    assert documents.FieldSetVersion.objects(field_set=field_set, version=1).count() == 1
    detail = client.get(f"/admin/fieldset/details/?id={field_set.pk}").get_data(as_text=True)
    shown = re.search(r"<b>JSON Schema</b>.*?<pre>(.*?)</pre>", detail, re.S).group(1)
    schema = json.loads(unescape(shown))
    assert schema["properties"]["risk"]["enum"] == ["高", "中", "低"]
    assert schema["properties"]["contacts"]["items"]["required"] == ["name"]


@pytest.mark.parametrize("bound", ["NaN", "inf", "-Infinity", "nan"])
def test_a_number_fields_bound_must_be_a_finite_number(client, units, bound):
    township, _ = units
    response = client.post(
        "/admin/fieldset/new/",
        data={
            "unit": str(township.pk),
            "target": "case_card",
            "fields-0-key": "times",
            "fields-0-label": "次数",
            "fields-0-type": "number",
            "fields-0-minimum": bound,
        },
    )
    assert response.status_code == 200
    assert "「次数」：最小值须是有限的数字，不能是 NaN 或无穷大" in flashed_errors(response)
    assert documents.FieldSet.objects.count() == 0


@pytest.mark.parametrize("bound", [float("nan"), float("inf")])
def test_a_bound_stored_before_it_was_refused_bounds_nothing(client, units, bound):
    township, _ = units
    field_set = documents.FieldSet(
        unit=township,
        target="case_card",
        fields=[Field(key="times", label="次数", type="number", minimum=bound)],
    )
    field_set.prepare_version([])
    field_set.save(validate=False)  # as stored before definitions were checked for it
    response = client.post("/admin/casecard/new/", data=_card_form(township, x__times="5"))
    assert response.status_code == 302, flashed_errors(response)
    assert documents.CaseCard.objects.get().extra == {"times": 5}


# --- every type through the form ---------------------------------------------------------------


def test_every_field_type_round_trips_through_the_form(client, units):
    township, _ = units
    _define(township, *ALL_TYPES)
    cadre = documents.Person.objects.get(name="包村干部甲")
    form = client.get(f"/admin/casecard/new/?unit={township.pk}").get_data(as_text=True)
    for name in (
        "x__note",
        "x__story",
        "x__times",
        "x__visit",
        "x__key_person",
        "x__risk",
        "x__issues",
        "x__cadre",
        "x__contacts",
    ):
        assert f'id="{name}"' in form, name
    # people of this unit only, in the unit's own person field and in the core drop-downs
    assert "包村干部甲（副乡长）" in form and "法官乙" not in form

    response = client.post(
        "/admin/casecard/new/",
        data=_card_form(
            township,
            x__note="东村",
            x__story="多次反映",
            x__times="3",
            x__visit="2024-04-01",
            x__key_person="y",
            x__risk="高",
            x__issues=["土地", "环境"],
            x__cadre=str(cadre.pk),
            **{
                "x__contacts-0-name": "张小",
                "x__contacts-0-age": "12",
                "x__contacts-1-name": "张大",
            },
        ),
    )
    assert response.status_code == 302, flashed_errors(response)
    card = documents.CaseCard.objects.get()
    assert card.extra == {
        "note": "东村",
        "story": "多次反映",
        "times": 3,
        "visit": "2024-04-01",
        "key_person": True,
        "risk": "高",
        "issues": ["土地", "环境"],
        "cadre": str(cadre.pk),
        "contacts": [{"name": "张小", "age": 12}, {"name": "张大"}],
    }
    assert card.fields_version == 1

    edit = client.get(f"/admin/casecard/edit/?id={card.pk}").get_data(as_text=True)
    for shown in ("东村", "多次反映", "2024-04-01", "张小", "张大"):
        assert shown in edit
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    for shown in ("风险等级", "土地、环境", "包村干部甲（副乡长）", "姓名：张小，年龄：12", "是"):
        assert shown in detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("x__note", "x" * 11, "长度"),
        ("x__note", "含数字1", "格式不正确"),
        ("x__times", "三次", "不是有效的小数"),
        ("x__times", "120", "介于"),
        ("x__times", "NaN", "「NaN」不是有限的数字"),
        ("x__times", "sNaN", "不是有限的数字"),
        ("x__times", "-Infinity", "不是有限的数字"),
        ("x__times", "9" * 5000, "超出了可以保存的范围（整数不能超过 18 位）"),
        ("x__times", "1e999999999", "超出了可以保存的范围"),
        ("x__contacts-0-age", "9223372036854775808", "超出了可以保存的范围"),
        ("x__visit", "2024-02-30", "不是有效的日期"),
        ("x__risk", "", "必填"),
        ("x__risk", "极高", "不是有效的选择"),
        ("x__issues", "外星人", "不是有效的选择"),
        ("x__cadre", "000000000000000000000000", "不是有效的选择"),
        ("x__contacts-0-age", "7", "必填"),
    ],
)
def test_bad_custom_values_are_refused_in_chinese(client, units, field, value, message):
    township, _ = units
    _define(township, *ALL_TYPES)
    data = _card_form(township, x__risk="高")
    data[field] = value
    response = client.post("/admin/casecard/new/", data=data)
    assert response.status_code == 200
    assert message in flashed_errors(response)
    assert documents.CaseCard.objects.count() == 0


def test_defaults_fill_a_new_form(client, units):
    township, _ = units
    _define(
        township,
        Field(key="source_village", label="来自", type="text", default="东村"),
        Field(key="due", label="期限", type="date", default="2024-05-01"),
    )
    form = client.get(f"/admin/casecard/new/?unit={township.pk}").get_data(as_text=True)
    assert 'value="东村"' in form and 'value="2024-05-01"' in form


# --- lists, filters, search, exports ----------------------------------------------------------


def _view(app, endpoint):
    return next(
        v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == endpoint
    )


def test_fields_are_list_columns_filters_search_and_export_of_that_unit(app, client, units):
    township, court = units
    _define(
        township,
        Field(key="risk", label="风险等级", type="choice", choices=["高", "低"]),
        Field(key="visit", label="回访日期", type="date"),
    )
    for name, risk, visit in (("甲", "高", "2024-04-01"), ("乙", "低", "2024-05-01")):
        documents.CaseCard(
            unit=township, petitioner=name, subject="s", extra={"risk": risk, "visit": visit}
        ).save()
    documents.CaseCard(unit=court, petitioner="丙", subject="s").save()

    html = client.get(f"/admin/casecard/?unit={township.pk}").get_data(as_text=True)
    assert "风险等级" in html and "回访日期" in html and "2024-04-01" in html
    with request_as_tester(app, f"/admin/casecard/?unit={township.pk}"):
        filters = {
            (str(f.name), f.operation()): i for i, f in enumerate(_view(app, "casecard")._filters)
        }
    risk = filters[("风险等级", "等于")]
    html = client.get(f"/admin/casecard/?unit={township.pk}&flt0_{risk}=高").get_data(as_text=True)
    assert _shown(html, "甲") and not _shown(html, "乙")
    after = filters[("回访日期", "不早于")]
    html = client.get(f"/admin/casecard/?unit={township.pk}&flt0_{after}=2024-04-15").get_data(
        as_text=True
    )
    assert _shown(html, "乙") and not _shown(html, "甲")
    html = client.get(f"/admin/casecard/?unit={township.pk}&search=低").get_data(as_text=True)
    assert _shown(html, "乙") and not _shown(html, "甲")
    csv = client.get(f"/admin/casecard/export/csv/?unit={township.pk}").get_data(as_text=True)
    assert csv.splitlines()[0].endswith("风险等级,回访日期") and "甲" in csv and "丙" not in csv
    xlsx = client.get(f"/admin/casecard/export/xlsx/?unit={township.pk}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_one_units_fields_never_show_in_another_units_pages(app, client, units):
    township, court = units
    _define(township, Field(key="risk", label="风险等级", type="choice", choices=["高", "低"]))
    _define(court, Field(key="judge", label="承办法官", type="text"))
    # (the card page shows the fields that hold a value)
    card = documents.CaseCard(
        unit=court, petitioner="丙", subject="s", extra={"judge": "王"}
    ).save()
    for url in (
        f"/admin/casecard/?unit={court.pk}",
        f"/admin/casecard/new/?unit={court.pk}",
        f"/admin/casecard/edit/?id={card.pk}",
        f"/admin/casecard/details/?id={card.pk}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "风险等级" not in html and "x__risk" not in html, url
        assert "承办法官" in html, url
    for url in ("/admin/casecard/", f"/admin/casecard/?unit={township.pk}"):
        assert "承办法官" not in client.get(url).get_data(as_text=True)
    with request_as_tester(app, f"/admin/casecard/?unit={court.pk}"):
        assert "风险等级" not in [str(f.name) for f in _view(app, "casecard")._filters]
    # the plan fields of a unit are not its case-card fields
    assert "风险等级" not in client.get(f"/admin/plan/new/?unit={township.pk}").get_data(
        as_text=True
    )


def test_plans_get_their_own_fields(client, units):
    township, _ = units
    _define(township, Field(key="budget", label="经费（万元）", type="number"), target="plan")
    response = client.post(
        "/admin/plan/new/",
        data={"unit": str(township.pk), "title": "新方案", "kind": "实施方案", "x__budget": "2.5"},
    )
    assert response.status_code == 302, flashed_errors(response)
    plan = documents.Plan.objects.get()
    assert plan.extra == {"budget": 2.5}
    assert "经费（万元）" in client.get(f"/admin/plan/?unit={township.pk}").get_data(as_text=True)


# --- changing definitions loses nothing -------------------------------------------------------


def test_changing_definitions_keeps_every_stored_value(client, units):
    township, _ = units
    _define(
        township,
        Field(key="risk", label="风险等级", type="choice", choices=["高", "低"]),
        Field(key="times", label="次数", type="text"),
        Field(key="old_note", label="旧备注", type="text"),
    )
    client.post(
        "/admin/casecard/new/",
        data=_card_form(township, x__risk="高", x__times="三次", x__old_note="要保留"),
    )
    card = documents.CaseCard.objects.get()
    assert card.fields_version == 1

    # rename risk, retype times to a number, remove old_note
    field_set = _define(
        township,
        Field(key="risk", label="风险级别", type="choice", choices=["高", "低"]),
        Field(key="times", label="次数", type="number"),
    )
    assert field_set.version == 2
    assert field_set.field("old_note").retired
    card.reload()
    assert card.extra == {"risk": "高", "times": "三次", "old_note": "要保留"}

    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert "风险级别" in detail and "旧备注（已停用）" in detail and "要保留" in detail
    assert "旧类型的值" in detail and "三次" in detail
    edit = client.get(f"/admin/casecard/edit/?id={card.pk}").get_data(as_text=True)
    assert "x__old_note" not in edit and "原值「三次」与当前类型不符" in edit

    # saving without a new value keeps the old-type value; the record takes the new version
    card.reload()
    response = client.post(
        f"/admin/casecard/edit/?id={card.pk}",
        data=_card_form(township, x__risk="低", version=card.version),
    )
    assert response.status_code == 302, flashed_errors(response)
    card.reload()
    assert card.extra == {"risk": "低", "times": "三次", "old_note": "要保留"}
    assert card.fields_version == 2
    # the version a record was written under can be read back
    version_one = documents.FieldSetVersion.objects.get(field_set=field_set, version=1)
    assert [f.label for f in version_one.fields][0] == "风险等级"


def test_retired_values_migrate_to_a_field_converting_what_fits(client, units):
    township, _ = units
    _define(township, Field(key="times_text", label="次数（文字）", type="text"))
    good = documents.CaseCard(
        unit=township, petitioner="甲", subject="s", extra={"times_text": "3"}
    ).save()
    bad = documents.CaseCard(
        unit=township, petitioner="乙", subject="s", extra={"times_text": "很多次"}
    ).save()
    field_set = _define(township, Field(key="times", label="次数", type="number"))
    assert f"/admin/fieldset/migrate/?id={field_set.pk}" in client.get("/admin/fieldset/").get_data(
        as_text=True
    )
    page = client.get(f"/admin/fieldset/migrate/?id={field_set.pk}").get_data(as_text=True)
    assert "次数（文字）（已停用）" in page
    response = client.post(
        f"/admin/fieldset/migrate/?id={field_set.pk}",
        data={"source": "times_text", "target": "times"},
    )
    html = response.get_data(as_text=True)
    assert "已迁移 1 条记录的值，1 条未能迁移" in html and "「很多次」不是数字" in html
    good.reload()
    bad.reload()
    assert good.extra == {"times": 3}
    assert bad.extra == {"times_text": "很多次"}


def test_parse_value_handles_common_chinese_input():
    date = Field(key="d", label="日期", type="date")
    assert custom_values.parse_value(date, "2024年3月5日") == "2024-03-05"
    assert custom_values.parse_value(date, datetime.date(2024, 3, 5)) == "2024-03-05"
    with pytest.raises(ValueError, match="不是有效的日期"):
        custom_values.parse_value(date, "2024-02-30")
    yes_no = Field(key="b", label="是否", type="boolean")
    assert custom_values.parse_value(yes_no, "是") is True
    several = Field(key="m", label="多选", type="multichoice", choices=["甲", "乙"])
    assert custom_values.parse_value(several, "甲、乙") == ["甲", "乙"]


# --- templates ---------------------------------------------------------------------------------


def test_plan_from_a_source_template_is_an_independent_copy(client, units):
    township, court = units
    page = client.get("/admin/plan/from-template/").get_data(as_text=True)
    assert "农建营：关于开展“领导干部大接访”活动实施方案" in page and "空白方案" in page
    index = page.split("农建营：")[0].count('value="template:')
    response = client.post(
        "/admin/plan/from-template/",
        data={
            "unit": str(township.pk),
            "template": f"template:{index - 1}",
            "title": "我乡实施方案",
        },
    )
    assert response.status_code == 302
    plan = documents.Plan.objects.get(title="我乡实施方案")
    assert plan.unit == township and len(plan.sections) == 17
    assert [s.name for s in plan.procedure][:2] == ["申请", "登记"]
    assert plan.doc_number is None and plan.subject_terms == []

    # cloning that plan for another unit, then editing the copy, leaves the original alone
    response = client.post(
        "/admin/plan/from-template/",
        data={"unit": str(court.pk), "template": f"plan:{plan.pk}", "title": "我院方案"},
    )
    copy = documents.Plan.objects.get(title="我院方案")
    copy.sections[0].text = "改过的指导思想"
    copy.sections[0].heading = "新标题"
    copy.save()
    plan.reload()
    assert plan.sections[0].heading == "指导思想" and plan.sections[0].text != "改过的指导思想"

    response = client.post(
        "/admin/plan/from-template/",
        data={"unit": str(court.pk), "template": "blank", "title": "空白"},
    )
    assert documents.Plan.objects.get(title="空白").sections == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"unit": "", "template": "blank", "title": "x"}, "请选择单位"),
        ({"template": "blank", "title": ""}, "请填写新方案的标题"),
        ({"template": "template:99", "title": "x"}, "所选的模板不存在"),
        ({"template": "plan:zzz", "title": "x"}, "所选的模板不存在"),
        ({"template": "blank", "title": "长" * 201}, "标题不能超过 200 个字"),
    ],
)
def test_bad_template_requests_are_explained(client, units, data, message):
    township, _ = units
    response = client.post("/admin/plan/from-template/", data={"unit": str(township.pk), **data})
    assert response.status_code == 200 and message in flashed_errors(response)
    assert documents.Plan.objects.count() == 0


# --- unit-defined 格式 (regular expressions) ------------------------------------------------------


@contextlib.contextmanager
def _at_most(seconds):
    """Fails the test instead of hanging: Python's backtracking engine needs ~10^1500 steps
    for ^(a+)+$ on 5,000 characters; RE2 needs one pass."""

    def stop(signum, frame):
        raise AssertionError(f"still matching after {seconds} s: catastrophic backtracking")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"^(a|a)*$", r"^(\w+\s?)*$", r"^([a-z]*)*b$"])
def test_catastrophic_patterns_are_matched_in_linear_time(pattern):
    field = Field(key="code", label="编码", type="text", pattern=pattern)
    assert custom_fields.check_definitions([field]) == []
    with _at_most(20):
        assert custom_schema.validate_values([field], {"code": "a" * 5000 + "!"}) == [
            "「编码」格式不正确"
        ]
    assert custom_schema.validate_values([field], {"code": "aaab"}) in ([], ["「编码」格式不正确"])


@pytest.mark.parametrize(
    ("pattern", "message"),
    [(r"^(a)\1$", "反向引用"), (r"^(?=a)a$", "前后查找"), (r"(?<!x)y", "前后查找")],
)
def test_patterns_that_need_backtracking_are_refused_when_defined(pattern, message):
    problems = custom_fields.check_definitions([Field(key="a", label="甲", pattern=pattern)])
    assert problems and message in problems[0], problems


def test_the_form_matches_a_catastrophic_pattern_in_linear_time(client, units):
    township, _ = units
    _define(township, Field(key="code", label="编码", type="text", pattern=r"^(a+)+$"))
    with _at_most(20):
        response = client.post(
            "/admin/casecard/new/", data=_card_form(township, x__code="a" * 5000 + "!")
        )
    assert response.status_code == 200 and "格式不正确" in flashed_errors(response)
    response = client.post("/admin/casecard/new/", data=_card_form(township, x__code="aaaa"))
    assert response.status_code == 302, flashed_errors(response)
    assert documents.CaseCard.objects.get().extra == {"code": "aaaa"}


def test_a_pattern_is_searched_as_json_schema_says_in_form_and_store_alike(client, units):
    township, _ = units
    # unanchored: "contains a digit", both in the form and in the stored-value check
    field = Field(key="room", label="房号", type="text", pattern=r"[0-9]")
    _define(township, field)
    assert custom_schema.validate_values([field], {"room": "东楼3室"}) == []
    response = client.post("/admin/casecard/new/", data=_card_form(township, x__room="东楼3室"))
    assert response.status_code == 302, flashed_errors(response)
