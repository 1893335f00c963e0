"""Reports, targets and the dashboard: every figure from a fixed set of cards and sessions,
compared with figures worked out by hand, on mongomock (the MongoDB aggregation) and on the
embedded store (the list index); reports frozen on submission; the summary; XLSX and PDF."""

import datetime
import io

import openpyxl
import pytest
from pypdf import PdfReader

import documents
import exports
from documents import deadlines, figures, printable, report_targets, reports
from documents.plan import ReceptionArrangement, ReportingDuty, Target
from documents.schedule import LeaderActivity, ReceptionSession

from .conftest import flashed_errors, make_account

D = datetime.date
MAY, APRIL = (D(2024, 5, 1), D(2024, 5, 31)), (D(2024, 4, 1), D(2024, 4, 30))


@pytest.fixture(params=["app", "embedded_app", "mongodb_app"])
def store(request):
    """mongomock (the MongoDB pipelines), the embedded store (the list index), and a real
    MongoDB server when MONGODB_TEST_URI names one."""
    return request.getfixturevalue(request.param)


SUBJECTS = [
    "反映拖欠工资",
    "反映砖厂污染",
    "要求解决宅基地纠纷",
    "反映征地补偿偏低",
    "反映拆迁安置未落实",
    "不服一审判决",
    "反映养殖场异味扰民",
    "要求落实低保",
    "反映村务不公开",
    "反映道路积水",
    "反映学校收费",
    "要求退还押金",
    "反映山林权属争议",
    "反映自来水停供",
    "反映噪声扰民",
    "要求补办户口",
]  # distinct: none is a 重复访
made = {"cards": 0}


def _card(unit, registered, **fields):
    values = {
        "unit": unit,
        "petitioner": f"信访人{registered:%m%d}",
        "registered_on": registered,
        "subject": SUBJECTS[made["cards"]],
    }
    made["cards"] += 1
    values.update(fields)
    return documents.CaseCard(**values).save()


@pytest.fixture
def town(store, monkeypatch):
    """A township with a plan (targets, duties, a reception rule) and the cards and sessions
    whose figures the tests work out by hand (see each test)."""
    monkeypatch.setattr(deadlines, "today", lambda: D(2024, 5, 31))
    made["cards"] = 0
    unit = documents.Unit(name="某镇").save()
    other = documents.Unit(name="别的镇").save()
    plan = documents.Plan(
        unit=unit,
        title="某镇大接访实施方案",
        period_start=D(2024, 4, 1),
        period_end=D(2024, 12, 31),
        targets=[
            Target(name="化解率", metric="resolution_rate", comparator=">=", value="95%"),
            Target(name="信访总量下降", metric="total_cases", comparator="下降"),
            Target(name="非正常上访减少", metric="abnormal_cases", comparator="减少"),
            Target(
                name="越级进京访",
                group="三个零指标",
                metric="level_skipping_beijing_cases",
                comparator="=",
                value="0",
            ),
            Target(
                name="赴省集体访",
                group="三个零指标",
                metric="provincial_group_cases",
                comparator="=",
                value="0",
            ),
            Target(
                name="非正常进京访",
                group="三个零指标",
                metric="abnormal_beijing_cases",
                comparator="=",
                value="0",
            ),
            Target(name="不发生恶性事件", comparator="不发生"),
            Target(
                name="每月下访", metric="visits_out_per_leader_month", comparator=">=", value="2"
            ),
        ],
        reporting_duties=[
            ReportingDuty(
                name="零报告",
                cadence="daily",
                deadline_time="15:30",
                zero_report=True,
                recipients=["县信访局"],
                start_date=D(2024, 5, 1),
                end_date=D(2024, 5, 31),
            ),
            ReportingDuty(
                name="周报",
                cadence="weekly",
                deadline_weekday=4,
                recipients=["县信访局"],
                start_date=D(2024, 4, 1),
            ),
            ReportingDuty(
                name="月报",
                cadence="monthly",
                deadline_day=4,
                recipients=["县委办公室", "县信访局"],
            ),
        ],
        receptions=[ReceptionArrangement(kind="weekly", weekday=4, leaders=["书记", "镇长"])],
    ).save()
    # April (the previous period)
    _card(
        unit,
        D(2024, 4, 3),
        source="来访",
        case_type="初访",
        category="劳动社保",
        outcome="化解",
        status="已办结",
        closed_on=D(2024, 4, 20),
        decided_on=D(2024, 4, 3),
        replied_on=D(2024, 4, 20),
    )
    _card(
        unit,
        D(2024, 4, 10),
        source="来信",
        case_type="集体访",
        marks=["越级访"],
        status="办理中",
        decided_on=D(2024, 4, 12),
    )  # handle due 6月11日
    _card(unit, D(2024, 4, 20), source="来访", case_type="赴京访", marks=["非正常访", "越级访"])
    # accept due 5月5日: overdue at the end of May, not at the end of April
    # May (the period)
    _card(
        unit,
        D(2024, 5, 2),
        source="来访",
        case_type="初访",
        category="征地拆迁",
        outcome="化解",
        status="已办结",
        closed_on=D(2024, 5, 10),
        decided_on=D(2024, 5, 2),
        replied_on=D(2024, 5, 10),
    )
    _card(
        unit,
        D(2024, 5, 6),
        source="来访",
        case_type="重复访",
        category="征地拆迁",
        outcome="息访罢访",
        status="已答复",
        decided_on=D(2024, 5, 6),
        replied_on=D(2024, 5, 20),
    )
    _card(
        unit,
        D(2024, 5, 8),
        source="网上",
        case_type="初访",
        category="涉法涉诉",
        outcome="不予受理",
        channel="诉讼",
        status="已办结",
        closed_on=D(2024, 5, 8),
        decided_on=D(2024, 5, 8),
    )
    _card(
        unit,
        D(2024, 5, 12),
        source="来访",
        case_type="集体访",
        marks=["赴省访"],
        group_size=30,
        outcome="稳控",
        status="办理中",
        decided_on=D(2024, 5, 12),
    )
    _card(unit, D(2024, 5, 20), source="上级交办", case_type="越级访", marks=["赴京访"])
    # 上级交办, not decided: objection due 5 working days later, 5月27日: overdue at 5月31日
    _card(unit, D(2024, 5, 19), source="来访", case_type="初访")  # accept due 6月3日: due soon
    _card(unit, D(2024, 5, 21), source="来访", case_type="集体访").archive()  # left out
    _card(other, D(2024, 5, 21), source="来访", case_type="集体访")  # another unit: left out
    # older: handle due 3月10日, never answered: overdue, and 积案 at the end of both months
    _card(unit, D(2024, 1, 10), source="来访", decided_on=D(2024, 1, 10), status="办理中")
    for day, status, people in (
        (D(2024, 5, 10), "held", 4),
        (D(2024, 5, 17), "held", 3),
        (D(2024, 5, 24), "planned", None),
        (D(2024, 5, 31), "cancelled", None),
        (D(2024, 4, 26), "held", 5),
    ):
        ReceptionSession(
            plan=plan, unit=unit, date=day, leader="书记", status=status, petitioners=people
        ).save()
    for leader, day in (("书记", D(2024, 5, 7)), ("书记", D(2024, 5, 21)), ("镇长", D(2024, 5, 9))):
        LeaderActivity(unit=unit, leader=leader, kind="visit_out", date=day).save()
    return unit, plan


MAY_FIGURES = {
    "total_cases": 6,
    "first_cases": 3,
    "repeat_cases": 1,
    "level_skipping_cases": 1,
    "group_cases": 1,
    "beijing_cases": 1,
    "provincial_cases": 1,
    "abnormal_cases": 0,
    "mass_incidents": 0,
    "abnormal_beijing_cases": 0,
    "level_skipping_beijing_cases": 1,
    "provincial_group_cases": 1,
    "resolved_cases": 2,
    "stabilized_cases": 1,
    "refused_cases": 1,
    "closed_cases": 2,
    "accepted_cases": 5,
    "resolution_rate": 40.0,
    "overdue_cases": 3,
    "due_soon_cases": 1,
    "backlog_cases": 1,
    "receptions_planned": 3,
    "receptions_held": 2,
    "petitioners_received": 7,
}
APRIL_FIGURES = {
    "total_cases": 3,
    "first_cases": 1,
    "repeat_cases": 0,
    "level_skipping_cases": 2,
    "group_cases": 1,
    "beijing_cases": 1,
    "provincial_cases": 0,
    "abnormal_cases": 1,
    "mass_incidents": 0,
    "abnormal_beijing_cases": 1,
    "level_skipping_beijing_cases": 1,
    "provincial_group_cases": 0,
    "resolved_cases": 1,
    "stabilized_cases": 0,
    "refused_cases": 0,
    "closed_cases": 1,
    "accepted_cases": 3,
    "resolution_rate": 33.3,
    "overdue_cases": 1,
    "due_soon_cases": 0,
    "backlog_cases": 1,
    "receptions_planned": 1,
    "receptions_held": 1,
    "petitioners_received": 5,
}


# --- the figures --------------------------------------------------------------------------------


def test_every_figure_of_a_month_matches_the_hand_count(town):
    unit, _ = town
    may = figures.period_figures([unit], *MAY)
    assert may.values == MAY_FIGURES
    assert dict(may.breakdowns["source"]) == {"来访": 4, "网上": 1, "上级交办": 1}
    assert dict(may.breakdowns["case_type"]) == {"初访": 3, "重复访": 1, "集体访": 1, "越级访": 1}
    assert dict(may.breakdowns["category"]) == {"征地拆迁": 2, "涉法涉诉": 1, "未填": 3}
    assert dict(may.breakdowns["outcome"]) == {
        "化解": 1,
        "息访罢访": 1,
        "不予受理": 1,
        "稳控": 1,
        "未填": 2,
    }
    april = figures.period_figures([unit], *APRIL)
    assert april.values == APRIL_FIGURES


def test_counts_at_a_date_only_see_cards_registered_by_then(town):
    unit, _ = town
    early = figures.period_figures([unit], D(2024, 5, 1), D(2024, 5, 4))
    # at 5月4日: the January card (handle due 3月10日) is overdue; the April card due 5月5日 is
    # due soon; May's later cards do not exist yet
    assert (early["overdue_cases"], early["due_soon_cases"]) == (1, 1)
    total, cards = figures.open_cards([unit], D(2024, 5, 31), "overdue")
    assert total == 3
    assert [c.registered_on for c in cards] == [D(2024, 1, 10), D(2024, 4, 20), D(2024, 5, 20)]


def test_monthly_series_and_previous_periods(town):
    unit, _ = town
    assert figures.monthly_series([unit], D(2024, 3, 1), D(2024, 5, 31)) == [
        ("2024-03", 0, 0),
        ("2024-04", 3, 1),
        ("2024-05", 6, 2),
    ]
    # every month the period touches, over the new year, though it starts and ends mid-month
    assert [
        key for key, _, _ in figures.monthly_series([unit], D(2023, 11, 30), D(2024, 2, 1))
    ] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert figures.previous_period(*MAY) == APRIL
    assert figures.previous_period(D(2024, 1, 1), D(2024, 3, 31)) == (
        D(2023, 10, 1),
        D(2023, 12, 31),
    )
    assert figures.previous_period(D(2024, 5, 6), D(2024, 5, 12)) == (D(2024, 4, 29), D(2024, 5, 5))
    assert figures.card_counts([unit]) == {str(unit.pk): 10}


def test_targets_against_the_figures(town):
    unit, plan = town
    rows = {r["name"]: r for r in report_targets.target_results(plan, *MAY)}
    assert (rows["化解率"]["actual"], rows["化解率"]["met"]) == ("40%", False)
    assert (rows["信访总量下降"]["actual"], rows["信访总量下降"]["previous"]) == ("6", "3")
    assert rows["信访总量下降"]["met"] is False
    assert rows["非正常上访减少"]["met"] is True  # 0 against 1
    assert rows["越级进京访"]["met"] is False and rows["赴省集体访"]["met"] is False
    assert rows["非正常进京访"]["met"] is True
    assert rows["不发生恶性事件"]["met"] is None and "人工" in rows["不发生恶性事件"]["note"]
    # 每月下访 ≥ 2: 书记 2 (met), 镇长 1 (not met)
    assert rows["每月下访"]["actual"] == "1/2人达标" and rows["每月下访"]["met"] is False
    quotas = report_targets.leader_quotas(plan, *MAY)
    by_leader = {q["leader"]: q for q in quotas["rows"]}
    assert by_leader["书记"]["counts"]["visit_out"] == 2 and by_leader["书记"]["ok"]
    assert by_leader["镇长"]["counts"]["visit_out"] == 1 and not by_leader["镇长"]["ok"]
    # over two months the quota doubles: 书记 2 of 4
    two = {
        q["leader"]: q
        for q in report_targets.leader_quotas(plan, D(2024, 4, 1), D(2024, 5, 31))["rows"]
    }
    assert two["书记"]["required"]["visit_out"] == 4 and not two["书记"]["ok"]
    # December to February, over the new year: three months, three times the quota
    three = {
        q["leader"]: q
        for q in report_targets.leader_quotas(plan, D(2023, 12, 15), D(2024, 2, 10))["rows"]
    }
    assert three["书记"]["required"]["visit_out"] == 6


# --- the periods and the reports ----------------------------------------------------------------


def test_periods_of_daily_weekly_and_monthly_duties(town):
    _, plan = town
    daily, weekly, monthly = plan.reporting_duties
    days = reports.periods(daily, plan, D(2024, 4, 28), D(2024, 5, 3))
    assert [p.start for p in days] == [D(2024, 5, d) for d in (1, 2, 3)]  # the duty starts 5月1日
    assert days[0].due == datetime.datetime(2024, 5, 1, 15, 30)
    weeks = reports.periods(weekly, plan, D(2024, 5, 1), D(2024, 5, 31))
    assert [(p.start, p.end) for p in weeks][:2] == [
        (D(2024, 4, 27), D(2024, 5, 3)),
        (D(2024, 5, 4), D(2024, 5, 10)),
    ]
    assert len(weeks) == 5 and weeks[-1].due == datetime.datetime(2024, 5, 31, 23, 59)
    months = reports.periods(monthly, plan, D(2024, 5, 1), D(2024, 6, 30))
    assert [(p.start, p.end, p.due.date()) for p in months] == [
        (D(2024, 4, 1), D(2024, 4, 30), D(2024, 5, 4)),
        (D(2024, 5, 1), D(2024, 5, 31), D(2024, 6, 4)),
    ]
    assert months[1].label == "2024年5月" and weeks[0].label == "2024年4月27日至5月3日"


def test_periods_over_the_new_year_and_short_months():
    # no period, written long ago: only the dates asked for bound the duties
    plan = documents.Plan(title="方案", date_written=D(2000, 1, 1))
    on_31st = ReportingDuty(name="月报", cadence="monthly", deadline_day=31)
    # nothing says when the duties start (an old notice imported without dates): none is due
    assert (
        reports.periods(on_31st, documents.Plan(title="旧通知"), D(2023, 12, 1), D(2024, 3, 31))
        == []
    )
    months = reports.periods(on_31st, plan, D(2023, 12, 1), D(2024, 3, 31))
    # due on the 31st of the next month, or its last day when it is shorter (leap February)
    assert [(p.start, p.end, p.due.date()) for p in months] == [
        (D(2023, 11, 1), D(2023, 11, 30), D(2023, 12, 31)),
        (D(2023, 12, 1), D(2023, 12, 31), D(2024, 1, 31)),
        (D(2024, 1, 1), D(2024, 1, 31), D(2024, 2, 29)),
        (D(2024, 2, 1), D(2024, 2, 29), D(2024, 3, 31)),
    ]
    assert reports.periods(on_31st, plan, D(2023, 2, 28), D(2023, 2, 28))[0].start == D(2023, 1, 1)
    month_end = ReportingDuty(name="月报", cadence="monthly")  # due on the month's last day
    months = reports.periods(month_end, plan, D(2024, 1, 31), D(2024, 3, 31))
    assert [(p.start, p.end, p.due.date()) for p in months] == [
        (D(2024, 1, 1), D(2024, 1, 31), D(2024, 1, 31)),
        (D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 29)),
        (D(2024, 3, 1), D(2024, 3, 31), D(2024, 3, 31)),
    ]
    assert [p.label for p in months] == ["2024年1月", "2024年2月", "2024年3月"]
    weekly = ReportingDuty(name="周报", cadence="weekly")  # Monday to Sunday, due Sunday
    weeks = reports.periods(weekly, plan, D(2023, 12, 25), D(2024, 1, 14))
    assert [(p.start, p.end) for p in weeks] == [
        (D(2023, 12, 25), D(2023, 12, 31)),
        (D(2024, 1, 1), D(2024, 1, 7)),
        (D(2024, 1, 8), D(2024, 1, 14)),
    ]
    assert weeks[0].label == "2023年12月25日至12月31日"
    wednesday = ReportingDuty(name="周报", cadence="weekly", deadline_weekday=2)
    across = reports.periods(wednesday, plan, D(2024, 1, 1), D(2024, 1, 7))
    assert [(p.start, p.end) for p in across] == [(D(2023, 12, 28), D(2024, 1, 3))]
    assert across[0].label == "2023年12月28日至2024年1月3日"


def test_previous_periods_over_the_new_year_and_a_leap_february():
    assert figures.previous_period(D(2024, 1, 1), D(2024, 1, 31)) == (
        D(2023, 12, 1),
        D(2023, 12, 31),
    )
    assert figures.previous_period(D(2024, 3, 1), D(2024, 3, 31)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert figures.previous_period(D(2024, 1, 1), D(2024, 12, 31)) == (
        D(2023, 1, 1),
        D(2023, 12, 31),
    )
    # fourteen months: the fourteen before
    assert figures.previous_period(D(2023, 12, 1), D(2025, 1, 31)) == (
        D(2022, 10, 1),
        D(2023, 11, 30),
    )
    # not whole months: the same number of days just before
    assert figures.previous_period(D(2024, 3, 1), D(2024, 3, 30)) == (
        D(2024, 1, 31),
        D(2024, 2, 29),
    )


def test_due_reports_are_due_late_or_submitted(town):
    _, plan = town
    now = datetime.datetime(2024, 5, 15, 10, 0)
    rows = reports.due_reports(plan, D(2024, 5, 14), D(2024, 5, 16), now)
    status = {(r["duty"].name, r["period"].start): r["status"] for r in rows}
    assert status[("零报告", D(2024, 5, 14))] == "overdue"
    assert status[("零报告", D(2024, 5, 15))] == "due"  # due at 15:30 today
    assert status[("零报告", D(2024, 5, 16))] == "upcoming"
    on_time = reports.draft(plan, plan.reporting_duties[0], rows[-1]["period"], now=now)
    on_time.save()
    on_time.submit(now=datetime.datetime(2024, 5, 14, 15, 0))
    late = reports.draft(
        plan,
        plan.reporting_duties[0],
        reports.periods(plan.reporting_duties[0], plan, D(2024, 5, 15), D(2024, 5, 15))[0],
        now=now,
    ).save()
    late.submit(now=datetime.datetime(2024, 5, 15, 16, 0))
    status = {
        (r["duty"].name, r["period"].start): r["status"]
        for r in reports.due_reports(plan, D(2024, 5, 14), D(2024, 5, 16), now)
    }
    assert status[("零报告", D(2024, 5, 14))] == "submitted"
    assert status[("零报告", D(2024, 5, 15))] == "late"


def test_a_day_with_nothing_still_yields_its_zero_report(town):
    _, plan = town
    daily = plan.reporting_duties[0]
    quiet = reports.draft(
        plan, daily, reports.periods(daily, plan, D(2024, 5, 3), D(2024, 5, 3))[0]
    )
    assert quiet.zero and quiet.text == reports.ZERO_TEXT and quiet.tables == []
    assert quiet.title == "某镇零报告（2024年5月3日）"
    busy = reports.draft(plan, daily, reports.periods(daily, plan, D(2024, 5, 2), D(2024, 5, 2))[0])
    assert not busy.zero and "共登记信访事项1件（来访1件）" in busy.text


def test_a_monthly_report_is_drafted_from_the_data_and_frozen_on_submission(town):
    unit, plan = town
    monthly = plan.reporting_duties[2]
    may = reports.periods(monthly, plan, D(2024, 6, 1), D(2024, 6, 30))[0]
    report = reports.draft(plan, monthly, may).save()
    assert report.figures["current"] == MAY_FIGURES
    assert report.figures["previous"]["total_cases"] == 3
    assert report.recipients == ["县委办公室", "县信访局"]
    table = {row[0]: row[1:] for row in report.tables[0]["rows"]}
    assert table["信访总量"] == ["6", "3", "+3"]
    assert table["化解率"] == ["40%", "33.3%", "+6.7个百分点"]
    assert table["非正常访"] == ["0", "1", "-1"]
    assert "共登记信访事项6件（来访4件、网上1件、上级交办1件），较上期增加3件" in report.text
    assert "化解率40%" in report.text and "超期未办3件，积案1件" in report.text
    assert [len(t["rows"]) for t in report.tables[2:]] == [3, 3]  # sessions, overdue cards
    report.text += "\n另：本月开展矛盾纠纷排查两次。"
    report.save()
    report.submit()
    # the data change afterwards; the submitted report does not
    _card(unit, D(2024, 5, 30), source="来访", case_type="集体访")
    stored = reports.Report.objects.get(pk=report.pk)
    assert stored.figures["current"]["total_cases"] == 6 and stored.state == "submitted"
    assert stored.text.endswith("另：本月开展矛盾纠纷排查两次。")
    assert reports.draft(plan, monthly, may).figures["current"]["total_cases"] == 7
    stored.text = "改写"
    with pytest.raises(reports.ReportFrozen, match="已报送"):
        stored.save()
    with pytest.raises(reports.ReportFrozen):
        stored.refresh()
    assert reports.Report.objects.get(pk=report.pk).text.endswith("排查两次。")


def test_report_tables_export_to_xlsx_and_print_as_a_document(town):
    _, plan = town
    monthly = plan.reporting_duties[2]
    report = reports.draft(
        plan, monthly, reports.periods(monthly, plan, D(2024, 6, 1), D(2024, 6, 30))[0]
    ).save()
    book = openpyxl.load_workbook(io.BytesIO(exports.tables_xlsx(report.title, report.tables)))
    assert book.sheetnames[0] == "信访情况统计表"
    sheet = book["信访情况统计表"]
    assert [c.value for c in sheet[3]] == ["项目", "本期", "上期", "增减"]
    assert [c.value for c in sheet[4]] == ["信访总量", 6, 3, "+3"]
    pdf = PdfReader(io.BytesIO(exports.render_circular(printable.report(report))))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "县委办公室、县信访局" in text and "附件" in text and "信访情况统计表" in text


def test_the_summary_is_drafted_in_the_bureaus_shape_and_prints(town):
    unit, plan = town
    summary = report_targets.draft_summary(plan, *MAY)
    summary.save()
    assert summary.kind == "总结" and summary.unit == unit
    assert [s.heading for s in summary.sections] == ["指导思想", "目标任务", "活动情况", "主要数据"]
    aims = summary.sections[1].text
    assert "化解率不低于95%：实际40%，未达到。" in aims
    assert "非正常进京访为0：实际0，已达到。" in aims
    assert "信访总量下降：本期6，上期3，未达到。" in aims
    assert "共登记信访事项6件" in summary.sections[2].text
    table = printable.plan(summary)["attachments"][0]
    assert table["headers"] == ["项目", "数量"] and ["信访总量", "6"] in table["rows"]
    assert ["化解率", "40%"] in table["rows"]


# --- the panel ----------------------------------------------------------------------------------


def test_the_dashboard_shows_targets_cards_receptions_and_reports(town, store):
    unit, plan = town
    page = store.test_client().get(f"/admin/?unit={unit.pk}&start=2024-05-01&end=2024-05-31")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "40%" in html and "1/2人达标" in html
    assert "信访人0110" in html and "信访人0519" in html  # overdue (5月20日) and due soon
    assert "2024-05-31" in html  # this week of the as-of date: the cancelled one is not shown
    assert "vendor/chartjs/chart.umd.min.js" in html and "cdn" not in html.lower()
    assert "月报" in html  # due 6月4日, within a week of 5月31日
    script = store.test_client().get("/static/vendor/chartjs/chart.umd.min.js")
    assert script.status_code == 200 and b"Chart" in script.data
    script.close()


def test_reports_are_drafted_edited_and_submitted_in_the_panel(town, store):
    unit, plan = town
    client = store.test_client()
    listing = client.get(f"/admin/reports/?unit={unit.pk}&start=2024-06-01&end=2024-06-10")
    assert "月报" in listing.get_data(as_text=True)
    drafted = client.post(
        "/admin/reports/draft/",
        data={"plan": str(plan.pk), "duty": "2", "period": "2024-05-01"},
        follow_redirects=True,
    )
    assert "已根据本期数据起草报告" in drafted.get_data(as_text=True)
    report = reports.Report.objects.get(plan=plan, duty="月报")
    url = f"/admin/reports/{report.pk}/"
    client.post(
        url,
        data={
            "action": "save",
            "title": report.title,
            "text": "改写后的正文",
            "recipients": "县信访局，县委办公室",
            "doc_number": "某信〔2024〕3号",
        },
    )
    report.reload()
    assert report.text == "改写后的正文" and report.recipients == ["县信访局", "县委办公室"]
    client.post(
        url,
        data={
            "action": "submit",
            "title": report.title,
            "text": "报送时的正文",
            "recipients": "县信访局",
            "doc_number": "",
        },
    )
    report.reload()
    assert report.state == "submitted" and report.text == "报送时的正文"
    refused = client.post(
        url, data={"action": "save", "title": "x", "text": "再改"}, follow_redirects=True
    )
    assert "已冻结" in flashed_errors(refused)
    assert reports.Report.objects.get(pk=report.pk).text == "报送时的正文"
    assert client.get(f"{url}xlsx").status_code == 200
    pdf = client.get(f"{url}pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    targets = client.get(
        f"/admin/reports/targets/?plan={plan.pk}&start=2024-05-01&end=2024-05-31&format=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(targets.data))["目标完成情况"]
    assert ["化解率", ">= 95%", "40%"] == [c.value for c in sheet[4]][1:4]
    made = client.post(
        "/admin/reports/summary/",
        data={"plan": str(plan.pk), "start": "2024-05-01", "end": "2024-05-31"},
    )
    assert made.status_code == 302 and "/admin/plan/edit/" in made.headers["Location"]
    assert documents.Plan.objects(unit=unit, kind="总结").count() == 1


def test_bad_input_to_the_reports_is_said_in_chinese(town, store):
    unit, plan = town
    client = store.test_client()
    page = client.get(f"/admin/?unit={unit.pk}&start=2024-13-01")
    assert page.status_code == 200 and "不是有效的日期" in flashed_errors(page)
    assert client.get("/admin/reports/not-an-id/").status_code == 404
    wrong = client.post(
        "/admin/reports/draft/",
        data={"plan": str(plan.pk), "duty": "9", "period": "2024-05-01"},
        follow_redirects=True,
    )
    assert "不存在" in flashed_errors(wrong)
    summary = client.post(
        "/admin/reports/summary/", data={"plan": str(plan.pk), "start": "x"}, follow_redirects=True
    )
    assert "有效的总结期间" in flashed_errors(summary)
    assert reports.Report.objects.count() == 0


def test_a_superior_reads_reports_but_does_not_draft_and_a_leader_sees_own_cards(town, store):
    unit, plan = town
    superior = make_account("county", "superior", unit=unit)
    client = store.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = superior.get_id()
    assert client.get(f"/admin/reports/?unit={unit.pk}").status_code == 200
    assert (
        client.post(
            "/admin/reports/draft/",
            data={"plan": str(plan.pk), "duty": "2", "period": "2024-05-01"},
        ).status_code
        == 403
    )
    person = documents.Person(unit=unit, name="王镇长").save()
    documents.CaseCard.objects.get(registered_on=D(2024, 4, 20)).update(responsible_leader=person)
    leader = make_account("wang", "leader", unit=unit, person=person)
    with client.session_transaction() as session:
        session["_user_id"] = leader.get_id()
    html = client.get("/admin/?start=2024-05-01&end=2024-05-31").get_data(as_text=True)
    assert "信访人0420" in html and "信访人0110" not in html  # only the card he answers for
    assert "40%" in html  # the unit's figures are not personal data


def test_marks_and_the_closing_date_are_entered_on_the_card_form(town, store):
    unit, _ = town
    client = store.test_client()
    form = {
        "unit": str(unit.pk),
        "registered_on": "2024-05-30",
        "petitioner": "周某",
        "source": "来访",
        "case_type": "越级访",
        "marks": ["赴京访", "非正常访"],
        "subject": "反映林地承包合同纠纷",
        "status": "办理中",
        "closed_on": "2024-05-30",
        "extra": "",
    }
    refused = client.post("/admin/casecard/new/", data=form)
    assert "尚未办结的卡片不能填写办结日期" in flashed_errors(refused)
    assert not documents.CaseCard.objects(petitioner="周某")
    saved = client.post("/admin/casecard/new/", data={**form, "closed_on": ""})
    assert saved.status_code == 302, flashed_errors(saved)
    card = documents.CaseCard.objects.get(petitioner="周某")
    assert card.marks == ["赴京访", "非正常访"] and card.closed_on is None
    may = figures.period_figures([unit], *MAY)
    assert (may["beijing_cases"], may["abnormal_beijing_cases"]) == (2, 1)
    assert may["level_skipping_beijing_cases"] == 2


def test_one_report_per_duty_and_period_and_its_steps_are_audited(town, store):
    import mongoengine

    unit, plan = town
    monthly = plan.reporting_duties[2]
    may = reports.periods(monthly, plan, D(2024, 6, 1), D(2024, 6, 30))[0]
    reports.draft(plan, monthly, may).save()
    with pytest.raises(mongoengine.NotUniqueError):
        reports.draft(plan, monthly, may).save()  # two people drafting at once: one report
    client = store.test_client()
    report = reports.Report.objects.get(plan=plan)
    client.post(
        f"/admin/reports/{report.pk}/",
        data={"action": "submit", "title": report.title, "text": "正文", "recipients": "县信访局"},
    )
    client.get(f"/admin/reports/{report.pk}/pdf")
    actions = [e.action for e in documents.AuditEvent.objects(target="Report").order_by("at")]
    assert {"update", "submit", "print"} <= set(actions)


def test_an_invalid_edit_of_a_report_is_said_in_chinese_and_not_saved(town, store):
    unit, plan = town
    monthly = plan.reporting_duties[2]
    report = reports.draft(
        plan, monthly, reports.periods(monthly, plan, D(2024, 6, 1), D(2024, 6, 30))[0]
    ).save()
    page = store.test_client().post(
        f"/admin/reports/{report.pk}/",
        data={
            "action": "save",
            "title": "长" * 300,
            "text": "改过的正文",
            "recipients": "县信访局",
        },
    )
    assert page.status_code == 200 and "未能保存：「标题」：内容过长" in flashed_errors(page)
    assert "改过的正文" in page.get_data(as_text=True)  # what was typed is kept on the page
    assert reports.Report.objects.get(pk=report.pk).text == report.text
