"""Reception schedules: each source unit's rule on the real calendar of its year, rotation,
no double booking, regeneration that keeps what was recorded, swaps, quotas, notices, feeds."""

import datetime
from collections import Counter, defaultdict

import icalendar
import mongoengine
import pytest

import documents
from documents import calendar, schedule, schedule_followup
from documents.plan import ReceptionArrangement as Rule

from .conftest import flashed_errors

D = datetime.date


def _plan(name):
    return documents.Plan.objects.get(unit=documents.Unit.objects.get(name=name))


def _by_month(slots):
    months = defaultdict(Counter)
    for slot in slots:
        months[(slot.date.year, slot.date.month)][slot.leader] += 1
    return months


def _assert_no_double_booking(slots):
    seen = Counter((slot.date, slot.leader) for slot in slots)
    assert max(seen.values()) == 1


def test_battalion_three_days_a_month_each_march_to_december_2012(seeded):
    slots = schedule.generate(_plan("山西省隰县民兵农建营"))
    assert len(slots) == 90
    months = _by_month(slots)
    assert sorted(months) == [(2012, m) for m in range(3, 13)]
    for counts in months.values():
        assert counts == {"支部书记": 3, "营长": 3, "副营长": 3}
    assert all(calendar.is_working_day(s.date) for s in slots)
    # 2012: 国庆 10月1日–7日 off, 9月29日 (Saturday) a working day
    assert not any(D(2012, 10, 1) <= s.date <= D(2012, 10, 7) for s in slots)
    _assert_no_double_booking(slots)
    assert len({s.date for s in slots}) == 90  # the three leaders never share a day
    assert {s.place for s in slots} == {"机关会议室"}


def test_bureau_first_monday_moves_past_holidays_in_2010(seeded):
    slots = schedule.generate(_plan("贺州市司法局"))
    assert len(slots) == 12
    by_month = {s.date.month: s for s in slots}
    assert by_month[1].date == D(2010, 1, 4) and by_month[1].moved_from is None
    assert (by_month[4].date, by_month[4].moved_from) == (D(2010, 4, 6), D(2010, 4, 5))  # 清明
    assert (by_month[5].date, by_month[5].moved_from) == (D(2010, 5, 4), D(2010, 5, 3))  # 劳动节
    assert (by_month[10].date, by_month[10].moved_from) == (D(2010, 10, 8), D(2010, 10, 4))
    assert all(calendar.is_working_day(s.date) for s in slots)
    assert {s.place for s in slots} == {"局办公楼五楼小会议室"}


def test_court_every_friday_skips_holiday_fridays(seeded):
    plan = _plan("XX区人民法院")
    slots = schedule.generate(plan, D(2012, 1, 1), D(2012, 12, 31))
    fridays = [D(2012, 1, 6) + datetime.timedelta(days=7 * n) for n in range(52)]
    assert [s.date for s in slots] == [f for f in fridays if calendar.is_working_day(f)]
    assert D(2012, 10, 5) not in [s.date for s in slots]  # 国庆
    assert {s.leader for s in slots} == {"院长"}


def test_township_secretary_at_least_three_days_a_week_in_the_july_drive(seeded):
    slots = schedule.generate(_plan("XXX乡"))
    assert all(D(2008, 7, 1) <= s.date <= D(2008, 7, 31) for s in slots)
    weeks = Counter(s.date.isocalendar()[1] for s in slots)
    for week, count in weeks.items():
        days = [D(2008, 7, 1) + datetime.timedelta(days=n) for n in range(31)]
        working = [d for d in days if d.isocalendar()[1] == week and calendar.is_working_day(d)]
        assert count == min(3, len(working))
    assert {s.leader for s in slots} == {"乡党委书记"}


def test_subdistrict_leaders_receive_every_week_of_2012(seeded):
    slots = schedule.generate(_plan("嘉善县魏塘街道"))
    weeks = Counter(s.date.isocalendar()[:2] for s in slots)
    assert set(weeks.values()) == {1}
    assert all(calendar.is_working_day(s.date) for s in slots)


def test_leaders_of_a_rule_take_turns_and_are_never_booked_twice(app):
    unit = documents.Unit(name="轮值局").save()
    plan = documents.Plan(
        unit=unit,
        title="方案",
        period_start=D(2024, 3, 1),
        period_end=D(2024, 3, 31),
        receptions=[
            Rule(kind="weekly", weekday=0, leaders=["局长", "副局长甲", "副局长乙"]),
            Rule(kind="monthly_day", day_of_month=11, leaders=["局长"]),
            Rule(kind="monthly_day", day_of_month=25, leaders=["局长"]),
        ],
    ).save()
    slots = schedule.generate(plan)
    mondays = [s for s in slots if s.rule == 0]
    assert [s.leader for s in mondays] == ["局长", "副局长甲", "副局长乙", "局长"]
    assert [s.date for s in mondays] == [
        D(2024, 3, 4),
        D(2024, 3, 11),
        D(2024, 3, 18),
        D(2024, 3, 25),
    ]
    # 3月11日 (Monday) is 副局长甲's turn on the weekly rule: the 局长 is free and stays there
    eleventh = next(s for s in slots if s.rule == 1)
    assert (eleventh.date, eleventh.leader) == (D(2024, 3, 11), "局长")
    # 3月25日 (Monday) the 局长 already receives by the weekly rule: moved a working day on
    twenty_fifth = next(s for s in slots if s.rule == 2)
    assert (twenty_fifth.date, twenty_fifth.leader) == (D(2024, 3, 26), "局长")
    _assert_no_double_booking(slots)


def test_rules_step_through_short_months_and_over_the_new_year(app):
    """Dates of each kind of rule from 2023年11月15日 to 2024年3月10日 (holidays kept, so that
    only the stepping through weeks and months shows): the year boundary and a leap February."""
    unit = documents.Unit(name="跨年局").save()
    keep = {"holiday_rule": "keep"}
    plan = documents.Plan(
        unit=unit,
        title="方案",
        period_start=D(2023, 11, 15),
        period_end=D(2024, 3, 10),
        receptions=[
            Rule(kind="weekly", weekday=2, leaders=["甲"], **keep),
            Rule(kind="monthly_day", day_of_month=28, leaders=["乙"], **keep),
            Rule(kind="monthly_nth_weekday", nth=4, weekday=4, leaders=["丙"], **keep),
            Rule(kind="monthly_nth_weekday", nth=1, weekday=4, leaders=["丁"], **keep),
        ],
    ).save()
    by_rule = defaultdict(list)
    for slot in schedule.generate(plan):
        by_rule[slot.rule].append(slot.date)
    wednesdays = by_rule[0]
    assert wednesdays[0] == D(2023, 11, 15) and wednesdays[-1] == D(2024, 3, 6)
    assert len(wednesdays) == 17 and {d.weekday() for d in wednesdays} == {2}
    assert {(b - a).days for a, b in zip(wednesdays, wednesdays[1:], strict=False)} == {7}
    assert D(2023, 12, 27) in wednesdays and D(2024, 1, 3) in wednesdays
    assert by_rule[1] == [D(2023, 11, 28), D(2023, 12, 28), D(2024, 1, 28), D(2024, 2, 28)]
    assert by_rule[2] == [D(2023, 11, 24), D(2023, 12, 22), D(2024, 1, 26), D(2024, 2, 23)]
    # the first Friday of November is before the period; March's is inside it
    assert by_rule[3] == [D(2023, 12, 1), D(2024, 1, 5), D(2024, 2, 2), D(2024, 3, 1)]


def test_days_per_month_and_per_week_over_the_new_year(app):
    unit = documents.Unit(name="跨年镇").save()
    plan = documents.Plan(
        unit=unit,
        title="方案",
        period_start=D(2023, 12, 27),
        period_end=D(2024, 1, 5),
        receptions=[
            Rule(kind="days_per_leader", days_per_month=1, leaders=["甲"]),
            Rule(kind="phase", days_per_week=5, leaders=["乙"]),
        ],
    ).save()
    slots = schedule.generate(plan)
    # one day in each of the two months the period touches
    assert [(s.date.year, s.date.month) for s in slots if s.rule == 0] == [(2023, 12), (2024, 1)]
    # every working day of both weeks: 12月30日–2024年1月1日 are the 元旦 holiday
    assert [s.date for s in slots if s.rule == 1] == [
        D(2023, 12, 27),
        D(2023, 12, 28),
        D(2023, 12, 29),
        D(2024, 1, 2),
        D(2024, 1, 3),
        D(2024, 1, 4),
        D(2024, 1, 5),
    ]


def test_the_month_page_steps_over_the_year_boundary(client, app):
    unit = documents.Unit(name="翻页局").save()
    plan = documents.Plan(
        unit=unit, title="方案", receptions=[Rule(kind="weekly", weekday=0, leaders=["局长"])]
    ).save()
    for month, previous, following in (
        ("2024-01", "2023-12", "2024-02"),
        ("2023-12", "2023-11", "2024-01"),
        ("2024-03", "2024-02", "2024-04"),
    ):
        page = client.get(f"/admin/schedule/?plan={plan.pk}&month={month}").get_data(as_text=True)
        assert f'month={previous}">« {previous}</a>' in page, month
        assert f'month={following}">{following} »</a>' in page, month


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            Rule(kind="monthly_nth_weekday", nth=5, weekday=0, leaders=["局长"]),
            "并非每个月都有第5个星期一",
        ),
        (
            Rule(kind="days_per_leader", days_per_month=40, leaders=["局长"]),
            "每月共需40天，而一个月最多只有23个工作日",
        ),
        (
            Rule(
                kind="weekly",
                weekday=4,
                leaders=["院长"],
                start_date=D(2024, 5, 1),
                end_date=D(2024, 4, 1),
            ),
            "结束日期早于开始日期",
        ),
        (Rule(kind="weekly", leaders=["院长"]), "没有写星期几"),
        (Rule(kind="monthly_day", day_of_month=31, leaders=["院长"]), "并非每个月都有31日"),
        (Rule(kind="phase", days_per_week=6, leaders=["书记"]), "每周最多安排5个工作日"),
        (Rule(kind="weekly", weekday=4), "没有写接访领导"),
    ],
)
def test_bad_rules_get_clear_messages(rule, message):
    assert any(message in p for p in schedule.rule_problems(rule))
    with pytest.raises(mongoengine.ValidationError):
        rule.validate()


def test_a_bad_rule_is_refused_on_the_plan_form(client, seeded):
    plan = _plan("贺州市司法局")
    response = client.post(
        f"/admin/plan/edit/?id={plan.pk}",
        data={
            "unit": str(plan.unit.pk),
            "title": plan.title,
            "kind": plan.kind,
            "receptions-0-kind": "monthly_nth_weekday",
            "receptions-0-nth": "5",
            "receptions-0-weekday": "0",
            "receptions-0-leaders": "局长",
            "receptions-0-holiday_rule": "next_working_day",
        },
    )
    assert response.status_code == 200
    assert "并非每个月都有第5个星期一" in flashed_errors(response)
    assert documents.Plan.objects.get(pk=plan.pk).receptions[0].nth == 1


def test_a_year_beyond_the_calendar_data_is_refused(client, seeded):
    unit = documents.Unit.objects.get(name="XX区人民法院")
    plan = documents.Plan(
        unit=unit,
        title="明年方案",
        period_start=D(2027, 1, 1),
        period_end=D(2027, 6, 30),
        receptions=[Rule(kind="weekly", weekday=4, leaders=["院长"])],
    ).save()
    with pytest.raises(calendar.CalendarDataMissing, match="2027"):
        schedule.generate(plan)
    response = client.post(f"/admin/schedule/generate/?plan={plan.pk}")
    assert "未能生成日程：节假日数据不含2027年" in flashed_errors(
        client.get(response.headers["Location"])
    )
    assert documents.ReceptionSession.objects(plan=plan).count() == 0


def test_regenerating_after_a_rule_edit_keeps_recorded_sessions(seeded):
    plan = _plan("山西省隰县民兵农建营")
    assert schedule.regenerate(plan)["created"] == 90
    sessions = list(documents.ReceptionSession.objects(plan=plan).order_by("date"))
    held = sessions[0]
    held.status, held.petitioners = "held", 4
    held.save()
    schedule.swap(sessions[1], sessions[2])
    plan.receptions[0].days_per_month = 2
    plan.save()
    result = schedule.regenerate(plan)
    assert result["removed"] == 87 and result["kept"] == 3
    stored = documents.ReceptionSession.objects(plan=plan)
    assert documents.ReceptionSession.objects.get(pk=held.pk).petitioners == 4
    kept = {(s.date, s.leader) for s in stored if not s.generated}
    assert len(kept) == 3
    months = Counter((s.date.month, s.leader) for s in stored)
    assert all(n <= 3 for n in months.values())
    assert sum(months[(m, "营长")] for m in range(4, 13)) == 18  # 2 a month after March
    _assert_no_double_booking(list(stored))


def test_a_swap_is_recorded_and_a_double_booking_refused(seeded):
    plan = _plan("山西省隰县民兵农建营")
    schedule.regenerate(plan)
    first, second, third, fourth = documents.ReceptionSession.objects(plan=plan).order_by("date")[
        :4
    ]
    leaders = (first.leader, second.leader)
    note = schedule.swap(first, second)
    first.reload()
    second.reload()
    assert (first.leader, second.leader) == leaders[::-1]
    assert note in first.note and first.generated == 0
    # third's leader also receives on fourth's day: swapping would book that leader twice
    documents.ReceptionSession(
        plan=plan, unit=plan.unit, date=fourth.date, leader=third.leader
    ).save()
    with pytest.raises(schedule.ScheduleError, match="已有接访安排，不能对调"):
        schedule.swap(third, fourth)
    duplicate = documents.ReceptionSession(
        plan=plan, unit=plan.unit, date=first.date, leader=first.leader
    )
    with pytest.raises(mongoengine.ValidationError, match="不能重复安排"):
        duplicate.save()


def test_the_swap_action_in_the_panel(client, seeded):
    plan = _plan("山西省隰县民兵农建营")
    schedule.regenerate(plan)
    first, second = documents.ReceptionSession.objects(plan=plan).order_by("date")[:2]
    response = client.post(
        "/admin/receptionsession/action/",
        data={"action": "swap", "rowid": [str(first.pk), str(second.pk)]},
    )
    assert "已对调" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert documents.ReceptionSession.objects.get(pk=first.pk).leader == second.leader
    response = client.post(
        "/admin/receptionsession/action/", data={"action": "swap", "rowid": [str(first.pk)]}
    )
    assert "请选择两个接访安排" in flashed_errors(client.get(response.headers["Location"]))


def test_quotas_and_compliance_per_leader_and_month(seeded):
    plan = _plan("山西省隰县民兵农建营")
    assert schedule_followup.quotas(plan) == {
        "visit_out": ("每月下访", 2),
        "reception": ("每月接访天数", 3),
    }
    schedule.regenerate(plan)
    for session in documents.ReceptionSession.objects(
        plan=plan, leader="营长", date__lt=D(2012, 4, 1)
    ):
        session.status = "held"
        session.save()
    for day in (D(2012, 3, 12), D(2012, 3, 26)):
        documents.LeaderActivity(unit=plan.unit, leader="营长", kind="visit_out", date=day).save()
    documents.LeaderActivity(
        unit=plan.unit, leader="支部书记", kind="visit_out", date=D(2012, 3, 20)
    ).save()
    rows = {row["leader"]: row for row in schedule_followup.compliance(plan, 2012, 3)}
    assert rows["营长"]["ok"] and rows["营长"]["counts"]["reception"] == 3
    assert not rows["支部书记"]["ok"]
    assert rows["支部书记"]["checks"] == {"visit_out": False, "reception": False}


def test_notices_due_to_leaders_and_petitioners(seeded):
    plan = _plan("山西省隰县民兵农建营")
    schedule.regenerate(plan)
    first = documents.ReceptionSession.objects(plan=plan).order_by("date").first()
    today = first.date - datetime.timedelta(days=3)
    card = documents.CaseCard(
        unit=plan.unit,
        petitioner="周某",
        subject="反映问题",
        registered_on=today,
        step="申请",
        reception_date=first.date,
    ).save()
    notices = schedule_followup.notices_due(plan.unit, today)
    leader = next(n for n in notices if n["whom"] == first.leader)
    assert leader["due"] == first.date - datetime.timedelta(days=2)
    petitioner = next(n for n in notices if n["whom"] == "周某")
    assert petitioner["due"] == first.date - datetime.timedelta(days=1)
    assert petitioner["kind"] == "书面通知信访人"
    card.petitioner_notified_on = today
    card.save()
    assert not any(n["whom"] == "周某" for n in schedule_followup.notices_due(plan.unit, today))


def test_ical_feeds_per_unit_and_per_leader(client, seeded):
    plan = _plan("山西省隰县民兵农建营")
    schedule.regenerate(plan)
    feed = icalendar.Calendar.from_ical(client.get(f"/admin/schedule/ical/{plan.unit.pk}.ics").data)
    events = [c for c in feed.walk() if c.name == "VEVENT"]
    assert len(events) == 90
    assert {str(e["location"]) for e in events} == {"机关会议室"}
    leader = icalendar.Calendar.from_ical(
        client.get(f"/admin/schedule/ical/{plan.unit.pk}/营长.ics").data
    )
    dates = sorted(e.decoded("dtstart") for e in leader.walk() if e.name == "VEVENT")
    assert len(dates) == 30 and dates[0].year == 2012
    assert client.get("/admin/schedule/ical/zzz.ics").status_code == 404


def test_the_month_page_and_the_printed_schedule(client, seeded):
    from .pdfgeometry import lines, open_pdf

    plan = _plan("山西省隰县民兵农建营")
    response = client.post(f"/admin/schedule/generate/?plan={plan.pk}&month=2012-03")
    assert response.status_code == 302
    page = client.get(f"/admin/schedule/?plan={plan.pk}&month=2012-03").get_data(as_text=True)
    assert page.count("机关会议室") == 9 and "本月任务完成情况" in page and "待发通知" in page
    pdf = open_pdf(client.get(f"/admin/plan/schedule/?id={plan.pk}").data)
    text = "".join(line.text for p in pdf.pages for line in lines(p))
    first = documents.ReceptionSession.objects(plan=plan).order_by("date").first()
    assert f"{first.date:%Y年%-m月%-d日}" in text and first.leader in text
    circular = open_pdf(client.get(f"/admin/plan/pdf/?id={plan.pk}").data)
    printed = "".join(line.text for p in circular.pages for line in lines(p))
    assert f"{first.date:%Y年%-m月%-d日}" in printed  # the plan's 附件 is the dated schedule


def test_a_leader_booked_by_another_plan_of_the_unit_is_named_and_the_rest_generated(client):
    unit = documents.Unit(name="两方案局").save()
    period = {"period_start": D(2024, 3, 1), "period_end": D(2024, 3, 31)}
    first = documents.Plan(
        unit=unit,
        title="信访工作方案",
        **period,
        receptions=[Rule(kind="weekly", weekday=0, leaders=["局长"])],
    ).save()
    second = documents.Plan(
        unit=unit,
        title="大接访活动方案",
        **period,
        receptions=[Rule(kind="weekly", weekday=0, leaders=["局长", "副局长"])],
    ).save()
    schedule.regenerate(first)  # 局长: every Monday of March 2024 (4, 11, 18, 25)
    response = client.post(f"/admin/schedule/generate/?plan={second.pk}&month=2024-03")
    assert response.status_code == 302
    shown = flashed_errors(client.get(response.headers["Location"]))
    assert "已有本单位其他方案的接访安排" in shown
    assert "2024年3月4日局长（已有《信访工作方案》的接访安排）" in shown
    assert "2024年3月18日局长" in shown and "副局长" not in shown
    stored = documents.ReceptionSession.objects(plan=second)
    assert sorted((s.date, s.leader) for s in stored) == [
        (D(2024, 3, 11), "副局长"),
        (D(2024, 3, 25), "副局长"),
    ]
    result = schedule.regenerate(second)  # again: the same days stay out, nothing else changes
    assert [(c.date, c.leader) for c in result["clashes"]] == [
        (D(2024, 3, 4), "局长"),
        (D(2024, 3, 18), "局长"),
    ]
    assert documents.ReceptionSession.objects(unit=unit).count() == 6


def test_no_session_before_the_day_the_plan_was_written(app):
    """A circular dated 3月9日 announces no reception on 3月2日: its rules run from the day it
    was written, even when the period or the rule says 从3月开始."""
    unit = documents.Unit(name="某局").save()
    plan = documents.Plan(
        unit=unit,
        title="某局大接访方案",
        period_start=D(2012, 3, 1),
        period_end=D(2012, 3, 31),
        date_written=D(2012, 3, 9),
        receptions=[Rule(kind="weekly", weekday=4, leaders=["局长"], start_date=D(2012, 3, 1))],
    ).save()
    days = [s.date for s in schedule.generate(plan)]
    assert days == [D(2012, 3, 9), D(2012, 3, 16), D(2012, 3, 23), D(2012, 3, 30)]
    plan.date_written = D(2012, 2, 20)  # written before the period: the period's first day
    assert [s.date for s in schedule.generate(plan)][0] == D(2012, 3, 2)


def test_saving_a_plan_names_the_leaders_who_are_none_of_the_unit_s_people(client, seeded):
    plan = _plan("贺州市司法局")
    chief = documents.Person(unit=plan.unit, name="覃某某", title="局长", is_leader=True).save()
    response = client.post(
        f"/admin/plan/edit/?id={plan.pk}",
        data={
            "unit": str(plan.unit.pk),
            "title": plan.title,
            "kind": plan.kind,
            "receptions-0-kind": "weekly",
            "receptions-0-weekday": "0",
            "receptions-0-leaders": "覃某某\n外单位的人",
            "receptions-0-holiday_rule": "next_working_day",
            "receptions-0-quota_period": "month",
            "receptions-0-week_reading": "nth_weekday",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "接访领导“外单位的人”不在本单位的人员名单中" in page
    assert "覃某某”不在" not in page
    saved = documents.Plan.objects.get(pk=plan.pk).receptions[0]
    assert [p.pk for p in saved.people] == [chief.pk]
