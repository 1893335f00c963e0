"""Calendar statements of reception rules as other units write them (issue 15), and the details
said around a rule: hours, place, holiday handling and the day it starts.

每星期二、四 / 每周二、周四、周五 (several weekdays); 每月8号、25号 and 逢三、九 (several days);
每月第一、四周星期三 and 每月第一周，周二 (weeks of the month, read as the nth weekday);
每个工作日; 农历初一、十五; explicit dates (1月22日（星期一）上午…, a table of dates). A value
is only taken when the text says it plainly: a wrong value costs the clerk more than an empty one.
"""

import datetime
import re

from .common import WEEKDAY_NAMES, around, number_of

_DAY = "一二三四五六日天"
_NUMBER = "一二三四五六七八九十"


def _number(text):
    """3, 三, 十五, 二十六 → int (the patterns that call it let only numbers through)."""
    return number_of(text) or 0


def _weekday_list(text):
    return sorted({WEEKDAY_NAMES[c] for c in re.findall(f"[{_DAY}]", text)})


WEEKDAYS = re.compile(
    rf"每(?:个)?(?:周|星期)(?:星期|周)?([{_DAY}](?:\s*[、，和及]\s*(?:周|星期)?[{_DAY}]){{0,6}})"
    r"(?![前后])"
)
NAMED_DAY = re.compile(rf"[“\"]?(?:周|星期)([{_DAY}])[”\"]?接(?:待|访)日")
NTH_WEEKS = re.compile(
    r"每(?:个)?月的?第([一二三四1-4](?:\s*[、，和]\s*[一二三四1-4]){0,3})\s*(?:个)?(?:周|星期)"
    rf"[，,的]?\s*(?:星期|周)?([{_DAY}])"
)
MONTH_DAYS = re.compile(r"每月(\d{1,2})\s*[日号](?:\s*[、，和及]\s*(\d{1,2})\s*[日号]){0,5}(?!前)")
MONTH_DAY_LIST = re.compile(r"(\d{1,2})\s*[日号]")
MARKET_DAYS = re.compile(rf"逢([{_NUMBER}\d](?:\s*[、，]\s*[{_NUMBER}\d]){{0,4}})(?:日|的日子)")
_LUNAR_DAY = "初[一二三四五六七八九十]|二十|三十|廿[一二三四五六七八九]|十[一二三四五六七八九]?"
LUNAR = re.compile(
    rf"农历(?:每月)?的?((?:{_LUNAR_DAY})(?:\s*[、，和及至]\s*(?:{_LUNAR_DAY})){{0,5}})"
)
WORKING_DAYS = re.compile(r"每(?:一)?个工作日|工作日每天")
ONCE_A_MONTH = re.compile(
    r"每月([\u3400-\u9fff、]{0,12}?)(?:必须|要|应)?(?:接访|接待)(?:一|1)次"
    r"|每月安排(?:一|1)天时间(?:接访|接待)"
)


class _Unless:
    """``found``, leaving out the rules at the positions ``skip`` refuses."""

    def __init__(self, found, skip):
        self.found, self.skip = found, skip

    def add(self, rule, at):
        if not self.skip(at):
            self.found.add(rule, at)


def _lunar_day(name):
    name = name.replace("廿", "二十")
    return _number(name[1:]) if name.startswith("初") else _number(name)


def _report_day(text, at):
    """Whether the day at ``at`` is a report's deadline (每周五上报至镇信访办), not a reception:
    its sentence reports and says nothing of receiving anyone."""
    start, end = around(text, at)
    sentence = text[start:end]
    return bool(re.search(r"上报|报送|报告|呈报", sentence)) and not re.search(
        r"接访|接待|来访|约访|下访", sentence
    )


def calendar_rules(found, text):
    """Adds the rules of the calendar statements in ``text`` to ``found`` (not a report's
    deadline said the same way)."""
    found = _Unless(found, lambda at: _report_day(text, at))
    for m in NTH_WEEKS.finditer(text):
        nths = sorted({_number(n) for n in re.findall("[一二三四1-4]", m.group(1))})
        rule = {"kind": "monthly_nth_weekday", "weekday": WEEKDAY_NAMES[m.group(2)]}
        found.add({**rule, **({"nth": nths[0]} if len(nths) == 1 else {"nths": nths})}, m.start())
    for m in MONTH_DAYS.finditer(text):
        days = sorted({int(d) for d in MONTH_DAY_LIST.findall(m.group(0))})
        rule = {"day_of_month": days[0]} if len(days) == 1 else {"days_of_month": days}
        found.add({"kind": "monthly_day", **rule}, m.start())
    for m in MARKET_DAYS.finditer(text):
        digits = [_number(d) for d in re.findall(rf"[{_NUMBER}\d]", m.group(1))]
        days = sorted(
            {d + tens for d in digits if d < 10 for tens in (0, 10, 20) if d + tens <= 31}
        )
        if days:
            found.add({"kind": "monthly_day", "days_of_month": days}, m.start())
    for m in WEEKDAYS.finditer(text):
        days = _weekday_list(m.group(1))
        found.add({"kind": "weekly", **_weekday_fields(days)}, m.start())
    for m in NAMED_DAY.finditer(text):
        found.add({"kind": "weekly", "weekday": WEEKDAY_NAMES[m.group(1)]}, m.start())
    for m in LUNAR.finditer(text):
        names = re.findall(_LUNAR_DAY, m.group(1))
        found.add(
            {"kind": "lunar_days", "lunar_days": sorted({_lunar_day(n) for n in names})}, m.start()
        )
    for m in WORKING_DAYS.finditer(text):
        found.add({"kind": "working_days"}, m.start())
    for m in ONCE_A_MONTH.finditer(text):
        named = m.group(1) or ""
        who = [w for w in named.split("、") if re.fullmatch(r"[\u3400-\u9fff]{2,4}", w)]
        rule = {"kind": "days_per_leader", "days_per_month": 1}
        found.add({**rule, "leaders": who} if who else rule, m.start())


def _weekday_fields(days):
    return {"weekday": days[0]} if len(days) == 1 else {"weekdays": days}


# --- explicit dates -------------------------------------------------------------------------

_MONTH_DAY = re.compile(
    r"(?<![\d年至到—\-])(\d{1,2})月(\d{1,2})日\s*(?:[（(](?:星期|周)([一二三四五六日天])[）)])?"
)


def _dated(year, month, day, weekday):
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return None
    if weekday is not None and date.weekday() != WEEKDAY_NAMES[weekday]:
        return None  # the weekday printed beside it disagrees: the year is not this one
    return date


def explicit_dates(text, year, tables):
    """Days named one by one: a table whose rows start with a date, a line that starts with a
    date and a time of day, or a sentence where the date is the last one before 接访/接待.
    Dates need the document's year; none without it."""
    if not year:
        return []
    found = []
    for rows in tables:
        dates = [m for m in (_MONTH_DAY.match(row.lstrip("|")) for row in rows) if m]
        if len(dates) >= 2:
            found += [_dated(year, int(m[1]), int(m[2]), m[3]) for m in dates]
    for line in text.split("\n"):
        body = re.sub(
            r"^(?:\d[.、．]|[一二三四五六七八九十]、)?\s*(?:接访|接待|活动)?时\s*间[：:]?", "", line
        )
        start = _MONTH_DAY.match(body)
        if start and re.match(r"\s*(上午|下午|全天|\d{1,2}[:：])", body[start.end() :]):
            found.append(_dated(year, int(start[1]), int(start[2]), start[3]))
            continue
    # 4月7日，由县国土资源局负责联系分管的县领导，在县国土局开展“土地问题”接访活动
    found += [date for date, _place in dated_sentences(text, year)]
    return sorted({d for d in found if d})


def dated_sentences(text, year):
    """(date, place or None) of each sentence that opens with its reception day
    (``_DAY_SENTENCE``, no other date before the 接访) and, where it says so, where
    (在县国土局开展“土地问题”接访活动); none without the document's year."""
    if not year:
        return
    for sentence in re.split(r"[。；;\n]", text):
        day = _DAY_SENTENCE.match(sentence)
        if not day or _MONTH_DAY.search(day.group(0), day.end(2)):
            continue
        date = _dated(year, int(day[1]), int(day[2]), None)
        if date:
            where = re.search(r"在([^，,。；“”]{2,30}?)(?:开展|举行|进行|集中|公开)", sentence)
            yield date, where.group(1)[:60] if where else None


# a sentence that opens with one day (not a range, not 起), says who is to receive in the voice
# of a schedule (由…负责, …将在…) and 接访/接待: not a news item's dateline (5月16日，某某到某镇
# 督导并参与接待活动; 3月26日，大接访活动全面启动), which reports a day, not a rule
_DAY_SENTENCE = re.compile(
    r"\s*(?:于|在)?(\d{1,2})月(\d{1,2})日(?![至到—\-~～起]|前|后|以)"
    r"[^。；;\n]{0,20}?(?:由|将)[^。；;\n]{0,60}?接(?:访|待)"
)


_TITLE_START = re.compile(
    r"(?:市委|县委|区委|党委|党组|副|常务|市长|县长|区长|书记|局长|主任|部长|院长|校长|秘书长|常委"
    r"|主席|镇长|乡长|处长|科长|所长|庭长|检察长)"
)


def _person(cell):
    """The person a cell names, without the title after the name: 金天柱 of 金天柱副市长、公安局
    局长, 徐雄 of 徐 雄 市委书记; the cell as it is when no name of 2 to 4 letters leads it."""
    cell = re.sub(r"\s+", " ", cell).strip()
    cell = re.sub(r"^([\u4e00-\u9fff]) ([\u4e00-\u9fff])(?= |$)", r"\1\2", cell)  # 徐 雄
    title = _TITLE_START.search(cell.replace(" ", ""), 2)
    name = cell.replace(" ", "")[: title.start()] if title else cell.split(" ")[0]
    if (
        _TITLE_START.match(cell)
        or re.search(r"[委局院市县区镇乡厅部处科]", name)
        or re.match(r"分管|负责|主管|值班|带班|驻村|包片|联系|各", name)
    ):
        return cell[:30]  # a title alone (县委书记, 分管副县长), no name before it
    return name if 2 <= len(name) <= 4 else cell[:30]


def table_days(tables, year):
    """The rows of a table of reception days that name who receives (and where): a column
    headed 领导 (接访领导、职务, 接访校领导) and one headed 地点. The leader is the cell's
    first word (金天柱 of 金天柱 副市长、公安局局长; 徐雄 of 徐 雄 市委书记)."""
    days = []
    if not year:
        return days
    for rows in tables:
        cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
        header = next((c for c in cells if not _MONTH_DAY.match(c[0] if c else "")), None)
        if header is None:
            continue
        who = next((n for n, h in enumerate(header) if "领导" in h or "接访人" in h), None)
        where = next((n for n, h in enumerate(header) if "地点" in h), None)
        if who is None:
            continue
        for row in cells:
            m = _MONTH_DAY.match(row[0]) if row else None
            date = m and _dated(year, int(m[1]), int(m[2]), m[3])
            if not date or who >= len(row) or not row[who]:
                continue
            day = {"date": date, "leader": _person(row[who])}
            if where is not None and where < len(row) and row[where]:
                day["place"] = row[where][:60]
            days.append(day)
    return days


def explicit_date_rules(found, text, year, tables):
    """Dates with a year written out (于2021年4月15日开展检察长集中接待活动), and the days named one
    by one in a document whose year is known (a table of them with who receives each day)."""
    days = table_days(tables, year)
    if len(days) >= 2:
        at = text.find(f"{days[0]['date'].month}月{days[0]['date'].day}日")
        leaders = list(dict.fromkeys(d["leader"] for d in days))
        rule = {"kind": "dates", "dates": sorted({d["date"] for d in days}), "table_days": days}
        found.add({**rule, "leaders": leaders}, max(at, 0))
        tables = []  # read: not again as bare dates
    dates = set(explicit_dates(text, year, tables)) - {d["date"] for d in days}
    for m in re.finditer(
        r"(\d{4})年(\d{1,2})月(\d{1,2})日[^。；，]{0,12}?(?:开展|举行)?[^。；]{0,12}接(?:访|待)",
        text,
    ):
        day = _dated(int(m[1]), int(m[2]), int(m[3]), None)
        if day:
            dates.add(day)
    if dates:
        at = text.find(f"{min(dates).month}月{min(dates).day}日")
        rule = {"kind": "dates", "dates": sorted(dates)}
        places = {d: p for d, p in dated_sentences(text, year) if p and d in dates}
        if len(set(places.values())) > 1:  # each day its own place: 4月7日…在县国土局开展
            rule["table_days"] = [{"date": d, "place": p} for d, p in sorted(places.items())]
        found.add(rule, max(at, 0))


# --- what is said around a rule ------------------------------------------------------------

_HOURS = re.compile(
    r"(上午|下午|晚上)?\s*[（(]?\s*(\d{1,2})[:：](\d{2})\s*(?:[-—~～至到]+|－)\s*"
    r"(上午|下午)?\s*(\d{1,2})[:：](\d{2})"
)


def hours_in(text):
    """下午2:00至4:00 → 14:00-16:00; 08:00~11:00 → 08:00-11:00."""
    m = _HOURS.search(text)
    if not m:
        return ""
    half, h1, m1, half2, h2, m2 = m.groups()
    first, last = int(h1), int(h2)
    if half == "下午" and first < 12:
        first += 12
    if (half2 == "下午" or (half == "下午" and last < 12)) and last < 12:
        last += 12
    if not (0 <= first < last <= 24):
        return ""
    return f"{first:02d}:{m1}-{last:02d}:{m2}"


def every_hours(text):
    return {hours_in(m.group(0)) for m in _HOURS.finditer(text)} - {""}


_PLACE_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d+\s*[.、．])?\s*(?:接访|接待|活动)?(?:的)?地\s*点\s*[：:]?\s*(.*)$"
)
_PLACE_SET = re.compile(
    r"(?:地点|接待室|接访室)?(?:设在|定在|为)([^，。；;,\n]{2,40}?)(?:或|[，。；;,]|$)"
)


def labelled_place(lines):
    """二、接访的地点 附4楼信访接待室。 / 三、接待地点: 法院信访室 / 二、地点 (next line) …"""
    for n, line in enumerate(lines):
        m = _PLACE_LABEL.match(line)
        if not m:
            continue
        value = m.group(1).strip(" 。；;")
        if not value and n + 1 < len(lines):
            value = lines[n + 1].strip(" 。；;")
        set_in = _PLACE_SET.search(value)
        value = set_in.group(1) if set_in else value
        value = re.sub(r"^[（(]?地址[：:].*$", "", value)
        if 2 <= len(value) <= 40 and not re.search("[。！？]", value):
            return value
    text = "\n".join(lines)
    inline = re.search(r"(?:接访|接待)地点[：:]([^。；;\n]{2,40})", text)
    if inline:
        return inline.group(1).strip()
    # 接待群众的地点设在……接待室: the one place the document names
    named = {m.group(1) for m in re.finditer(r"地点(?:设在|定在|为)([^，。；;,或\n]{2,40})", text)}
    return named.pop() if len(named) == 1 else ""


def place_in(paragraph):
    """在镇政府大楼信访室接待; 接待室设在局信访接待室."""
    m = re.search(r"(?:地点|接待室|接访室)(?:设在|为)([^，。；;,或\n]{2,40})", paragraph)
    if m:
        return m.group(1)
    m = re.search(
        r"在([\u3400-\u9fff\d]{1,30}?(?:会议室|接待室|接访室|大厅|信访室|服务中心))", paragraph
    )
    return m.group(1) if m else ""


def holiday_rule_in(paragraph):
    """The holiday handling a rule's own sentence states, or ""."""
    if re.search(r"顺延至(?:次周|下周)(?:的)?(?:星期|周)", paragraph):
        return "next_same_weekday"
    if re.search(r"(?:法定)?节假日除外|遇(?:法定)?节假日(?:则)?(?:取消|不安排|暂停)", paragraph):
        return "skip"
    if re.search(r"节假日(?:则)?(?:顺推|顺延|提前)|遇节假日(?:则)?顺延", paragraph):
        return "next_working_day"
    return ""


def start_date_in(text):
    """从2011年8月15日起 / 自2011年8月15日起: the one day the rules start, when said once."""
    days = {
        (int(y), int(m), int(d))
        for y, m, d in re.findall(r"[从自]\s*(\d{4})\s*年\s*(\d{1,2})月(\d{1,2})日起", text)
    }
    if len(days) != 1:
        return None
    try:
        return datetime.date(*days.pop())
    except ValueError:
        return None
