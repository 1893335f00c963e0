"""Reception statements turned into rules of the schedule (``ReceptionArrangement``)."""

import re

from . import rules
from .common import CJK, around


def _clause(text, at):
    """The clause (between ，。； and the like) around position ``at``."""
    start, end = around(text, at, starts="，。；\n：", ends="，。；\n")
    return text[start:end]


def _paragraph(text, at):
    """The line around position ``at``."""
    end = text.find("\n", at)
    return text[text.rfind("\n", 0, at) + 1 : len(text) if end < 0 else end]


_KEY = ("kind", "weekday", "weekdays", "nth", "nths", "day_of_month", "days_of_month")
_KEY += ("lunar_days",)


class _Found:
    """The rules read so far; one rule per kind and days. A rule said again elsewhere (一、每周一为
    镇领导接访日，遇节假日取消。二、每周一安排两名镇领导在镇政府大楼信访室接待) keeps every place it
    was said, for the details read around it."""

    def __init__(self, text):
        self.text, self.rules, self.keys, self.positions = text, [], {}, []

    def add(self, rule, at):
        key = tuple(tuple(v) if isinstance(v := rule.get(k), list) else v for k in _KEY)
        if key in self.keys:
            self.positions[self.keys[key]].append(at)
            return
        self.keys[key] = len(self.rules)
        self.positions.append([at])
        rule.setdefault("description", _clause(self.text, at).strip("，, "))
        self.rules.append(rule)


def _run_before(text, at, chars, limit):
    """The run of ``chars`` (a character class) that ends at ``at``, at most ``limit`` long.

    Found by looking back from a literal the engine can jump to, rather than by a pattern that
    starts with the class (which tries every position of a long run of Chinese text)."""
    match = re.search(f"{chars}{{1,{limit}}}$", text[max(0, at - limit) : at])
    return match.group(0) if match else ""


_COUNT = r"(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})"
_QUOTA = re.compile(
    rf"(?P<period>每月|全年|每年)(?:至少|不少于)?(?:有|安排)?\s*{_COUNT}\s*(?:天|次|日)"
    r"(?:时间)?(?:以上)?(?:亲自)?(?:接待|接访)"
)
_YEAR_QUOTA = re.compile(rf"(?P<period>全年|每年)(?:接访|接待)(?:不少于|至少){_COUNT}\s*(?:天|次)")


def _quota_leaders(text, at):
    """Who the quota is for, when the sentence opens with them: 县市区委书记、县市区长作为…"""
    start, _ = around(text, at)
    who = _QUOTA_WHO.match(text, start, at + 2)
    if not who or not re.search(r"(?:书记|长|领导|成员|干部|主任|法官)$", who.group(1)):
        return []
    return [x for x in who.group(1).split("、") if x]


_QUOTA_WHO = re.compile(
    rf"\s*(?:每位|每名|各)?([{CJK}、]{{2,30}}?)(?=作为|要|须|必须|应|每月|全年|每年)"
)


def _quota_rules(result, found, text):
    """书记、营长每月各接访3天; 书记该月每周至少安排三天."""
    for m in re.finditer(r"每月各?接访(\d+)天", text):
        if not _run_before(text, m.start(), f"[{CJK}、]", 40):
            continue
        clause = _clause(text, m.start())
        who = re.match(rf"([{CJK}、]{{1,40}}?)每月", clause)
        leaders = [x for x in (who.group(1) if who else "").split("、") if x]
        rule = {"kind": "days_per_leader", "days_per_month": int(m.group(1))}
        found.add({**rule, "leaders": leaders}, m.start())
    # 每月至少有1天亲自接待上访群众; 每位县领导全年接访不少于1次 (a quota per year)
    for m in (*_QUOTA.finditer(text), *_YEAR_QUOTA.finditer(text)):
        monthly, count = m.group("period") == "每月", rules._number(m.group("n"))
        if not 0 < count <= (31 if monthly else 250):
            continue
        rule = {"kind": "days_per_leader"}
        if monthly:
            rule["days_per_month"] = count
        else:
            rule["quota_period"], rule["days_per_year"] = "year", count
        found.add({**rule, "leaders": _quota_leaders(text, m.start())}, m.start())
    for m in re.finditer(r"每周至少(?:安排)?([一二三四五六七\d])天", text):
        clause = _clause(text, m.start())
        who = re.match(rf"([{CJK}]{{1,30}}?)(?:该月|本月|每周)", clause)
        rule = {"kind": "phase", "days_per_week": rules._number(m.group(1))}
        rule["leaders"] = [who.group(1)] if who else []
        before = text[max(0, m.start() - 60) : m.start()]
        phase = next((p for p in result.phases if p["name"] in before), None)
        if phase:
            rule["start_date"], rule["end_date"] = phase["start_date"], phase["end_date"]
        found.add(rule, m.start())


def _leader_rules(found, text):
    """由院长亲自接访; 街道领导坚持每周接待; 部门领导随时接访."""
    for m in re.finditer(rf"由(?:[{CJK}]{{1,20}}的)?([{CJK}]{{2,8}}?)亲自接访", text):
        found.add({"kind": "any_time", "leaders": [m.group(1)]}, m.start())
    for m in re.finditer("坚持每周接待", text):
        who = _run_before(text, m.start(), f"[{CJK}]", 30)
        if who:
            at = m.start() - len(who)
            found.add({"kind": "phase", "days_per_week": 1, "leaders": [who]}, at)
    for m in re.finditer("随时接[访待]", text):
        who = _run_before(text, m.start(), f"[{CJK}]", 30)
        who = re.sub("(?:要)?(?:坚持)?$", "", who) if len(who) > 1 else who
        if who:
            at = m.start() - len(who)
            found.add({"kind": "any_time", "leaders": [who.removesuffix("坚持")]}, at)


_DATED_KINDS = ("days_per_leader", "weekly", "monthly_nth_weekday", "monthly_day")
_DATED_KINDS += ("working_days", "lunar_days")


def _rule_leaders(rule, paragraph):
    """每周五为院长接待日; 局领导班子成员轮流; 由分管副局长接访."""
    who = (
        re.search(rf"为(?:我[{CJK}]的)?([{CJK}]{{1,8}}?)(?:接待日|接访日)", rule["description"])
        or re.search(rf"([{CJK}]{{2,12}}?)轮流", paragraph)
        or re.search(rf"由([{CJK}、]{{2,20}}?)(?:亲自)?接(?:访|待)", paragraph)
    )
    if who:
        rule["leaders"] = [re.sub(r"^.*[，。；]", "", who.group(1))]


def _complete(result, rule, paragraphs, document):
    """Leaders, hours, place, holiday handling, people taking part and dates said where the rule
    is said, or once for the whole document (under a label, or the only one it names)."""
    own = "\n".join(paragraphs)
    if not rule.get("leaders"):
        _rule_leaders(rule, paragraphs[0])
    holiday = rules.holiday_rule_in(own)
    if holiday:
        rule["holiday_rule"] = holiday
    elif rule["kind"] == "dates":
        rule["holiday_rule"] = "keep"  # days named one by one were chosen: nothing said moves them
    hours = next((h for h in map(rules.hours_in, paragraphs) if h), "") or document["hours"]
    if hours:
        rule["hours"] = hours
    place = next((p for p in map(rules.place_in, paragraphs) if p), "") or document["place"]
    if place:
        rule.setdefault("place", place.strip("。 "))
    accompany = re.search(rf"([{CJK}]{{1,30}}?)共同参与", own) or document["accompany"]
    if accompany:
        rule.setdefault("accompany", accompany.group(1).split("、")[-1].strip("。 "))
    if rule["kind"] not in _DATED_KINDS:
        return
    if result.period_start:
        rule.setdefault("start_date", result.period_start)
        rule.setdefault("end_date", result.period_end)
    elif document["start"]:
        rule.setdefault("start_date", document["start"])


def _text_tables(text):
    """Rows of a table pasted as text (cells between |), and of a Word document's tables."""
    tables, rows = [], []
    for line in [*text.split("\n"), "end"]:
        if line.count("|") >= 2:
            rows.append(line)
        elif rows and line.strip():  # the body's paragraphs are joined with blank lines
            tables.append(rows)
            rows = []
    return tables


def _receptions(result, text, year=None):
    found = _Found(text)
    rules.calendar_rules(found, text)
    if any(re.search(r"第[^个]{1,9}周", m.group(0)) for m in rules.NTH_WEEKS.finditer(text)):
        # 每月第一周星期三: the first Wednesday, or the Wednesday of the week holding the 1st
        result.warnings.append(
            "原文的“每月第几周星期几”有两种理解：已按“当月第几个星期几”读取；若指“含1日的那一周"
            "为第一周”，请在接访安排中把“周次的算法”改为后者。"
        )
    _quota_rules(result, found, text)
    _leader_rules(found, text)
    tables = _text_tables(text) + [
        a["text"].split("\n") for a in result.attachments if a.get("kind") == "table"
    ]
    rules.explicit_date_rules(found, text, year, tables)
    hours = rules.every_hours(text)
    document = {
        "place": rules.labelled_place(text.split("\n")),
        "hours": hours.pop() if len(hours) == 1 else "",
        "start": rules.start_date_in(text),
        "accompany": re.search(r"参与接访的(?:其他)?(?:成员|人员)[：:]([^。\n]+)", text),
    }
    for rule, positions in zip(found.rules, found.positions, strict=True):
        if rule["kind"] == "any_time":
            continue
        _complete(result, rule, [_paragraph(text, at) for at in positions], document)
    result.receptions = found.rules
