from django.contrib import admin

from midstream.core.admin import ReadOnlyAdmin, ReadOnlyInline
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply


class ResellerSupplyInline(ReadOnlyInline):
    model = ResellerSupply
    fields = ["distributor", "since", "until", "account_number"]


@admin.register(Reseller)
class ResellerAdmin(ReadOnlyAdmin):
    """Resellers change through network.services (audited); the admin only shows them."""

    list_display = ["partner_id", "name", "country", "city", "tier", "status", "onboarding_stage"]
    list_filter = ["country", "tier", "status", "onboarding_stage"]
    search_fields = ["partner_id", "name", "tax_id", "city", "postal_code"]
    list_select_related = ["recruited_by"]
    inlines = [ResellerSupplyInline]


@admin.register(ResellerSupply)
class ResellerSupplyAdmin(ReadOnlyAdmin):
    list_display = ["reseller", "distributor", "since", "until", "account_number"]
    list_filter = ["distributor"]
    list_select_related = ["reseller", "distributor"]
    search_fields = ["reseller__name", "account_number"]


@admin.register(ResellerAlias)
class ResellerAliasAdmin(ReadOnlyAdmin):
    list_display = ["alias", "reseller", "distributor"]
    list_select_related = ["reseller", "distributor"]
    search_fields = ["alias", "reseller__name"]
