"""The structured parts read from the body: principles, period, phases and procedure (the
reporting duties in ``duties.py``, the targets in ``targets.py``), and which line each came
from."""

import calendar
import datetime
import re

from .common import CIRCLED, CJK, number_of


def _all_text(result):
    return "\n".join([result.preamble, *[f"{s['heading']}\n{s['text']}" for s in result.sections]])


def _year(result):
    for value in (
        result.doc_number,
        result.date_written and str(result.date_written.year),
        _all_text(result),
    ):
        match = re.search(r"(19|20)\d{2}", value or "")
        if match:
            return int(match.group(0))
    return None


def _mark_lines(result):
    """Tell each source line which structured parts were read from it."""
    found = [("领导小组", name) for _, name, _ in result.group.get("members", [])]
    found += [("原则", p) for p in result.principles]
    found += [("阶段", p["name"]) for p in result.phases]
    found += [("接访安排", r["description"]) for r in result.receptions if r.get("description")]
    found += [("办理程序", f"{p['name']}：") for p in result.procedure]
    found += [("报送要求", d["name"].replace("周报", "")) for d in result.reporting_duties]
    found += [("目标", (t.get("description") or t["name"])[:12]) for t in result.targets]
    # needles by their first two characters: a line is only tested against the needles that
    # start with one of its own character pairs, so marking stays linear in the text
    buckets = {}
    for index, (part, needle) in enumerate(dict.fromkeys(found)):
        if needle:
            buckets.setdefault(needle[:2], []).append((index, part, needle))
    for line in result.lines:
        text = line.text
        keys = {text[i : i + 2] for i in range(len(text))} | set(text)
        candidates = sorted(entry for key in keys & buckets.keys() for entry in buckets[key])
        for _, part, needle in candidates:
            if needle in text and part not in line.parts:
                line.parts.append(part)


def _principles(result, text):
    found = []
    for section in result.sections:
        if "原则" in section["heading"]:
            for line in section["text"].split("\n"):
                item = re.sub(rf"^[{CIRCLED}\d（()）、．.]+", "", line).strip(" 。；")
                if item:
                    found.append(item)
    found += re.findall(r"坚持[^；。，“”\n]{0,40}?的原则", text)
    # 坚持“一个指导”（构建和谐社会），抓住“两个关键”（事要解决，稳控到位）
    found += [
        f"{inner}（{name}）"
        for name, inner in re.findall(
            r"(?:坚持|抓住)“([^”]{2,10})”[（(]([^）)\n]{1,60})[）)]", text
        )
    ]
    for quoted in re.findall(r"“([^”\n]{1,80})”的(?:原则|要求)", text):
        items = [x for x in quoted.split("、") if x]
        if len(items) >= 3 and "，" not in quoted:
            found += items
    result.principles = list(dict.fromkeys(found))


def _date_in(year, month, day):
    try:
        return datetime.date(year, int(month), int(day))
    except (TypeError, ValueError):
        return None


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _period(result, text, year):
    """从2012年3月开始到2012年12月底结束; 自2008年6月30日开始至12月底结束."""
    match = re.search(
        r"[从自](\d{4})年(\d{1,2})月(?:(\d{1,2})日)?(?:开始|起)?[，,]?[到至]"
        r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日|底|末)",
        text,
    )
    if not match:
        return
    first_year, first_month, first_day, last_year, last_month, last_day = match.groups()
    first_year = int(first_year)
    last_year = int(last_year or first_year)
    result.period_start = _date_in(first_year, first_month, first_day or 1)
    result.period_end = (
        _date_in(last_year, last_month, last_day)
        if last_day
        else _month_end(last_year, int(last_month))
    )


# a phase named with 阶段, or after a numbered heading with a phase's word (准备发动, 组织实施,
# 检查总结 …), its days in brackets; 至月底 for the month's end; a 至 lost between two days
_PHASE_IN_BRACKETS = re.compile(
    rf"([{CJK}“”]{{2,16}}阶段|(?<=[）)])\s*[{CJK}]{{2,10}}?(?:发动|部署|动员|准备|实施|排查|整改|"
    rf"总结|验收|督查|巩固|回访|化解|接访))\s*[（(](\d{{1,2}})月(\d{{1,2}})日"
    r"(?:到|至|—|-|～|~)?(?:(\d{1,2})月(\d{1,2})日|月底|月末)[）)]"
)


def _phases(result, text, year):
    year = year or (result.period_start.year if result.period_start else None)
    if year is None:
        return
    names = {p["name"] for p in result.phases}
    # 宣传发动阶段（6月30日到7月1日）; （一）准备发动（3月3日至3月7日）;
    # 制定方案阶段（2月21日至月底）
    for match in _PHASE_IN_BRACKETS.finditer(text):
        name, m1, d1, m2, d2 = match.groups()
        start = _date_in(year, m1, d1)
        end = _date_in(year, m2, d2) if d2 else (start and _month_end(year, start.month))
        if start and end and start <= end and name not in names:
            names.add(name)
            result.phases.append({"name": name, "start_date": start, "end_date": end})
    # 4月1日至3日为排查阶段，4月7日至15日为实施阶段
    for match in re.finditer(
        rf"(\d{{1,2}})月(\d{{1,2}})日(?:至|到|—|-|～)(?:(\d{{1,2}})月)?(\d{{1,2}})日"
        rf"为([{CJK}“”]{{2,12}}?阶段)",
        text,
    ):
        m1, d1, m2, d2, name = match.groups()
        start, end = _date_in(year, m1, d1), _date_in(year, m2 or m1, d2)
        if start and end and start <= end and name not in names:
            names.add(name)
            result.phases.append({"name": name, "start_date": start, "end_date": end})
    for match in re.finditer(
        r"(\d{1,2})月份?为[^“。\n]{0,30}“([^”\n]{1,30})”[，,]?([^，。\n]{0,60})", text
    ):
        month, name, rest = int(match.group(1)), match.group(2), match.group(3)
        if 1 <= month <= 12 and name not in names:
            names.add(name)
            phase = {
                "name": name,
                "start_date": datetime.date(year, month, 1),
                "end_date": _month_end(year, month),
            }
            if "每周" in rest or "每天" in rest:
                phase["intensity"] = rest.strip()
            result.phases.append(phase)


def _procedure(result):
    for section in result.sections:
        if not re.search(r"程序|流程|步骤", section["heading"]):
            continue
        for line in section["text"].split("\n"):
            match = re.match(rf"^[{CIRCLED}]?\s*([{CJK}]{{2,6}})[：:](.+)$", line)
            if not match:
                continue
            step = {"name": match.group(1), "description": match.group(2).strip(" 。")}
            days = re.search(r"(?:提前|在|于)(\d+)(?:个工作日|天|日)", match.group(2))
            if days:
                step["time_limit_days"] = int(days.group(1))
                if "工作日" in days.group(0):
                    step["day_kind"] = "working"
            result.procedure.append(step)
    if not result.procedure:
        _prose_limits(result, _all_text(result))


_N = r"(\d{1,3}|[一二三四五六七八九十百]{1,4})"
_LIMIT = re.compile(
    rf"(?:不得超过|最长不超过|提前(?:至少)?){_N}个?(工作日|天|日)"
    rf"|(?<![月\d]){_N}个?(工作日|天|日)(?:内|之内|前(?=通知|告知))"
)
_STEP_NAMES = (
    ("延长", "延长"),
    ("告知", "告知"),
    ("答复", "答复"),
    ("办结", "办结"),
    ("完结", "办结"),
    ("结案", "办结"),
    ("通知", "通知"),
    ("督办", "督办"),
    ("预约", "预约"),
    ("受理", "受理"),
)


def _count(text):
    """15, 六十, 三十, 一百 → int (0 when it is none)."""
    return number_of(text) or 0


def _prose_limits(result, text):
    """Time limits said in sentences (在收到信访件15天内书面告知; 延长最长不得超过30天; 在领导接待日
    的5日前通知; 六十日内办结): one step each, named by what the sentence asks."""
    for sentence in re.split(r"[。；\n]", text):
        for m in _LIMIT.finditer(sentence):
            number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            days = _count(number)
            if not 0 < days <= 365:
                continue
            around = sentence[max(0, m.start() - 12) : m.end() + 16]
            name = next((n for word, n in _STEP_NAMES if word in around), "办理")
            step = {"name": name, "description": sentence.strip(" ，,"), "time_limit_days": days}
            if unit == "工作日":
                step["day_kind"] = "working"
            result.procedure.append(step)
