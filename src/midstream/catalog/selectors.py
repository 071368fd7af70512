"""Catalog reads. Products and families are vendor-wide; part numbers are distributor-owned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from midstream.catalog.models import (
    DistributorPartNumber,
    Product,
    ProductFamily,
    UnitConversion,
)
from midstream.catalog.services import PRICE_ACTIONS
from midstream.core.scoping import Scope, get_in_scope
from midstream.core.selectors import audit_records


def products() -> QuerySet[Product]:
    return Product.objects.select_related("family")


def get_product(pk) -> Product:
    return get_object_or_404(products(), pk=pk)


def families() -> QuerySet[ProductFamily]:
    return ProductFamily.objects.annotate(product_count=Count("products"))


def get_family(pk) -> ProductFamily:
    return get_object_or_404(ProductFamily, pk=pk)


def family_choices() -> list[tuple[str, str]]:
    return [(str(pk), code) for pk, code in ProductFamily.objects.values_list("pk", "code")]


def part_numbers_for(scope: Scope) -> QuerySet[DistributorPartNumber]:
    """Part numbers ``scope`` may see: all for vendor staff, a distributor's own otherwise."""
    return DistributorPartNumber.objects.for_scope(scope).select_related("product", "distributor")


def get_part_number(scope: Scope, pk) -> DistributorPartNumber:
    return get_in_scope(
        DistributorPartNumber.objects.unscoped().select_related("product", "distributor"),
        scope,
        pk=pk,
    )


def conversion_table(product: Product) -> dict[str, int]:
    """``{unit: base units}`` for ``calc.base_quantity``, the base unit itself included."""
    table = {product.unit_of_measure: 1}
    table.update(product.conversions.values_list("unit", "factor"))
    return table


def conversion_tables(product_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``conversion_table`` for many products in two queries (for ingestion and reports)."""
    ids = list(product_ids)
    tables = {
        pk: {unit: 1}
        for pk, unit in Product.objects.filter(pk__in=ids).values_list("pk", "unit_of_measure")
    }
    for product_id, unit, factor in UnitConversion.objects.filter(product_id__in=ids).values_list(
        "product_id", "unit", "factor"
    ):
        tables[product_id][unit] = factor
    return tables


@dataclass(frozen=True)
class PriceChange:
    at: dt.datetime
    before: Decimal | None
    after: Decimal
    currency: str
    actor_label: str
    reason: str


def price_history(product: Product) -> list[PriceChange]:
    """Every list price the product has had, newest first, from its audit records."""
    records = audit_records(object_type="catalog.product", object_id=str(product.pk)).filter(
        action__in=PRICE_ACTIONS
    )
    history = []
    currency = product.currency
    for record in records.order_by("-at", "-id"):
        change = record.changes.get("list_price")
        if change is None:
            continue
        currency_change = record.changes.get("currency")
        before, after = change
        history.append(
            PriceChange(
                at=record.at,
                before=Decimal(before) if before is not None else None,
                after=Decimal(after),
                currency=currency_change[1] if currency_change else currency,
                actor_label=record.actor_label,
                reason=record.reason,
            )
        )
        if currency_change and currency_change[0]:
            currency = currency_change[0]
    return history


def product_by_sku(sku: str) -> Product | None:
    return Product.objects.filter(sku__iexact=(sku or "").strip()).first()


def part_numbers_of(product: Product, scope: Scope) -> QuerySet[DistributorPartNumber]:
    """The part numbers mapped to ``product`` that ``scope`` may see."""
    return (
        DistributorPartNumber.objects.for_scope(scope)
        .filter(product=product)
        .select_related("distributor")
        .order_by("distributor__code", "part_number", "pk")
    )


def distributor_choices() -> list[tuple[str, str]]:
    """(id, code) of every distributor, for vendor staff's filters."""
    from midstream.partners.models import Distributor

    return [
        (str(pk), code)
        for pk, code in Distributor.objects.unscoped().order_by("code").values_list("pk", "code")
    ]
