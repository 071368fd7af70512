from django.contrib import admin

from midstream.core.admin import ReadOnlyAdmin
from midstream.sales.models import SellInImport, SellInLine


@admin.register(SellInImport)
class SellInImportAdmin(ReadOnlyAdmin):
    """Imports are written by ``sales.services.import_sellin`` only."""

    list_display = [
        "created_at",
        "file_name",
        "source",
        "actor",
        "rows_read",
        "rows_inserted",
        "rows_already_present",
    ]
    list_filter = ["source"]
    search_fields = ["file_name", "content_sha256"]
    list_select_related = ["actor"]


@admin.register(SellInLine)
class SellInLineAdmin(ReadOnlyAdmin):
    """Sell-in lines are facts: never edited, corrected by new invoice lines."""

    list_display = [
        "invoice_date",
        "distributor",
        "invoice_number",
        "line_number",
        "product",
        "quantity",
        "unit_net_price",
        "currency",
        "net_amount",
    ]
    list_filter = ["currency"]
    search_fields = ["invoice_number", "product__sku", "distributor__code"]
    list_select_related = ["distributor", "product"]
    date_hierarchy = "invoice_date"
