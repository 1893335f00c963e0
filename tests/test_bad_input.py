"""Bad input gets a clear message in Chinese, never a 500, and what was saved stays as it was."""

import logging

import pytest

import documents

from .conftest import flashed_errors


@pytest.fixture
def unit(app):
    return documents.Unit(name="原有单位", short_name="原有").save()


@pytest.fixture
def plan(unit):
    return documents.Plan(unit=unit, title="原有方案", doc_number="某发〔2024〕1号").save()


def _post(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code == 200, "a refused form is shown again, not redirected"
    return flashed_errors(response)


def test_empty_required_field_is_refused(client):
    errors = _post(client, "/admin/unit/new/", {"name": "", "kind": "其他"})
    assert "必填" in errors and "保存失败" in errors
    assert documents.Unit.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_written", "2012-02-30", "不是有效的日期"),
        ("period_start", "昨天", "不是有效的日期"),
        ("procedure-0-time_limit_days", "十五", "不是有效的整数"),
        ("procedure-0-time_limit_days", "999", "介于"),
        ("title", "长" * 300, "不能超过 200 个字符"),
        ("preamble", "长" * 60000, "不能超过 50000 个字符"),
        ("subject_terms", "词" * 60, "超过 50 个字"),
        ("period_end", "2011-01-01", "活动结束日期不能早于开始日期"),
        ("reporting_duties-0-deadline_time", "25:99", "无效"),
    ],
)
def test_bad_value_on_edit_is_refused_and_the_record_is_unchanged(
    client, plan, field, value, message
):
    before = plan.to_mongo().to_dict()
    data = {
        "unit": str(plan.unit.pk),
        "title": "改过的标题",
        "kind": "实施方案",
        "period_start": "2012-01-01",
        "procedure-0-name": "登记",
        "reporting_duties-0-name": "日报",
        "reporting_duties-0-cadence": "daily",
        field: value,
    }
    errors = _post(client, f"/admin/plan/edit/?id={plan.pk}", data)
    assert message in errors
    plan.reload()
    assert plan.to_mongo().to_dict() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{不是JSON", "不是有效的 JSON"),
        ("[1, 2]", "必须是 JSON 对象"),
        ('{"$where": 1}', "不能以 $ 开头"),
        ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "嵌套不能超过 20 层"),
        ('{"a": ' + "[" * 21 + "]" * 21 + "}", "嵌套不能超过 20 层"),
        ('{"a": ' + "9" * 5000 + "}", "超出了可以保存的范围（不能超过 18 位）"),
        ('{"a": 9223372036854775808}', "超出了可以保存的范围"),
        ('{"a": -9223372036854775809}', "超出了可以保存的范围"),
        ('{"a": 1e999}', "超出了可以保存的范围"),
        ('{"a": NaN}', "不能使用 NaN"),
        ('{"a": [-Infinity]}', "不能使用 -Infinity"),
        ('{"a": {"b.c": 1}}', "不能以 $ 开头，也不能含有英文句点"),
        ('{"a": [{"$gt": 1}]}', "不能以 $ 开头"),
        ('{"a": {"b\\u0000": 1}}', "控制字符"),
        ('{"a": ["\\ud800"]}', "含有无法识别的字符"),
    ],
)
def test_bad_json_in_extra_fields_is_refused(client, unit, value, message):
    unit.extra = {"原有": "值"}
    unit.save()
    errors = _post(
        client, f"/admin/unit/edit/?id={unit.pk}", {"name": "改名", "kind": "其他", "extra": value}
    )
    assert message in errors
    unit.reload()
    assert unit.name == "原有单位" and unit.extra == {"原有": "值"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "嵌套不能超过 20 层"),
        ('{"a": ' + "9" * 5000 + "}", "超出了可以保存的范围"),
        ('{"a": {"b\\u0000": 1}}', "控制字符"),
    ],
)
def test_a_persons_extension_field_refuses_what_cannot_be_stored(client, unit, value, message):
    errors = _post(
        client, "/admin/person/new/", {"name": "张三", "unit": str(unit.pk), "extra": value}
    )
    assert "保存失败" in errors and message in errors, errors
    assert documents.Person.objects.count() == 0


def test_json_within_the_limits_is_kept_as_entered(client, unit):
    value = {
        "a": [[[1]]],
        "b": 9223372036854775807,
        "c": -9223372036854775808,
        "d": 1.5,
        "深": {"层": {"键": "值"}},
    }
    import json

    response = client.post(
        f"/admin/unit/edit/?id={unit.pk}",
        data={"name": "原有单位", "kind": "其他", "extra": json.dumps(value)},
    )
    assert response.status_code == 302, flashed_errors(response)
    unit.reload()
    assert unit.extra == value


def test_nested_error_names_the_part_and_the_row(client, unit):
    errors = _post(
        client,
        "/admin/plan/new/",
        {
            "unit": str(unit.pk),
            "title": "新方案",
            "phases-0-name": "第一阶段",
            "phases-0-start_date": "2024-05-01",
            "phases-0-end_date": "2024-04-01",
        },
    )
    assert "「阶段安排」第1项" in errors and "阶段结束日期不能早于开始日期" in errors
    assert documents.Plan.objects.count() == 0


def test_duplicate_unit_name_is_refused(client, unit):
    errors = _post(client, "/admin/unit/new/", {"name": "原有单位", "kind": "其他"})
    assert "已有相同的记录" in errors
    assert documents.Unit.objects.count() == 1


@pytest.mark.parametrize("value", ["nonsense", "000000000000000000000000"])
def test_unknown_or_malformed_reference_is_refused(client, value):
    errors = _post(client, "/admin/plan/new/", {"unit": value, "title": "新方案"})
    assert "关联记录不存在" in errors
    assert documents.Plan.objects.count() == 0


def test_missing_required_reference_is_refused(client):
    errors = _post(client, "/admin/plan/new/", {"title": "新方案"})
    assert "必填" in errors


@pytest.mark.parametrize("action", ["edit", "details"])
@pytest.mark.parametrize("record_id", ["zzz", "000000000000000000000000", "%00", "1' OR '1"])
def test_malformed_or_unknown_ids_in_urls_are_a_chinese_404(client, action, record_id):
    response = client.get(f"/admin/plan/{action}/?id={record_id}")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.get_data(as_text=True)


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/admin/nothing-here/")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.get_data(as_text=True)


def test_deleting_a_unit_still_in_use_is_refused(client, plan):
    unit = plan.unit
    response = client.post("/admin/unit/delete/", data={"id": str(unit.pk)})
    assert response.status_code == 302
    assert "不能删除：仍有实施方案记录引用它" in flashed_errors(client.get("/admin/unit/"))
    assert documents.Unit.objects(pk=unit.pk).count() == 1


def test_malformed_unit_scope_shows_an_empty_list(client, plan):
    for value in ("zzz", "000000000000000000000000"):
        response = client.get(f"/admin/plan/?unit={value}")
        assert response.status_code == 200
        assert "原有方案" not in response.get_data(as_text=True)
    view = next(
        v
        for v in client.application.extensions["admin"][0]._views
        if getattr(v, "endpoint", "") == "person"
    )
    index = next(i for i, f in enumerate(view._filters) if f.column == "unit")
    response = client.get(f"/admin/person/?flt0_{index}=zzz")
    assert response.status_code == 200


def test_oversized_upload_is_a_chinese_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/admin/unit/new/", data={"name": "x" * 5000})
    assert response.status_code == 413
    assert "上传的内容过大" in response.get_data(as_text=True)


# --- what a failure says: Chinese by the error's type, never the exception's own text ---------


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OverflowError("date value out of range"), "日期或数值超出了可以处理的范围"),
        (OverflowError("MongoDB can only handle up to 8-byte ints"), "超出了可以处理的范围"),
        (ValueError("year 10000 is out of range"), "日期或数值无效"),
        (RecursionError("maximum recursion depth exceeded"), "嵌套层数过多"),
        ("bson.errors.InvalidDocument", "无法保存的字段名或数值"),
        ("jsonschema.ValidationError", "大于最大值"),
    ],
)
def test_a_failed_save_is_explained_by_the_errors_type(client, monkeypatch, error, message):
    import bson
    import jsonschema

    if error == "bson.errors.InvalidDocument":
        error = bson.errors.InvalidDocument("Field names cannot contain the null character")
    elif error == "jsonschema.ValidationError":
        error = jsonschema.ValidationError(
            "100 is greater than the maximum of 99", validator="maximum"
        )

    def failing(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(documents.Unit, "save", failing)
    errors = _post(client, "/admin/unit/new/", {"name": "新单位", "kind": "其他"})
    assert "保存失败：" in errors and message in errors
    assert str(error) not in errors and "Failed" not in errors


class Recorded(logging.Handler):
    """The records of the app's log during a test (pytest runs without its logging plugin)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def app_log(app):
    handler = Recorded()
    app.logger.addHandler(handler)
    yield handler
    app.logger.removeHandler(handler)


def test_an_unexpected_failure_on_save_gets_a_reference_number_in_the_log(
    client, monkeypatch, app_log
):
    import re

    def failing(self, *args, **kwargs):
        raise KeyError("internal detail")

    monkeypatch.setattr(documents.Unit, "save", failing)
    errors = _post(client, "/admin/unit/new/", {"name": "新单位", "kind": "其他"})
    reference = re.search(r"内部错误（编号 ([0-9a-f]{8})）", errors)
    assert reference and "internal detail" not in errors
    logged = [r for r in app_log.records if reference.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info and "internal detail" in str(logged[0].exc_info[1])


def test_mongoengines_english_messages_never_reach_the_form(client):
    unit = documents.Unit(name="甲单位").save()
    errors = _post(
        client,
        f"/admin/unit/edit/?id={unit.pk}",
        {"name": "甲单位", "kind": "其他", "extra": '{"a": {"$b": 1}}'},
    )
    assert "Invalid" not in errors and "保存失败" in errors


# --- dates and months at the ends of the calendar ----------------------------------------------


def test_a_date_beyond_the_panels_range_is_refused_in_chinese(seeded):
    client = seeded.test_client()
    for page in ("/admin/", "/admin/reports/", "/admin/reports/targets/"):
        for query in (
            "start=0001-01-01",
            "start=9999-12-31",
            "end=9999-12-31",
            "end=0001-01-01",
            "start=0001-01-01&end=9999-12-31",
        ):
            response = client.get(f"{page}?{query}")
            assert response.status_code == 200, f"{page}?{query}"
            assert "超出了可选的范围（1900-01-01 至 2099-12-31），已改用默认值" in flashed_errors(
                response
            ), f"{page}?{query}"


def test_a_long_or_binary_date_is_quoted_short_in_the_message(seeded):
    response = seeded.test_client().get("/admin/reports/?start=" + "x" * 5000 + "&end=%00")
    assert response.status_code == 200
    shown = flashed_errors(response)
    assert "x" * 30 + "…" in shown and "x" * 31 not in shown and "\x00" not in shown


def test_a_month_beyond_the_range_or_malformed_is_refused_in_chinese(seeded):
    import re

    client = seeded.test_client()
    plan = documents.Plan.objects(receptions__0__exists=True).first()
    for month in ("9999-12", "0001-01", "2026-13", "2026-00", "２０２６-０１", "-1-1", "x" * 5000):
        response = client.get(f"/admin/schedule/?plan={plan.pk}&month={month}")
        assert response.status_code == 200, month
        assert "无效（应为 1900-01 至 2099-12 之间的" in flashed_errors(response), month
    # the ends of the range: the table links no further
    for month, links in (("2099-12", {"2099-11"}), ("1900-01", {"1900-02"})):
        response = client.get(f"/admin/schedule/?plan={plan.pk}&month={month}")
        assert response.status_code == 200 and not flashed_errors(response)
        shown = re.findall(r"month=(\d{4}-\d{2})\"", response.get_data(as_text=True))
        assert set(shown) - {month} == links


# --- pages -----------------------------------------------------------------------------------


def _list_pages(app):
    return [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.endswith(".index_view")]


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "-99999999999999999999"])
def test_a_page_beyond_any_list_asks_the_store_for_a_skip_it_takes(app, client, monkeypatch, page):
    """MongoDB takes a skip of 0 to 2**63 - 1 (pymongo refuses more: "MongoDB can only handle up
    to 8-byte ints", a 500); mongomock and the embedded store take any, so the skips are
    checked as the driver would."""
    import bson
    from mongoengine.queryset import QuerySet

    asked = []
    skip = QuerySet.skip

    def checked(self, n):
        asked.append(n)
        bson.encode({"skip": n})  # what pymongo sends: an int beyond 8 bytes is an OverflowError
        assert n is None or n >= 0, "MongoDB refuses a negative skip"
        return skip(self, n)

    monkeypatch.setattr(QuerySet, "skip", checked)
    documents.Unit(name="甲单位").save()
    for url in [*_list_pages(app), "/admin/reports/"]:
        response = client.get(f"{url}?page={page}")
        assert response.status_code == 200, url
    assert asked or page.startswith("-"), "the lists were asked for a page"


# --- the page of last resort -----------------------------------------------------------------


@pytest.mark.parametrize("failure", [RuntimeError("secret internal detail"), None])
def test_a_500_is_a_chinese_page_with_a_reference_number_in_the_log(app, app_log, failure):
    import re

    from flask import abort

    @app.route("/test-only/failing")
    def failing():
        if failure is None:
            abort(500)
        raise failure

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as served: TESTING would raise it to the test
    response = app.test_client().get("/test-only/failing")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "服务器内部错误" in page and "请把错误编号告诉系统管理员" in page
    reference = re.search(r"错误编号：<code>([0-9a-f]{8})</code>", page)
    assert reference, page
    assert "Internal Server Error" not in page and "secret" not in page
    logged = [r for r in app_log.records if reference.group(1) in r.getMessage()]
    assert len(logged) == 1 and "/test-only/failing" in logged[0].getMessage()
    assert len(app_log.records) == 1, "logged once, with its reference"
    if failure is not None:
        assert logged[0].exc_info[1] is failure  # the traceback goes with it


def test_flask_admins_gridfs_reader_is_not_offered(client):
    # no record holds a file; ?coll= and ?db= of any list's /api/file/ answered a 500
    unit = documents.Unit(name="甲单位").save()
    for query in ("", f"?id={unit.pk}&coll=fs", f"?id={unit.pk}&coll=fs&db=x"):
        assert client.get(f"/admin/unit/api/file/{query}").status_code == 404


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31", "2100-01-01"])
def test_a_date_field_outside_the_panels_range_is_refused_next_to_the_field(client, plan, value):
    response = client.post(
        "/admin/casecard/new/",
        data={
            "unit": str(plan.unit.pk),
            "petitioner": "张三",
            "subject": "反映问题",
            "step": "登记",
            "registered_on": value,
        },
    )
    assert response.status_code == 200
    assert f"日期须在1900年1月1日至2099年12月31日之间（填的是{value}）" in flashed_errors(response)
    assert documents.CaseCard.objects.count() == 0
    before = plan.to_mongo().to_dict()
    response = client.post(
        f"/admin/plan/edit/?id={plan.pk}",
        data={"unit": str(plan.unit.pk), "title": "改", "kind": "实施方案", "date_written": value},
    )
    assert response.status_code == 200 and "日期须在" in flashed_errors(response)
    plan.reload()
    assert plan.to_mongo().to_dict() == before


def test_the_documents_refuse_dates_outside_the_range_whoever_writes_them(plan):
    import datetime

    import mongoengine

    plan.date_written = datetime.date(2100, 1, 1)
    with pytest.raises(mongoengine.ValidationError, match="日期须在"):
        plan.validate()
    plan.date_written = datetime.date(2099, 12, 31)
    plan.validate()


def test_a_long_pasted_plan_reaches_the_importer(client, seeded):
    """190,000 characters (about 0.5 MB, over Werkzeug's default bound for a form field) are
    read and reviewed, not refused as an upload over 20 MB."""
    unit = documents.Unit.objects.get(name="XXX乡")
    text = (
        "关于开展领导干部大接访活动的实施方案\n" + "为维护社会和谐稳定，开展大接访活动。\n" * 10_000
    )
    assert len(text.encode("utf-8")) > 500_000
    response = client.post("/admin/plan/import/", data={"unit": str(unit.pk), "text": text})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "上传的内容过大" not in page and "关于开展领导干部大接访活动的实施方案" in page
