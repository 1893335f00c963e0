"""Importing an existing plan: the five source documents from the raw (Traditional, damaged)
file against the structure of the sample data, Word documents built here with python-docx, the
review page where nothing is saved before confirmation, and malformed input."""

import datetime
import io
import pathlib
import re
from html.parser import HTMLParser

import docx
import pytest

import documents
from documents import importer
from documents.importer import ImportProblem, import_text, split_documents
from seeds.sample import BATTALION, BUREAU, COURT, SOURCE_UNITS, SUBDISTRICT, TOWNSHIP

from .conftest import flashed_errors

D = datetime.date
RAW = pathlib.Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_211aa89c8b5e78a1.txt"


@pytest.fixture(scope="module")
def imported():
    """The five documents of the raw file, imported, in the order of SOURCE_UNITS."""
    parts = split_documents(RAW.read_text(encoding="utf-8"))
    assert [name[:3] for name, _ in parts] == ["第一篇", "第二篇", "第三篇", "第四篇", "第五篇"]
    return {
        source["unit"]["name"]: import_text(text)
        for source, (_, text) in zip(SOURCE_UNITS, parts, strict=True)
    }


def _sections(plan):
    return [(level, heading) for level, heading, _ in plan["sections"]]


def _flat(text):
    return re.sub(r"\s", "", text or "")


@pytest.mark.parametrize("source", SOURCE_UNITS, ids=lambda s: s["unit"]["short_name"])
def test_each_source_document_imports_to_the_sample_structure(imported, source):
    result, plan = imported[source["unit"]["name"]], source["plan"]
    assert "原文含繁体字，已转换为简体。" in result.warnings
    assert result.kind == plan["kind"]
    assert result.preamble == plan["preamble"]
    assert [(s["level"], s["heading"]) for s in result.sections] == _sections(plan)
    # the texts word for word (line breaks aside: the sample puts list items on lines of their own)
    assert [_flat(s["text"]) for s in result.sections] == [_flat(t) for _, _, t in plan["sections"]]
    assert result.principles == plan.get("principles", [])
    for key in (
        "date_written",
        "signatories",
        "no_body_on_next_page",
        "subject_terms",
        "report_to",
        "copy_to",
        "distribute_to",
        "printed_by",
        "printed_date",
    ):
        assert getattr(result, key) == plan.get(key, getattr(importer.Imported(), key)), key
    if plan.get("doc_number"):
        assert result.plan(None).doc_number == "隰民农营发〔2012〕2号"
    if source is not COURT:  # the court's is a news report: its heading is not a plan title
        assert result.title == plan["title"]
    else:
        assert result.title == "领导干部大接访"


def test_the_battalion_s_official_document_in_every_part(imported):
    result = imported[BATTALION["unit"]["name"]]
    assert result.issuer_marks == BATTALION["unit"]["issuer_marks"]
    assert (result.period_start, result.period_end) == (D(2012, 3, 1), D(2012, 12, 31))
    group = BATTALION["group"]
    assert result.group["name"] == group["name"]
    assert result.group["members"] == group["members"]
    assert result.group["office_director"] == group["office_director"]
    assert result.group["office_director_title"] == "副营长（兼任）"
    assert result.group["office_duties"] == group["office_duties"]
    assert [s["name"] for s in result.procedure] == [
        s["name"] for s in BATTALION["plan"]["procedure"]
    ]
    assert next(s for s in result.procedure if s["name"] == "通知")["time_limit_days"] == 2
    (rule,) = result.receptions
    expected = BATTALION["plan"]["receptions"][0]
    for key in (
        "kind",
        "leaders",
        "days_per_month",
        "place",
        "accompany",
        "start_date",
        "end_date",
    ):
        assert rule[key] == expected[key], key
    assert result.attachments == BATTALION["plan"]["attachments"]
    duties = {d["cadence"]: d for d in result.reporting_duties}
    for expected in BATTALION["plan"]["reporting_duties"]:
        found = duties[expected["cadence"]]
        for key in (
            "name",
            "deadline_weekday",
            "deadline_time",
            "zero_report",
            "recipients",
            "start_date",
            "end_date",
        ):
            assert found.get(key) == expected.get(key), key


def test_schedules_phases_groups_and_duties_of_the_other_units(imported):
    court = imported[COURT["unit"]["name"]]
    assert court.principles == COURT["plan"]["principles"]
    assert [(r["kind"], r.get("weekday"), r["leaders"]) for r in court.receptions] == [
        (r["kind"], r.get("weekday"), r["leaders"]) for r in COURT["plan"]["receptions"]
    ]
    bureau = imported[BUREAU["unit"]["name"]]
    (rule,) = bureau.receptions
    expected = BUREAU["plan"]["receptions"][0]
    for key in ("kind", "nth", "weekday", "holiday_rule", "place", "accompany"):
        assert rule[key] == expected[key], key
    assert rule["leaders"] == ["局领导班子成员"]
    subdistrict = imported[SUBDISTRICT["unit"]["name"]]
    assert [(r["kind"], r["leaders"]) for r in subdistrict.receptions] == [
        (r["kind"], r["leaders"]) for r in SUBDISTRICT["plan"]["receptions"]
    ]
    monthly = [d for d in SUBDISTRICT["plan"]["reporting_duties"] if d["cadence"] == "monthly"]
    assert [(d["name"], d["cadence"], d["deadline_day"]) for d in subdistrict.reporting_duties] == [
        (d["name"], d["cadence"], d["deadline_day"]) for d in monthly
    ]
    # the source writes 报街道信访 once, where the sample (edited by hand) reads 街道信访办
    assert [d["recipients"] for d in subdistrict.reporting_duties] == [
        ["街道信访办"],
        ["街道信访"],
        ["街道信访办"],
    ]
    township = imported[TOWNSHIP["unit"]["name"]]
    assert [(p["name"], p["start_date"], p["end_date"]) for p in township.phases] == [
        (p["name"], p["start_date"], p["end_date"]) for p in TOWNSHIP["plan"]["phases"]
    ]
    assert township.phases[-1]["intensity"] == TOWNSHIP["plan"]["phases"][-1]["intensity"]
    assert township.group["members"] == TOWNSHIP["group"]["members"]
    assert township.group["name"] == TOWNSHIP["group"]["name"]
    assert township.group["office_duties"] == TOWNSHIP["group"]["office_duties"]
    (rule,) = township.receptions
    expected = TOWNSHIP["plan"]["receptions"][0]
    for key in ("kind", "leaders", "days_per_week", "start_date", "end_date"):
        assert rule[key] == expected[key], key

    # the slogans with their items in brackets, each item a target of its group, as the
    # sample (entered by hand) has them; the rate with its figure
    def fields(target):  # ">=" is the plan's default comparator
        target = {"comparator": ">=", **{k: v for k, v in target.items() if v}}
        return tuple(target.get(k) or "" for k in ("name", "group", "comparator", "value"))

    assert [fields(t) for t in township.targets] == [
        fields(TOWNSHIP["plan"]["targets"][-1]),
        *[fields(t) for t in TOWNSHIP["plan"]["targets"][:-1]],
    ]
    assert township.targets[0]["metric"] == "resolution_rate"
    assert (township.period_start, township.period_end) == (D(2008, 6, 30), D(2008, 12, 31))


def test_nothing_of_the_body_is_dropped(imported):
    for result in imported.values():
        kept = _flat(result.preamble + "".join(s["heading"] + s["text"] for s in result.sections))
        for line in result.lines:
            if line.role in ("正文", "前言") or line.role.endswith("级标题"):
                text = (
                    importer.heading_of(line.text)[1] if line.role.endswith("级标题") else line.text
                )
                assert _flat(text) in kept, line.text


def test_every_imported_plan_is_a_valid_plan(app, imported):
    unit = documents.Unit(name="某单位").save()
    groups = 0
    for name, result in imported.items():
        plan = result.plan(unit)
        plan.validate()  # raises on any field the model refuses
        assert plan.unit == unit and plan.title and plan.sections, name
        group, people = result.leadership_group(unit)
        if group is not None:
            for person in people:
                person.save()
            group.validate()
            assert people and all(person.unit == unit for person in people), name
            groups += 1
    assert groups, "some of the documents name a leadership group"


# --- heading and date variants ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, level, rest",
    [
        ("一、指导思想", 1, "指导思想"),
        ("二．目标任务", 1, "目标任务"),
        ("十一、其他", 1, "其他"),
        ("（一）明确目标", 2, "明确目标"),
        ("(二)坚持重点", 2, "坚持重点"),
        ("（三）、有效解决", 2, "有效解决"),
        ("1.宣传发动", 3, "宣传发动"),
        ("2、制定方案", 3, "制定方案"),
        ("3．集中接访", 3, "集中接访"),
        ("12. 总结", 3, "总结"),
        ("（1）登记", 4, "登记"),
        ("(2)分类", 4, "分类"),
    ],
)
def test_heading_numbers_in_their_common_variants(line, level, rest):
    assert importer.heading_of(line) == (level, rest)


@pytest.mark.parametrize(
    "line", ["①申请：信访人提出申请", "2.5万元已发放", "2012年3月9日", "正文一段"]
)
def test_lines_that_are_not_headings(line):
    assert importer.heading_of(line) is None


@pytest.mark.parametrize(
    "line, day",
    [
        ("二○一二年三月九日", D(2012, 3, 9)),
        ("二〇二四年十二月三十一日", D(2024, 12, 31)),
        ("二○○八年六月三十日", D(2008, 6, 30)),
        ("2012年2月1日", D(2012, 2, 1)),
        ("（2008年6月30日）", D(2008, 6, 30)),
        ("2012年2月30日", None),
        ("十二月", None),
    ],
)
def test_document_dates_in_arabic_and_chinese_numerals(line, day):
    assert importer.date_of(line) == day


@pytest.mark.parametrize(
    "number",
    [
        "某信发[2024] 3号",
        "某信发（2024）3号",
        "某信发【2024】第03号",
        "某信发〔2024〕3号",
        "某信发(2024)3号",
    ],
)
def test_doc_numbers_in_any_bracket_style(number):
    result = import_text(
        f"{number}\n关于开展大接访活动的通知\n各村委会：\n为了做好工作，特通知如下。"
    )
    assert result.doc_number == result.plan(None).doc_number == "某信发〔2024〕3号"
    assert result.main_recipients == "各村委会" and result.kind == "通知"


# --- Word documents -----------------------------------------------------------------------------


def _docx(paragraphs, table=None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


COUNTY_NOTICE = [
    "某县司法局文件",
    "某司发〔2024〕7号",
    "关于开展领导干部大接访活动的",
    "实施方案",
    "各司法所、局机关各股室：",
    "为畅通信访渠道，结合我局实际，制定本方案。",
    "一、工作目标",
    "化解率达到95%以上。",
    "二、组织领导",
    "组  长：张三（局长）",
    "副组长：李四（副局长）、王五（副局长）",
    "成  员：赵六、钱七、孙八",
    "领导小组下设办公室，由副局长李四兼任办公室主任。主要职责：负责日常工作；负责信息报送。",
    "三、工作安排",
    "（一）接访时间。每周五为局长接待日；每月第一个星期一（节假日顺推）由分管副局长接访；"
    "每月15日遇节假日顺延，由公职律师值班接待。",
    "（二）报送要求。各所每天下午16:00前将信访情况上报局办公室；每周五前向县信访局报告本周工作情况。",
    "四、工作要求",
    "1.加强领导。要切实加强领导。",
    "（1）落实责任。要明确责任。",
    "附件：1．接访日程安排表",
    "2．信访登记表",
    "某县司法局",
    "二○二四年三月九日",
    "（联系人：周九，电话：1234567）",
    "主题词：信访 大接访 方案",
    "抄送：县委办，县政府办，县信访局。",
    "某县司法局办公室 2024年3月10日印发",
]


def test_a_word_document_in_every_part(app):
    text = importer.read_upload(
        "方案.docx", _docx(COUNTY_NOTICE, table=[["日期", "接访领导"], ["3月1日", "张三"]])
    )
    result = import_text(text)
    assert result.issuer_marks == ["某县司法局文件"] and result.doc_number == "某司发〔2024〕7号"
    assert result.title == "关于开展领导干部大接访活动的实施方案"
    assert result.main_recipients == "各司法所、局机关各股室"
    assert [(s["level"], s["heading"]) for s in result.sections] == [
        (1, "工作目标"),
        (1, "组织领导"),
        (1, "工作安排"),
        (2, "接访时间。"),
        (2, "报送要求。"),
        (1, "工作要求"),
        (3, "加强领导。"),
        (4, "落实责任。"),
    ]
    assert result.group["members"] == [
        ("组长", "张三", "局长"),
        ("副组长", "李四", "副局长"),
        ("副组长", "王五", "副局长"),
        ("成员", "赵六", ""),
        ("成员", "钱七", ""),
        ("成员", "孙八", ""),
    ]
    assert result.group["office_director"] == "李四"
    assert result.group["office_duties"] == ["负责日常工作", "负责信息报送"]
    rules = {r["kind"]: r for r in result.receptions}
    assert rules["weekly"]["weekday"] == 4 and rules["weekly"]["leaders"] == ["局长"]
    assert (rules["monthly_nth_weekday"]["nth"], rules["monthly_nth_weekday"]["weekday"]) == (1, 0)
    assert rules["monthly_nth_weekday"]["holiday_rule"] == "next_working_day"
    assert rules["monthly_day"]["day_of_month"] == 15
    assert rules["monthly_day"]["holiday_rule"] == "next_working_day"
    duties = {d["cadence"]: d for d in result.reporting_duties}
    assert duties["daily"]["deadline_time"] == "16:00"
    assert duties["daily"]["recipients"] == ["局办公室"]
    assert duties["weekly"]["deadline_weekday"] == 4
    assert duties["weekly"]["recipients"] == ["县信访局"]
    assert result.targets[0]["value"] == "95%"
    assert [a["title"] for a in result.attachments] == ["接访日程安排表", "信访登记表", "表格1"]
    assert result.attachments[0]["kind"] == "schedule"
    assert result.attachments[2] == {
        "title": "表格1",
        "kind": "table",
        "text": "日期|接访领导\n3月1日|张三",
    }
    assert result.signatories == ["某县司法局"] and result.date_written == D(2024, 3, 9)
    assert result.note == "（联系人：周九，电话：1234567）"
    assert result.subject_terms == ["信访", "大接访", "方案"]
    assert result.copy_to == ["县委办", "县政府办", "县信访局"]
    assert (result.printed_by, result.printed_date) == ("某县司法局办公室", D(2024, 3, 10))
    result.plan(documents.Unit(name="某县司法局").save()).validate()


def test_word_headings_numbered_automatically_get_their_numbers():
    document = docx.Document()
    document.add_paragraph("关于开展大接访活动的实施方案")
    for text, style in (
        ("指导思想", "Heading 1"),
        ("坚持以人为本。", None),
        ("工作安排", "Heading 1"),
        ("宣传发动", "Heading 2"),
        ("集中接访", "Heading 2"),
        ("登记", "Heading 3"),
        ("三、已有编号的标题", "Heading 1"),
    ):
        document.add_paragraph(text, style=style)
    data = io.BytesIO()
    document.save(data)
    result = import_text(importer.read_upload("方案.docx", data.getvalue()))
    assert [(s["level"], s["heading"]) for s in result.sections] == [
        (1, "指导思想"),
        (1, "工作安排"),
        (2, "宣传发动"),
        (2, "集中接访"),
        (3, "登记"),
        (1, "已有编号的标题"),
    ]
    assert result.lines[1].text == "一、指导思想" and result.lines[4].text == "（一）宣传发动"


def test_a_gbk_text_file_and_a_damaged_character_are_handled():
    data = "关于大接访的通知\n一、要求\n?F将情况报告如下。".encode("gbk")
    text = importer.read_upload("方案.txt", data)
    result = import_text(text)
    assert result.title == "关于大接访的通知"
    assert any("无法识别的字符" in w for w in result.warnings)


def test_traditional_text_in_a_word_document_is_converted():
    text = importer.read_upload(
        "舊方案.docx",
        _docx(["關於開展領導幹部大接訪活動的實施方案", "一、指導思想", "堅持以人為本。"]),
    )
    result = import_text(text)
    assert result.title == "关于开展领导干部大接访活动的实施方案"
    assert result.sections[0]["heading"] == "指导思想"
    assert "原文含繁体字，已转换为简体。" in result.warnings


def test_a_group_list_after_an_introducing_line():
    result = import_text(
        "关于成立领导小组的通知\n一、成立领导小组\n领导小组名单如下：\n"
        "组长：张三（局长）副组长：李四（副局长）\n成员：王五、赵六"
    )
    assert result.group["members"] == [
        ("组长", "张三", "局长"),
        ("副组长", "李四", "副局长"),
        ("成员", "王五", ""),
        ("成员", "赵六", ""),
    ]
    assert result.sections[0]["text"] == (
        "领导小组名单如下：\n组长：张三（局长）\n副组长：李四（副局长）\n成员：王五、赵六"
    )


def test_unrecognised_text_stays_as_body_text():
    result = import_text(
        "关于做好信访工作的通知\n各单位：\n这是第一段。\n这是第二段，没有标题。\n"
        "一、要求\n甲乙丙丁。"
    )
    assert result.preamble == "这是第一段。"
    assert result.sections[0] == {"level": 0, "heading": "", "text": "这是第二段，没有标题。"}
    assert result.sections[1] == {"level": 1, "heading": "要求", "text": "甲乙丙丁。"}


# --- malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("方案.docx", b"", "空的"),
        ("方案.docx", b"PK\x03\x04 this is not really a zip", "不是有效的 Word 文档"),
        ("方案.docx", "一、指导思想\n坚持以人为本。".encode(), "不是有效的 Word 文档"),
        ("方案.docx", b"x" * (20 * 1024 * 1024 + 1), "文件过大"),
        ("方案.txt", bytes(range(256)) * 40, "不是文字"),
        ("方案.txt", "\x00\x01\x02二进制".encode() * 50, "不是文字"),
        ("方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Word"),
        ("方案.pdf", b"%PDF-1.4", "只能导入"),
    ],
)
def test_malformed_uploads_are_refused_in_chinese(name, data, message):
    with pytest.raises(ImportProblem, match=message):
        import_text(importer.read_upload(name, data))


def test_a_docx_without_text_is_refused():
    with pytest.raises(ImportProblem, match="没有文字"):
        importer.read_upload("空白.docx", _docx([]))


def test_a_zip_that_is_not_a_word_document_is_refused():
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportProblem, match="无法打开"):
        importer.read_upload("方案.docx", data.getvalue())


# --- the review page ----------------------------------------------------------------------------


class _ReviewForm(HTMLParser):
    """The fields of the review form as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.fields, self.inside, self.textarea, self.select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "confirm" in (attrs.get("action") or ""):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") != "submit":
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            else:
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = name
            self.fields.append((name, ""))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)


def _review_form(html) -> list:
    """The fields of the review form as a browser would post them."""
    form = _ReviewForm()
    form.feed(html)
    return form.fields


def _post_review(client, unit, **upload):
    response = client.post(
        "/admin/plan/import/",
        data={"unit": str(unit.pk), **upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return response


def test_the_review_page_saves_nothing_until_confirmed(client):
    from werkzeug.datastructures import MultiDict

    unit = documents.Unit(name="某县司法局").save()
    review = _post_review(client, unit, file=(io.BytesIO(_docx(COUNTY_NOTICE)), "方案.docx"))
    html = review.get_data(as_text=True)
    assert "核对导入内容" in html and "发文字号" in html and "某司发〔2024〕7号" in html
    assert documents.Plan.objects.count() == 0 and documents.LeadershipGroup.objects.count() == 0
    fields = MultiDict(_review_form(html))
    assert fields["title"] == "关于开展领导干部大接访活动的实施方案"
    assert fields["member-0-name"] == "张三" and fields["group-keep"] == "on"
    # the person corrects the title and drops a member before confirming
    fields["title"] = "关于开展领导干部大接访活动的实施方案（修订）"
    fields["member-5-delete"] = "on"
    saved = client.post("/admin/plan/import/confirm/", data=fields)
    assert saved.status_code == 302, flashed_errors(
        client.post("/admin/plan/import/confirm/", data=fields)
    )
    plan = documents.Plan.objects.get(unit=unit)
    assert plan.title.endswith("（修订）") and plan.doc_number == "某司发〔2024〕7号"
    assert [s.heading for s in plan.sections][:2] == ["工作目标", "组织领导"]
    assert {r.kind for r in plan.receptions} == {"weekly", "monthly_nth_weekday", "monthly_day"}
    assert plan.subject_terms == ["信访", "大接访", "方案"] and plan.date_written == D(2024, 3, 9)
    group = documents.LeadershipGroup.objects.get(unit=unit)
    assert [m.name for m in group.members] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert all(m.person is not None for m in group.members) and group.plan == plan
    assert documents.Person.objects(unit=unit).count() == 5


def test_a_correction_that_does_not_validate_saves_nothing(client):
    from werkzeug.datastructures import MultiDict

    unit = documents.Unit(name="某县司法局").save()
    review = _post_review(client, unit, text="\n".join(COUNTY_NOTICE))
    fields = MultiDict(_review_form(review.get_data(as_text=True)))
    fields["title"] = ""
    again = client.post("/admin/plan/import/confirm/", data=fields)
    assert again.status_code == 200 and "核对导入内容" in again.get_data(as_text=True)
    fields["title"] = "新标题"
    fields["member-0-role"] = "总指挥"
    again = client.post("/admin/plan/import/confirm/", data=fields)
    assert "职务“总指挥”无效" in flashed_errors(again)
    assert documents.Plan.objects.count() == 0 and documents.Person.objects.count() == 0


def test_a_file_of_several_documents_asks_which_one(client):
    unit = documents.Unit(name="某乡").save()
    raw = RAW.read_text(encoding="utf-8")
    choose = _post_review(client, unit, text=raw)
    assert "请选择要导入哪一篇" in choose.get_data(as_text=True)
    review = _post_review(client, unit, text=raw, part="4")
    assert "关于开展“一把手大接访”工作的实施方案" in review.get_data(as_text=True)
    assert documents.Plan.objects.count() == 0


@pytest.mark.parametrize(
    "upload, message",
    [
        ({"file": (io.BytesIO(b""), "方案.docx")}, "空的"),
        ({"file": (io.BytesIO(b"not a zip at all"), "方案.docx")}, "不是有效的 Word 文档"),
        ({"file": (io.BytesIO(bytes(range(256)) * 10), "方案.txt")}, "不是文字"),
        ({"text": "   "}, "没有可导入的文字"),
    ],
)
def test_malformed_input_in_the_panel_gets_a_message_and_saves_nothing(client, upload, message):
    unit = documents.Unit(name="某乡").save()
    page = _post_review(client, unit, **upload)
    assert message in flashed_errors(page)
    assert documents.Plan.objects.count() == 0


def test_an_upload_over_20_mb_is_refused_by_the_panel(client):
    unit = documents.Unit(name="某乡").save()
    boundary = "xinfang-boundary"
    part = f"--{boundary}\r\nContent-Disposition: form-data; name="
    body = (
        (
            f'{part}"unit"\r\n\r\n{unit.pk}\r\n{part}"file"; filename="a.docx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"0" * (20 * 1024 * 1024 + 10)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(
        "/admin/plan/import/",
        input_stream=io.BytesIO(body),
        content_length=len(body),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert "上限 20 MB" in response.get_data(as_text=True)
    assert documents.Plan.objects.count() == 0


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "每日下午16时之前电话告知县信访局当日接访情况。",
            {
                "cadence": "daily",
                "deadline_time": "16:00",
                "sent_by": "电话",
                "name": "接访情况",
                "recipients": ["县信访局"],
            },
        ),
        (
            "如遇重大情况，须在1小时内书面传真至市信访局。",
            {
                "cadence": "event",
                "within_hours": 1,
                "name": "重大情况报告",
                "recipients": ["市信访局"],
            },
        ),
        (
            "信访室于每月底告知接待院长交办案件的承办情况。",
            {
                "cadence": "monthly",
                "deadline": "每月底前",
                "name": "交办案件的承办情况",
                "recipients": ["接待院长"],
            },
        ),
        (
            "每周一为固定上报日，各乡镇上报本周接访情况。",
            {"cadence": "weekly", "deadline_weekday": 0, "name": "接访情况周报"},
        ),
        (
            "请各单位在2013年1月15日前将本单位领导接待日安排方案以文件形式报县信访局。",
            {
                "cadence": "once",
                "start_date": datetime.date(2013, 1, 15),
                "end_date": datetime.date(2013, 1, 15),
                "recipients": ["县信访局"],
            },
        ),
    ],
)
def test_reporting_duties_of_every_kind_are_read_from_their_sentence(sentence, expected):
    (duty,) = importer.import_text("关于开展领导干部大接访活动的通知\n" + sentence).reporting_duties
    assert {key: duty.get(key) for key in expected} == expected
    stored = documents.plan.ReportingDuty(**duty)
    stored.validate()  # every value read fits the plan's own fields


def test_a_duty_due_after_an_event_has_no_period_and_prints_its_hours():
    from documents import plan_parts, report_periods

    duty = documents.plan.ReportingDuty(
        name="重大情况报告",
        cadence="event",
        within_hours=1,
        sent_by="书面传真",
        recipients=["市信访局"],
    )
    plan = documents.Plan(
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31)
    )
    assert (
        report_periods.periods(duty, plan, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        == []
    )
    assert plan_parts.reporting_line(duty) == "重大情况报告：发生后1小时内以书面传真报告市信访局。"


def test_dates_without_a_year_are_read_in_the_year_given_and_the_clerk_is_told():
    text = (
        "具体安排如下：4月1日至3日为排查阶段，4月7日至15日为实施阶段。"
        "4月7日，由县国土资源局负责联系分管的县领导，在县国土局开展“土地问题”接访活动。"
    )
    result = importer.import_text(text, year=2013)
    assert [(p["name"], p["start_date"], p["end_date"]) for p in result.phases] == [
        ("排查阶段", datetime.date(2013, 4, 1), datetime.date(2013, 4, 3)),
        ("实施阶段", datetime.date(2013, 4, 7), datetime.date(2013, 4, 15)),
    ]
    assert [r["dates"] for r in result.receptions] == [[datetime.date(2013, 4, 7)]]
    assert any("没有写年份" in w and "2013年" in w for w in result.warnings)
    # a news item's dateline is a day reported, not a reception rule
    news = importer.import_text("5月16日，市委常委胡某到沈潭镇督导并参与“赶集日”集中接待活动。")
    assert news.receptions == []


def test_a_text_without_a_title_is_reviewed_with_the_title_to_write(client):
    from werkzeug.datastructures import MultiDict

    unit = documents.Unit(name="某学院").save()
    text = (
        "为广泛听取师生员工的意见和建议，现将本学期校领导接待日安排予以公布。\n"
        "接访时间 | 接访校领导 | 接访地点 |\n"
        "3月28日 周一14:30-16:30 | 周明洁 | 美术楼314会议室 |\n"
        "4月18日 周一14:30-16:30 | 樊嘉禄 | 戏剧楼320会议室 |\n"
        "办公室\n2022年3月23日"
    )
    review = _post_review(client, unit, text=text)
    html = review.get_data(as_text=True)
    assert "没有识别出标题" in html and "（未识别出标题）" not in html
    fields = MultiDict(_review_form(html))
    assert fields["title"] == ""
    again = client.post("/admin/plan/import/confirm/", data=fields)
    assert again.status_code == 200 and documents.Plan.objects(unit=unit).count() == 0
    fields["title"] = "本学期校领导接待日安排"
    assert client.post("/admin/plan/import/confirm/", data=fields).status_code == 302
    assert documents.Plan.objects.get(unit=unit).title == "本学期校领导接待日安排"


def test_days_said_in_sentences_keep_each_its_place():
    text = (
        "共设立三个专题接访日。4月7日，由县国土资源局负责联系分管的县领导，在县国土局开展“土地问题”"
        "接访活动；4月11日，由县换届办负责联系分管的县领导，在县信访局一楼接访大厅开展“村居选举问题”"
        "接访活动；4月14日，由县委政法委负责联系分管的县领导，在县人民法院接访大厅开展“涉法涉诉问题”接访"
        "活动。"
    )
    (rule,) = importer.import_text(text, year=2011).plan(None).receptions
    assert [(d.date, d.place) for d in rule.table_days] == [
        (datetime.date(2011, 4, 7), "县国土局"),
        (datetime.date(2011, 4, 11), "县信访局一楼接访大厅"),
        (datetime.date(2011, 4, 14), "县人民法院接访大厅"),
    ]
    assert rule.holiday_rule == "keep"


@pytest.mark.parametrize(
    "sentence, fields",
    [
        ("县领导每月至少安排十二天亲自接待群众。", {"days_per_month": 12}),  # was a KeyError
        ("每位县领导全年接访不少于两次。", {"quota_period": "year", "days_per_year": 2}),
        ("书记该月每周至少安排三天时间亲自接待群众来访。", {"days_per_week": 3}),
    ],
)
def test_counts_in_chinese_numerals_are_read(sentence, fields):
    (rule,) = importer.import_text("关于开展领导干部大接访活动的通知\n" + sentence).receptions
    assert {key: rule.get(key) for key in fields} == fields
