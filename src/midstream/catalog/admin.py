from django.contrib import admin

from midstream.catalog.models import DistributorPartNumber, Product, ProductFamily, UnitConversion
from midstream.core.admin import ReadOnlyAdmin, ReadOnlyInline


class UnitConversionInline(ReadOnlyInline):
    model = UnitConversion
    fields = ["unit", "factor"]


@admin.register(ProductFamily)
class ProductFamilyAdmin(ReadOnlyAdmin):
    """Families change through catalog.services (audited)."""

    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    """Products and their list prices change through catalog.services (audited)."""

    list_display = ["sku", "description", "family", "list_price", "currency", "status"]
    list_filter = ["status", "currency", "family"]
    list_select_related = ["family"]
    search_fields = ["sku", "gtin", "description"]
    inlines = [UnitConversionInline]


@admin.register(UnitConversion)
class UnitConversionAdmin(ReadOnlyAdmin):
    list_display = ["product", "unit", "factor"]
    list_select_related = ["product"]


@admin.register(DistributorPartNumber)
class DistributorPartNumberAdmin(ReadOnlyAdmin):
    list_display = ["part_number", "distributor", "product", "unit"]
    list_filter = ["distributor"]
    list_select_related = ["distributor", "product"]
    search_fields = ["part_number", "product__sku"]
