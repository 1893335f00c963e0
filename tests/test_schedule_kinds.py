"""The rule kinds other units' plans need (issue 15), on the real holiday calendar: several
weekdays, several days of the month, the nth weeks' weekday with 顺延至次周同一天, every working
day, lunar days of the month and an explicit list of dates."""

import datetime

import mongoengine
import pytest

import documents
from documents import schedule
from documents.plan import ReceptionArrangement as Rule

D = datetime.date


def _dates(app, start, end, **rule):
    unit = documents.Unit(name=f"单位{len(documents.Unit.objects)}").save()
    plan = documents.Plan(
        unit=unit, title="方案", period_start=start, period_end=end, receptions=[Rule(**rule)]
    ).save()
    return schedule.generate(plan)


def test_several_weekdays_move_a_holiday_to_the_next_working_day(app):
    # 每星期二、四, September 2024: 中秋 15–17 September (Tuesday the 17th moves to the 18th)
    slots = _dates(
        app, D(2024, 9, 1), D(2024, 9, 30), kind="weekly", weekdays=[1, 3], leaders=["甲"]
    )
    assert [s.date.day for s in slots] == [3, 5, 10, 12, 18, 19, 24, 26]
    assert [s.moved_from for s in slots if s.moved_from] == [D(2024, 9, 17)]


def test_several_days_of_the_month_dropped_on_a_holiday(app):
    # 每月8号、25号, 遇节假日取消: Sunday 25 February 2024 is dropped
    slots = _dates(
        app,
        D(2024, 1, 1),
        D(2024, 3, 31),
        kind="monthly_day",
        days_of_month=[8, 25],
        holiday_rule="skip",
        leaders=["甲"],
    )
    assert [(s.date.month, s.date.day) for s in slots] == [(1, 8), (1, 25), (2, 8), (3, 8), (3, 25)]


def test_market_days_skip_a_day_the_month_lacks(app):
    # 逢三、九 (3, 9, 13, 19, 23, 29): February 2023 has no 29th; holidays kept
    slots = _dates(
        app,
        D(2023, 2, 1),
        D(2023, 3, 10),
        kind="monthly_day",
        days_of_month=[3, 9, 13, 19, 23, 29],
        holiday_rule="keep",
        leaders=["甲"],
    )
    assert [(s.date.month, s.date.day) for s in slots] == [
        (2, 3),
        (2, 9),
        (2, 13),
        (2, 19),
        (2, 23),
        (3, 3),
        (3, 9),
    ]


def test_first_and_fourth_wednesday_move_to_the_next_wednesday(app):
    # 每月第一、四周星期三（遇节假日则顺延至次周星期三）: 2 October 2024 is in the National Day week
    slots = _dates(
        app,
        D(2024, 10, 1),
        D(2024, 11, 30),
        kind="monthly_nth_weekday",
        nths=[1, 4],
        weekdays=[2],
        holiday_rule="next_same_weekday",
        leaders=["检察长"],
    )
    assert [s.date for s in slots] == [
        D(2024, 10, 9),
        D(2024, 10, 23),
        D(2024, 11, 6),
        D(2024, 11, 27),
    ]
    assert slots[0].moved_from == D(2024, 10, 2)


def test_every_working_day_includes_a_weekend_made_a_working_day(app):
    # 14 September 2024 (Saturday) was worked for the 中秋 holiday
    slots = _dates(app, D(2024, 9, 13), D(2024, 9, 20), kind="working_days", leaders=["甲", "乙"])
    assert [s.date.day for s in slots] == [13, 14, 18, 19, 20]
    assert [s.leader for s in slots] == ["甲", "乙", "甲", "乙", "甲"]


def test_lunar_first_and_fifteenth(app):
    # 农历初一、十五 in February 2024: 春节 10 February, 元宵 24 February (kept, as the rule says)
    slots = _dates(
        app,
        D(2024, 2, 1),
        D(2024, 2, 29),
        kind="lunar_days",
        lunar_days=[1, 15],
        holiday_rule="keep",
        leaders=["院长"],
    )
    assert [s.date for s in slots] == [D(2024, 2, 10), D(2024, 2, 24)]


def test_explicit_dates_within_the_period(app):
    dates = [D(2021, 2, 2), D(2021, 2, 4), D(2021, 3, 9)]
    slots = _dates(app, D(2021, 2, 1), D(2021, 2, 28), kind="dates", dates=dates, leaders=["甲"])
    assert [s.date for s in slots] == dates[:2]


@pytest.mark.parametrize(
    "rule, message",
    [
        (Rule(kind="lunar_days", leaders=["院长"]), "没有写农历每月几日"),
        (Rule(kind="dates", leaders=["院长"]), "没有写接访日期"),
        (Rule(kind="monthly_nth_weekday", nths=[1, 5], weekdays=[2], leaders=["甲"]), "第5个"),
        (Rule(kind="monthly_day", days_of_month=[30], leaders=["甲"]), "并非每个月都有30日"),
    ],
)
def test_bad_rules_of_the_new_kinds_get_clear_messages(rule, message):
    assert any(message in p for p in schedule.rule_problems(rule))
    with pytest.raises(mongoengine.ValidationError):
        rule.validate()


def test_the_new_kinds_round_trip_through_the_plan_form(client):
    from .conftest import flashed_errors
    from .test_views import PLAN_FORM, _unit

    unit = _unit("表单司法局")
    form = {
        **PLAN_FORM,
        "unit": str(unit.pk),
        "receptions-0-nth": "",
        "receptions-0-weekday": "",
        "receptions-0-nths": "1、4",
        "receptions-0-weekdays": "2",
        "receptions-0-hours": "08:30-11:30",
        "receptions-0-holiday_rule": "next_same_weekday",
    }
    response = client.post("/admin/plan/new/", data=form)
    assert response.status_code == 302, flashed_errors(response)
    (rule,) = documents.Plan.objects.get(unit=unit).receptions
    assert (rule.nths, rule.weekdays, rule.nth, rule.weekday) == ([1, 4], [2], None, None)
    assert (rule.hours, rule.holiday_rule) == ("08:30-11:30", "next_same_weekday")
    edit = client.get(f"/admin/plan/edit/?id={documents.Plan.objects.get(unit=unit).pk}")
    assert "1、4" in edit.get_data(as_text=True)

    bad = {**form, "receptions-0-nths": "1、x"}
    response = client.post("/admin/plan/new/", data=bad)
    assert "“x”不是数字" in flashed_errors(response)

    dated = {**form, "receptions-0-kind": "dates", "receptions-0-dates": "2024-10-19\n2024-11-02"}
    response = client.post("/admin/plan/new/", data=dated)
    assert response.status_code == 302, flashed_errors(response)
    plan = documents.Plan.objects(unit=unit).order_by("-id").first()
    assert plan.receptions[0].dates == [D(2024, 10, 19), D(2024, 11, 2)]


def test_the_first_week_read_both_ways(app):
    # 每月第一、二周的星期二, January to June 2025. The nth Tuesday: every month has one. The
    # Tuesday of the week holding the 1st: in January, February, March, May and June 2025 the
    # 1st falls after Tuesday, so that week's Tuesday is in the month before, and only April
    # (1 April is a Tuesday) has a first-week Tuesday
    common = dict(kind="monthly_nth_weekday", weekdays=[1], holiday_rule="keep", leaders=["甲"])
    nth = _dates(app, D(2025, 1, 1), D(2025, 6, 30), nths=[1], **common)
    assert [s.date for s in nth] == [
        D(2025, 1, 7),
        D(2025, 2, 4),
        D(2025, 3, 4),
        D(2025, 4, 1),
        D(2025, 5, 6),
        D(2025, 6, 3),
    ]
    weeks = _dates(
        app, D(2025, 1, 1), D(2025, 6, 30), nths=[1, 2], week_reading="calendar_week", **common
    )
    assert [s.date for s in weeks] == [
        D(2025, 1, 7),
        D(2025, 2, 4),
        D(2025, 3, 4),
        D(2025, 4, 1),
        D(2025, 4, 8),
        D(2025, 5, 6),
        D(2025, 6, 3),
    ]
    assert all(s.date.weekday() == 1 for s in weeks)


def test_a_yearly_quota_per_leader_spread_over_the_working_days(app):
    from documents import calendar

    slots = _dates(
        app,
        D(2025, 1, 1),
        D(2025, 12, 31),
        kind="days_per_leader",
        quota_period="year",
        days_per_year=2,
        leaders=["甲", "乙"],
    )
    assert sorted(s.leader for s in slots) == ["乙", "乙", "甲", "甲"]
    assert all(calendar.is_working_day(s.date) for s in slots)
    assert len({s.date for s in slots}) == 4
    # spread over the year, not bunched at its start: one in each quarter
    assert sorted((s.date.month - 1) // 3 for s in slots) == [0, 1, 2, 3]
    rule = Rule(kind="days_per_leader", quota_period="year", leaders=["甲"])
    assert "没有写每人每年几天" in "；".join(documents.plan.rule_problems(rule))
    too_many = Rule(
        kind="days_per_leader", quota_period="year", days_per_year=200, leaders=["甲", "乙"]
    )
    assert "每年共需400天" in "；".join(documents.plan.rule_problems(too_many))


@pytest.mark.parametrize(
    "fields, line",
    [
        (
            dict(kind="weekly", weekdays=[1, 3]),
            "每周二、四为甲接访日，遇节假日顺延至下一个工作日。",
        ),
        (
            dict(kind="monthly_nth_weekday", nths=[1, 4], weekdays=[2]),
            "每月第一个、第四个星期三为甲接访日，遇节假日顺延至下一个工作日。",
        ),
        (
            dict(
                kind="monthly_nth_weekday",
                nths=[1],
                weekdays=[1],
                week_reading="calendar_week",
                holiday_rule="next_same_weekday",
            ),
            "每月第一周的星期二为甲接访日，遇节假日顺延至下周同一天。",
        ),
        (
            dict(kind="monthly_day", days_of_month=[8, 25], holiday_rule="skip"),
            "每月8日、25日为甲接访日，遇节假日不安排接访。",
        ),
        (
            dict(kind="lunar_days", lunar_days=[1, 15, 23], holiday_rule="keep"),
            "每月农历初一、十五、廿三为甲接访日。",
        ),
        (
            dict(kind="dates", dates=[D(2011, 4, 11), D(2011, 4, 7)], holiday_rule="keep"),
            "2011年4月7日、4月11日为甲接访日。",
        ),
        (dict(kind="working_days"), "每个工作日为甲接访日。"),
        (
            dict(kind="days_per_leader", quota_period="year", days_per_year=1, holiday_rule="keep"),
            "甲每年接访不少于1天。",
        ),
        # a quota is spread over working days: no holiday wording, whatever the rule holds
        (
            dict(kind="days_per_leader", days_per_month=2, holiday_rule="next_same_weekday"),
            "甲每月接访2天。",
        ),
        # a table of days: each day its own leader and place, the rule's place where it has none
        (
            dict(
                kind="dates",
                holiday_rule="keep",
                place="乡政府二楼会议室",
                table_days=[
                    documents.plan.ReceptionDay(date=D(2011, 4, 11), leader="乙", place="乡司法所"),
                    documents.plan.ReceptionDay(date=D(2011, 4, 7)),
                ],
            ),
            "2011年4月7日为甲接访日（接访地点：乡政府二楼会议室）；4月11日为乙接访日"
            "（接访地点：乡司法所）。",
        ),
    ],
)
def test_every_rule_kind_prints_as_the_plan_says_it(fields, line):
    from documents.plan_parts import reception_line

    assert reception_line(Rule(leaders=["甲"], **fields)) == line


def test_a_table_of_days_gives_each_day_its_own_leader_and_place(app):
    from documents.importer import import_text

    text = (
        "校领导接待日安排\n"
        "接访时间 | 预约截止时间 | 接访校领导 | 接访地点 |\n"
        "3月28日 周一14:30-16:30 | 3月25日 周五16:00 | 周明洁 | 美术楼314会议室 |\n"
        "4月18日 周一14:30-16:30 | 4月15日 周五16:00 | 樊嘉禄 | 戏剧楼320会议室 |\n"
        "5月17日 周二14:30-16:30 | 5月13日 周五16:00 | 徐 雄 市委书记 |  |\n"
        "办公室\n2022年3月23日"
    )
    (rule,) = import_text(text).plan(None).receptions
    assert [(d.date, d.leader, d.place) for d in rule.table_days] == [
        (D(2022, 3, 28), "周明洁", "美术楼314会议室"),
        (D(2022, 4, 18), "樊嘉禄", "戏剧楼320会议室"),
        (D(2022, 5, 17), "徐雄", None),
    ]
    unit = documents.Unit(name="某学院").save()
    plan = documents.Plan(
        unit=unit,
        title="安排",
        period_start=D(2022, 3, 1),
        period_end=D(2022, 6, 30),
        receptions=[rule],
    ).save()
    slots = schedule.generate(plan)
    assert [(s.date, s.leader, s.place) for s in slots] == [
        (D(2022, 3, 28), "周明洁", "美术楼314会议室"),
        (D(2022, 4, 18), "樊嘉禄", "戏剧楼320会议室"),
        (D(2022, 5, 17), "徐雄", ""),
    ]
    # a table row with no leader, in a rule naming none: the clerk is asked for one
    rule.table_days[2].leader = None
    rule.leaders = []
    assert "没有写接访领导" in "；".join(documents.plan.rule_problems(rule))


def test_a_rule_s_leaders_are_the_unit_s_people_and_follow_a_rename(app):
    from documents import plan_people

    unit = documents.Unit(name="链接乡").save()
    other = documents.Unit(name="别的乡").save()
    wang = documents.Person(unit=unit, name="王某", title="乡长", is_leader=True).save()
    li = documents.Person(unit=unit, name="李某", title="党委书记", is_leader=True).save()
    documents.Person(unit=other, name="赵某", title="乡长").save()  # another unit's: never
    rule = Rule(kind="weekly", weekdays=[0], leaders=["王某", "党委书记", "赵某"])
    table = Rule(
        kind="dates",
        table_days=[documents.plan.ReceptionDay(date=D(2025, 3, 3), leader="乡长")],
    )
    plan = documents.Plan(
        unit=unit,
        title="方案",
        period_start=D(2025, 3, 1),
        period_end=D(2025, 3, 31),
        receptions=[rule, table],
    ).save()
    plan.reload()
    assert [p.pk for p in plan.receptions[0].people] == [wang.pk, li.pk]  # by name, by title
    assert plan.receptions[1].table_days[0].person.pk == wang.pk
    assert plan_people.unlinked(plan) == ["赵某"]  # not one of this unit's people
    # renamed and retitled: the rules say the new name and title, nothing else changes
    wang.name, li.title = "王新", "党委副书记"
    wang.save()
    li.save()
    plan.reload()
    assert plan.receptions[0].leaders == ["王新", "党委副书记", "赵某"]
    assert (
        plan.receptions[1].table_days[0].leader == "乡长"
    )  # named by title: the title is unchanged
    wang.title = "镇长"
    wang.save()
    plan.reload()
    assert plan.receptions[1].table_days[0].leader == "镇长"
    # 3 March 2025, a Monday: the weekly rule's first turn, and the table's day
    on_the_day = [s.leader for s in schedule.generate(plan) if s.date == D(2025, 3, 3)]
    assert on_the_day == ["王新", "镇长"]


def test_a_day_in_the_single_field_and_others_in_the_several_all_count():
    from documents.plan import rule_days_of_month, rule_nths, rule_weekdays

    rule = Rule(
        kind="weekly",
        weekday=1,
        weekdays=[0, 3],
        nth=2,
        nths=[1],
        day_of_month=9,
        days_of_month=[25],
    )
    assert rule_weekdays(rule) == [0, 1, 3] and rule_nths(rule) == [1, 2]
    assert rule_days_of_month(rule) == [9, 25]


def test_numbers_are_read_as_a_clerk_writes_them(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from admin.forms import NumbersField

    class Numbers(Form):
        nths = NumbersField(min_value=1, max_value=5)

    with app.test_request_context():
        form = Numbers(MultiDict({"nths": "第一、第四"}))
        assert form.validate() and form.nths.data == [1, 4]
        form = Numbers(MultiDict({"nths": "8日，25号 十五"}))
        assert form.nths.data == [8, 25, 15] and not form.validate()  # over 5: refused
        form = Numbers(MultiDict({"nths": "初一"}))
        assert not form.validate() and "“初一”不是数字" in form.nths.errors[0]


def test_the_schedule_says_the_hours_once_only_when_every_day_has_them(app):
    from documents import printable

    unit = documents.Unit(name="时间乡").save()
    plan = documents.Plan(
        unit=unit,
        title="方案",
        period_start=D(2025, 3, 1),
        period_end=D(2025, 3, 31),
        receptions=[
            Rule(kind="monthly_day", days_of_month=[10], leaders=["甲"], hours="上午9:00—12:00"),
            Rule(kind="monthly_day", days_of_month=[20], leaders=["乙"], holiday_rule="keep"),
        ],
        attachments=[documents.plan.Attachment(title="接访日程安排表", kind="schedule")],
    ).save()
    schedule.regenerate(plan)
    table = printable.attachment(plan, plan.attachments[0])
    assert "接访时间：" not in table["text"]  # 乙's day has no hours: not said for every day
    assert table["headers"][2] == "接访时间"
    assert [row[2] for row in table["rows"]] == ["上午9:00—12:00", ""]
    plan.receptions[1].hours = "上午9:00—12:00"
    plan.save()
    table = printable.attachment(plan, plan.attachments[0])
    assert (
        table["text"].startswith("接访时间：上午9:00—12:00。")
        and "接访时间" not in table["headers"]
    )


def test_a_huge_number_in_the_form_is_refused_in_chinese(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from admin.forms import NumbersField

    class Numbers(Form):
        days = NumbersField(min_value=1, max_value=31)

    with app.test_request_context():
        for huge in ("1" * 5000, "一" * 5000, "十" * 5000):
            form = Numbers(MultiDict({"days": huge}))
            assert not form.validate() and "不是数字" in form.days.errors[0]
            assert len(form.days.errors[0]) < 40  # the value quoted short
