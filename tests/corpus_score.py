"""Scoring the importer against the real-document corpus (tests/corpus/*.json, issue 15).

Each corpus file holds a public plan, notice or 制度 of a unit other than the five source units,
its source address, and the structure a careful reader expects (written before the importer was
run on it). A feature read as expected is *right*, read differently (or read where nothing was
expected) is *wrong*, expected but not read is *missed*. Precision = right / (right + wrong),
recall = right / (right + missed). Used by tests/test_import_corpus.py and bench/importer.py.
"""

import datetime
import json
import re
from collections import Counter
from pathlib import Path

from documents.importer import import_text
from documents.textclean import clean

CORPUS = Path(__file__).resolve().parent / "corpus"
HEADER = ("title", "doc_number", "issuer_marks", "main_recipients", "signatories", "date_written")
RULE_DETAILS = ("hours", "place", "holiday_rule", "start_date")
FEATURES = (*HEADER, "rules", *(f"rule {d}" for d in RULE_DETAILS), "group", "limits")
FEATURES += ("duties", "targets", "phases", "imprint")
IMPRINT_LISTS = ("subject_terms", "report_to", "copy_to", "distribute_to")


def documents():
    for path in sorted(CORPUS.glob("*.json")):
        yield path.stem, json.loads(path.read_text(encoding="utf-8"))


def _norm(value):
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return clean(value).replace(" ", "")
    return value


def _month_day(value):
    return value.strftime("%m-%d") if isinstance(value, datetime.date) else value


def rule_key(rule):
    """What makes two rules the same schedule: the kind and its calendar fields."""
    kind = rule.get("kind")
    if kind == "weekly":
        days = rule.get("weekdays") or [rule.get("weekday")]
        return kind, tuple(sorted(days))
    if kind == "monthly_nth_weekday":
        nths = rule.get("nths") or [rule.get("nth")]
        days = rule.get("weekdays") or [rule.get("weekday")]
        return kind, tuple(sorted(nths)), tuple(sorted(days))
    if kind == "monthly_day":
        days = rule.get("days") or rule.get("days_of_month") or [rule.get("day_of_month")]
        return kind, tuple(sorted(days))
    if kind == "lunar_days":
        return kind, tuple(sorted(rule.get("lunar_days") or []))
    if kind == "dates":
        return kind, tuple(sorted(_month_day(d) for d in rule.get("dates") or []))
    if kind == "days_per_leader":
        return kind, rule.get("days_per_month")
    if kind == "phase":
        return kind, rule.get("days_per_week")
    return (kind,)


class Score:
    def __init__(self):
        self.counts = {f: Counter() for f in FEATURES}
        self.problems = []  # (document, feature, expected, read)

    def add(self, name, feature, outcome, expected=None, read=None):
        self.counts[feature][outcome] += 1
        if outcome != "right":
            self.problems.append((name, feature, outcome, expected, read))

    def bag(self, name, feature, expected, read):
        expected, read = Counter(expected), Counter(read)
        for n in (expected & read).values():
            for _ in range(n):
                self.add(name, feature, "right")
        for item, n in (expected - read).items():
            for _ in range(n):
                self.add(name, feature, "missed", item)
        for item, n in (read - expected).items():
            for _ in range(n):
                self.add(name, feature, "wrong", None, item)

    def totals(self):
        total = Counter()
        for counts in self.counts.values():
            total += counts
        return total

    @staticmethod
    def ratios(counts):
        right, wrong, missed = counts["right"], counts["wrong"], counts["missed"]
        precision = right / (right + wrong) if right + wrong else 1.0
        recall = right / (right + missed) if right + missed else 1.0
        return precision, recall


def _header(score, name, expect, result):
    for field in HEADER:
        expected = _norm(expect.get(field, [] if field in ("issuer_marks", "signatories") else ""))
        read = _norm(getattr(result, field) or ([] if isinstance(expected, list) else ""))
        if not expected and not read:
            continue
        if expected == read:
            score.add(name, field, "right")
        elif not read:
            score.add(name, field, "missed", expected)
        else:
            score.add(name, field, "wrong", expected, read)


def _rules(score, name, expect, result):
    read = {}
    for rule in result.receptions:
        read.setdefault(rule_key(rule), rule)
    expected = {rule_key(rule): rule for rule in expect.get("rules", [])}
    for key, rule in expected.items():
        got = read.get(key)
        if got is None:
            score.add(name, "rules", "missed", key)
            continue
        score.add(name, "rules", "right")
        for detail in RULE_DETAILS:
            if detail not in rule:
                continue
            value = _norm(got.get(detail) or "")
            if value == _norm(rule[detail]):
                score.add(name, f"rule {detail}", "right")
            elif not value:
                score.add(name, f"rule {detail}", "missed", rule[detail])
            else:
                score.add(name, f"rule {detail}", "wrong", rule[detail], value)
    for key in read.keys() - expected.keys():
        score.add(name, "rules", "wrong", None, key)


def _member(role, name, title):
    return role, name, title


def _group(score, name, expect, result):
    expected = [(role, _norm(who)) for role, who in expect.get("group", [])]
    members = result.group.get("members", []) if result.group else []
    read = []
    for role, person, title in members:
        person, title = _norm(person or ""), _norm(title or "")
        match = next(
            (w for r, w in expected if r == role and w in (person, title, title + person)), None
        )
        read.append((role, match or title + person))
    score.bag(name, "group", expected, read)


def score_document(score, name, data):
    expect = data["expect"]
    result = import_text(data["text"])
    _header(score, name, expect, result)
    _rules(score, name, expect, result)
    _group(score, name, expect, result)
    limits = [p.get("time_limit_days") for p in result.procedure if p.get("time_limit_days")]
    score.bag(name, "limits", expect.get("limits", []), limits)
    cadences = [d.get("cadence") for d in result.reporting_duties]
    score.bag(name, "duties", expect.get("duties", []), cadences)
    # a slogan's items count once, by the slogan (三个零; 一下降、三减少 as 一下降三减少)
    targets = list(dict.fromkeys(_target_key(t.get("group") or t["name"]) for t in result.targets))
    score.bag(name, "targets", [_target_key(t) for t in expect.get("targets", [])], targets)
    score.bag(name, "imprint", _imprint(expect.get("imprint", {})), _imprint_read(result))
    phases = [
        (_month_day(p["start_date"]), _month_day(p["end_date"]))
        for p in result.phases
        if p.get("start_date") and p.get("end_date")
    ]
    score.bag(name, "phases", [(s, e) for _, s, e in expect.get("phases", [])], phases)
    return result


def _target_key(name):
    return re.sub(r"[、，,“”\"]|(?:指标|目标|要求)$", "", _norm(name))


def _imprint(expected):
    """The 版记 as (part, value) pairs: one per body listed, the 印发机关 and 印发日期."""
    pairs = [(key, _norm(v)) for key in IMPRINT_LISTS for v in expected.get(key, [])]
    for key in ("printed_by", "printed_date"):
        if expected.get(key):
            pairs.append((key, _norm(expected[key])))
    return pairs


def _imprint_read(result):
    return _imprint(
        {
            **{key: getattr(result, key) or [] for key in IMPRINT_LISTS},
            "printed_by": result.printed_by,
            "printed_date": result.printed_date,
        }
    )


def score_corpus():
    score = Score()
    for name, data in documents():
        score_document(score, name, data)
    return score
