from django.contrib import admin

from .models import Card


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "registered_on",
        "petitioner",
        "subject",
        "case_type",
        "source",
        "step",
        "next_deadline",
        "department",
        "outcome",
        "unit",
    )
    list_select_related = ("unit",)
    list_filter = ("unit", "status", "source", "case_type")
    search_fields = ("number", "petitioner", "subject", "category", "department")
    list_per_page = 50
    show_full_result_count = True
