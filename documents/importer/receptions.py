"""Reception statements turned into rules of the schedule (``ReceptionArrangement``)."""

import re

from .common import CJK, CN_DIGITS, WEEKDAY_NAMES

_CLAUSE_REACH = 300  # a clause longer than this is not one statement: look no further


def _clause(text, at):
    """The clause (between ，。； and the like) around position ``at``; looks at most
    ``_CLAUSE_REACH`` characters either way, so reading many rules stays linear in the text."""
    low = max(0, at - _CLAUSE_REACH)
    high = min(len(text), at + _CLAUSE_REACH)
    start = max(max(text.rfind(p, low, at) for p in "，。；\n：") + 1, low)
    stops = [i for i in (text.find(p, at, high) for p in "，。；\n") if i >= 0]
    return text[start : min(stops) if stops else high]


def _paragraph(text, at):
    """The line around position ``at``."""
    end = text.find("\n", at)
    return text[text.rfind("\n", 0, at) + 1 : len(text) if end < 0 else end]


_KEY = ("kind", "weekday", "nth", "day_of_month")


class _Found:
    """The rules read so far; one rule per (kind, weekday, nth, day of month)."""

    def __init__(self, text):
        self.text, self.rules, self.keys, self.positions = text, [], set(), []

    def add(self, rule, at):
        key = tuple(rule.get(k) for k in _KEY)
        if key in self.keys:
            return
        self.keys.add(key)
        self.positions.append(at)
        rule.setdefault("description", _clause(self.text, at).strip("，, "))
        holiday = re.search(r"节假日(顺推|顺延|提前)|遇节假日(不安排|取消)", rule["description"])
        if holiday:
            rule["holiday_rule"] = "skip" if holiday.group(2) else "next_working_day"
        self.rules.append(rule)


def _number(text):
    return int(text) if text.isdigit() else CN_DIGITS[text]


def _calendar_rules(found, text):
    """每月第一个星期一; 每月15日; 每周五."""
    nth_weekday = r"每(?:个)?月的?第([一二三四1-4])个?(?:星期|周)([一二三四五六日天])"
    for m in re.finditer(nth_weekday, text):
        rule = {"kind": "monthly_nth_weekday", "nth": _number(m.group(1))}
        found.add({**rule, "weekday": WEEKDAY_NAMES[m.group(2)]}, m.start())
    for m in re.finditer(r"每月(\d{1,2})日(?!前)", text):
        found.add({"kind": "monthly_day", "day_of_month": int(m.group(1))}, m.start())
    for m in re.finditer(r"每(?:个)?(?:周|星期)([一二三四五六日天])(?!前)", text):
        found.add({"kind": "weekly", "weekday": WEEKDAY_NAMES[m.group(1)]}, m.start())


def _run_before(text, at, chars, limit):
    """The run of ``chars`` (a character class) that ends at ``at``, at most ``limit`` long.

    Found by looking back from a literal the engine can jump to, rather than by a pattern that
    starts with the class (which tries every position of a long run of Chinese text)."""
    match = re.search(f"{chars}{{1,{limit}}}$", text[max(0, at - limit) : at])
    return match.group(0) if match else ""


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
    for m in re.finditer(r"每周至少(?:安排)?([一二三四五六七\d])天", text):
        clause = _clause(text, m.start())
        who = re.match(rf"([{CJK}]{{1,30}}?)(?:该月|本月|每周)", clause)
        rule = {"kind": "phase", "days_per_week": _number(m.group(1))}
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


def _rule_leaders(rule, paragraph):
    """每周五为院长接待日; 局领导班子成员轮流; 由分管副局长接访."""
    who = (
        re.search(rf"为(?:我[{CJK}]的)?([{CJK}]{{1,8}}?)(?:接待日|接访日)", rule["description"])
        or re.search(rf"([{CJK}]{{2,12}}?)轮流", paragraph)
        or re.search(rf"由([{CJK}、]{{2,20}}?)(?:亲自)?接(?:访|待)", paragraph)
    )
    if who:
        rule["leaders"] = [re.sub(r"^.*[，。；]", "", who.group(1))]


def _complete(result, rule, paragraph, labelled):
    """Leaders, place, people taking part and dates said around the rule or under a label."""
    if not rule.get("leaders"):
        _rule_leaders(rule, paragraph)
    place = re.search(rf"在([{CJK}]{{1,30}}?(?:会议室|接待室|大厅|信访室))", paragraph)
    place = place or labelled["place"]
    if place:
        rule.setdefault("place", place.group(1).strip("。 "))
    accompany = re.search(rf"([{CJK}]{{1,30}}?)共同参与", paragraph) or labelled["accompany"]
    if accompany:
        rule.setdefault("accompany", accompany.group(1).split("、")[-1].strip("。 "))
    if result.period_start and rule["kind"] in _DATED_KINDS:
        rule.setdefault("start_date", result.period_start)
        rule.setdefault("end_date", result.period_end)


def _receptions(result, text):
    found = _Found(text)
    _calendar_rules(found, text)
    _quota_rules(result, found, text)
    _leader_rules(found, text)
    labelled = {
        "place": re.search(r"接访地点[：:]([^。\n]+)", text),
        "accompany": re.search(r"参与接访的(?:其他)?(?:成员|人员)[：:]([^。\n]+)", text),
    }
    for rule, at in zip(found.rules, found.positions, strict=True):
        if rule["kind"] == "any_time":
            continue
        # a place or the people taking part said in the rule's own paragraph, or under a label
        _complete(result, rule, _paragraph(text, at), labelled)
    result.receptions = found.rules
