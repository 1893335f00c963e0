"""Units, their people and leadership groups."""

from flask_babel import lazy_gettext as _l

from .base import XinfangModelView, _unit_filter


class UnitView(XinfangModelView):
    column_list = ("name", "short_name", "kind", "doc_code", "parent", "document_style")
    column_searchable_list = ("name", "short_name", "doc_code")
    column_filters = ("kind", "document_style")
    form_columns = (
        "name",
        "short_name",
        "kind",
        "parent",
        "issuer_marks",
        "doc_code",
        "card_number_pattern",
        "self_reference",
        "document_style",
        "even_imprint_page",
        "superiors",
        "case_categories",
        "departments",
        "address",
        "phone",
        "extra",
    )
    form_args = {
        "card_number_pattern": {
            "description": _l(
                "新登记的卡片按此格式自动编号，同一单位每年从1号起连续编号。可用占位符："
                "{发文代字}（以“发”结尾的发文代字去掉“发”）、{单位}、{年}、{序号}；"
                "留空即用默认格式 {发文代字}信〔{年}〕{序号}号。"
            )
        }
    }


class PersonView(XinfangModelView):
    column_list = ("name", "title", "unit", "department", "phone", "is_leader")
    column_searchable_list = ("name", "title", "department", "phone")
    column_filters = ("is_leader", "department")

    def __init__(self, *args, **kwargs):
        self.column_filters = (*self.column_filters, _unit_filter())
        super().__init__(*args, **kwargs)


class LeadershipGroupView(XinfangModelView):
    column_list = ("name", "unit", "office_director", "members")
    column_searchable_list = ("name", "office_director")
    form_columns = (
        "unit",
        "plan",
        "name",
        "members",
        "office_name",
        "office_director",
        "office_director_title",
        "office_duties",
    )

    def __init__(self, *args, **kwargs):
        self.column_filters = (_unit_filter(),)
        super().__init__(*args, **kwargs)
