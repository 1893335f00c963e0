"""A new unit in one flow, plans drawn from their structure, templates that fit the unit."""

import datetime

import pytest

import documents
from documents import choices, onboarding, printable, templating

from .conftest import flashed_errors

SETUP_FORM = {
    "unit-name": "某某县民政局",
    "unit-short_name": "县民政局",
    "unit-kind": "县直部门",
    "unit-doc_code": "某民发",
    "unit-superiors": "县信访局\n县委办公室",
    "unit-case_categories": "社会救助\n婚姻登记",
    "leaders": "周建国 党组书记、局长 13900000001\n吴晓东 副局长\n郑丽 副局长 0359-1234567",
    "staff": "钱程 信访办主任 13900000004",
    "account-username": "minzheng",
    "account-name": "钱程",
    "account-password": "minzheng2026",
    "account-role": "staff",
    "plan-template": "区法院：领导干部大接访活动实施方案",
    "plan-title": "某某县民政局领导干部大接访活动实施方案",
    "plan-period_start": "2026-09-01",
    "plan-period_end": "2026-10-31",
    "group-name": "领导干部大接访活动领导小组",
    "member-0": "组长",
    "member-1": "副组长",
    "member-2": "",
    "member-3": "成员",
    "group-office_director": "吴晓东",
    "group-office_director_title": "副局长（兼）",
    "group-office_duties": "负责接访登记\n负责信息报送",
    "rule-kind": "weekly",
    "rule-weekday": "0",
    "rule-leaders": ["周建国", "吴晓东"],
    "rule-hours": "上午8:30—12:00",
    "rule-place": "局机关三楼会议室",
    "rule-accompany": "相关股室负责人",
    "rule-holiday_rule": "next_working_day",
    "generate": "on",
}


def test_people_are_read_from_pasted_lines():
    people, problems = onboarding.parse_people(
        "张三 局长 13800000001\n\n李四，副局长\t0359-7654321\n王五\n", True
    )
    assert problems == []
    assert [(p.name, p.title, p.phone, p.is_leader) for p in people] == [
        ("张三", "局长", "13800000001", True),
        ("李四", "副局长", "0359-7654321", True),
        ("王五", "", "", True),
    ]


def test_the_setup_page_creates_the_unit_and_everything_in_it(client):
    response = client.post("/admin/setup/", data=SETUP_FORM)
    assert response.status_code == 302, flashed_errors(response)
    unit = documents.Unit.objects.get(name="某某县民政局")
    assert unit.case_categories == ["社会救助", "婚姻登记"]
    people = {p.name: p for p in documents.Person.objects(unit=unit)}
    assert set(people) == {"周建国", "吴晓东", "郑丽", "钱程"}
    assert people["郑丽"].phone == "0359-1234567" and people["周建国"].is_leader
    assert not people["钱程"].is_leader
    account = documents.Account.objects.get(username="minzheng")
    assert account.unit == unit and account.person == people["钱程"]
    assert account.role.key == "staff" and account.must_change_password
    plan = documents.Plan.objects.get(unit=unit)
    group = documents.LeadershipGroup.objects.get(unit=unit)
    assert group.plan == plan
    assert [(m.role, m.name, m.title) for m in group.members] == [
        ("组长", "周建国", "党组书记、局长"),
        ("副组长", "吴晓东", "副局长"),
        ("成员", "钱程", "信访办主任"),
    ]
    assert [(r.kind, r.weekday, r.leaders, r.hours) for r in plan.receptions] == [
        ("weekly", 0, ["周建国", "吴晓东"], "上午8:30—12:00")
    ]
    # the schedule on the real calendar: the Mondays of September and October 2026, the
    # leaders in turn; 国庆 (1–7 October 2026) moves Monday 5 October to Thursday 8 October
    sessions = sorted((s.date, s.leader) for s in documents.ReceptionSession.objects(plan=plan))
    day = datetime.date
    assert sessions == [
        (day(2026, 9, 7), "周建国"),
        (day(2026, 9, 14), "吴晓东"),
        (day(2026, 9, 21), "周建国"),
        (day(2026, 9, 28), "吴晓东"),
        (day(2026, 10, 8), "周建国"),
        (day(2026, 10, 12), "吴晓东"),
        (day(2026, 10, 19), "周建国"),
        (day(2026, 10, 26), "吴晓东"),
    ]
    # the end page previews the circular with the group and the rule as entered
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "组长：周建国（党组书记、局长）" in page
    assert "每周一为周建国、吴晓东接访日，接访时间为上午8:30—12:00" in page
    assert "局机关三楼会议室" in page


def test_a_refused_setup_keeps_what_was_typed_and_stores_nothing(client):
    form = {**SETUP_FORM, "account-password": "short"}
    response = client.post("/admin/setup/", data=form)
    assert response.status_code == 200
    assert "密码至少8位" in flashed_errors(response)
    html = response.get_data(as_text=True)
    assert "某某县民政局" in html and "周建国 党组书记、局长 13900000001" in html
    assert documents.Unit.objects(name="某某县民政局").count() == 0
    assert documents.Person.objects.count() == 0


def test_the_printed_group_follows_the_person_record(app):
    unit = documents.Unit(name="试点县司法局", short_name="县司法局", kind="司法局").save()
    head = documents.Person(unit=unit, name="孙立", title="局长", is_leader=True).save()
    plan = documents.Plan(unit=unit, title="方案")
    plan.place_parts()
    plan.save()
    documents.LeadershipGroup(
        unit=unit,
        plan=plan,
        members=[documents.GroupMember(role="组长", name="孙立", title="局长", person=head)],
        office_director="孙立",
        office_director_title="局长（兼）",
        office_duties=["负责日常工作"],
    ).save()
    text = printable.plan(plan)["sections"][0]["text"]
    assert text.splitlines()[1] == "组长：孙立（局长）"
    assert "由局长孙立同志兼任办公室主任。主要职责：负责日常工作。" in text
    head.title = "党组书记、局长"
    head.save()
    text = printable.plan(documents.Plan.objects.get(pk=plan.pk))["sections"][0]["text"]
    assert "组长：孙立（党组书记、局长）" in text
    group = documents.LeadershipGroup.objects.get(unit=unit)
    assert group.members[0].title == "党组书记、局长"  # the group's form says it too
    group.members[0].title = "局长（主持全面工作）"  # or changed in the group itself
    group.save()
    text = printable.plan(documents.Plan.objects.get(pk=plan.pk))["sections"][0]["text"]
    assert "组长：孙立（局长（主持全面工作））" in text


def test_an_imported_section_keeps_its_text_until_switched_to_the_generated_part(app):
    unit = documents.Unit(name="某乡").save()
    plan = documents.Plan(
        unit=unit,
        title="方案",
        principles=["坚持依法办事", "坚持属地管理"],
        sections=[documents.Section(level=1, heading="工作原则", text="原文的原则。")],
    ).save()
    assert printable.plan(plan)["sections"][0]["text"] == "原文的原则。"
    plan.sections[0].part = "principles"
    assert printable.plan(plan)["sections"][0]["text"] == "①坚持依法办事。\n②坚持属地管理。"
    assert plan.sections[0].text == "原文的原则。"  # kept: clearing the part prints it again


@pytest.mark.parametrize(
    "kind,name,own,head",
    [
        ("司法局", "某县司法局", "我局", "局长"),
        ("乡镇", "某某镇", "我镇", "镇长"),
        ("乡镇", "某某乡", "我乡", "乡长"),
        ("街道", "某街道办事处", "我街道", "主任"),
        ("法院", "某县人民法院", "我院", "院长"),
    ],
)
def test_a_template_speaks_of_the_unit_it_is_for(app, kind, name, own, head):
    import seeds

    unit = documents.Unit(name=name, short_name=name[:3], kind=kind).save()
    court = seeds.plan_templates()["区法院：领导干部大接访活动实施方案"]
    plan = templating.fill(court.copy_structure(unit, "方案"), unit, 2026)
    body = plan.preamble + "".join(s.text for s in plan.sections)
    assert own in body and f"{head}接待日" in body
    assert "{" not in body
    if own != "我院":
        assert "我院" not in body and "院长接待日" not in body


def test_every_template_fills_every_placeholder(app):
    import seeds

    unit = documents.Unit(name="某某县民政局", short_name="县民政局", kind="县直部门").save()
    for name, template in seeds.plan_templates().items():
        plan = templating.fill(template.copy_structure(unit, "方案"), unit, 2026)
        printed = printable.plan(plan)
        text = "".join((s["heading"] or "") + (s["text"] or "") for s in printed["sections"])
        assert "{" not in text + (printed["preamble"] or ""), name
    blank = seeds.plan_templates()["空白方案（常用标题）"]
    assert [s.part for s in blank.sections if s.part] == [k for k, _ in choices.PARTS]


def test_the_battalion_template_draws_the_group_from_the_new_unit(app):
    import seeds

    unit = documents.Unit(name="某某县民政局", short_name="县民政局", kind="县直部门").save()
    template = seeds.plan_templates()["农建营：关于开展“领导干部大接访”活动实施方案"]
    plan = template.copy_structure(unit, "方案")
    plan.save()
    documents.LeadershipGroup(
        unit=unit, plan=plan, members=[documents.GroupMember(role="组长", name="周建国")]
    ).save()
    text = "".join(s["text"] or "" for s in printable.plan(plan)["sections"])
    assert "组长：周建国" in text and "杨立平" not in text


def test_the_options_of_a_unit_for_the_drop_downs(client):
    unit = documents.Unit(name="某乡").save()
    other = documents.Unit(name="另一乡").save()
    documents.Person(unit=unit, name="甲", title="乡长", is_leader=True).save()
    documents.Person(unit=other, name="乙").save()
    data = client.get(f"/admin/setup/options/?unit={unit.pk}").get_json()
    assert [(p["name"], p["title"], p["leader"]) for p in data["people"]] == [("甲", "乡长", True)]
    assert client.get("/admin/setup/options/?unit=nonsense").status_code == 404


def test_a_required_unit_starts_blank_and_reads_with_its_full_name(client):
    documents.Unit(name="某某县人民法院", short_name="县法院").save()
    documents.Unit(name="某某县司法局", short_name="县司法局").save()
    html = client.get("/admin/person/new/").get_data(as_text=True)
    assert "某某县人民法院（县法院）" in html
    assert 'selected value="__None"' in html or 'value="__None" selected' in html
    response = client.post("/admin/person/new/", data={"name": "张三", "unit": "__None"})
    assert response.status_code == 200 and "请选择一项" in flashed_errors(response)


def test_the_plan_list_places_the_generated_parts(client):
    unit = documents.Unit(name="某乡").save()
    plan = documents.Plan(
        unit=unit,
        title="方案",
        sections=[documents.Section(level=1, heading="指导思想", text="……")],
        principles=["坚持依法办事"],
    ).save()
    response = client.post(
        "/admin/plan/action/", data={"action": "place_parts", "rowid": [str(plan.pk)]}
    )
    assert response.status_code == 302
    plan.reload()
    assert [s.part for s in plan.sections] == [None, *[k for k, _ in choices.PARTS]]
    printed = [s["heading"] for s in printable.plan(plan)["sections"]]
    assert printed == ["指导思想", "工作原则"]  # the parts with nothing entered are left out


def test_the_plan_page_shows_the_body_as_printed(client):
    unit = documents.Unit(name="某乡").save()
    plan = documents.Plan(
        unit=unit,
        title="方案",
        principles=["坚持依法办事"],
        sections=[
            documents.Section(level=1, heading="指导思想", text="写好的文字"),
            documents.Section(level=1, part="principles"),
            documents.Section(level=1, part="targets"),  # nothing entered: not printed
        ],
    ).save()
    html = client.get(f"/admin/plan/details/?id={plan.pk}").get_data(as_text=True)
    assert "一、指导思想" in html and "二、工作原则" in html and "①坚持依法办事。" in html
    assert "由结构生成" in html and "目标任务" not in html.split("xf-printed")[1].split("</ul>")[0]


def test_the_setup_takes_an_imported_plan_with_its_own_words(client):
    text = (
        "某民发〔2026〕3号\n"
        "关于开展领导干部大接访活动的实施方案\n"
        "为做好信访工作，制定本方案。\n"
        "一、组织领导\n"
        "组长：旧组长（原局长）\n"
        "二、工作要求\n"
        "各股室要落实责任。\n"
    )
    form = {**SETUP_FORM, "plan-template": "import", "plan-text": text}
    response = client.post("/admin/setup/", data=form)
    assert response.status_code == 302, flashed_errors(response)
    plan = documents.Plan.objects.get(unit=documents.Unit.objects.get(name="某某县民政局"))
    assert plan.doc_number == "某民发〔2026〕3号"
    assert plan.title == "某某县民政局领导干部大接访活动实施方案"  # as typed on the page
    body = "".join((s.text or "") for s in plan.sections)
    assert "各股室要落实责任。" in body
    assert not any(s.part for s in plan.sections)  # the imported words print as they were
    # the clerk switches the group section to the generated part after review
    section = next(s for s in plan.sections if s.heading == "组织领导")
    section.part = "group"
    plan.save()
    printed = {s["heading"]: s["text"] for s in printable.plan(plan)["sections"]}
    assert "组长：周建国（党组书记、局长）" in printed["组织领导"]
    assert "旧组长" not in printed["组织领导"]


def test_labels_of_the_observed_defects(client):
    unit = documents.Unit(name="某乡").save()
    plan = documents.Plan(
        unit=unit,
        title="方案",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        reporting_duties=[documents.ReportingDuty(name="月报", cadence="monthly", deadline_day=4)],
        receptions=[documents.ReceptionArrangement(kind="weekly", weekday=0, leaders=["乡长"])],
    ).save()
    # 查看整个报送期: December's report is due on 4 January, and the link reaches it
    html = client.get(f"/admin/reports/?unit={unit.pk}").get_data(as_text=True)
    assert "start=2026-01-01&amp;end=2027-01-04" in html
    # a plan without quotas: a leader who received no one is not 达标
    from documents.schedule_followup import compliance

    assert [row["ok"] for row in compliance(plan, 2026, 3)] == [None]
    page = client.get(f"/admin/schedule/?plan={plan.pk}&month=2026-03").get_data(as_text=True)
    assert "方案未定任务" in page and ">达标<" not in page
    # a new account's password is required and says so
    html = client.get("/admin/account/new/").get_data(as_text=True)
    assert (
        "新密码（不修改请留空）" not in html
        and "required" in html.split('name="new_password"')[1][:80]
    )
    # the headings of the schedule and report pages are said once
    import re

    assert len(re.findall(r"接访日程\s*</h4>", page)) == 1


def test_the_plain_card_form_of_a_one_unit_account_has_the_units_fields():
    """The township's 信访办 account (one unit) opens 一案一卡 → 创建 without choosing the unit:
    the township's own fields are there."""
    import mongoengine

    import seeds

    from .conftest import _make_app
    from .test_access import signed_in

    app = _make_app({"MOCK_STORE": True}, signed_in=False)
    try:
        with app.app_context():
            seeds.load()
        clerk = signed_in(app, "xiangxinfang")
        html = clerk.get("/admin/casecard/new/").get_data(as_text=True)
        township = documents.Unit.objects.get(name="XXX乡")
        for definition in documents.FieldSet.for_unit(township, "case_card").active:
            assert f"x__{definition.key}" in html, definition.key
        admin = signed_in(app, "admin")  # every unit: no unit chosen, no unit's fields
        assert 'name="x__' not in admin.get("/admin/casecard/new/").get_data(as_text=True)
    finally:
        mongoengine.disconnect_all()


def test_the_setup_is_for_an_account_of_every_unit(app):
    from .conftest import make_account

    unit = documents.Unit(name="某乡").save()
    make_account("clerk", "staff", unit=unit)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = documents.Account.objects.get(username="clerk").get_id()
        session["_fresh"] = True
    assert client.get("/admin/setup/").status_code == 403
    assert client.post("/admin/setup/", data=SETUP_FORM).status_code == 403
    assert documents.Unit.objects.count() == 1
    # the drop-downs' JSON of its own unit it gets, another unit's not
    other = documents.Unit(name="另一乡").save()
    assert client.get(f"/admin/setup/options/?unit={unit.pk}").status_code == 200
    assert client.get(f"/admin/setup/options/?unit={other.pk}").status_code == 404


def test_the_field_set_page_reads_as_a_table_with_the_schema_folded_away(client):
    unit = documents.Unit(name="某乡").save()
    field_set = documents.FieldSet(
        unit=unit,
        target="case_card",
        fields=[
            documents.FieldDefinition(key="risk", label="风险等级", type="choice", choices=["高"]),
            documents.FieldDefinition(key="cadre", label="包村干部", type="text", max_length=20),
        ],
    ).save_new_version()
    html = client.get(f"/admin/fieldset/details/?id={field_set.pk}").get_data(as_text=True)
    assert "<td>风险等级</td><td>risk</td><td>单选</td><td>否</td><td>选项：高</td>" in html
    assert "<td>包村干部</td><td>cadre</td><td>单行文本</td><td>否</td><td>至多 20 字</td>" in html
    assert "<details><summary>" in html and "表格的列" not in html
