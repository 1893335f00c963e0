"""Targets read from the body: rates with their figure (化解率达到95%) and slogans (三个零,
一下降、三减少, 四个坚决不发生, 以“…”为目标), a slogan's items in brackets each a target of its
group."""

import re

from ..fields import TEXT as TARGET_TEXT

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
