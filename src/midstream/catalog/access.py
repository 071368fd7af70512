"""Access rules of the catalog pages and API (see ``core.access``).

Products and families are vendor-wide: every role with ``VIEW_PRODUCTS`` sees the same ones,
so their rules are ``shared`` (requested once, never as "another distributor's object").
Part numbers are distributor-owned and use the ordinary object-bound rules.
"""

from dataclasses import replace

from midstream.accounts.permissions import Perm
from midstream.core.access import Access, api, page


def shared(rule: Access) -> Access:
    return replace(rule, shared=True)


def _product(cast):
    return {"pk": cast.product.pk}


def _family(cast):
    return {"pk": cast.family.pk}


def _part_number(cast):
    return {"pk": cast.part_number.pk}


def _api_product(cast):
    return {"product_id": cast.product.pk}


def _conversion(cast):
    return {"pk": cast.product.pk, "unit": "BX"}


def _api_conversion(cast):
    return {"product_id": cast.product.pk, "unit": "BX"}


def _api_family(cast):
    return {"family_id": cast.family.pk}


SHARED_OBJECTS = (_product, _family, _api_product, _conversion, _api_conversion, _api_family)


API_DELETED = frozenset({204})

_RULES = [
    page("catalog:product_list", Perm.VIEW_PRODUCTS),
    page("catalog:product_list", Perm.VIEW_PRODUCTS, query="export=csv"),
    page("catalog:product_list", Perm.VIEW_PRODUCTS, query="export=xlsx"),
    page("catalog:product_detail", Perm.VIEW_PRODUCTS, kwargs=_product),
    page("catalog:product_create", Perm.CHANGE_PRODUCTS, vendor_only=True),
    page("catalog:product_create", Perm.CHANGE_PRODUCTS, vendor_only=True, method="POST"),
    page("catalog:product_edit", Perm.CHANGE_PRODUCTS, vendor_only=True, kwargs=_product),
    page(
        "catalog:product_edit",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="POST",
        kwargs=_product,
    ),
    page("catalog:product_price", Perm.CHANGE_PRICES, vendor_only=True, kwargs=_product),
    page(
        "catalog:product_price",
        Perm.CHANGE_PRICES,
        vendor_only=True,
        method="POST",
        kwargs=_product,
    ),
    page(
        "catalog:product_conversion_set",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="POST",
        kwargs=_product,
    ),
    page(
        "catalog:product_conversion_remove",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="POST",
        kwargs=_conversion,
    ),
    page("catalog:family_list", Perm.VIEW_PRODUCTS),
    page("catalog:family_list", Perm.VIEW_PRODUCTS, query="export=csv"),
    page("catalog:family_detail", Perm.VIEW_PRODUCTS, kwargs=_family),
    page("catalog:family_create", Perm.CHANGE_PRODUCTS, vendor_only=True),
    page("catalog:family_create", Perm.CHANGE_PRODUCTS, vendor_only=True, method="POST"),
    page("catalog:family_edit", Perm.CHANGE_PRODUCTS, vendor_only=True, kwargs=_family),
    page(
        "catalog:family_edit",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="POST",
        kwargs=_family,
    ),
    page("catalog:part_number_list", Perm.VIEW_PRODUCTS),
    page("catalog:part_number_list", Perm.VIEW_PRODUCTS, query="export=csv"),
    page("catalog:part_number_create", Perm.CHANGE_PRODUCTS, vendor_only=True),
    page("catalog:part_number_create", Perm.CHANGE_PRODUCTS, vendor_only=True, method="POST"),
    page(
        "catalog:part_number_remove",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="POST",
        kwargs=_part_number,
    ),
    api("product_list", Perm.VIEW_PRODUCTS),
    api("product_get", Perm.VIEW_PRODUCTS, kwargs=_api_product),
    api("product_create", Perm.CHANGE_PRODUCTS, vendor_only=True, method="POST"),
    api(
        "product_update",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="PATCH",
        kwargs=_api_product,
    ),
    api(
        "product_change_price",
        Perm.CHANGE_PRICES,
        vendor_only=True,
        method="POST",
        kwargs=_api_product,
    ),
    api("product_price_history", Perm.VIEW_PRODUCTS, kwargs=_api_product),
    api(
        "product_conversion_set",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="PUT",
        kwargs=_api_conversion,
    ),
    api(
        "product_conversion_delete",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="DELETE",
        kwargs=_api_conversion,
        ok=frozenset({204, 404}),  # the cast's product has no BX conversion
    ),
    api("product_family_list", Perm.VIEW_PRODUCTS),
    api("product_family_get", Perm.VIEW_PRODUCTS, kwargs=_api_family),
    api("product_family_create", Perm.CHANGE_PRODUCTS, vendor_only=True, method="POST"),
    api(
        "product_family_update",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="PATCH",
        kwargs=_api_family,
    ),
    api("part_number_list", Perm.VIEW_PRODUCTS),
    api(
        "part_number_get",
        Perm.VIEW_PRODUCTS,
        kwargs=lambda cast: {"part_number_id": cast.part_number.pk},
    ),
    api("part_number_create", Perm.CHANGE_PRODUCTS, vendor_only=True, method="POST"),
    api(
        "part_number_delete",
        Perm.CHANGE_PRODUCTS,
        vendor_only=True,
        method="DELETE",
        kwargs=lambda cast: {"part_number_id": cast.part_number.pk},
        ok=API_DELETED,
    ),
]

RULES = [shared(rule) if rule.kwargs in SHARED_OBJECTS else rule for rule in _RULES]
