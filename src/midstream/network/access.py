"""Access rules of the reseller pages and API (see ``core.access``)."""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page


def _reseller(cast):
    return {"pk": cast.reseller.pk}


def _alias(cast):
    return {"pk": cast.alias.pk}


def _supply(cast):
    return {"pk": cast.supply.pk}


API_DELETED = frozenset({204})

RULES = [
    page("network:reseller_list", Perm.VIEW_RESELLERS),
    page("network:reseller_list", Perm.VIEW_RESELLERS, query="export=csv"),
    page("network:reseller_list", Perm.VIEW_RESELLERS, query="export=xlsx"),
    page("network:reseller_detail", Perm.VIEW_RESELLERS, kwargs=_reseller),
    page("network:reseller_create", Perm.CHANGE_RESELLERS, vendor_only=True),
    page("network:reseller_create", Perm.CHANGE_RESELLERS, vendor_only=True, method="POST"),
    page("network:reseller_edit", Perm.CHANGE_RESELLERS, vendor_only=True, kwargs=_reseller),
    page(
        "network:reseller_edit",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=_reseller,
    ),
    page(
        "network:reseller_stage",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=_reseller,
    ),
    page(
        "network:reseller_alias_add",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=_reseller,
    ),
    page(
        "network:reseller_alias_remove",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=_alias,
    ),
    page(
        "network:reseller_supply_add",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=_reseller,
    ),
    page(
        "network:reseller_supply_end",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=_supply,
    ),
    page(
        "network:reseller_supply_remove",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=_supply,
    ),
    api("reseller_list", Perm.VIEW_RESELLERS),
    api("reseller_get", Perm.VIEW_RESELLERS, kwargs=lambda cast: {"reseller_id": cast.reseller.pk}),
    api("reseller_create", Perm.CHANGE_RESELLERS, vendor_only=True, method="POST"),
    api(
        "reseller_update",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="PATCH",
        kwargs=lambda cast: {"reseller_id": cast.reseller.pk},
    ),
    api(
        "reseller_advance_stage",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=lambda cast: {"reseller_id": cast.reseller.pk},
    ),
    api(
        "reseller_alias_create",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=lambda cast: {"reseller_id": cast.reseller.pk},
    ),
    api(
        "reseller_alias_delete",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="DELETE",
        kwargs=lambda cast: {"alias_id": cast.alias.pk},
        ok=API_DELETED,
    ),
    api(
        "reseller_supply_create",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=lambda cast: {"reseller_id": cast.reseller.pk},
    ),
    api(
        "reseller_supply_end",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="POST",
        kwargs=lambda cast: {"supply_id": cast.supply.pk},
    ),
    api(
        "reseller_supply_delete",
        Perm.CHANGE_RESELLERS,
        vendor_only=True,
        method="DELETE",
        kwargs=lambda cast: {"supply_id": cast.supply.pk},
        ok=API_DELETED,
    ),
]
