from django.contrib import admin

from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
from midstream.core.admin import ReadOnlyAdmin


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "distributor", "created_at"]
    list_select_related = ["distributor"]
    search_fields = ["number", "title", "distributor__code"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "agreement",
        "version",
        "effective_from",
        "effective_to",
        "currency",
        "commitment_value",
        "ends_agreement",
    ]
    list_select_related = ["agreement"]
    list_filter = ["currency", "payment_terms", "ends_agreement"]
    search_fields = ["agreement__number"]


@admin.register(DiscountLevel)
class DiscountLevelAdmin(ReadOnlyAdmin):
    list_display = ["version", "family", "discount_percent"]
    list_select_related = ["version", "family"]
    search_fields = ["version__agreement__number", "family__code"]
