"""Leadership groups (领导小组) and their offices (办公室)."""

from mongoengine import (
    DENY,
    NULLIFY,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    ListField,
    ReferenceField,
)
from mongoengine import signals as mongoengine_signals

from .fields import NAME, TEXT, StringField
from .unit import Person, Unit

MEMBER_ROLES = ("组长", "副组长", "成员")


class GroupMember(EmbeddedDocument):
    """One line of the group list: 组长：杨立平（农建营党支部书记）."""

    role = StringField(required=True, choices=MEMBER_ROLES, default="成员")
    name = StringField(required=True, max_length=NAME)
    title = StringField(max_length=NAME)  # as printed in brackets after the name
    person = ReferenceField(Person)

    def __str__(self):
        return f"{self.role}：{self.name}" + (f"（{self.title}）" if self.title else "")


class LeadershipGroup(Document):
    """The group that runs a campaign, with the office it sets up and that office's duties."""

    unit = ReferenceField(Unit, required=True, reverse_delete_rule=DENY)
    plan = ReferenceField("Plan", reverse_delete_rule=NULLIFY)
    name = StringField(required=True, max_length=NAME, default="领导干部大接访活动领导小组")
    members = EmbeddedDocumentListField(GroupMember)
    office_name = StringField(max_length=NAME, default="领导小组办公室")
    office_director = StringField(max_length=NAME)  # 主任
    office_director_title = StringField(max_length=NAME)  # e.g. 副营长（兼）
    office_duties = ListField(StringField(max_length=TEXT))

    meta = {"collection": "leadership_groups", "indexes": ["unit", "plan"]}

    def __str__(self):
        return self.name or ""

    def members_in(self, role):
        return [m for m in self.members if m.role == role]


def _person_saved(sender, document, **kwargs):
    """A person saved: the leadership groups that list this person take the new name and
    title, so the printed group (plan_parts) never says an old one."""
    for group in LeadershipGroup.objects(members__person=document):
        changed = False
        for member in group.members:
            if member.person is not None and member.person.pk == document.pk:
                if (member.name, member.title) != (document.name, document.title):
                    member.name, member.title = document.name, document.title
                    changed = True
        if changed:
            group.save()


mongoengine_signals.post_save.connect(_person_saved, sender=Person, weak=False)
