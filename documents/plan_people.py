"""The leaders a plan's reception rules name, linked to the unit's people (``Person``).

A rule names its leaders as the plan prints them (张某某, or a title: 院长, 分管副县长). When the
plan is saved, each name is looked up among the unit's people, by name and else by title when
one person alone holds it, and the rule keeps the people found (``people``; a table's day its
``person``). A person renamed, or given another title, is then renamed in the rules that name
them, as in the leadership groups (``group``); the names no person answers to are what
``unlinked`` gives, for the panel to say.
"""

from mongoengine import signals as mongoengine_signals

from .plan import Plan
from .unit import Person


def _directory(unit):
    people = list(Person.objects(unit=unit)) if unit is not None else []
    by_name = {p.name: p for p in people if p.name}
    titles = {}
    for person in people:
        if person.title:
            titles.setdefault(person.title, []).append(person)
    by_title = {title: found[0] for title, found in titles.items() if len(found) == 1}
    return by_name, by_title


def _find(directory, name):
    by_name, by_title = directory
    return by_name.get(name) or by_title.get(name)


def link(plan) -> list[str]:
    """Link every rule's leaders to the unit's people; the names no one answers to."""
    directory = _directory(plan.unit)
    unlinked = []
    for rule in plan.receptions:
        found = [_find(directory, name) for name in rule.leaders]
        rule.people = list({p.pk: p for p in found if p is not None}.values())
        unlinked += [n for n, p in zip(rule.leaders, found, strict=True) if p is None]
        for day in rule.table_days:
            day.person = _find(directory, day.leader) if day.leader else None
            if day.leader and day.person is None:
                unlinked.append(day.leader)
    return list(dict.fromkeys(unlinked))


def unlinked(plan) -> list[str]:
    """The leaders of the plan's rules that are none of the unit's people: the links made anew
    (as the save made them), so the answer is the one ``link`` gave."""
    return link(plan)


def _plan_saving(sender, document, **kwargs):
    if document.unit is not None:
        link(document)


def _person_changing(sender, document, **kwargs):
    """Before a person is saved: their name and title as stored, to rename the rules after."""
    if document.pk is not None:
        document._before = Person._get_collection().find_one(
            {"_id": document.pk}, {"name": 1, "title": 1}
        )


def _person_saved(sender, document, **kwargs):
    before = getattr(document, "_before", None) or {}
    document._before = None
    renames = {
        old: new
        for old, new in ((before.get("name"), document.name), (before.get("title"), document.title))
        if old and new and old != new
    }
    if not renames:
        return
    for plan in Plan.objects(unit=document.unit):
        changed = False
        for rule in plan.receptions:
            if any(p.pk == document.pk for p in rule.people if hasattr(p, "pk")):
                leaders = [renames.get(n, n) for n in rule.leaders]
                changed |= leaders != list(rule.leaders)
                rule.leaders = leaders
            for day in rule.table_days:
                if day.person is not None and getattr(day.person, "pk", None) == document.pk:
                    if day.leader in renames:
                        day.leader, changed = renames[day.leader], True
        if changed:
            plan.save()


mongoengine_signals.pre_save.connect(_plan_saving, sender=Plan, weak=False)
mongoengine_signals.pre_save.connect(_person_changing, sender=Person, weak=False)
mongoengine_signals.post_save.connect(_person_saved, sender=Person, weak=False)
