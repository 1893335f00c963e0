"""Case cards (一案一卡): one card per petition, followed through the unit's procedure to its end,
with its deadlines, the petitions it repeats, and a history that loses nothing.

``CaseCard`` is here with its checks, its stored deadlines and its saving (optimistic locking);
its siblings hold the rest of the card, each importing no more than what it needs:
``case_repeats`` the petitions a card repeats (a mixin of ``CaseCard``), ``case_history`` the
history entries ``save`` records, and ``case_deadlines`` what keeps the stored deadlines in step
with the rules and the holiday calendar (it imports this module)."""

import datetime

from mongoengine import (
    CASCADE,
    DENY,
    NULLIFY,
    BooleanField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    ReferenceField,
    ValidationError,
)
from mongoengine.errors import SaveConditionError
from mongoengine.queryset import QuerySet

from . import audit, numbering, signals, store
from . import deadlines as deadline_rules
from .case_history import CaseCardHistory
from .case_repeats import CardRepeatsMixin, RepeatMatch
from .choices import CASE_MARKS, CASE_TYPES, OUTCOMES, SOURCES, STATUSES
from .deadlines import Rules, card_deadlines, next_office_deadline
from .fields import LONG, NAME, SHORT, TEXT, DateField, DictField, StringField
from .plan import Plan
from .unit import Person, Unit
from .validators import id_number_problem, phone_problem

CHANNELS = ("诉讼", "仲裁", "行政复议", "其他法定途径")
CLASSIFICATIONS = (
    ("department", "直接交办责任部门"),
    ("reception", "列入领导接访"),
    ("routed", "导入诉讼、仲裁、行政复议等法定途径（不予受理）"),
)
DEFAULT_CATEGORIES = (
    "征地拆迁",
    "劳动社保",
    "环境保护",
    "涉法涉诉",
    "城乡建设",
    "民政救助",
    "农村农业",
    "其他",
)
MAX_REPRESENTATIVES = 5  # 《信访工作条例》第二十条


class ConcurrentEdit(Exception):
    """Someone else saved the card since it was opened; nothing was saved."""

    nothing_written = True

    def __init__(self, card, seen_version):
        self.card, self.seen_version = card, seen_version
        super().__init__("这张卡片已被他人修改")


class Representative(EmbeddedDocument):
    """A representative a group of petitioners elected (at most five)."""

    name = StringField(required=True, max_length=NAME)
    id_number = StringField(max_length=18)
    phone = StringField(max_length=SHORT)

    def __str__(self):
        return self.name or ""

    def clean(self):
        problems = {}
        if self.id_number and (problem := id_number_problem(self.id_number)):
            problems["id_number"] = f"证件号码{problem}"
        if self.phone and (problem := phone_problem(self.phone)):
            problems["phone"] = f"电话{problem}"
        if problems:
            raise ValidationError("；".join(problems.values()), errors=problems)


class TimelineEntry(EmbeddedDocument):
    """One dated entry of 处理过程, by a named person."""

    date = DateField(required=True)
    actor = StringField(required=True, max_length=NAME)
    content = StringField(required=True, max_length=TEXT)

    def __str__(self):
        return f"{self.date} {self.actor}：{self.content}"


class CardQuerySet(QuerySet):
    """Cards written or deleted without ``CaseCard.save`` (``update``, ``delete`` on a query or a
    card) keep the list index in step too, under the same write lock."""

    def _ids(self):
        # only the embedded store's list index needs them (signals.cards_changed)
        return list(self.clone().scalar("id")) if store.card_index_path() is not None else []

    def update(self, *args, **kwargs):
        with store.write_lock(), signals.writing():
            ids = self._ids()
            result = super().update(*args, **kwargs)
            signals.cards_changed.send(self._document, ids=ids)
        return result

    def modify(self, *args, **kwargs):
        with store.write_lock(), signals.writing():
            ids = self._ids()
            result = super().modify(*args, **kwargs)
            signals.cards_changed.send(self._document, ids=ids)
        return result

    def delete(self, *args, **kwargs):
        with store.write_lock():
            ids = self._ids()
            with signals.writing(-len(ids)):
                result = super().delete(*args, **kwargs)
                signals.cards_changed.send(self._document, ids=ids)
        return result


class CaseCard(CardRepeatsMixin, Document):
    """One petition followed from registration to its end."""

    unit = ReferenceField(Unit, required=True, reverse_delete_rule=DENY)
    plan = ReferenceField(Plan, reverse_delete_rule=NULLIFY)
    number = StringField(max_length=SHORT)  # 编号
    registered_on = DateField(required=True, default=datetime.date.today)
    petitioner = StringField(required=True, max_length=NAME)  # 信访人 (a person or a group)
    group_size = IntField(min_value=1, max_value=100000)  # for a group visit
    representatives = EmbeddedDocumentListField(Representative)  # elected by a group
    id_number = StringField(max_length=18)
    phones = ListField(StringField(max_length=SHORT))
    address = StringField(max_length=TEXT)
    source = StringField(choices=SOURCES, default="来访")
    case_type = StringField(choices=CASE_TYPES, default="初访")
    marks = ListField(StringField(choices=CASE_MARKS))  # 越级访 and 赴京访 at once, …
    category = StringField(max_length=NAME)  # 征地拆迁, 劳动社保 … configurable per unit

    # 一案一卡: 案由, 包案责任人, 处理过程, 目前进展, 当事人动态, 处理措施
    subject = StringField(required=True, max_length=TEXT)  # 案由
    request = StringField(max_length=LONG)  # 请求
    facts = StringField(max_length=LONG)  # 事实和理由
    responsible_leader = ReferenceField(Person, reverse_delete_rule=NULLIFY)  # 包案责任人
    department = StringField(max_length=NAME)  # 责任部门
    timeline = EmbeddedDocumentListField(TimelineEntry)  # 处理过程
    progress = StringField(max_length=LONG)  # 目前进展
    petitioner_status = StringField(max_length=LONG)  # 当事人动态
    measures = StringField(max_length=LONG)  # 处理措施
    status = StringField(choices=STATUSES, default="登记")
    outcome = StringField(choices=OUTCOMES)
    closed_on = DateField()  # 办结日期: set when the status becomes 已办结
    channel = StringField(choices=CHANNELS)  # where a refused petitioner was told to go

    # the unit's procedure
    step = StringField(max_length=NAME)
    classification = StringField(choices=CLASSIFICATIONS)
    reception_leader = ReferenceField(Person, reverse_delete_rule=NULLIFY)
    reception_date = DateField()

    # the dates the deadlines run from, and the extension
    decided_on = DateField()  # 受理或不予受理告知日期
    replied_on = DateField()  # 书面答复日期
    extension_days = IntField(min_value=0, max_value=365)
    extension_reason = StringField(max_length=TEXT)
    extension_approver = StringField(max_length=NAME)
    review_requested_on = DateField()
    review_answered_on = DateField()
    rereview_requested_on = DateField()
    rereview_answered_on = DateField()
    leader_notified_on = DateField()
    petitioner_notified_on = DateField()

    # computed on save
    next_deadline = DateField()
    next_deadline_label = StringField(max_length=NAME)
    deadline_problem = StringField(max_length=TEXT)
    finalized = BooleanField(default=False)  # 复核 answered: the same facts are not accepted again
    related_cards = ListField(ReferenceField("self"))
    related_reasons = EmbeddedDocumentListField(RepeatMatch)  # why each was linked
    finality_warning = StringField(max_length=TEXT)

    version = IntField(default=0)  # optimistic locking: the version the editor saw
    archived = BooleanField(default=False)
    archived_at = DateTimeField()
    archived_by = StringField(max_length=NAME)

    extra = DictField()  # values of the unit's own fields (see custom_fields)
    fields_version = IntField()  # the version of those fields the record was written under

    meta = {
        "collection": "case_cards",
        "queryset_class": CardQuerySet,
        "ordering": ["-registered_on"],
        # what the lists filter and sort by, and what repeat detection looks up
        "indexes": [
            ("unit", "archived", "next_deadline"),
            ("unit", "archived", "-registered_on"),
            ("unit", "id_number"),
            ("unit", "petitioner"),
            "responsible_leader",
        ],
    }

    def __str__(self):
        return f"{self.number or ''} {self.petitioner}：{self.subject}".strip()

    # --- checks and what is computed on save ---

    def clean(self):
        problems = self._petitioner_problems()
        if self.classification == "routed":
            self.outcome = "不予受理"
        if self.outcome == "不予受理" and not self.channel:
            problems["channel"] = (
                "不予受理的，须写明引导信访人通过哪一法定途径解决（诉讼、仲裁、行政复议等）"
            )
        rules = Rules.for_unit(self.unit) if self.unit else None
        if self.extension_days:
            limit = rules["extension"].days if rules else 30
            if self.extension_days > limit:
                problems["extension_days"] = (
                    f"延期不得超过{limit}日（《信访工作条例》第三十四条），且只能延期一次"
                )
            if not (self.extension_reason and self.extension_approver):
                problems["extension_reason"] = "延期须写明理由和批准人"
        problems.update(self._date_order_problems())
        if self.status == "已办结":
            if self.closed_on is None:
                self.closed_on = deadline_rules.today()  # at call time: tests set the day
            elif self.registered_on and self.closed_on < self.registered_on:
                problems["closed_on"] = "办结日期不能早于登记日期"
        elif self.closed_on is not None:
            problems["closed_on"] = "尚未办结的卡片不能填写办结日期（请先把办理状态改为“已办结”）"
        if problems:
            raise ValidationError("；".join(problems.values()), errors=problems)
        if rules is not None:
            self._compute_deadlines(rules)
        self.finalized = self.rereview_answered_on is not None

    def _petitioner_problems(self):
        """Representatives, ID number and phones (the ID number is normalised)."""
        problems = {}
        if len(self.representatives) > MAX_REPRESENTATIVES:
            problems["representatives"] = (
                f"代表人数不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条：多人采用走访形式提出"
                f"共同的信访事项的，应当推选代表，代表人数不超过5人），现为{len(self.representatives)}人"
            )
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
            if problem := id_number_problem(self.id_number):
                problems["id_number"] = f"证件号码{problem}"
        for number, phone in enumerate(self.phones, start=1):
            if problem := phone_problem(phone):
                problems["phones"] = f"第{number}个电话{problem}"
        return problems

    _DATE_ORDER = (
        ("registered_on", "decided_on", "受理或不予受理告知日期不能早于登记日期"),
        ("decided_on", "replied_on", "答复日期不能早于受理日期"),
        ("replied_on", "review_requested_on", "复查申请日期不能早于答复日期"),
        ("review_requested_on", "review_answered_on", "复查答复日期不能早于复查申请日期"),
        ("review_answered_on", "rereview_requested_on", "复核申请日期不能早于复查答复日期"),
        ("rereview_requested_on", "rereview_answered_on", "复核答复日期不能早于复核申请日期"),
    )

    def _date_order_problems(self):
        problems = {}
        for earlier, later, message in self._DATE_ORDER:
            first, then = getattr(self, earlier), getattr(self, later)
            if first and then and then < first:
                problems[later] = message
        return problems

    def _compute_deadlines(self, rules):
        deadlines = card_deadlines(self, rules)
        upcoming = next_office_deadline(deadlines)
        self.next_deadline = upcoming.due if upcoming else None
        self.next_deadline_label = upcoming.label if upcoming else None
        problems = [d.problem for d in deadlines if d.problem]
        self.deadline_problem = problems[0] if problems else None

    @classmethod
    def stale_deadlines(cls, unit=None):
        """The cards not archived whose stored next deadline (its label, its problem) differs
        from what the rules and the holiday calendar in force give today: (card, new values)."""
        query = cls.objects(archived__ne=True).no_dereference()
        if unit is not None:
            query = query.filter(unit=unit)
        rules_by_unit = {}
        for card in query.no_cache():
            unit_ref = card._data.get("unit")
            unit_id = getattr(unit_ref, "id", unit_ref)
            if unit_id not in rules_by_unit:
                rules_by_unit[unit_id] = Rules.for_unit(unit_id)
            before = (card.next_deadline, card.next_deadline_label, card.deadline_problem)
            card._compute_deadlines(rules_by_unit[unit_id])
            after = (card.next_deadline, card.next_deadline_label, card.deadline_problem)
            if before != after:
                yield card, after

    @classmethod
    def recompute_deadlines(cls, unit=None) -> int:
        """Store the next deadlines anew where they are stale (a unit's 期限规则 changed, the
        holiday calendar gained a year); the card's version and history stay as they are, for
        nothing the clerk entered changed. The number of cards rewritten."""
        changed = 0
        for card, (due, label, problem) in list(cls.stale_deadlines(unit)):
            cls.objects(pk=card.pk).update(
                set__next_deadline=due,
                set__next_deadline_label=label,
                set__deadline_problem=problem,
            )
            changed += 1
        return changed

    def deadlines(self):
        return card_deadlines(self, Rules.for_unit(self.unit))

    # --- saving: versions and history ---

    def save(self, *args, **kwargs):
        """Save with optimistic locking and a history entry of every change.

        An existing card saves only if nobody saved it since the version it carries was read;
        otherwise ``ConcurrentEdit`` is raised and nothing is written.
        """
        creating = self.pk is None
        if creating:
            self.link_repeats()
            before = None
        else:
            before = CaseCard._get_collection().find_one({"_id": self.pk})
        seen = self.version or 0
        self.version = seen + 1
        if not creating:
            kwargs["save_condition"] = {"version": seen}
        # the card, its number, its history and its list-index row land together (the
        # embedded store); a number is taken only once the card passed its checks
        with store.write_lock(), signals.writing(1 if creating else 0):
            sequence = None
            try:
                if creating and not self.number and self.unit is not None:
                    if kwargs.get("validate", True):
                        self.validate(clean=kwargs.get("clean", True))
                        kwargs["validate"] = False
                    sequence = numbering.assign(self)
                elif creating and self.number and numbering.taken(self):
                    problem = f"编号{self.number}已被本单位另一张卡片使用"
                    raise ValidationError(problem, errors={"number": problem})
                result = super().save(*args, **kwargs)
            except SaveConditionError:
                self.version = seen
                raise ConcurrentEdit(self, seen) from None
            except Exception:
                self.version = seen
                if sequence is not None:
                    numbering.give_back(self, sequence)
                raise
            CaseCardHistory.record(self, before)
            signals.card_saved.send(self)
        return result

    def archive(self):
        self.archived, self.archived_at = True, datetime.datetime.now().replace(microsecond=0)
        self.archived_by = audit.actor()
        self._history_action = "归档"
        return self.save()

    def restore(self):
        self.archived, self.archived_at, self.archived_by = False, None, None
        self._history_action = "恢复"
        return self.save()


# a card's history goes with it; declared here, for the history knows the card by name only
CaseCard.register_delete_rule(CaseCardHistory, "card", CASCADE)
