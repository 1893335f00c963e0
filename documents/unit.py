"""Units (单位), their departments, and the people who work in them."""

from mongoengine import (
    DENY,
    NULLIFY,
    BooleanField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    ListField,
    ReferenceField,
    ValidationError,
)

from . import numbering
from .fields import NAME, SHORT, TEXT, DictField, StringField

UNIT_KINDS = (
    "法院",
    "检察院",
    "司法局",
    "公安局",
    "民兵农建营",
    "街道",
    "乡镇",
    "县直部门",
    "其他",
)
DOCUMENT_STYLES = (("2012", "GB/T 9704-2012"), ("1999", "GB/T 9704-1999（主题词、报/发）"))
DEPARTMENT_KINDS = ("股室", "庭室", "部门", "村", "社区", "站所")


class Department(EmbeddedDocument):
    """A 股室 / 庭室 / 部门 of a unit, or a village or community under a township."""

    name = StringField(required=True, max_length=NAME)
    kind = StringField(choices=DEPARTMENT_KINDS, default="部门")
    head = StringField(max_length=NAME)
    phone = StringField(max_length=SHORT)

    def __str__(self):
        return self.name or ""


class Unit(Document):
    """An organisation that runs a campaign: a court, a bureau, a township, a subdistrict."""

    name = StringField(required=True, unique=True, max_length=NAME)
    short_name = StringField(max_length=SHORT)
    # how its own texts refer to it (我院, 我局, 我乡 …); empty: the usual one of its kind
    self_reference = StringField(max_length=SHORT)
    kind = StringField(choices=UNIT_KINDS, default="其他")
    # 发文机关标志: one line per issuing body; several for a joint document
    issuer_marks = ListField(StringField(max_length=NAME))
    # 发文代字, e.g. 隰民农营发, used to build 发文字号
    doc_code = StringField(max_length=SHORT)
    parent = ReferenceField("self", reverse_delete_rule=NULLIFY)
    departments = EmbeddedDocumentListField(Department)
    # the superior bodies it reports to (县委办, 县政府办, 县信访局 …); often not units here
    superiors = ListField(StringField(max_length=NAME))
    address = StringField(max_length=TEXT)
    phone = StringField(max_length=SHORT)
    document_style = StringField(choices=DOCUMENT_STYLES, default="2012")
    even_imprint_page = BooleanField(default=False)  # 版记 on an even page
    case_categories = ListField(StringField(max_length=NAME))  # 问题类别 its cards choose from
    # 一案一卡编号格式, e.g. {发文代字}信〔{年}〕{序号}号 (empty: that default; see numbering)
    card_number_pattern = StringField(max_length=NAME)
    extra = DictField()  # unit-specific content, no schema change needed

    meta = {"collection": "units", "ordering": ["name"], "indexes": ["parent"]}

    def __str__(self):
        return self.short_name or self.name or ""

    def clean(self):
        if self.card_number_pattern is not None:
            self.card_number_pattern = self.card_number_pattern.strip() or None
        if problem := numbering.pattern_problem(self.card_number_pattern):
            raise ValidationError(problem, errors={"card_number_pattern": problem})


class Person(Document):
    """A person of a unit: a leader who receives petitioners, or office staff."""

    name = StringField(required=True, max_length=NAME)
    title = StringField(max_length=NAME)  # 职务
    unit = ReferenceField(Unit, required=True, reverse_delete_rule=DENY)
    department = StringField(max_length=NAME)
    phone = StringField(max_length=SHORT)
    is_leader = BooleanField(default=False)
    extra = DictField()

    meta = {"collection": "people", "ordering": ["unit", "name"], "indexes": ["unit"]}

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else (self.name or "")
