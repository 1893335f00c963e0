"""Units, their people and leadership groups."""

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
