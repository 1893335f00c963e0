"""The sample data: clean text, complete plans, and a load() that is safe to run twice."""

import datetime
import re
from pathlib import Path

import pytest

import documents
import seeds
from documents.textclean import clean
from seeds.sample import SOURCE_UNITS

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "seeds" / "000_211aa89c8b5e78a1.txt"
CLEAN = ROOT / "seeds" / "data" / "sources.txt"


@pytest.mark.skipif(not RAW.exists(), reason="shared/seeds is not beside this checkout")
def test_clean_text_is_what_the_cleaner_makes_of_the_raw_source():
    assert clean(RAW.read_text(encoding="utf-8")) == CLEAN.read_text(encoding="utf-8")


def test_clean_text_has_no_converter_artifacts():
    text = CLEAN.read_text(encoding="utf-8")
    assert "?" not in text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", text)
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)
    assert "發" not in text and "領導" not in text  # simplified
    assert "现将2010年" in text and "确保活动取得实效" in text


def test_cleaner_handles_each_kind_of_artifact():
    assert clean("發(fā)展") == "发展"
    assert clean("辦 公樓") == "办公楼"
    assert clean("沿著") == "沿着"
    assert clean("每天下午15:30之前,報送") == "每天下午15:30之前，报送"


def _flat(text):
    return re.sub(r"\s+", "", text.replace("[2012]", "〔2012〕"))


def test_every_sample_text_stands_word_for_word_in_the_source():
    source = _flat(CLEAN.read_text(encoding="utf-8"))
    for unit in SOURCE_UNITS:
        plan = unit["plan"]
        pieces = [plan.get("preamble", "")]
        for _, heading, text in plan["sections"]:
            pieces += [heading, *text.split("\n")]
        for piece in filter(None, pieces):
            assert _flat(piece) in source, piece


def test_seeding_twice_changes_nothing(app):
    first = seeds.load()
    assert first == {
        "单位": 6,
        "人员": 12,
        "领导小组": 2,
        "实施方案": 5,
        "自定义字段": 1,
        "一案一卡": 5,
        "接访安排": 90 + 12 + 48 + 15,
        "账号": 4,
    }
    snapshot = {
        model.__name__: sorted(str(d.to_mongo().to_dict()) for d in model.objects)
        for model in documents.ALL_DOCUMENTS
    }
    second = seeds.load()
    assert set(second.values()) == {0}
    assert snapshot == {
        model.__name__: sorted(str(d.to_mongo().to_dict()) for d in model.objects)
        for model in documents.ALL_DOCUMENTS
    }


def test_seeding_keeps_what_the_office_changed(app):
    seeds.load()
    plan = documents.Plan.objects.get(title__contains="领导干部大接访”活动实施方案")
    plan.sections[0].text = "本单位修改后的指导思想。"
    plan.save()
    seeds.load()
    assert documents.Plan.objects.get(pk=plan.pk).sections[0].text == "本单位修改后的指导思想。"


def test_battalion_plan_is_the_complete_official_document(app):
    seeds.load()
    unit = documents.Unit.objects.get(name="山西省隰县民兵农建营")
    plan = documents.Plan.objects.get(unit=unit)
    assert plan.doc_number == "隰民农营发〔2012〕2号"
    assert plan.title == "关于开展“领导干部大接访”活动实施方案"
    assert plan.effective_issuer_marks == ["山西省隰县民兵农建营"]
    assert plan.effective_style == "1999"
    headings = [(s.level, s.heading) for s in plan.sections]
    assert [h for level, h in headings if level == 1] == [
        "指导思想",
        "活动的主体和目标任务",
        "切实做好领导干部大下接访活动",
        "工作要求",
    ]
    assert len([h for level, h in headings if level == 3]) == 13
    steps = [step.name for step in plan.procedure]
    assert steps == ["申请", "登记", "分类", "通知", "接访", "答复", "督办"]
    assert plan.procedure[5].time_limit_days == 60
    assert len(plan.principles) == 4
    daily = next(d for d in plan.reporting_duties if d.cadence == "daily")
    assert daily.zero_report and daily.deadline_time == "15:30"
    assert daily.start_date == datetime.date(2012, 4, 1)
    assert daily.recipients == ["县委办公室", "县政府办公室", "县信访局"]
    reception = plan.receptions[0]
    assert reception.days_per_month == 3 and reception.leaders == ["支部书记", "营长", "副营长"]
    assert plan.attachments[0].title == "农建营大接访日程安排表"
    # 版记
    assert plan.subject_terms == ["信访工作", "大接访", "实施方案"]
    assert plan.report_to == ["县委办", "县政府办", "县信访办"]
    assert plan.distribute_to == ["营各股（室）"]
    assert plan.printed_by == "隰县民兵农建营办公室"
    assert plan.printed_date == plan.date_written == datetime.date(2012, 3, 9)
    assert plan.no_body_on_next_page

    group = documents.LeadershipGroup.objects.get(unit=unit)
    assert [(m.role, m.name, m.title) for m in group.members] == [
        ("组长", "杨立平", "农建营党支部书记"),
        ("副组长", "王海平", "农建营营长"),
        ("副组长", "秦晓明", "农建营副营长"),
        ("成员", "史宝平", "农建营工程股股长"),
        ("成员", "白秀琴", "农建营财务股股长"),
        ("成员", "王晓萍", "农建营出纳"),
        ("成员", "王宁", "农建营工作人员"),
    ]
    assert all(m.person and m.person.name == m.name for m in group.members)
    assert group.office_director == "秦晓明" and len(group.office_duties) == 4


def test_each_source_unit_has_its_distinctive_parts(app):
    seeds.load()
    court = documents.Plan.objects.get(unit=documents.Unit.objects.get(name="XX区人民法院"))
    assert court.receptions[0].weekday == 4  # every Friday
    bureau = documents.Plan.objects.get(unit=documents.Unit.objects.get(name="贺州市司法局"))
    rule = bureau.receptions[0]
    assert (rule.nth, rule.weekday, rule.holiday_rule) == (1, 0, "next_working_day")
    assert rule.place == "局办公楼五楼小会议室" and bureau.kind == "总结"
    subdistrict = documents.Unit.objects.get(name="嘉善县魏塘街道")
    assert len(subdistrict.issuer_marks) == 2  # a joint document
    weitang = documents.Plan.objects.get(unit=subdistrict)
    assert weitang.signatories == subdistrict.issuer_marks
    assert {d.deadline_day for d in weitang.reporting_duties if d.cadence == "monthly"} == {4}
    township = documents.Unit.objects.get(name="XXX乡")
    plan = documents.Plan.objects.get(unit=township)
    phases = [p.name for p in plan.phases][:3]
    assert phases == ["宣传发动阶段", "制定方案阶段", "乡党委书记大接访阶段"]
    rate = next(t for t in plan.targets if t.metric == "resolution_rate")
    assert (rate.comparator, rate.value) == (">=", "95%")
    assert len([t for t in plan.targets if t.group == "三个零指标"]) == 3
    cards = documents.CaseCard.objects(unit=township)
    assert cards.count() == 5
    for card in cards:  # the six fields of 一案一卡
        assert card.subject and card.responsible_leader and card.timeline
        assert card.progress and card.petitioner_status and card.measures
    group = documents.LeadershipGroup.objects.get(unit=township)
    assert [m.name for m in group.members] == ["乜冠军", "崔国良", "崔伟明", "陈福强", "高飞"]
    # the township's own case-card fields, and values that satisfy them
    field_set = documents.FieldSet.for_unit(township, "case_card")
    assert field_set.version == 1 and [f.key for f in field_set.fields][:3] == [
        "risk",
        "village",
        "cadre",
    ]
    for card in cards:
        assert documents.custom_schema.validate_values(field_set.active, card.extra) == []
        assert card.fields_version == 1
    cadre = documents.Person.objects.get(pk=cards.get(number="XXX乡〔2008〕2号").extra["cadre"])
    assert cadre.name == "崔伟明"
