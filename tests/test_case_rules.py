"""Case cards: the procedure, statutory deadlines on the real calendar, repeat petitions,
personal-data checks, concurrent edits, history and the archive."""

import datetime
import threading

import mongoengine
import pytest

import documents
from documents import calendar, deadlines
from documents.case import CaseCard, Representative
from documents.deadlines import Rules, card_deadlines

from .conftest import flashed_errors, request_as_tester

D = datetime.date


@pytest.fixture
def unit(app):
    return documents.Unit(name="某乡").save()


def _card(unit, **fields):
    values = {
        "unit": unit,
        "petitioner": "张某",
        "subject": "反映土地补偿问题",
        "registered_on": D(2024, 3, 1),
    }
    values.update(fields)
    return CaseCard(**values)


def _due(card, key):
    return next(d for d in card_deadlines(card, Rules.for_unit(card.unit)) if d.key == key)


# --- the calendar -------------------------------------------------------------------------------


def test_working_days_skip_the_spring_festival_and_count_the_makeup_sunday():
    # 2024: 2月10日–17日 holiday, 2月4日 (Sunday) and 2月18日 (Sunday) working days
    assert calendar.is_working_day(D(2024, 2, 4)) and calendar.is_working_day(D(2024, 2, 18))
    assert not calendar.is_working_day(D(2024, 2, 12))
    assert calendar.add_days(D(2024, 2, 8), 2, "working") == D(2024, 2, 18)
    assert calendar.add_days(D(2024, 2, 8), 2, "calendar") == D(2024, 2, 10)


def test_working_days_around_national_day_with_a_working_saturday():
    # 2024: 10月1日–7日 holiday, 9月29日 (Sunday) and 10月12日 (Saturday) working days
    assert calendar.add_days(D(2024, 9, 27), 1, "working") == D(2024, 9, 29)
    assert calendar.add_days(D(2024, 9, 30), 1, "working") == D(2024, 10, 8)
    assert calendar.add_days(D(2024, 10, 11), 1, "working") == D(2024, 10, 12)
    assert calendar.next_working_day(D(2024, 10, 1)) == D(2024, 10, 8)
    assert calendar.subtract_days(D(2024, 10, 8), 2, "working") == D(2024, 9, 29)
    assert calendar.holiday_name(D(2024, 10, 3)) == "National Day"


def test_a_year_without_calendar_data_is_flagged_not_guessed():
    # the calendar data end with 2026 (published each year by the State Council)
    with pytest.raises(calendar.CalendarDataMissing, match="节假日数据不含2027年"):
        calendar.add_days(D(2026, 12, 30), 5, "working")
    assert calendar.add_days(D(2026, 12, 30), 5, "calendar") == D(2027, 1, 4)


# --- the deadlines ------------------------------------------------------------------------------


def test_accept_within_15_days_and_handle_within_60(unit):
    card = _card(unit)
    assert _due(card, "accept").due == D(2024, 3, 16)
    card.decided_on = D(2024, 3, 10)
    assert _due(card, "accept").done_on == D(2024, 3, 10)
    assert _due(card, "handle").due == D(2024, 5, 9)


def test_one_extension_of_at_most_30_days_with_reason_and_approver(unit):
    card = _card(
        unit,
        decided_on=D(2024, 3, 10),
        extension_days=30,
        extension_reason="情况复杂，需要多部门调查",
        extension_approver="乜冠军",
    )
    card.validate()
    assert _due(card, "handle").due == D(2024, 6, 8)
    card.extension_days = 31
    with pytest.raises(mongoengine.ValidationError, match="延期不得超过30日"):
        card.validate()
    card.extension_days, card.extension_approver = 10, None
    with pytest.raises(mongoengine.ValidationError, match="延期须写明理由和批准人"):
        card.validate()


def test_review_and_rereview_are_requested_and_answered_within_30_days(unit):
    card = _card(unit, decided_on=D(2024, 3, 10), replied_on=D(2024, 4, 1))
    assert _due(card, "review_request").due == D(2024, 5, 1)
    assert not _due(card, "review_request").office  # the petitioner's window
    card.review_requested_on = D(2024, 4, 20)
    assert _due(card, "review_answer").due == D(2024, 5, 20)
    card.review_answered_on = D(2024, 5, 15)
    assert _due(card, "rereview_request").due == D(2024, 6, 14)
    card.rereview_requested_on = D(2024, 6, 1)
    assert _due(card, "rereview_answer").due == D(2024, 7, 1)


def test_leaders_two_days_and_petitioner_one_day_before_a_reception(unit):
    card = _card(unit, reception_date=D(2024, 10, 8))
    assert _due(card, "notify_leader").due == D(2024, 10, 6)
    assert _due(card, "notify_petitioner").due == D(2024, 10, 7)


def test_a_case_handed_down_is_objected_to_within_5_working_days(unit):
    card = _card(unit, source="上级交办", registered_on=D(2024, 9, 27))
    # 9月29日 (working Sunday), 9月30日, then 10月8日, 9日, 10日
    assert _due(card, "objection").due == D(2024, 10, 10)


def test_a_unit_changes_a_rule_to_working_days(unit):
    documents.DeadlineRuleSet(
        unit=unit, rules=[documents.DeadlineRule(key="accept", days=10, day_kind="working")]
    ).save()
    card = _card(unit, registered_on=D(2024, 2, 8))
    # 2月9日, then (2月10日–17日 holiday) the working Sunday 2月18日, 19–23, 26–28
    assert _due(card, "accept").due == D(2024, 2, 28)
    assert _due(card, "accept").basis.startswith("《信访工作条例》")


def test_a_rule_repeated_in_a_unit_is_refused(unit):
    twice = [
        documents.DeadlineRule(key="accept", days=10),
        documents.DeadlineRule(key="accept", days=12),
    ]
    rules = documents.DeadlineRuleSet(unit=unit, rules=twice)
    with pytest.raises(mongoengine.ValidationError, match="期限规则重复：受理告知"):
        rules.validate()


def test_next_deadline_is_stored_and_a_missing_calendar_year_is_shown(unit):
    card = _card(unit).save()
    assert card.next_deadline == D(2024, 3, 16) and card.next_deadline_label == "受理告知"
    documents.DeadlineRuleSet(
        unit=unit, rules=[documents.DeadlineRule(key="accept", days=10, day_kind="working")]
    ).save()
    late = _card(unit, registered_on=D(2026, 12, 28), petitioner="李某").save()
    assert late.next_deadline is None and "2027" in late.deadline_problem


def test_lists_show_and_filter_overdue_and_due_soon(app, client, unit, monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: D(2024, 3, 14))
    _card(unit, petitioner="超期人", registered_on=D(2024, 2, 1)).save()
    _card(unit, petitioner="临期人", registered_on=D(2024, 2, 29)).save()
    _card(unit, petitioner="宽裕人", registered_on=D(2024, 3, 10)).save()
    _card(
        unit,
        petitioner="已答复人",
        registered_on=D(2024, 2, 1),
        decided_on=D(2024, 2, 5),
        replied_on=D(2024, 3, 1),
    ).save()
    html = client.get("/admin/casecard/").get_data(as_text=True)
    assert "已超期 27 天" in html and "还剩 1 天" in html
    view = next(
        v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "casecard"
    )
    index = next(i for i, f in enumerate(view._filters) if f.column == "next_deadline")

    def names(value):
        page = client.get(f"/admin/casecard/?flt0_{index}={value}").get_data(as_text=True)
        return {n for n in ("超期人", "临期人", "宽裕人", "已答复人") if n in page}

    assert names("overdue") == {"超期人"}
    assert names("due_soon") == {"临期人"}
    assert names("pending") == {"宽裕人"}
    assert names("none") == {"已答复人"}
    # sorted by deadline
    page = client.get("/admin/casecard/?sort=7").get_data(as_text=True)
    assert page.index("超期人") < page.index("临期人") < page.index("宽裕人")


# --- the card's own checks -----------------------------------------------------------------------


def test_more_than_five_representatives_is_refused_citing_the_rule(unit):
    card = _card(
        unit,
        case_type="集体访",
        group_size=40,
        representatives=[Representative(name=f"代表{i}") for i in range(6)],
    )
    with pytest.raises(mongoengine.ValidationError, match="《信访工作条例》第二十条"):
        card.validate()
    card.representatives = card.representatives[:5]
    card.validate()


def test_representatives_limit_in_the_panel(client, unit):
    data = {
        "unit": str(unit.pk),
        "petitioner": "东村村民",
        "subject": "集体反映",
        "step": "登记",
        "registered_on": "2024-03-01",
        "case_type": "集体访",
    }
    for i in range(6):
        data[f"representatives-{i}-name"] = f"代表{i}"
    response = client.post("/admin/casecard/new/", data=data)
    assert response.status_code == 200
    assert "代表人数不得超过5人" in flashed_errors(response)
    assert documents.CaseCard.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "应为18位"),
        ("110105194912310021", "校验码不符（最后一位应为X）"),
        ("110105194902300021", "出生日期不存在"),
        ("1101051949123100XX", "应为18位"),
    ],
)
def test_id_numbers_are_checked(unit, value, message):
    with pytest.raises(mongoengine.ValidationError, match=message):
        _card(unit, id_number=value).validate()


def test_valid_id_and_phones_pass_and_lower_x_is_upper(unit):
    card = _card(unit, id_number="11010519491231002x", phones=["13800138000", "0357-5123456"])
    card.validate()
    assert card.id_number == "11010519491231002X"
    with pytest.raises(mongoengine.ValidationError, match="第2个电话应为11位手机号码"):
        _card(unit, phones=["13800138000", "12345678901"]).validate()


def test_refusal_names_the_channel_and_routing_refuses(unit):
    with pytest.raises(mongoengine.ValidationError, match="法定途径"):
        _card(unit, outcome="不予受理").validate()
    card = _card(unit, classification="routed", channel="诉讼")
    card.validate()
    assert card.outcome == "不予受理"
    assert all(d.key != "handle" for d in card_deadlines(card, Rules.for_unit(unit)))


# --- repeat petitions ----------------------------------------------------------------------------


def test_same_id_number_links_and_types_a_repeat(unit):
    first = _card(unit, id_number="11010519491231002X", subject="反映宅基地纠纷").save()
    second = _card(
        unit,
        id_number="11010519491231002X",
        subject="要求解决工资问题",
        registered_on=D(2024, 4, 1),
    ).save()
    assert second.related_cards == [first] and second.case_type == "重复访"


def test_same_name_and_phone_or_a_near_identical_subject_link(unit):
    first = _card(unit, phones=["13800138000"], subject="反映村委会账目不公开的问题").save()
    by_phone = _card(unit, phones=["13800138000"], subject="另一件事").save()
    assert by_phone.related_cards == [first]
    by_subject = _card(unit, petitioner="王某", subject="反映村委会账目不公开问题").save()
    assert first in by_subject.related_cards
    other = _card(unit, petitioner="赵某", subject="申请低保").save()
    assert other.related_cards == [] and other.case_type == "初访"


def test_after_rereview_the_same_facts_are_flagged_not_to_be_accepted(unit):
    _card(
        unit,
        id_number="11010519491231002X",
        subject="要求撤销宅基地使用证",
        registered_on=D(2023, 1, 2),
        decided_on=D(2023, 1, 5),
        replied_on=D(2023, 2, 1),
        review_requested_on=D(2023, 2, 10),
        review_answered_on=D(2023, 3, 1),
        rereview_requested_on=D(2023, 3, 10),
        rereview_answered_on=D(2023, 4, 1),
    ).save()
    again = _card(
        unit,
        id_number="11010519491231002X",
        subject="要求撤销宅基地使用证。",
        registered_on=D(2024, 5, 1),
    ).save()
    assert "复核终结" in again.finality_warning and "不再受理" in again.finality_warning
    assert again.related_cards[0].finalized


# --- the procedure -------------------------------------------------------------------------------


def test_the_battalion_procedure_comes_from_its_plan(seeded):
    battalion = documents.Unit.objects.get(name="山西省隰县民兵农建营")
    procedure = documents.Procedure.for_unit(battalion)
    assert procedure.steps == ["申请", "登记", "分类", "通知", "接访", "答复", "督办"]
    assert procedure.problem(None, "申请") is None
    assert "应从“申请”开始" in procedure.problem(None, "登记")
    assert procedure.problem("分类", "通知") is None and procedure.problem("分类", "登记") is None
    assert "不能从“分类”直接转到“督办”" in procedure.problem("分类", "督办")


def test_a_unit_configures_its_steps_and_moves(client, unit):
    response = client.post(
        "/admin/caseprocedure/new/",
        data={
            "unit": str(unit.pk),
            "steps-0-name": "登记",
            "steps-1-name": "分类",
            "steps-2-name": "办结",
            "moves": "登记→分类\n分类→办结\n登记→办结",
        },
    )
    assert response.status_code == 302, flashed_errors(response)
    procedure = documents.Procedure.for_unit(unit)
    assert procedure.allowed("登记") == ["登记", "分类", "办结"]
    assert procedure.allowed("办结") == ["办结"]
    bad = client.post(
        "/admin/caseprocedure/new/",
        data={"unit": str(unit.pk), "steps-0-name": "登记", "moves": "登记→不存在"},
    )
    assert "未定义的步骤" in flashed_errors(bad)


def test_a_move_the_procedure_does_not_allow_is_refused_in_the_panel(client, unit):
    card = _card(unit, step="登记").save()
    form = client.get(f"/admin/casecard/edit/?id={card.pk}").get_data(as_text=True)
    assert '<option value="分类">' in form and '<option value="答复">' not in form
    data = {
        "unit": str(unit.pk),
        "petitioner": "张某",
        "subject": "反映土地补偿问题",
        "registered_on": "2024-03-01",
        "step": "答复",
        "version": card.version,
    }
    response = client.post(f"/admin/casecard/edit/?id={card.pk}", data=data)
    assert response.status_code == 200
    data["step"] = "分类"
    response = client.post(f"/admin/casecard/edit/?id={card.pk}", data=data)
    assert response.status_code == 302, flashed_errors(response)
    assert CaseCard.objects.get(pk=card.pk).step == "分类"


# --- no lost updates -----------------------------------------------------------------------------


def _at_once(work, count):
    """Run ``work(n)`` on ``count`` threads that start together; (results, errors) by n."""
    barrier = threading.Barrier(count, timeout=60)
    results, errors = {}, {}

    def run(n):
        try:
            results[n] = work(n, barrier)
        except Exception as exc:  # reported by the test
            errors[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_two_concurrent_edits_on_the_embedded_store_refuse_the_later_save(embedded_app):
    unit = documents.Unit(name="并发乡").save()
    card = _card(unit, step="登记").save()
    opened = {}

    def edit(n, barrier):
        mine = CaseCard.objects.get(pk=card.pk)  # every thread opens the same version
        opened[n] = mine
        barrier.wait()
        mine.progress = f"第{n}人的进展"
        barrier.wait()  # and all of them save at once
        mine.save()
        return mine.progress

    results, errors = _at_once(edit, 4)
    assert len(results) == 1, (results, errors)  # exactly one save lands
    assert len(errors) == 3 and all(
        isinstance(e, documents.ConcurrentEdit) for e in errors.values()
    )
    [progress] = results.values()
    stored = CaseCard.objects.get(pk=card.pk)
    assert stored.progress == progress and stored.version == card.version + 1
    for n in errors:  # each refused person's input is kept on the object, version unchanged
        assert opened[n].progress == f"第{n}人的进展" and opened[n].version == card.version
    assert documents.CaseCardHistory.objects(card=card.pk).count() == 2  # 登记 + one change


def test_concurrent_saves_of_one_card_in_the_panel_refuse_all_but_one(embedded_app):
    unit = documents.Unit(name="并发乡").save()
    card = _card(unit, step="登记").save()
    base = {
        "unit": str(unit.pk),
        "petitioner": "张某",
        "subject": "反映土地补偿问题",
        "registered_on": "2024-03-01",
        "step": "登记",
        "version": card.version,
    }

    def post(n, barrier):
        client = embedded_app.test_client()
        barrier.wait()
        response = client.post(
            f"/admin/casecard/edit/?id={card.pk}", data={**base, "progress": f"第{n}人填写的进展"}
        )
        return response.status_code, flashed_errors(response), response.get_data(as_text=True)

    results, errors = _at_once(post, 3)
    assert errors == {}
    saved = [n for n, (code, _, _) in results.items() if code == 302]
    assert len(saved) == 1, {n: r[:2] for n, r in results.items()}
    assert CaseCard.objects.get(pk=card.pk).progress == f"第{saved[0]}人填写的进展"
    for n, (code, flashed, html) in results.items():
        if n != saved[0]:
            assert code == 200 and "没有保存" in flashed, flashed
            assert f"第{n}人填写的进展" in html  # the input stays on the form


def test_a_conflicting_save_in_the_panel_keeps_the_input_and_explains(client, unit):
    card = _card(unit, step="登记").save()
    seen = card.version
    base = {
        "unit": str(unit.pk),
        "petitioner": "张某",
        "subject": "反映土地补偿问题",
        "registered_on": "2024-03-01",
        "step": "登记",
        "version": seen,
    }
    assert (
        client.post(
            f"/admin/casecard/edit/?id={card.pk}", data={**base, "progress": "甲填写的进展"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/admin/casecard/edit/?id={card.pk}", data={**base, "progress": "乙填写的进展"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "没有保存" in flashed_errors(response) and "目前进展" in flashed_errors(response)
    assert "乙填写的进展" in html  # the input stays on the form
    assert CaseCard.objects.get(pk=card.pk).progress == "甲填写的进展"
    # the form now carries the current version: saving again is a deliberate overwrite
    current = CaseCard.objects.get(pk=card.pk).version
    assert f'value="{current}"' in html
    again = client.post(
        f"/admin/casecard/edit/?id={card.pk}",
        data={**base, "version": current, "progress": "乙填写的进展"},
    )
    assert again.status_code == 302
    assert CaseCard.objects.get(pk=card.pk).progress == "乙填写的进展"


# --- history and the archive --------------------------------------------------------------------


def test_every_change_is_kept_with_who_and_before_and_after(client, unit):
    from documents import audit

    with audit.acting_as("信访办小王"):
        card = _card(unit, step="登记", progress="已登记").save()
    with audit.acting_as("信访办小李"):
        card.progress, card.measures = "已交办", "转司法所"
        card.save()
    entries = list(documents.CaseCardHistory.objects(card=card).order_by("at", "version"))
    who = [(e.action, e.actor) for e in entries]
    assert who == [("登记", "信访办小王"), ("修改", "信访办小李")]
    changes = {c["field"]: (c["before"], c["after"]) for c in entries[1].changes}
    assert changes == {"progress": ("已登记", "已交办"), "measures": (None, "转司法所")}
    detail = client.get(f"/admin/casecard/details/?id={card.pk}").get_data(as_text=True)
    assert "修改记录" in detail and "信访办小李" in detail and "已登记 → 已交办" in detail


def test_panel_edits_record_the_person_and_delete_archives_and_restores(client, unit):
    card = _card(unit, step="登记").save()
    response = client.post("/admin/casecard/delete/", data={"id": str(card.pk)})
    assert response.status_code == 302
    assert "移入归档" in client.get("/admin/casecard/").get_data(as_text=True)
    assert "张某" not in client.get("/admin/casecard/").get_data(as_text=True)
    assert CaseCard.objects.get(pk=card.pk).archived  # nothing is deleted
    archive = client.get("/admin/archivedcasecard/").get_data(as_text=True)
    assert "张某" in archive
    assert client.get(f"/admin/casecard/edit/?id={card.pk}").status_code == 404
    client.post(
        "/admin/archivedcasecard/action/", data={"action": "restore", "rowid": [str(card.pk)]}
    )
    assert not CaseCard.objects.get(pk=card.pk).archived
    assert "张某" in client.get("/admin/casecard/").get_data(as_text=True)
    actions = [
        e.action for e in documents.CaseCardHistory.objects(card=card).order_by("at", "version")
    ]
    assert actions == ["登记", "归档", "恢复"]
    assert all(
        e.actor == "tester"
        for e in documents.CaseCardHistory.objects(card=card)
        if e.action != "登记"
    )


def test_the_filtered_list_exports_to_csv_and_xlsx(app, client, unit, monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: D(2024, 3, 14))
    _card(unit, petitioner="超期人", registered_on=D(2024, 2, 1)).save()
    _card(unit, petitioner="宽裕人", registered_on=D(2024, 3, 10)).save()
    view = next(
        v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "casecard"
    )
    index = next(i for i, f in enumerate(view._filters) if f.column == "next_deadline")
    csv = client.get(f"/admin/casecard/export/csv/?flt0_{index}=overdue").get_data(as_text=True)
    assert "超期人" in csv and "宽裕人" not in csv and "最近期限" in csv.splitlines()[0]
    xlsx = client.get(f"/admin/casecard/export/xlsx/?flt0_{index}=overdue")
    assert xlsx.data[:2] == b"PK"


# --- the list index of the embedded store ---------------------------------------------------------


def test_embedded_store_lists_through_its_index_with_the_same_answers(embedded_app, monkeypatch):
    from documents.cardquery import index as card_index

    monkeypatch.setattr(deadlines, "today", lambda: D(2024, 3, 14))
    unit = documents.Unit(name="索引乡").save()
    other = documents.Unit(name="别的乡").save()
    _card(unit, petitioner="超期人", registered_on=D(2024, 2, 1), subject="土地问题").save()
    _card(unit, petitioner="临期人", registered_on=D(2024, 2, 29), subject="工资问题").save()
    _card(unit, petitioner="宽裕人", registered_on=D(2024, 3, 10), subject="土地补偿").save()
    _card(other, petitioner="外单位人", registered_on=D(2024, 2, 1), subject="土地").save()
    archived = _card(unit, petitioner="归档人", registered_on=D(2024, 2, 1)).save()
    archived.archive()
    index = card_index.current()
    assert index is not None and index.count_rows() == 5
    client = embedded_app.test_client()
    view = next(
        v
        for v in embedded_app.extensions["admin"][0]._views
        if getattr(v, "endpoint", "") == "casecard"
    )
    status = next(i for i, f in enumerate(view._filters) if f.column == "next_deadline")
    asked = []
    real_find = index.find
    monkeypatch.setattr(index, "find", lambda *a: asked.append(a) or real_find(*a))

    def names(url):
        page = client.get(url).get_data(as_text=True)
        return [n for n in ("超期人", "临期人", "宽裕人", "外单位人", "归档人") if n in page]

    assert names(f"/admin/casecard/?flt0_{status}=overdue") == ["超期人", "外单位人"]
    assert names(f"/admin/casecard/?unit={unit.pk}&flt0_{status}=overdue") == ["超期人"]
    assert names(f"/admin/casecard/?flt0_{status}=due_soon") == ["临期人"]
    assert names("/admin/casecard/?search=土地") == ["超期人", "宽裕人", "外单位人"]
    assert names("/admin/archivedcasecard/") == ["归档人"]
    assert len(asked) == 5  # every list above came from the index
    sort = [c for c, _ in view._list_columns].index("next_deadline")
    page = client.get(f"/admin/casecard/?unit={unit.pk}&sort={sort}").get_data(as_text=True)
    assert page.index("超期人") < page.index("临期人") < page.index("宽裕人")


def test_a_filter_the_index_does_not_hold_falls_back_to_the_store(embedded_app):
    from documents.cardquery import index as card_index

    unit = documents.Unit(name="自定字段乡").save()
    documents.FieldSet(
        unit=unit,
        target="case_card",
        fields=[
            documents.FieldDefinition(key="risk", label="风险", type="choice", choices=["高", "低"])
        ],
    ).save_new_version()
    _card(unit, petitioner="高风险人", extra={"risk": "高"}).save()
    _card(unit, petitioner="低风险人", extra={"risk": "低"}).save()
    client = embedded_app.test_client()
    view = next(
        v
        for v in embedded_app.extensions["admin"][0]._views
        if getattr(v, "endpoint", "") == "casecard"
    )
    with request_as_tester(embedded_app, f"/admin/casecard/?unit={unit.pk}"):
        risk = next(i for i, f in enumerate(view._filters) if f.column == "extra.risk")
    page = client.get(f"/admin/casecard/?unit={unit.pk}&flt0_{risk}=高").get_data(as_text=True)
    assert "高风险人" in page and "低风险人" not in page
    assert card_index.current().count_rows() == 2


def test_the_index_is_rebuilt_when_it_disagrees_with_the_collection(embedded_app):
    from documents.cardquery import index as card_index

    unit = documents.Unit(name="重建乡").save()
    card = _card(unit).save()
    index = card_index.current()
    # as if the process died between the two writes: the row missing, the write's mark left
    index.mark_writing()
    index.remove(card.pk)
    assert index.count_rows() == 0
    assert card_index.sync() == 1 and index.count_rows() == 1
    assert card_index.sync() == 0  # in step: nothing to do


@pytest.mark.parametrize("which", ["app", "embedded_app"])
def test_changing_a_unit_s_rules_moves_its_stored_deadlines_and_lists_follow(
    which, request, monkeypatch
):
    from documents import cardquery
    from documents.cardquery import CardQuery

    request.getfixturevalue(which)
    monkeypatch.setattr(deadlines, "today", lambda: D(2024, 3, 14))
    unit = documents.Unit(name="改规则乡").save()
    other = documents.Unit(name="不改乡").save()
    card = _card(unit, registered_on=D(2024, 3, 1)).save()
    untouched = _card(other, registered_on=D(2024, 3, 1)).save()
    assert card.next_deadline == D(2024, 3, 16)  # 受理告知: 15 days
    version = card.version
    assert cardquery.count(CardQuery(unit=unit.pk, deadline="due_soon")) == 1
    rules = documents.DeadlineRuleSet(
        unit=unit, rules=[documents.DeadlineRule(key="accept", days=10)]
    ).save()
    stored = documents.CaseCard.objects.get(pk=card.pk)
    assert stored.next_deadline == D(2024, 3, 11) and stored.version == version
    assert cardquery.count(CardQuery(unit=unit.pk, deadline="overdue")) == 1
    assert cardquery.find(CardQuery(where=(("next_deadline", "=", D(2024, 3, 11)),)))[1] == [
        str(card.pk)
    ]
    assert documents.CaseCard.objects.get(pk=untouched.pk).next_deadline == D(2024, 3, 16)
    rules.delete()  # back to the regulation's 15 days
    assert documents.CaseCard.objects.get(pk=card.pk).next_deadline == D(2024, 3, 16)
    assert cardquery.count(CardQuery(unit=unit.pk, deadline="due_soon")) == 1


def test_new_holiday_data_recompute_stored_deadlines_once(embedded_app, monkeypatch):
    from documents import calendar
    from documents.case_deadlines import refresh_for_calendar

    unit = documents.Unit(name="新日历乡").save()
    card = _card(unit, registered_on=D(2024, 3, 1), source="上级交办").save()
    assert refresh_for_calendar() is None  # the store was opened with these data
    collection = documents.CaseCard._get_collection()
    collection.update_one(
        {"_id": card.pk},
        {"$set": {"next_deadline": None, "deadline_problem": "节假日数据不含2024年"}},
    )
    monkeypatch.setattr(calendar, "fingerprint", lambda: "a-newer-calendar")
    assert refresh_for_calendar() == 1
    stored = documents.CaseCard.objects.get(pk=card.pk)
    assert stored.next_deadline == card.next_deadline and stored.deadline_problem is None
    assert refresh_for_calendar() is None  # once


# --- a closed card --------------------------------------------------------------------------------


def test_a_closed_card_s_open_duties_end_with_it_in_lists_figures_and_on_its_page(
    app, client, unit, monkeypatch
):
    """已办结 with the reply never recorded: the 办理 duty no longer runs. The list shows no
    deadline, the overdue filter and the dashboard figure leave it out, and the card page says
    the duty was open when the card was closed (and whether it was already late then)."""
    from documents import figures

    monkeypatch.setattr(deadlines, "today", lambda: D(2024, 8, 1))
    late = _card(
        unit,
        petitioner="迟办结人",
        registered_on=D(2024, 2, 1),
        decided_on=D(2024, 2, 5),
        status="已办结",
        closed_on=D(2024, 6, 3),
    ).save()
    in_time = _card(
        unit,
        petitioner="按时办结人",
        registered_on=D(2024, 3, 1),
        decided_on=D(2024, 3, 4),
        status="已办结",
        closed_on=D(2024, 3, 20),
    ).save()
    still_open = _card(
        unit, petitioner="未办结人", registered_on=D(2024, 2, 1), decided_on=D(2024, 2, 5)
    ).save()
    assert late.next_deadline is None and in_time.next_deadline is None
    assert still_open.next_deadline is not None and still_open.next_deadline < D(2024, 8, 1)
    handle = _due(late, "handle")
    assert handle.ended_on == D(2024, 6, 3) and handle.status(D(2024, 8, 1)) == "ended_late"
    assert _due(in_time, "handle").status(D(2024, 8, 1)) == "ended"
    # the petitioner's windows are not the office's: closing does not end them
    assert all(
        d.ended_on is None for d in card_deadlines(late, Rules.for_unit(unit)) if not d.office
    )

    overdue = figures.open_cards([unit], D(2024, 8, 1), "overdue")
    assert [c.petitioner for c in overdue[1]] == ["未办结人"]
    page = client.get(f"/admin/casecard/details/?id={late.pk}").get_data(as_text=True)
    handle_due = _due(late, "handle").due
    assert f"办结时已超期 {(D(2024, 6, 3) - handle_due).days} 天" in page
    assert "已超期" not in page.replace("办结时已超期", "")
    page = client.get(f"/admin/casecard/details/?id={in_time.pk}").get_data(as_text=True)
    assert "2024年3月20日办结时终止" in page and "已超期" not in page


def test_cards_closed_before_this_rule_are_recomputed_once_at_start(embedded_app):
    """A store whose closed cards still carry a running deadline (from a release before a closed
    card ended its duties) gets them recomputed once, whichever process starts first."""
    from documents.case_deadlines import refresh_for_calendar

    unit = documents.Unit(name="旧版本乡").save()
    card = _card(
        unit, registered_on=D(2024, 2, 1), decided_on=D(2024, 2, 5), status="已办结"
    ).save()
    collection = documents.CaseCard._get_collection()
    collection.update_one(
        {"_id": card.pk}, {"$set": {"next_deadline": datetime.datetime(2024, 5, 6)}}
    )
    settings = collection.database["xinfang_settings"]
    stored = settings.find_one({"_id": "holiday_calendar"})["fingerprint"]
    settings.update_one(  # as the release before left it: the calendar's fingerprint alone
        {"_id": "holiday_calendar"}, {"$set": {"fingerprint": stored.split(":")[0]}}
    )
    assert refresh_for_calendar() == 1
    assert documents.CaseCard.objects.get(pk=card.pk).next_deadline is None
    assert refresh_for_calendar() is None


def test_a_new_table_is_filled_in_bulk_with_the_rows_a_card_s_save_writes(
    embedded_app, monkeypatch
):
    """A new schema or a restored backup leaves most rows to make: the table is made anew in
    one go (``rebuild``: rows and digests in one read of the file, the indexes made after),
    and must come out as the rows written card by card: lists, search, the digests that
    spare the next start its check, and repeats by a similar 案由 through the text index."""
    from documents.cardquery import checking
    from documents.cardquery import index as card_index
    from documents.cardquery.columns import INDEXES, index_name

    unit = documents.Unit(name="批量乡").save()
    cards = [
        _card(unit, petitioner=f"信访人{n}", subject=f"东庄土地补偿问题{n % 3}").save()
        for n in range(12)
    ]
    index = card_index.current()
    with index._connect() as db:
        written = db.execute("SELECT * FROM cards ORDER BY id").fetchall()
        text = db.execute("SELECT rowid, * FROM card_text ORDER BY rowid").fetchall()
    assert len(written) == 12 and all(row[-1] is not None for row in written)  # digests
    monkeypatch.setattr(checking, "BULK_FROM", 3)
    rebuilt = []
    real = index.rebuild
    monkeypatch.setattr(index, "rebuild", lambda c: rebuilt.append(1) or real(c))
    with index._connect() as db:  # as a new table: empty, and marked to be checked
        db.execute("DELETE FROM cards")
        db.execute("DELETE FROM card_text")
    index.mark_writing()
    assert card_index.sync() == 12 and rebuilt == [1]
    with index._connect() as db:
        assert db.execute("SELECT * FROM cards ORDER BY id").fetchall() == written
        rows = dict(db.execute("SELECT id, rowid FROM cards"))
        again = db.execute("SELECT rowid, * FROM card_text ORDER BY rowid").fetchall()
        names = [r[1] for r in db.execute("PRAGMA index_list(cards)")]
    assert sorted(r[1:] for r in again) == sorted(r[1:] for r in text)
    assert set(rows) == {str(c.pk) for c in cards}
    assert all(index_name(columns) in names for columns in INDEXES)
    index.mark_writing()
    assert card_index.sync() == 0  # the digests were recorded: nothing differs
    client = embedded_app.test_client()
    page = client.get(f"/admin/casecard/?unit={unit.pk}&search=土地补偿").get_data(as_text=True)
    assert all(f"信访人{n}" in page for n in range(12))
    repeat = _card(unit, petitioner="新来人", subject="东庄土地补偿问题1").save()
    assert {str(c.pk) for c in repeat.related_cards} <= {str(c.pk) for c in cards}
    assert repeat.related_cards and repeat.related_reasons
