"""Plans (实施方案, 实施意见, 通知, 总结): the body, the structured parts, the metadata."""

import copy
import re

from mongoengine import (
    DENY,
    BooleanField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    ReferenceField,
    ValidationError,
)

from .choices import PARTS
from .fields import HEADING, LONG, NAME, SHORT, TEXT, DateField, DictField, StringField
from .metrics import METRICS
from .unit import DOCUMENT_STYLES, Person, Unit

PLAN_KINDS = ("实施方案", "实施意见", "通知", "总结")
# 一、 （一） 1. （1）: the four heading levels of GB/T 9704; 0 is a plain paragraph group
HEADING_LEVELS = ((0, "正文段落"), (1, "一、"), (2, "（一）"), (3, "1."), (4, "（1）"))
DAY_KINDS = (("calendar", "自然日"), ("working", "工作日"))
CADENCES = (
    ("daily", "每日"),
    ("weekly", "每周"),
    ("monthly", "每月"),
    ("once", "一次"),
    ("event", "事发后限时"),  # 重大情况1小时内报告: due after something happens
)
RECEPTION_KINDS = (
    ("weekly", "每周固定一天"),
    ("monthly_nth_weekday", "每月第几个星期几"),
    ("monthly_day", "每月固定日期"),
    ("days_per_leader", "每人每月若干天"),
    ("phase", "每周若干天（不固定星期）"),
    ("any_time", "随时接访"),
    ("working_days", "每个工作日"),
    ("lunar_days", "农历每月固定日期"),
    ("dates", "指定日期"),
)
WEEKDAYS = (
    (0, "星期一"),
    (1, "星期二"),
    (2, "星期三"),
    (3, "星期四"),
    (4, "星期五"),
    (5, "星期六"),
    (6, "星期日"),
)
# 每月第一周星期二: the first Tuesday of the month, or the Tuesday of the month's first week
# (the week, Monday to Sunday, holding the 1st; none that month when that Tuesday is in the
# month before). Plans mean either; the plan says which.
WEEK_READINGS = (
    ("nth_weekday", "第几个星期几（如第一个星期二）"),
    ("calendar_week", "第几周的星期几（含1日的那一周为第一周）"),
)
QUOTA_PERIODS = (("month", "每月"), ("year", "每年"))
HOLIDAY_RULES = (
    ("next_working_day", "节假日顺延至下一个工作日"),
    ("skip", "遇节假日取消"),
    ("keep", "照常"),
    ("next_same_weekday", "顺延至下周同一天"),
)
SECRECY = ("秘密", "机密", "绝密")
URGENCY = ("特急", "加急", "特提", "平急")


class Section(EmbeddedDocument):
    """A heading with its text. Paragraphs are separated by line breaks."""

    level = IntField(choices=HEADING_LEVELS, default=1)
    heading = StringField(max_length=HEADING)
    text = StringField(max_length=LONG)
    # a part drawn from the plan's structure (choices.PARTS): printed instead of ``text``,
    # which is kept (an imported plan's own words) and prints again when the part is cleared
    part = StringField(choices=PARTS)

    def __str__(self):
        return self.heading or (self.text or "")[:20]


class Target(EmbeddedDocument):
    """A quantified target: 化解率 ≥ 95%, 非正常进京访 = 0, 信访总量 下降."""

    name = StringField(required=True, max_length=NAME)
    group = StringField(max_length=NAME)  # e.g. 三个零指标, 一下降、三减少
    metric = StringField(choices=METRICS)  # the figure it is measured by, e.g. 化解率
    comparator = StringField(choices=(">=", "<=", "=", "下降", "减少", "不发生"), default=">=")
    value = StringField(max_length=SHORT)  # "95%", "0"
    description = StringField(max_length=TEXT)

    def __str__(self):
        return self.name


class ProcedureStep(EmbeddedDocument):
    """One step of the unit's procedure, with its time limit where the plan sets one."""

    name = StringField(required=True, max_length=NAME)
    description = StringField(max_length=TEXT)
    time_limit_days = IntField(min_value=0, max_value=365)
    day_kind = StringField(choices=DAY_KINDS, default="calendar")
    basis = StringField(max_length=TEXT)  # e.g. 《信访工作条例》第三十四条

    def __str__(self):
        return self.name


class ReportingDuty(EmbeddedDocument):
    """A report the office sends upward: what, how often, by when, to whom."""

    name = StringField(required=True, max_length=NAME)
    cadence = StringField(choices=CADENCES, default="weekly")
    deadline = StringField(max_length=NAME)  # as the plan says: 每周五前, 每天下午15:30前
    deadline_time = StringField(max_length=5, regex=r"^([01]\d|2[0-3]):[0-5]\d$")
    deadline_weekday = IntField(choices=WEEKDAYS)
    deadline_day = IntField(min_value=1, max_value=31)  # of the next month, for monthly reports
    within_hours = IntField(min_value=1, max_value=720)  # 事发后限时: hours after the event
    sent_by = StringField(max_length=SHORT)  # how it is sent, as the plan says: 电话, 书面传真
    recipients = ListField(StringField(max_length=NAME))
    zero_report = BooleanField(default=False)  # 零报告: sent even when nothing happened
    start_date = DateField()
    end_date = DateField()

    def __str__(self):
        return self.name

    def clean(self):
        _check_range(self.start_date, self.end_date, "报送结束日期", "end_date")


class Phase(EmbeddedDocument):
    """A phase of the campaign with its date range."""

    name = StringField(required=True, max_length=NAME)
    start_date = DateField()
    end_date = DateField()
    description = StringField(max_length=LONG)
    intensity = StringField(max_length=TEXT)  # e.g. 书记每周至少三天亲自接访

    def __str__(self):
        return self.name

    def clean(self):
        _check_range(self.start_date, self.end_date, "阶段结束日期", "end_date")


# --- reception arrangements: what a rule must say to be scheduled (documents.schedule) ---

WEEKDAY_NAMES = "一二三四五六日"
MAX_WORKING_DAYS_IN_MONTH = 23  # no month has more working days (调休 included)
MIN_WORKING_DAYS_IN_YEAR = 245  # every year has at least this many (China: 248–251)


def rule_problems(rule, number=None) -> list[str]:
    """What is wrong with a reception rule, in Chinese (empty when it can be scheduled)."""
    name = f"第{number}条接访安排" if number else "接访安排"
    kind = rule.kind
    problems = []
    if kind == "any_time":
        return problems
    if not rule.leaders and not _each_day_has_its_leader(rule):
        problems.append(f"{name}：没有写接访领导")
    problems += _calendar_problems(rule, name)
    if kind == "days_per_leader":
        problems += _quota_problems(rule, name)
    if kind == "phase":
        if not rule.days_per_week:
            problems.append(f"{name}：没有写每周几天")
        elif rule.days_per_week > 5:
            problems.append(f"{name}：每周最多安排5个工作日，现为{rule.days_per_week}天")
    if rule.start_date and rule.end_date and rule.end_date < rule.start_date:
        problems.append(f"{name}：结束日期早于开始日期")
    return problems


def _quota_problems(rule, name):
    """What a quota of days per leader (a month's or a year's) lacks, or asks beyond the
    working days there are."""
    if rule.quota_period == "year":
        days, period, most = rule.days_per_year, "年", MIN_WORKING_DAYS_IN_YEAR
        beyond = f"而一年的工作日不到{most + 1}天"
    else:
        days, period, most = rule.days_per_month, "月", MAX_WORKING_DAYS_IN_MONTH
        beyond = f"而一个月最多只有{most}个工作日"
    if not days:
        return [f"{name}：没有写每人每{period}几天"]
    total = days * max(len(rule.leaders), 1)
    return [f"{name}：每{period}共需{total}天，{beyond}"] if total > most else []


def _each_day_has_its_leader(rule):
    """A table of days (kind 指定日期) whose every day names who receives."""
    if rule.kind != "dates" or not rule.table_days:
        return False
    covered = {d.date for d in rule.table_days if d.leader}
    return all(d.leader for d in rule.table_days) and set(rule.dates) <= covered


def _calendar_problems(rule, name):
    """What is missing or impossible in the days a rule names."""
    kind, problems = rule.kind, []
    if kind in ("weekly", "monthly_nth_weekday") and not rule_weekdays(rule):
        problems.append(f"{name}：没有写星期几")
    if kind == "monthly_nth_weekday":
        nths = rule_nths(rule)
        if not nths:
            problems.append(f"{name}：没有写第几个星期{_weekday(rule.weekday)}")
        elif max(nths) > 4:
            problems.append(
                f"{name}：并非每个月都有第{max(nths)}个星期{_weekday(rule_weekdays(rule)[0])}，"
                "请改为第1至第4个"
            )
    if kind == "monthly_day":
        days = rule_days_of_month(rule)
        if not days:
            problems.append(f"{name}：没有写每月几日")
        elif (
            len(days) == 1 and days[0] > 28
        ):  # of several days (逢三、九: 29), a month may lack one
            problems.append(f"{name}：并非每个月都有{days[0]}日，请改为1日至28日")
    if kind == "lunar_days" and not rule.lunar_days:
        problems.append(f"{name}：没有写农历每月几日")
    if kind == "dates" and not rule.dates and not rule.table_days:
        problems.append(f"{name}：没有写接访日期")
    return problems


def rule_weekdays(rule):
    # both fields count: a day in 星期 and others in 星期（多个） are all the rule's days
    return sorted(
        set(rule.weekdays or []) | ({rule.weekday} if rule.weekday is not None else set())
    )


def rule_nths(rule):
    return sorted(set(rule.nths or []) | ({rule.nth} if rule.nth else set()))


def rule_days_of_month(rule):
    return sorted(
        set(rule.days_of_month or []) | ({rule.day_of_month} if rule.day_of_month else set())
    )


def _weekday(weekday):
    return WEEKDAY_NAMES[weekday] if weekday is not None and 0 <= weekday < 7 else "几"


class ReceptionDay(EmbeddedDocument):
    """One row of a table of reception days: the day, who receives, where (empty: the rule's)."""

    date = DateField(required=True)
    leader = StringField(max_length=NAME)
    place = StringField(max_length=NAME)
    person = ReferenceField(Person)  # the unit's person the leader names (plan_people)

    computed_fields = ("person",)

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.leader or ''}".strip() if self.date else ""


class ReceptionArrangement(EmbeddedDocument):
    """A reception rule as the plan states it: who receives, when, where, with whom."""

    kind = StringField(choices=RECEPTION_KINDS, default="weekly")
    description = StringField(max_length=TEXT)  # the plan's own words
    leaders = ListField(StringField(max_length=NAME))
    # the unit's people the leaders name, linked when the plan is saved (plan_people): a
    # person renamed is renamed in the rule too
    people = ListField(ReferenceField(Person))
    weekday = IntField(choices=WEEKDAYS)
    weekdays = ListField(IntField(choices=WEEKDAYS))  # 每周二、四: several days of the week
    nth = IntField(min_value=1, max_value=5)
    nths = ListField(IntField(min_value=1, max_value=5))  # 每月第一、四周
    week_reading = StringField(choices=WEEK_READINGS, default="nth_weekday")
    day_of_month = IntField(min_value=1, max_value=31)
    days_of_month = ListField(IntField(min_value=1, max_value=31))  # 每月8号、25号
    lunar_days = ListField(IntField(min_value=1, max_value=30))  # 农历初一、十五
    dates = ListField(DateField())  # an explicit list of days
    table_days = EmbeddedDocumentListField(ReceptionDay)  # a table of days, each its leader
    days_per_month = IntField(min_value=1, max_value=31)
    # 每人每月若干天 or 每人全年不少于N次: the period of the per-leader quota
    quota_period = StringField(choices=QUOTA_PERIODS, default="month")
    days_per_year = IntField(min_value=1, max_value=250)
    days_per_week = IntField(min_value=1, max_value=7)
    holiday_rule = StringField(choices=HOLIDAY_RULES, default="next_working_day")
    place = StringField(max_length=NAME)
    hours = StringField(max_length=NAME)  # 08:30-11:30
    accompany = StringField(max_length=TEXT)  # who takes part: 承办法官, 公职律师 …
    start_date = DateField()
    end_date = DateField()

    computed_fields = ("people",)

    def __str__(self):
        return self.description or self.get_kind_display()

    def clean(self):
        _check_range(self.start_date, self.end_date, "接访结束日期", "end_date")
        problems = [p.split("：", 1)[-1] for p in rule_problems(self)]
        if problems:
            raise ValidationError("；".join(problems), errors={"kind": "；".join(problems)})


class Attachment(EmbeddedDocument):
    """An attachment printed after the body; the schedule is generated from the arrangements."""

    title = StringField(required=True, max_length=NAME)
    kind = StringField(
        choices=(
            ("schedule", "接访日程安排表"),
            ("text", "文字"),
            ("table", "表格（每行一条，各栏以 | 分隔，第一行为表头）"),
        ),
        default="text",
    )
    text = StringField(max_length=LONG)

    def __str__(self):
        return self.title


class Plan(Document):
    """A unit's plan for a campaign period, printable as an official document."""

    unit = ReferenceField(Unit, required=True, reverse_delete_rule=DENY)
    title = StringField(required=True, max_length=HEADING)
    kind = StringField(choices=PLAN_KINDS, default="实施方案")
    period_start = DateField()
    period_end = DateField()
    preamble = StringField(max_length=LONG)  # the opening paragraph before the first heading
    sections = EmbeddedDocumentListField(Section)
    principles = ListField(StringField(max_length=TEXT))
    targets = EmbeddedDocumentListField(Target)
    procedure = EmbeddedDocumentListField(ProcedureStep)
    reporting_duties = EmbeddedDocumentListField(ReportingDuty)
    phases = EmbeddedDocumentListField(Phase)
    receptions = EmbeddedDocumentListField(ReceptionArrangement)
    attachments = EmbeddedDocumentListField(Attachment)

    # document metadata (公文要素)
    style = StringField(choices=DOCUMENT_STYLES)  # empty: the unit's style
    copy_number = StringField(max_length=SHORT)  # 份号
    secrecy = StringField(choices=SECRECY)
    urgency = StringField(choices=URGENCY)
    issuer_marks = ListField(StringField(max_length=NAME))  # empty: the unit's 发文机关标志
    doc_number = StringField(max_length=NAME)  # 发文字号
    main_recipients = StringField(max_length=TEXT)  # 主送机关
    signer = StringField(max_length=NAME)  # 签发人
    signatories = ListField(StringField(max_length=NAME))  # 署名, one per issuing body
    date_written = DateField()  # 成文日期
    note = StringField(max_length=TEXT)  # 附注
    subject_terms = ListField(StringField(max_length=SHORT))  # 主题词
    report_to = ListField(StringField(max_length=NAME))  # 报
    copy_to = ListField(StringField(max_length=NAME))  # 抄送
    distribute_to = ListField(StringField(max_length=NAME))  # 发
    printed_by = StringField(max_length=NAME)  # 印发机关
    printed_date = DateField()  # 印发日期
    no_body_on_next_page = BooleanField(default=False)  # （此页无正文）/（次页无正文）

    extra = DictField()  # values of the unit's own fields (see custom_fields)
    fields_version = IntField()  # the version of those fields the record was written under

    meta = {"collection": "plans", "ordering": ["unit", "-date_written"], "indexes": ["unit"]}

    def __str__(self):
        return self.title or ""

    def clean(self):
        _check_range(self.period_start, self.period_end, "活动结束日期", "period_end")
        if self.doc_number:
            self.doc_number = normalize_doc_number(self.doc_number)

    def copy_structure(self, unit, title):
        """A new, unsaved plan for ``unit`` with this plan's structure and texts.

        Everything is copied, so editing the copy never touches the original; what belongs to
        one issued document (发文字号, dates, 署名, distribution lists) is left empty.
        """
        copied = {name: copy.deepcopy(getattr(self, name)) for name in STRUCTURE_FIELDS}
        return Plan(unit=unit, title=title, **copied)

    def place_parts(self, parts=None):
        """Add a section for each part not yet placed, in the default order, after the
        written sections (or only ``parts``); returns how many were added."""
        placed = {s.part for s in self.sections if s.part}
        added = 0
        for key, heading in PARTS:
            if key in placed or (parts is not None and key not in parts):
                continue
            self.sections.append(Section(level=1, heading=heading, part=key))
            added += 1
        return added

    @property
    def effective_style(self):
        return self.style or (self.unit.document_style if self.unit else None) or "2012"

    @property
    def effective_issuer_marks(self):
        if self.issuer_marks:
            return list(self.issuer_marks)
        return list(self.unit.issuer_marks or [self.unit.name]) if self.unit else []


# what a copy of a plan (a template) takes over
STRUCTURE_FIELDS = (
    "kind",
    "period_start",
    "period_end",
    "preamble",
    "sections",
    "principles",
    "targets",
    "procedure",
    "reporting_duties",
    "phases",
    "receptions",
    "attachments",
    "style",
)

_YEAR_IN_BRACKETS = re.compile(r"\s*[\[(（【〔［]\s*(\d{4})\s*[\])）】〕］]\s*")
_NUMBER = re.compile(r"第?\s*0*(\d+)\s*号$")


def normalize_doc_number(text: str) -> str:
    """隰民农营发[2012] 2号 → 隰民农营发〔2012〕2号: 〔〕 brackets, no 第, no padding zero."""
    text = text.strip()
    text = _YEAR_IN_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", text)
    text = _NUMBER.sub(lambda m: f"{m.group(1)}号", text)
    return re.sub(r"\s+", "", text)


def _check_range(start, end, end_label, field_name):
    if start and end and end < start:
        raise ValidationError(
            f"{end_label}不能早于开始日期", errors={field_name: f"{end_label}不能早于开始日期"}
        )
