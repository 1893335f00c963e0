"""Reporting duties read from the body: what is reported, how often or after what, by when,
how and to whom (每日下午16时前电话告知; 次月4日前; 每周五前; 重大情况1小时内书面传真; 1月15日前
一次报送)."""

import re

from .common import CJK, WEEKDAY_NAMES
from .parts import _count, _date_in

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
    told = re.match(r"^.*(?:告知|上报|报送|呈送|通报|报告)(.+)$", name)
    if told:  # whom it goes to stands right after the verb
        name = re.sub(rf"^[{CJK}]{{1,10}}?{_BODY}(?=[{CJK}]{{2,}}情况$)", "", told.group(1))
    name = re.sub(r"^(?:如遇|如有|遇有|凡有|发生|出现|当日|当天|本日|本周|本月)", "", name) or name
    name = re.sub(r"^.*?(?:小时|日|天)(?:之|以)?内将?|^将", "", name) or name  # 1小时内将…情况
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
        recipients = re.search(  # 向 of 去向, 方向, 动向 … is no recipient
            rf"(?:(?<![去方导意走动倾])向|上报|报送|报)([{CJK}、和，]{{1,60}}?)(?:报告|$|[，。]|\d)",
            sentence,
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
