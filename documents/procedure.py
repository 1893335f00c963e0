"""A unit's procedure for case cards: the steps a petition goes through and the allowed moves."""

from mongoengine import (
    CASCADE,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    ListField,
    ReferenceField,
    ValidationError,
)

from .fields import NAME, TEXT, StringField
from .plan import Plan
from .unit import Unit

DEFAULT_STEPS = ("登记", "分类", "办理", "答复", "办结")
ARROW = "→"


class ProcedureState(EmbeddedDocument):
    name = StringField(required=True, max_length=NAME)
    description = StringField(max_length=TEXT)

    def __str__(self):
        return self.name


class CaseProcedure(Document):
    """The steps of a unit's case cards; moves as "申请→登记" (none given: each step to the next
    and back to the one before)."""

    unit = ReferenceField(Unit, required=True, unique=True, reverse_delete_rule=CASCADE)
    steps = EmbeddedDocumentListField(ProcedureState)
    moves = ListField(StringField(max_length=NAME * 2 + 1))

    meta = {"collection": "case_procedures"}

    def __str__(self):
        return ARROW.join(s.name for s in self.steps)

    def clean(self):
        names = [s.name for s in self.steps]
        problems = []
        if not names:
            problems.append("至少要有一个步骤")
        if len(set(names)) != len(names):
            problems.append("步骤名称有重复")
        for move in self.moves:
            parts = [p.strip() for p in move.replace("->", ARROW).split(ARROW)]
            if len(parts) != 2 or not all(parts):
                problems.append(f"“{move}”应写成“步骤{ARROW}步骤”")
            elif any(p not in names for p in parts):
                problems.append(f"“{move}”中有未定义的步骤")
        if problems:
            raise ValidationError("；".join(problems), errors={"moves": "；".join(problems)})


class Procedure:
    """The steps and moves in force for a unit."""

    def __init__(self, steps, moves):
        self.steps = list(steps)
        self.moves = moves  # step → steps it may move to

    @classmethod
    def for_unit(cls, unit) -> "Procedure":
        stored = CaseProcedure.objects(unit=unit).first() if unit is not None else None
        if stored and stored.steps:
            steps = [s.name for s in stored.steps]
            explicit = [m.replace("->", ARROW).split(ARROW) for m in stored.moves]
            if explicit:
                moves = {step: [] for step in steps}
                for source, target in explicit:
                    moves[source.strip()].append(target.strip())
                return cls(steps, moves)
            return cls(steps, _linear(steps))
        steps = _plan_steps(unit) or list(DEFAULT_STEPS)
        return cls(steps, _linear(steps))

    @property
    def first(self):
        return self.steps[0]

    def allowed(self, current):
        """The steps a card at ``current`` may be moved to (itself included)."""
        if current not in self.steps:
            return list(self.steps)  # a step the procedure no longer has: any step
        return [current, *[s for s in self.moves.get(current, []) if s != current]]

    def problem(self, current, wanted):
        """Why a move is not allowed, or None."""
        if not wanted or wanted == current:
            return None
        if wanted not in self.steps:
            return f"“{wanted}”不是本单位程序中的步骤"
        if current is None:
            return None if wanted == self.first else f"新登记的信访事项应从“{self.first}”开始"
        if wanted not in self.allowed(current):
            allowed = "、".join(s for s in self.allowed(current) if s != current) or "无"
            return f"不能从“{current}”直接转到“{wanted}”（可转到：{allowed}）"
        return None


def _linear(steps):
    moves = {}
    for index, step in enumerate(steps):
        moves[step] = []
        if index + 1 < len(steps):
            moves[step].append(steps[index + 1])
        if index > 0:
            moves[step].append(steps[index - 1])
    return moves


def _plan_steps(unit):
    if unit is None:
        return []
    for plan in Plan.objects(unit=unit).only("procedure").order_by("-date_written"):
        if plan.procedure:
            return [step.name for step in plan.procedure]
    return []
