"""What a report says, drafted from the figures of its period: the unit's figures for the
period and the one before (by the unit's own deadline rules), the tables set against them (the
figures, the breakdowns, the receptions, the overdue cards), the body text, and the tables as a
reader limited to some cards and leaders sees them. ``reports.py`` drafts a report from these;
``report_targets.py`` sets the same figures against the plan's targets.
"""

import re

from . import figures, metrics
from .choices import CASE_TYPES, OUTCOMES, SOURCES, STATUSES
from .deadlines import Rules
from .schedule import ReceptionSession


def _rules(unit):
    return Rules.for_unit(unit)


def unit_figures(unit, start, end, as_of=None):
    """(this period, the period before) for a unit, by its own deadline rules."""
    rules = _rules(unit)
    kwargs = {"handle_days": rules["handle"].days}
    current = figures.period_figures([unit], start, end, as_of=as_of, **kwargs)
    previous = figures.period_figures([unit], *figures.previous_period(start, end), **kwargs)
    return current, previous


MAIN_FIGURES = (
    "total_cases",
    "first_cases",
    "repeat_cases",
    "level_skipping_cases",
    "group_cases",
    "beijing_cases",
    "abnormal_cases",
    "accepted_cases",
    "resolved_cases",
    "stabilized_cases",
    "refused_cases",
    "resolution_rate",
    "closed_cases",
    "overdue_cases",
    "backlog_cases",
    "receptions_held",
    "petitioners_received",
)


def _change(key, now, before):
    if now is None or before is None:
        return "—"
    difference = round(now - before, 1)
    sign = "+" if difference > 0 else ""
    return f"{sign}{difference:g}" + ("个百分点" if key in metrics.PERCENT else "")


def report_tables(unit, current, previous, period) -> list[dict]:
    """The tables of a report: figures against the previous period, the breakdowns, the
    receptions of the period, the overdue cards."""
    tables = [
        {
            "title": "信访情况统计表",
            "headers": ["项目", "本期", "上期", "增减"],
            "widths": [40, 20, 20, 20],
            "rows": [
                [
                    metrics.label(k),
                    metrics.shown(k, current[k]),
                    metrics.shown(k, previous[k]),
                    _change(k, current[k], previous[k]),
                ]
                for k in MAIN_FIGURES
            ],
        }
    ]
    orders = {"source": SOURCES, "case_type": CASE_TYPES, "outcome": OUTCOMES, "status": STATUSES}
    rows = [
        [title, name, str(n)]
        for column, title in metrics.BREAKDOWNS
        for name, n in _by_count(current.breakdowns[column], orders.get(column, ()))
    ]
    tables.append(
        {"title": "信访事项分类统计表", "headers": ["分类", "项目", "件数"], "rows": rows}
    )
    sessions = ReceptionSession.objects(
        unit=unit, date__gte=period.start, date__lte=period.end, status__ne="cancelled"
    )
    tables.append(
        {
            "title": "领导接访情况表",
            "headers": ["日期", "接访领导", "地点", "情况", "接待人次"],
            "rows": [
                [
                    f"{s.date:%Y-%m-%d}",
                    s.leader,
                    s.place or "",
                    "已接访" if s.status == "held" else "未接访",
                    "" if s.petitioners is None else str(s.petitioners),
                ]
                for s in sessions
            ],
            "about": [{"leader": s.leader} for s in sessions],
        }
    )
    total, cards = figures.open_cards([unit], current.as_of, "overdue", limit=200)
    tables.append(
        {
            "title": f"超期未办信访事项（截至{current.as_of:%Y年%-m月%-d日}，共{total}件）",
            "headers": ["编号", "信访人", "案由", "期限", "应办日期"],
            "rows": [
                [
                    c.number or "",
                    c.petitioner,
                    c.subject,
                    c.next_deadline_label or "",
                    f"{c.next_deadline:%Y-%m-%d}",
                ]
                for c in cards
            ],
            "about": [{"card": str(c.pk), "number": c.number or ""} for c in cards],
        }
    )
    return tables


def narrowed_tables(tables, card_ids, leaders) -> list[dict]:
    """The tables as a reader limited to some cards and leaders sees them: the rows about other
    cards and other leaders' receptions left out (a report drafted before rows carried what
    they are about keeps the cards whose number the reader may see). ``card_ids`` holds the
    ids and numbers of the cards the reader may see."""
    shown = []
    for table in tables:
        about = table.get("about")
        if about is None and str(table.get("title", "")).startswith("超期未办"):
            about = [{"number": row[0]} for row in table.get("rows", [])]
        if about is None:
            shown.append(table)
            continue
        keep = [
            row
            for row, what in zip(table.get("rows", []), about, strict=False)
            if _visible(what, card_ids, leaders)
        ]
        title = re.sub(r"共\d+件", f"共{len(keep)}件", str(table.get("title", "")), count=1)
        shown.append({**table, "title": title, "rows": keep, "about": None})
    return shown


def _visible(what, card_ids, leaders):
    if "leader" in what:
        return what["leader"] in leaders
    return bool(what.get("card") in card_ids or (what.get("number") and what["number"] in card_ids))


def _by_count(counter, order=()):
    """Most first; ties in the order of the choices, then by name."""
    rank = {name: n for n, name in enumerate(order)}
    return sorted(counter.items(), key=lambda i: (-i[1], rank.get(i[0], len(rank)), i[0]))


def summary_text(period, current, previous) -> str:
    """The report's body drafted from the figures; the office edits it before submitting."""
    c, p = current, previous
    sources = "、".join(f"{name}{n}件" for name, n in _by_count(c.breakdowns["source"], SOURCES))
    lines = []
    first = f"{period.label}，共登记信访事项{c['total_cases']}件"
    if sources:
        first += f"（{sources}）"
    trend = c["total_cases"] - p["total_cases"]
    if p["total_cases"] or c["total_cases"]:
        word = "增加" if trend > 0 else "减少" if trend < 0 else "持平"
        first += f"，较上期{word}" + (f"{abs(trend)}件" if trend else "")
    lines.append(first + "。")
    lines.append(
        f"其中重复访{c['repeat_cases']}件，越级访{c['level_skipping_cases']}件，"
        f"集体访{c['group_cases']}件，赴京访{c['beijing_cases']}件，"
        f"非正常访{c['abnormal_cases']}件。"
    )
    rate = metrics.shown("resolution_rate", c["resolution_rate"])
    lines.append(
        f"受理{c['accepted_cases']}件，已化解（含息访罢访）{c['resolved_cases']}件，"
        f"化解率{rate}；稳控{c['stabilized_cases']}件；"
        f"不予受理并引导通过法定途径解决{c['refused_cases']}件。"
    )
    lines.append(
        f"领导接访{c['receptions_held']}次，接待群众{c['petitioners_received']}人次。"
        f"截至{c.as_of:%-m月%-d日}，超期未办{c['overdue_cases']}件，积案{c['backlog_cases']}件。"
    )
    return "\n".join(lines)
