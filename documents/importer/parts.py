"""The structured parts read from the body: principles, period, phases, procedure, reporting
duties and targets."""

import calendar
import datetime
import re

from ..fields import TEXT as TARGET_TEXT
from .common import CIRCLED, CJK, WEEKDAY_NAMES


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
    """15, 六十, 三十, 一百 → int."""
    if text.isdigit():
        return int(text)
    digits = dict(zip("一二三四五六七八九", range(1, 10), strict=True))
    if "百" in text:
        head, _, rest = text.partition("百")
        return digits.get(head, 1) * 100 + (_count(rest) if rest else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return digits.get(tens, 1) * 10 + digits.get(ones, 0)
    return digits.get(text, 0)


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


_WITHIN_HOURS = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,3})个?小时(?:之|以)?[内前]")
_SENT_BY = re.compile(
    r"(电话|书面传真|传真|短信|电子邮件|书面)(?:形式)?(?:告知|报告|上报|报送|传真|通报)"
)


def _clock(sentence):
    """16:00 / 15:30 / 下午4时 / 下午16时 as HH:MM, or None."""
    time = re.search(r"(上午|下午)?\s*(\d{1,2})(?:[:：](\d{2})|[时点](?:(\d{1,2})分)?)", sentence)
    if not time:
        return None
    half, hour, minute = time.group(1), int(time.group(2)), time.group(3) or time.group(4) or "0"
    if half == "下午" and hour < 12:
        hour += 12
    return f"{hour:02d}:{int(minute):02d}" if hour < 24 and int(minute) < 60 else None


def _duty_cadence(sentence):
    """How often a report is due and its deadline: 次月4日前; 每天15:30前; 每周五前; 每月底;
    重大情况1小时内报告 (due after the event, not by the calendar)."""
    duty = {}
    within = _WITHIN_HOURS.search(sentence)
    if within and not re.search(r"每天|每日|每周|次月|每月", sentence):
        hours = _count(within.group(1))
        if 0 < hours <= 720:
            duty["cadence"] = "event"
            duty["within_hours"] = hours
            duty["deadline"] = f"{within.group(1)}小时内"
            return duty
    if re.search(r"随时(?:报送|报告|上报)", sentence) and _EVENT.search(sentence):
        return {"cadence": "event", "deadline": "随时"}  # 重大突发情况随时报送
    if re.search(r"周报(?!告)", sentence) and not re.search(r"每天|每日|次月|每月", sentence):
        return {"cadence": "weekly"}
    if re.search(r"月报(?!告)", sentence) and not re.search(r"每天|每日|每周", sentence):
        return {"cadence": "monthly"}
    if "次月" in sentence:
        duty["cadence"] = "monthly"
        day = re.search(r"次月(\d{1,2})日", sentence)
        if day:
            duty["deadline_day"] = int(day.group(1))
            duty["deadline"] = f"次月{day.group(1)}日前"
    elif re.search(r"每月(?:的)?(?:底|末)|月底前", sentence):
        duty["cadence"] = "monthly"  # due on the month's last day (no deadline_day)
        duty["deadline"] = "每月底前"
    elif re.search(r"每天|每日", sentence):
        duty["cadence"] = "daily"
        clock = _clock(sentence[re.search(r"每天|每日", sentence).end() :])
        if clock:
            duty["deadline_time"] = clock
            duty["deadline"] = f"每天{clock}前"
    elif "每周" in sentence:
        duty["cadence"] = "weekly"
        day = re.search(r"每周([一二三四五六日])前?", sentence)
        if day:
            duty["deadline_weekday"] = WEEKDAY_NAMES[day.group(1)]
            duty["deadline"] = f"每周{day.group(1)}前"
    else:
        duty["cadence"] = "monthly"
    return duty


def _duty_name(duty, sentence, year):
    """“零报告” (with the day it starts) or the 情况 reported."""
    if "零报告" in sentence:
        duty["zero_report"] = True
        before = re.search(rf"([{CJK}]{{0,12}})“零报告”", sentence)
        prefix = re.split(r"[和及与、的]", before.group(1))[-1][-6:] if before else ""
        duty["name"] = f"{prefix}“零报告”"
        since = re.search(r"从(\d{1,2})月(\d{1,2})日起", sentence)
        if since and year:
            duty["start_date"] = _date_in(year, since.group(1), since.group(2))
        return
    what = re.search(rf"([{CJK}、]{{1,30}}?情况)", sentence)
    name = what.group(1) if what else "情况报告"
    name = re.sub(r"^(报告1次|报告|本周的|本月的|本周|本月)", "", name)
    name = re.sub(r"^.*?(本周的|本月的)", "", name)
    # what follows the verb and whom it goes to: 电话告知县信访局当日接访情况 → 接访情况;
    # 告知接待院长交办案件的承办情况 → 交办案件的承办情况; 如遇重大情况 → 重大情况
    told = re.match(r"^.*(?:告知|上报|报送|呈送|通报)(.+)$", name)
    if told:  # whom it goes to stands right after the verb
        name = re.sub(rf"^[{CJK}]{{1,10}}?{_BODY}(?=[{CJK}]{{2,}}情况$)", "", told.group(1))
    name = re.sub(r"^(?:如遇|如有|遇有|凡有|发生|出现|当日|当天|本日|本周|本月)", "", name) or name
    if duty["cadence"] == "weekly" and "每周" not in name:
        name += "周报"
    if duty["cadence"] == "event" and not name.endswith("报告"):
        name += "报告"
    duty["name"] = name


def _one_off(sentence, year):
    """请各单位在1月15日前将本单位领导接待日安排方案以文件形式报县信访局: a report due once, when
    the clause that asks for it names a day and no cadence."""
    clause = next(
        (c for c in re.split("[，,]", sentence) if re.search(rf"报(?=[{CJK}])|上报|报送", c)), ""
    )
    day = re.search(r"(\d{1,2})月(\d{1,2})日前", clause)
    if not day or re.search(r"每天|每日|每周|次月|每月", clause):
        return None
    duty = {"cadence": "once", "deadline": f"{day.group(1)}月{day.group(2)}日前"}
    what = re.search(rf"将([{CJK}、]{{2,24}}?)(?:以|报|上报|报送)", clause)
    duty["name"] = what.group(1) if what else "报送材料"
    due = _date_in(year, day.group(1), day.group(2)) if year else None
    if due:
        duty["start_date"] = duty["end_date"] = due
    return duty


# what an event-triggered report is about: 重大情况, 突发事件, 群体性事件, 苗头性问题 …
_EVENT = re.compile(r"重大|突发|紧急|群体性|苗头|异常|事件|情况|发生|一旦|失控")
# what a report goes to ends so: 信访局, 党委, 办公室, 领导小组, 接待院长 …
_BODY = r"(?:办公室|院长|领导|政府|中心|局|委|办|院|组|室|部|庭|所|队|科|处|厅)"
_DUTY_VERB = re.compile(rf"报告|上报|报送|报(?=[{CJK}])|告知|呈送|通报|传真")


# 月报表, 周报 (not 周报告 in 日排查、周报告、月分析, a way of working rather than a report due)
_CADENCE_WORD = re.compile(r"每天|每日|每周|次月|每月|每个月|月底前|月报(?!告)|周报(?!告)")


def _duty_sentences(text):
    """The sentences that may state a duty, a sentence of two split where the second starts
    its own cadence (村居每月向镇平安办报送专项推进情况，各村居每半个月…前，将…报镇平安办)."""
    for sentence in re.split(r"[。；\n]", text):
        current = ""
        for clause in re.split(r"(?<=[，,])", sentence):
            if (
                current
                and "汇总" not in clause  # 汇总后于每日…告知信访局: the same report passed on
                and _CADENCE_WORD.search(clause)
                and _CADENCE_WORD.search(current)
                and _DUTY_VERB.search(current)
            ):
                yield current.rstrip("，,")
                current = ""
            current += clause
        yield current


def _duties(result, text, year):
    names = {d["name"] for d in result.reporting_duties}
    for sentence in _duty_sentences(text):
        if not _DUTY_VERB.search(sentence):
            continue
        once = _one_off(sentence, year)
        event = _EVENT.search(sentence) and (
            _WITHIN_HOURS.search(sentence) or re.search(r"随时(?:报送|报告|上报)", sentence)
        )
        if once is None and not _CADENCE_WORD.search(sentence) and not event:
            continue
        duty = once or _duty_cadence(sentence)
        sent_by = _SENT_BY.search(sentence)
        if sent_by:
            duty["sent_by"] = sent_by.group(1)
        recipients = re.search(
            rf"(?:向|上报|报送|报)([{CJK}、和，]{{1,60}}?)(?:报告|$|[，。]|\d)", sentence
        )
        if recipients:
            named = [r for r in re.split(r"[、和，]", recipients.group(1)) if r]
            # bodies and people (县信访局, 街道信访), not what 上报日 or 报本周的 leaves
            duty["recipients"] = [r for r in named if len(r) > 1 and r[0] not in "本当每日"] or None
        if not duty.get("recipients"):  # 电话告知县信访局…; 书面传真至市信访局
            to = re.search(rf"(?:告知|传真至|报送至|报至|呈送)([{CJK}]{{1,12}}?{_BODY})", sentence)
            duty["recipients"] = [to.group(1)] if to else None
        if "name" not in duty:
            _duty_name(duty, sentence, year)
        if result.period_end and duty.get("cadence") != "once":
            duty.setdefault("start_date", result.period_start)
            duty.setdefault("end_date", result.period_end)
        duty = {k: v for k, v in duty.items() if v is not None}
        if duty["name"] not in names:
            names.add(duty["name"])
            result.reporting_duties.append(duty)


_RATE = re.compile(
    r"((?:按时|一次性|群众)?(?:化解率|息访率|报结率|办结率|满意率|受理率|答复率|到位率))"
    r"(?:要|须|必须)?(?:达到|不低于|保持在|在|为)?\s*(\d{1,3}(?:\.\d)?)\s*[%％]"
)


def _targets(result, text):
    """化解率达到95%; 按时报结率100%; 息访率95%以上: each rate once, the 化解率 measured by the
    panel's own figure."""
    seen = set()
    for m in _RATE.finditer(text):
        name = m.group(1)
        if name in seen:
            continue
        seen.add(name)
        target = {"name": name, "comparator": ">=", "value": f"{m.group(2)}%"}
        if name == "化解率":
            target = {"name": name, "metric": "resolution_rate", **target}
            target = {k: target[k] for k in ("name", "metric", "comparator", "value")}
        result.targets.append(target)
    _slogans(result, text, seen)


# 三个零, 四个坚决不发生, 一下降、三减少: a numbered slogan stands for a set of targets
_SLOGAN = re.compile(
    r"[一二三四五六七八九十两]个零(?:指标|目标)?"
    r"|[一二三四五六七八九十两]个(?:坚决)?(?:不发生|杜绝)"
    r"|[一二三四五六七八九十]下降[、，,]?[一二三四五六七八九十]减少"
)
# a quoted one (“三个确保”, “四个集中解决一批”) counts where its sentence calls it a 目标 or
# 指标, or where its items follow in brackets, as many as it says
_QUOTED = re.compile(
    r"“([^“”\s，。；]{2,12})”(?:[（(]([^（）()]{2,300})[）)]|(?:目标|指标)?[，,]?即([^。；]{2,300}))?"
)
_NUMERALS = "一二三四五六七八九十"
# any quoted phrase the sentence names as the goal
_GOAL = re.compile(r"“([^“”。；]{2,20})”(?:的|为)(?:工作)?(?:目标|总目标)")


def _slogans(result, text, seen):
    """Each slogan target once: its items when they follow in brackets (“一下降、三减少”（信访
    总量继续下降，集体上访明显减少…）), each with the slogan as its group, else the slogan
    with the sentence that states it as its description (printed as the plan said it)."""
    for sentence in re.split(r"[。；\n]", text):
        found = {}  # slogan as written → its items in brackets ("" when none)
        for m in _QUOTED.finditer(sentence):
            slogan, items = m.group(1), m.group(2) or m.group(3) or ""
            if _SLOGAN.fullmatch(slogan) or (
                re.match(rf"[{_NUMERALS}两]个", slogan) and re.search(r"目标|指标|任务", sentence)
            ):
                found[slogan] = items
        for m in _SLOGAN.finditer(sentence):
            found.setdefault(m.group(0), "")
        # 以“降量退位，争先创优”为目标; 实现“一控制、两下降”的目标
        for m in _GOAL.finditer(sentence):
            found.setdefault(m.group(1), "")
        for slogan, items in found.items():
            key = re.sub(r"[、，,\s]|(?:指标|目标|要求)$", "", slogan)
            if key in seen:
                continue
            seen.add(key)
            parts = _items(items)
            if parts and len(parts) == _said_count(slogan):
                result.targets += [_item_target(slogan, part) for part in parts]
                continue
            target = {"name": key, "comparator": _comparator(key, key)}
            if key.endswith("零"):
                target["value"] = "0"
            target["description"] = sentence.strip(" ，,")[:TARGET_TEXT]
            result.targets.append(target)


def _items(text):
    text = re.sub(r"^(?:确保实现|确保|即|实现|做到|力争)", "", text.strip())
    return [p for p in (x.strip() for x in re.split(r"[，,、；;]", text)) if p]


def _said_count(slogan):
    """三个零 → 3; 一下降、三减少 → 4; 四个坚决不发生 → 4."""
    said = re.findall(rf"[{_NUMERALS}](?=个|下降|减少)", slogan)
    return sum(_NUMERALS.index(n) + 1 for n in said)


def _comparator(slogan, item):
    if "不发生" in item or "杜绝" in slogan:
        return "不发生"
    if "下降" in item:
        return "下降"
    if "减少" in item:
        return "减少"
    return "=" if "零" in slogan else ">="


def _item_target(slogan, item):
    name = re.sub(r"(?:均|都)?(?:实现|为|达到)?零(?:指标|目标)?$", "", item) or item
    if "零" in slogan and name.startswith("零") and len(name) > 2:  # 零越级访: 越级访 = 0
        name = name[1:]
    target = {"name": name[:TARGET_TEXT], "group": slogan, "comparator": _comparator(slogan, item)}
    if target["comparator"] == "=":
        target["value"] = "0"
    return target
