"""Every view: list, create, edit and detail round trips, nested parts included."""

import datetime

import pytest

import documents

from .conftest import flashed_errors


def _unit(name="测试单位"):
    return documents.Unit(name=name, short_name=name[:2]).save()


def test_unit_round_trip_with_departments_and_lists(client):
    response = client.post(
        "/admin/unit/new/",
        data={
            "name": "某某县司法局",
            "short_name": "县司法局",
            "kind": "司法局",
            "issuer_marks": "某某县司法局\n",
            "doc_code": "某司发",
            "document_style": "1999",
            "superiors": "县委办公室\n县信访局",
            "departments-0-name": "办公室",
            "departments-0-kind": "股室",
            "departments-0-head": "张三",
            "departments-1-name": "法律援助中心",
            "departments-1-kind": "部门",
            "extra": '{"值班电话": "0000-1234567"}',
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    unit = documents.Unit.objects.get(name="某某县司法局")
    assert [d.name for d in unit.departments] == ["办公室", "法律援助中心"]
    assert unit.departments[0].head == "张三"
    assert unit.superiors == ["县委办公室", "县信访局"]
    assert unit.extra == {"值班电话": "0000-1234567"}

    listing = client.get("/admin/unit/").get_data(as_text=True)
    assert "某某县司法局" in listing
    detail = client.get(f"/admin/unit/details/?id={unit.pk}").get_data(as_text=True)
    assert "法律援助中心" in detail and "县信访局" in detail
    edit = client.get(f"/admin/unit/edit/?id={unit.pk}").get_data(as_text=True)
    assert "法律援助中心" in edit and "0000-1234567" in edit

    # edit: drop the second department, change the first
    response = client.post(
        f"/admin/unit/edit/?id={unit.pk}",
        data={
            "name": "某某县司法局",
            "kind": "司法局",
            "document_style": "2012",
            "departments-0-name": "局办公室",
            "departments-0-kind": "股室",
            "extra": "",
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    unit.reload()
    assert [d.name for d in unit.departments] == ["局办公室"]
    assert unit.document_style == "2012" and unit.extra == {}


def test_person_round_trip(client):
    unit = _unit()
    response = client.post(
        "/admin/person/new/",
        data={
            "name": "李四",
            "title": "局长",
            "unit": str(unit.pk),
            "is_leader": "y",
            "phone": "13800000000",
            "extra": "",
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    person = documents.Person.objects.get(name="李四")
    assert person.unit == unit and person.is_leader
    assert "李四" in client.get(f"/admin/person/details/?id={person.pk}").get_data(as_text=True)
    response = client.post(
        f"/admin/person/edit/?id={person.pk}",
        data={"name": "李四", "title": "副局长", "unit": str(unit.pk), "extra": ""},
    )
    assert response.status_code == 302
    person.reload()
    assert person.title == "副局长" and not person.is_leader


def test_leadership_group_members_round_trip(client):
    unit = _unit()
    response = client.post(
        "/admin/leadershipgroup/new/",
        data={
            "unit": str(unit.pk),
            "name": "领导干部大接访活动领导小组",
            "members-0-role": "组长",
            "members-0-name": "杨立平",
            "members-0-title": "党支部书记",
            "members-1-role": "成员",
            "members-1-name": "王宁",
            "office_name": "领导小组办公室",
            "office_director": "秦晓明",
            "office_duties": "负责信息收集\n负责零报告",
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    group = documents.LeadershipGroup.objects.get()
    assert [(m.role, m.name) for m in group.members] == [("组长", "杨立平"), ("成员", "王宁")]
    assert group.office_duties == ["负责信息收集", "负责零报告"]
    detail = client.get(f"/admin/leadershipgroup/details/?id={group.pk}").get_data(as_text=True)
    assert "组长：杨立平（党支部书记）" in detail


PLAN_FORM = {
    "title": "关于开展大接访活动的实施方案",
    "kind": "实施方案",
    "period_start": "2024-03-01",
    "period_end": "2024-12-31",
    "preamble": "为做好信访工作，制定本方案。",
    "sections-0-level": "1",
    "sections-0-heading": "指导思想",
    "sections-0-text": "第一段。\n第二段。",
    "sections-1-level": "2",
    "sections-1-heading": "目标任务",
    "sections-1-text": "化解率达到95%以上。",
    "principles": "坚持以人为本\n坚持依法办事",
    "targets-0-name": "化解率",
    "targets-0-comparator": ">=",
    "targets-0-value": "95%",
    "procedure-0-name": "登记",
    "procedure-1-name": "答复",
    "procedure-1-time_limit_days": "60",
    "procedure-1-day_kind": "calendar",
    "reporting_duties-0-name": "零报告",
    "reporting_duties-0-cadence": "daily",
    "reporting_duties-0-deadline_time": "15:30",
    "reporting_duties-0-zero_report": "y",
    "reporting_duties-0-recipients": "县委办公室\n县信访局",
    "phases-0-name": "宣传发动阶段",
    "phases-0-start_date": "2024-06-30",
    "phases-0-end_date": "2024-07-01",
    "receptions-0-kind": "monthly_nth_weekday",
    "receptions-0-nth": "1",
    "receptions-0-weekday": "0",
    "receptions-0-leaders": "局长\n副局长",
    "receptions-0-place": "五楼小会议室",
    "receptions-0-holiday_rule": "next_working_day",
    "attachments-0-title": "接访日程安排表",
    "attachments-0-kind": "schedule",
    "doc_number": "某司发[2024]03号",
    "subject_terms": "信访工作\n大接访",
    "report_to": "县委办",
    "distribute_to": "各股室",
    "date_written": "2024-03-09",
    "printed_by": "某某县司法局办公室",
    "printed_date": "2024-03-09",
    "extra": "",
}


def test_plan_nested_parts_round_trip(client):
    unit = _unit()
    response = client.post("/admin/plan/new/", data={**PLAN_FORM, "unit": str(unit.pk)})
    assert response.status_code == 302, flashed_errors(response)
    plan = documents.Plan.objects.get()
    assert [(s.level, s.heading) for s in plan.sections] == [(1, "指导思想"), (2, "目标任务")]
    assert plan.sections[0].text == "第一段。\n第二段。"
    assert plan.principles == ["坚持以人为本", "坚持依法办事"]
    assert plan.targets[0].value == "95%"
    assert [p.name for p in plan.procedure] == ["登记", "答复"]
    assert plan.procedure[1].time_limit_days == 60 and plan.procedure[0].time_limit_days is None
    duty = plan.reporting_duties[0]
    assert duty.zero_report and duty.deadline_time == "15:30"
    assert duty.recipients == ["县委办公室", "县信访局"]
    assert plan.phases[0].end_date == datetime.date(2024, 7, 1)
    reception = plan.receptions[0]
    assert (reception.nth, reception.weekday, reception.leaders) == (1, 0, ["局长", "副局长"])
    assert plan.attachments[0].kind == "schedule"
    assert plan.doc_number == "某司发〔2024〕3号"
    assert plan.style is None and plan.secrecy is None

    # what the form shows is what was saved, and saving it unchanged changes nothing
    edit = client.get(f"/admin/plan/edit/?id={plan.pk}").get_data(as_text=True)
    for text in ("指导思想", "宣传发动阶段", "五楼小会议室", "坚持以人为本\n坚持依法办事"):
        assert text in edit
    before = plan.to_mongo().to_dict()
    response = client.post(
        f"/admin/plan/edit/?id={plan.pk}",
        data={**PLAN_FORM, "unit": str(unit.pk), "doc_number": plan.doc_number},
    )
    assert response.status_code == 302, flashed_errors(response)
    plan.reload()
    assert plan.to_mongo().to_dict() == before

    detail = client.get(f"/admin/plan/details/?id={plan.pk}").get_data(as_text=True)
    assert "宣传发动阶段" in detail and "某司发〔2024〕3号" in detail


def test_plan_sections_can_be_removed_in_the_form(client):
    unit = _unit()
    client.post("/admin/plan/new/", data={**PLAN_FORM, "unit": str(unit.pk)})
    plan = documents.Plan.objects.get()
    data = {**PLAN_FORM, "unit": str(unit.pk), "del-sections-0": "on"}
    response = client.post(f"/admin/plan/edit/?id={plan.pk}", data=data)
    assert response.status_code == 302, flashed_errors(response)
    plan.reload()
    assert [s.heading for s in plan.sections] == ["目标任务"]


def test_case_card_round_trip_with_timeline(client):
    unit = _unit()
    leader = documents.Person(name="乜冠军", title="乡党委书记", unit=unit).save()
    response = client.post(
        "/admin/casecard/new/",
        data={
            "unit": str(unit.pk),
            "number": "2024-1",
            "registered_on": "2024-07-02",
            "petitioner": "李某某",
            "source": "来访",
            "case_type": "重复访",
            "subject": "反映补偿款未足额发放",
            "responsible_leader": str(leader.pk),
            "timeline-0-date": "2024-07-02",
            "timeline-0-actor": "信访办",
            "timeline-0-content": "登记",
            "timeline-1-date": "2024-07-09",
            "timeline-1-actor": "乜冠军",
            "timeline-1-content": "接访",
            "progress": "已补发",
            "petitioner_status": "息访",
            "measures": "回访",
            "status": "已办结",
            "outcome": "化解",
            "extra": "",
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    card = documents.CaseCard.objects.get()
    assert card.responsible_leader == leader
    assert [(e.actor, e.content) for e in card.timeline] == [("信访办", "登记"), ("乜冠军", "接访")]
    listing = client.get("/admin/casecard/").get_data(as_text=True)
    assert "反映补偿款未足额发放" in listing
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert "2024年7月9日</span> <b>乜冠军</b>：接访" in detail  # the timeline of 处理过程


@pytest.mark.parametrize("endpoint", ["unit", "person", "leadershipgroup", "plan", "casecard"])
def test_every_view_lists_searches_and_shows_seeded_records(seeded, endpoint):
    client = seeded.test_client()
    for url in (f"/admin/{endpoint}/", f"/admin/{endpoint}/new/", f"/admin/{endpoint}/?search=营"):
        assert client.get(url).status_code == 200, url
    model = {
        "unit": documents.Unit,
        "person": documents.Person,
        "leadershipgroup": documents.LeadershipGroup,
        "plan": documents.Plan,
        "casecard": documents.CaseCard,
    }[endpoint]
    for record in model.objects:
        assert client.get(f"/admin/{endpoint}/details/?id={record.pk}").status_code == 200
        assert client.get(f"/admin/{endpoint}/edit/?id={record.pk}").status_code == 200


def test_search_box_says_what_it_searches(client):
    html = client.get("/admin/casecard/").get_data(as_text=True)
    assert 'placeholder="搜索：编号、信访人、案由' in html
    assert 'placeholder="None"' not in html


def test_case_cards_scope_to_a_unit_and_filter_by_date(seeded):
    client = seeded.test_client()
    township = documents.Unit.objects.get(name="XXX乡")
    court = documents.Unit.objects.get(name="XX区人民法院")
    html = client.get("/admin/casecard/").get_data(as_text=True)
    assert "XXX乡" in html
    # the unit switcher lists the units read from the database
    assert f"/admin/casecard/?unit={court.pk}" in html
    html = client.get(f"/admin/casecard/?unit={township.pk}").get_data(as_text=True)
    assert html.count("XXX乡〔2008〕") == 5
    assert "XXX乡〔2008〕" not in client.get(f"/admin/casecard/?unit={court.pk}").get_data(
        as_text=True
    )
    view = next(
        v for v in seeded.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "casecard"
    )
    date_filter = next(
        i
        for i, f in enumerate(view._filters)
        if f.column == "registered_on" and "Greater" in type(f).__name__
    )
    url = f"/admin/casecard/?unit={township.pk}&flt0_{date_filter}=2008-07-06"
    html = client.get(url).get_data(as_text=True)
    assert "XXX乡〔2008〕4号" in html and "XXX乡〔2008〕1号" not in html


def test_unit_filter_offers_units_created_after_start_up(client):
    import json
    import re

    def unit_options():
        page = client.get("/admin/person/").get_data(as_text=True)
        data = re.search(r'id="filter-groups-data" class="d-none">(.*?)</div>', page, re.S)
        groups = json.loads(data.group(1)) if data else {}
        return {tuple(o) for g in groups.values() for f in g for o in (f["options"] or [])}

    assert ("x", "后来新建的单位") not in unit_options()
    unit = _unit("后来新建的单位")
    assert (str(unit.pk), "后来") in unit_options()  # its short name


def test_the_card_page_leaves_out_internal_fields(seeded):
    """版本, 字段版本, 归档 and the deadline's internal label are bookkeeping, not the card."""
    import re

    card = documents.CaseCard.objects.first()
    page = seeded.test_client().get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    headers = {h.strip() for h in re.findall(r"<td>\s*<b>(.*?)</b>", page)} | {
        h.strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", page)
    }
    assert "信访人" in page
    assert headers & {"版本", "字段版本", "已归档", "归档时间", "归档人", "期限事项"} == set()
